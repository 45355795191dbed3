// DbUrl: a database named as a data source (docs/api.md "Data sources"):
//   postgresql://USER[:PASS]@HOST[:PORT]/DB?table=NAME[&mode=snapshot|pushdown][&key=COLUMN]
//   mysql://USER[:PASS]@HOST[:PORT]/DB?table=NAME[...]
// (also postgres://). The password may come from PGPASSWORD / MYSQL_PWD instead. A DbUrl
// never prints its password: Redacted() is what logs, pages and messages show.
// Thread-safety: a plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace keeta::sql {

struct DbUrl {
  enum class Kind { kPostgres, kMySql };
  enum class Mode { kSnapshot, kPushdown };

  Kind kind = Kind::kPostgres;
  std::string user;
  std::string password;  // "" = none (or the environment's)
  std::string host;      // "" = the client library's default (a local socket)
  std::optional<std::uint16_t> port;
  std::string database;
  std::string schema;  // "" = the connection's default schema / database
  std::string table;
  Mode mode = Mode::kSnapshot;
  std::string key;  // an integer column that only grows: refreshes read only new rows

  // The URL without its password, e.g. `postgresql://keeta@127.0.0.1:5432/ops?table=chats`.
  std::string Redacted() const;
  // How pages and the API name the data: `ops.chats (PostgreSQL)`.
  std::string Label() const;
  // "PostgreSQL" or "MySQL".
  std::string_view KindName() const;
  // The table as written in the URL (`schema.table` or `table`).
  std::string QualifiedTable() const;
};

// True when `data` names a database (starts with a known scheme), not a file.
bool IsDbUrl(std::string_view data);

// Parses a database URL. Percent-escapes in the user, password and database are decoded.
// An unknown parameter, a missing table, a bad port or mode is an Error (param "data");
// the message never holds the password.
Result<DbUrl> ParseDbUrl(std::string_view text);

// `message` with every occurrence of the URL's password replaced by `****`: for texts a
// client library composed (they may quote a connection string).
std::string WithoutPassword(std::string message, const DbUrl& url);

}  // namespace keeta::sql
