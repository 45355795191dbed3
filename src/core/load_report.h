// LoadReport: what loading a data source found — rows, missing columns, junk cells.
// Shown on the page and in the API's "data" block. Thread-safety: plain value type.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "core/schema.h"

namespace keeta {

struct LoadReport {
  std::string source;            // what was loaded, e.g. the CSV path
  std::string loaded_at;         // UTC, ISO 8601 (`2026-01-05T10:00:00Z`)
  std::size_t rows_loaded = 0;   // data rows kept (blank lines are not rows)
  std::vector<std::string> missing_columns;          // known columns absent from the header
  std::array<std::size_t, kMeasureCount> invalid_cells{};  // per measure: unparseable cells
  std::size_t missing_days = 0;  // rows whose day is empty or unreadable (day column present)
  std::vector<std::string> scaled_percent_columns;  // fraction columns multiplied by 100
  std::size_t blank_lines = 0;   // skipped
  std::size_t short_rows = 0;    // rows with fewer fields than the header (padded with empties)
  std::size_t long_rows = 0;     // rows with more fields than the header (extras ignored)

  // Human-readable lines, e.g. "column 'csat': 3 invalid values". Stable order.
  std::vector<std::string> Warnings() const;
};

}  // namespace keeta
