// What `keeta import` and `keeta db setup` do to a database: write a loaded table into it,
// and install the change notification that keeps a snapshot fresh without polling.
// Thread-safety: stateless functions; each opens its own connection.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/parsed_table.h"
#include "core/result.h"
#include "store/sql/db_url.h"

namespace keeta::sql {

// Creates the URL's table with the table's known columns (day as a date, names as text,
// measures as double precision; absent columns left out) and fills it (PostgreSQL: in one
// transaction; MySQL's CREATE and DROP commit by themselves).
// An existing table is an Error unless `replace` (then it is dropped first). PostgreSQL
// fills it with COPY, MySQL with LOAD DATA LOCAL INFILE (the server must allow
// local_infile, MariaDB's default). Returns the rows written.
Result<std::uint64_t> ImportTable(const DbUrl& url, const ParsedTable& table, bool replace);

// PostgreSQL: a statement trigger on the URL's table that notifies channel kChangeChannel
// with `schema.table:OPERATION`; a running `keeta serve` then reloads at once. MySQL has no
// such mechanism: an Error that says the timer check is used.
std::optional<Error> SetupNotifications(const DbUrl& url);

// One statement and its values, bound as text ($1, $2, ... for PostgreSQL, ? for MySQL).
struct SqlStatement {
  std::string sql;
  std::vector<std::string> params;
};

// Runs `statements` in order; PostgreSQL in one transaction (MySQL's DDL commits by itself).
std::optional<Error> RunStatements(const DbUrl& url, const std::vector<SqlStatement>& statements);

// A table that Keeta writes whole (the rollup): its columns, its indexes, and its rows as
// import text (store/sql/import_text.h), a chunk at a time.
struct TableFill {
  // kDayFlags: a string of '0' and '1', one a day, read with SUBSTRING and POSITION.
  enum class Type { kInteger, kNumber, kDate, kName, kDayFlags };
  struct Column {
    std::string name;
    Type type;
  };
  std::string name;  // in the URL's schema
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> indexes;  // each a list of column names
  // Appends the next rows (each ending in '\n') to `chunk`; false once none is left.
  std::function<bool(std::string& chunk)> next;
};

// Replaces `tables` (created when missing) with their new rows, then runs `finish`, so that
// a reader sees the old tables or the new ones, never a mix: PostgreSQL in one transaction,
// MySQL by writing them under new names and swapping them in with one RENAME TABLE (then
// `finish`). MySQL names (kName) are at most 255 characters.
// When `stop` turns true, nothing is replaced (an Error says so).
std::optional<Error> ReplaceTables(const DbUrl& url, std::vector<TableFill>& tables,
                                   const SqlStatement& finish, const std::atomic<bool>* stop = nullptr);

inline constexpr const char* kChangeChannel = "keeta_changes";
inline constexpr const char* kTriggerName = "keeta_notify";

}  // namespace keeta::sql
