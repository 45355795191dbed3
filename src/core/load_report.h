// LoadReport: what loading a data source found — rows, missing columns, junk cells, and
// which spreadsheet rules were applied — each note with where (line numbers and the values
// found there) and what was expected. Shown on the page, in the API's "data" block and by
// the CLI. Thread-safety: plain value type.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "core/schema.h"

namespace keeta {

// One place a note points at: a line of the file and the value found there.
struct CellExample {
  std::size_t line = 0;
  std::string value;
};

struct LoadReport {
  std::string source;            // what was loaded, e.g. the CSV path
  std::string loaded_at;         // UTC, ISO 8601 (`2026-01-05T10:00:00Z`)
  std::size_t rows_loaded = 0;   // data rows kept (blank lines are not rows)
  std::size_t header_line = 0;   // line of the header in a text file (0: not a file)
  std::size_t header_fields = 0;
  std::vector<std::string> missing_columns;          // known columns absent from the header
  std::vector<std::string> unmatched_headers;        // header texts that name no known column
  std::array<std::size_t, kMeasureCount> invalid_cells{};  // per measure: unparseable cells
  // Up to three per measure, in line order; and what a cell should have looked like.
  std::array<std::vector<CellExample>, kMeasureCount> invalid_examples;
  std::array<std::string, kMeasureCount> expected;
  std::size_t missing_days = 0;  // rows whose day is empty or unreadable (day column present)
  std::vector<CellExample> missing_day_examples;
  std::vector<std::string> scaled_percent_columns;  // fraction columns multiplied by 100
  std::array<std::vector<CellExample>, kMeasureCount> scaled_examples;
  std::size_t blank_lines = 0;   // skipped
  std::vector<CellExample> blank_line_examples;
  std::size_t short_rows = 0;    // rows with fewer fields than the header (padded with empties)
  std::vector<CellExample> short_row_examples;  // value: the row's field count
  std::size_t long_rows = 0;     // rows with more fields than the header (extras ignored)
  std::vector<CellExample> long_row_examples;
  // Spreadsheet rules applied (encoding, delimiter, decimal comma, durations, day order,
  // header aliases, CSAT scale), each one complete sentence with its lines and values.
  std::vector<std::string> notes;

  // Human-readable lines, e.g. "column 'csat': 3 invalid values: '32,5' on line 3, ...;
  // expected a number like 92.5 or 92.5%". Stable order.
  std::vector<std::string> Warnings() const;
};

// "'32,5' on line 3, 'x' on line 9" (an empty value reads "empty on line 4").
std::string DescribeExamples(const std::vector<CellExample>& examples);

}  // namespace keeta
