// SQL text Keeta writes itself: identifiers quoted by each dialect's rule. Only the names
// of the URL's table, its own columns and Keeta's own tables are ever quoted here; values
// always travel as parameters.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "store/sql/db_url.h"

namespace keeta::sql {

inline std::string Quote(DbUrl::Kind dialect, std::string_view name) {
  const char q = dialect == DbUrl::Kind::kPostgres ? '"' : '`';
  std::string out(1, q);
  for (const char c : name) {
    if (c == q) out += q;
    out += c;
  }
  return out + q;
}

// The URL's table, qualified by its schema (MySQL: its database) when it has one.
inline std::string QuotedTable(const DbUrl& url) {
  if (url.kind == DbUrl::Kind::kPostgres) {
    return (url.schema.empty() ? "" : Quote(url.kind, url.schema) + ".") + Quote(url.kind, url.table);
  }
  return Quote(url.kind, url.schema.empty() ? url.database : url.schema) + "." + Quote(url.kind, url.table);
}

}  // namespace keeta::sql
