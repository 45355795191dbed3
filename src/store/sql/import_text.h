// What `keeta import` writes into a database: the loaded table's known columns, and its
// rows as the tab-separated text that both PostgreSQL's COPY ... FROM STDIN and MySQL's
// LOAD DATA read (`\N` for NULL, backslash escapes for `\`, tab, newline, CR and NUL).
// Thread-safety: stateless functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/parsed_table.h"

namespace keeta::sql {

struct ImportColumn {
  enum class Kind { kDate, kText, kNumber };
  std::string_view name;
  Kind kind;
};

// The known columns present in `table`, in schema order: day, the names, the measures.
std::vector<ImportColumn> ImportColumns(const ParsedTable& table);

// Appends `text` with those escapes.
void AppendEscapedText(std::string& out, std::string_view text);

// Appends row `row` of `table` (those columns, in that order) and its newline to `out`.
void AppendRowText(const ParsedTable& table, std::size_t row, std::string& out);

}  // namespace keeta::sql
