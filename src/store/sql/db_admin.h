// What `keeta import` and `keeta db setup` do to a database: write a loaded table into it,
// and install the change notification that keeps a snapshot fresh without polling.
// Thread-safety: stateless functions; each opens its own connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

inline constexpr const char* kChangeChannel = "keeta_changes";
inline constexpr const char* kTriggerName = "keeta_notify";

}  // namespace keeta::sql
