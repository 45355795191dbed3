// DbClient: what a snapshot source needs of one database — the table's columns, its rows
// as text cells, and cheap checks for change — with PostgreSQL (libpq) and MySQL/MariaDB
// (MariaDB Connector/C) behind it. Every identifier is quoted by the client library's
// rules and comes from the URL (validated by ParseDbUrl); no value is ever spliced into
// SQL but integers the client formats itself (key bounds).
// Thread-safety: none; one thread at a time (the source's loader thread).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/sql/db_url.h"

namespace keeta::sql {

// One row: the cells in column order, a NULL as "" (a missing cell, as in a CSV file).
using RowSink = std::function<void(const std::vector<std::string_view>& cells)>;

// Rows whose key is in (after, upto]; an unset bound is open.
struct KeyRange {
  std::optional<std::int64_t> after;
  std::optional<std::int64_t> upto;
};

// What one consistent read of the table saw: its row count and largest key (key mode).
struct TableState {
  std::uint64_t rows = 0;
  std::optional<std::int64_t> max_key;
};

// A column's type as pushdown reads it (numbers and days typed; anything else text).
enum class ColumnType { kNumber, kDate, kText };
struct ColumnInfo {
  std::string name;
  ColumnType type = ColumnType::kText;
};

// The kind of one result column of Select, and one cell of it (null: SQL NULL).
enum class CellKind { kText, kInteger, kNumber };
struct Cell {
  std::string_view text;
  std::int64_t integer = 0;
  double number = 0;
  bool null = true;
};
using CellSink = std::function<void(std::span<const Cell> cells)>;

class DbClient {
 public:
  virtual ~DbClient() = default;

  // Connects (or checks the connection still works). Errors never hold the password.
  virtual std::optional<Error> Connect() = 0;
  virtual void Disconnect() = 0;

  // Opens a read that sees one consistent snapshot of the table until EndRead.
  virtual std::optional<Error> BeginRead() = 0;
  virtual void EndRead() = 0;

  // The table's column names, in order; and an estimate of its rows (for reserving).
  virtual Result<std::vector<std::string>> Columns() = 0;
  virtual std::uint64_t EstimateRows() = 0;
  // The columns with their types, in order.
  virtual Result<std::vector<ColumnInfo>> DescribeColumns() = 0;
  // Runs one statement whose values are all in `params` (bound as text; placeholders $1,
  // $2, ... for PostgreSQL, ? for MySQL); its result columns are of `kinds`, in order.
  virtual std::optional<Error> Select(const std::string& sql, const std::vector<std::string>& params,
                                      std::span<const CellKind> kinds, const CellSink& sink) = 0;
  // The largest key (key mode), and the row count when `count_rows` (a scan), as seen by
  // the current read.
  virtual Result<TableState> State(bool count_rows) = 0;
  // Streams the rows in `range` (key mode) or all rows, in the table's order.
  virtual std::optional<Error> ReadRows(const KeyRange& range, const RowSink& sink) = 0;

  // A short text that changes whenever the table's contents may have changed; with
  // `upto`, over the rows whose key is at most that (key mode: were the old rows touched?).
  virtual Result<std::string> ChangeToken(std::optional<std::int64_t> upto = std::nullopt) = 0;

  // Change notifications (PostgreSQL LISTEN, after `keeta db setup`): true when they are
  // set up for this table; then Notifications() is cheap and ChangeToken is not needed.
  virtual bool Listening() = 0;
  struct Notified {
    bool any = false;
    bool only_inserts = true;
  };
  // Drains the notifications that arrived (non-blocking).
  virtual Result<Notified> Notifications() = 0;
  // A descriptor that turns readable when a notification may have arrived; -1 if none.
  virtual int NotificationFd() const = 0;
};

std::unique_ptr<DbClient> MakePostgresClient(const DbUrl& url);
std::unique_ptr<DbClient> MakeMySqlClient(const DbUrl& url);
std::unique_ptr<DbClient> MakeDbClient(const DbUrl& url);

}  // namespace keeta::sql
