#include "store/sql/import_text.h"

#include <cmath>
#include <fmt/format.h>
#include <iterator>

#include "core/date.h"
#include "core/schema.h"

namespace keeta::sql {

void AppendEscapedText(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\0': out += "\\0"; break;
      default: out += c;
    }
  }
}

std::vector<ImportColumn> ImportColumns(const ParsedTable& table) {
  std::vector<ImportColumn> columns;
  if (table.has_day) columns.push_back({kDayColumn, ImportColumn::Kind::kDate});
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (table.names[d].present) columns.push_back({kDimensionColumns[d], ImportColumn::Kind::kText});
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (table.measures[m]) columns.push_back({kMeasures[m].column, ImportColumn::Kind::kNumber});
  }
  return columns;
}

void AppendRowText(const ParsedTable& table, std::size_t row, std::string& out) {
  bool first = true;
  auto next = [&] {
    if (!first) out += '\t';
    first = false;
  };
  if (table.has_day) {
    next();
    if (table.day[row] == kNoDay) out += "\\N"; else out += FormatDay(table.day[row]);
  }
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (!table.names[d].present) continue;
    next();
    const std::string& name = table.names[d].names[table.names[d].codes[row]];
    if (name.empty()) out += "\\N"; else AppendEscapedText(out, name);
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (!table.measures[m]) continue;
    next();
    const double v = (*table.measures[m])[row];
    // The shortest text that reads back as the same double.
    if (std::isnan(v)) out += "\\N"; else fmt::format_to(std::back_inserter(out), "{}", v);
  }
  out += '\n';
}

}  // namespace keeta::sql
