#include "core/load_report.h"

#include <fmt/format.h>

namespace keeta {

namespace {

// "1 row" / "3 rows".
std::string Count(std::size_t n, const char* singular, const char* plural) {
  return fmt::format("{} {}", n, n == 1 ? singular : plural);
}

// ": <examples>" when there are any.
std::string Where(const std::vector<CellExample>& examples) {
  return examples.empty() ? std::string() : ": " + DescribeExamples(examples);
}

// "lines 4, 9" for notes where the value is the line itself.
std::string Lines(const std::vector<CellExample>& examples) {
  std::vector<std::size_t> lines;
  for (const CellExample& e : examples) lines.push_back(e.line);
  if (lines.empty()) return {};
  return fmt::format(" (line{} {})", lines.size() == 1 ? "" : "s", fmt::join(lines, ", "));
}

// Rows whose field count differs from the header's: "line 5 has 3 fields".
std::string FieldCounts(const std::vector<CellExample>& examples, std::size_t header_fields) {
  if (examples.empty()) return {};
  std::vector<std::string> parts;
  for (const CellExample& e : examples) {
    parts.push_back(fmt::format("line {} has {}", e.line, e.value));
  }
  return fmt::format(": {}; expected {} fields as in the header", fmt::join(parts, ", "),
                     header_fields);
}

}  // namespace

std::string DescribeExamples(const std::vector<CellExample>& examples) {
  std::vector<std::string> parts;
  for (const CellExample& e : examples) {
    if (e.value.empty()) {
      parts.push_back(fmt::format("empty on line {}", e.line));
    } else {
      parts.push_back(fmt::format("'{}' on line {}", e.value, e.line));
    }
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::vector<std::string> LoadReport::Warnings() const {
  std::vector<std::string> out;
  if (!missing_columns.empty()) {
    std::string text = fmt::format("missing columns: {}", fmt::join(missing_columns, ", "));
    if (header_line > 0) text += fmt::format(" (not in the header on line {})", header_line);
    out.push_back(std::move(text));
  }
  if (!unmatched_headers.empty()) {
    std::vector<std::string> quoted;
    for (const std::string& h : unmatched_headers) quoted.push_back(fmt::format("'{}'", h));
    out.push_back(fmt::format(
        "header{} on line {} not used: {}; expected a known column name or alias (docs/kpis.md), "
        "or map one with --column KPI=HEADER",
        unmatched_headers.size() == 1 ? "" : "s", header_line, fmt::join(quoted, ", ")));
  }
  for (std::size_t i = 0; i < kMeasureCount; ++i) {
    if (invalid_cells[i] == 0) continue;
    std::string text = fmt::format("column '{}': {}{}", kMeasures[i].column,
                                   Count(invalid_cells[i], "invalid value", "invalid values"),
                                   Where(invalid_examples[i]));
    if (!expected[i].empty()) text += "; expected " + expected[i];
    out.push_back(std::move(text));
  }
  if (missing_days > 0) {
    std::string text = Count(missing_days, "row with a missing or unreadable day",
                             "rows with a missing or unreadable day") +
                       Where(missing_day_examples);
    if (header_line > 0) {
      text += "; expected a day like 2025-01-31, 31/01/2025, 31.01.2025 or 31 Jan 2025";
    }
    out.push_back(std::move(text));
  }
  for (const std::string& column : scaled_percent_columns) {
    std::string where;
    for (std::size_t i = 0; i < kMeasureCount; ++i) {
      if (kMeasures[i].column == column && !scaled_examples[i].empty()) {
        where = fmt::format(" (every value within 0–1, e.g. {})", DescribeExamples(scaled_examples[i]));
      }
    }
    out.push_back(fmt::format("column '{}' given as fractions{}: scaled to percent", column, where));
  }
  for (const std::string& note : notes) out.push_back(note);
  if (short_rows > 0) {
    out.push_back(Count(short_rows, "short row padded with empty fields",
                        "short rows padded with empty fields") +
                  FieldCounts(short_row_examples, header_fields));
  }
  if (long_rows > 0) {
    out.push_back(Count(long_rows, "long row: extra fields ignored",
                        "long rows: extra fields ignored") +
                  FieldCounts(long_row_examples, header_fields));
  }
  if (blank_lines > 0) {
    out.push_back(Count(blank_lines, "blank line skipped", "blank lines skipped") +
                  Lines(blank_line_examples));
  }
  if (rows_loaded == 0) {
    out.push_back(header_line > 0 ? fmt::format("no data rows after the header on line {}", header_line)
                                  : std::string("no data rows"));
  }
  return out;
}

}  // namespace keeta
