#include "core/load_report.h"

#include <fmt/format.h>

namespace keeta {

namespace {

// "1 row" / "3 rows".
std::string Count(std::size_t n, const char* singular, const char* plural) {
  return fmt::format("{} {}", n, n == 1 ? singular : plural);
}

}  // namespace

std::vector<std::string> LoadReport::Warnings() const {
  std::vector<std::string> out;
  if (!missing_columns.empty()) {
    out.push_back(fmt::format("missing columns: {}", fmt::join(missing_columns, ", ")));
  }
  for (std::size_t i = 0; i < kMeasureCount; ++i) {
    if (invalid_cells[i] == 0) continue;
    out.push_back(fmt::format("column '{}': {}", kMeasures[i].column,
                              Count(invalid_cells[i], "invalid value", "invalid values")));
  }
  if (missing_days > 0) {
    out.push_back(Count(missing_days, "row with a missing or unreadable day",
                        "rows with a missing or unreadable day"));
  }
  for (const std::string& column : scaled_percent_columns) {
    out.push_back(fmt::format("column '{}' given as fractions: scaled to percent", column));
  }
  if (short_rows > 0) {
    out.push_back(Count(short_rows, "short row padded with empty fields",
                        "short rows padded with empty fields"));
  }
  if (long_rows > 0) {
    out.push_back(Count(long_rows, "long row: extra fields ignored",
                        "long rows: extra fields ignored"));
  }
  if (blank_lines > 0) {
    out.push_back(Count(blank_lines, "blank line skipped", "blank lines skipped"));
  }
  if (rows_loaded == 0) out.push_back("no data rows");
  return out;
}

}  // namespace keeta
