// TableBuilder: rows of text cells under a header -> ParsedTable + LoadReport, by the column
// and cell rules of docs/kpis.md ("Input", "Cells"). The one implementation of those rules:
// the CSV loader feeds it the fields of each line, the SQL sources the values of each row
// (a NULL as an empty cell), so the same rows give the same numbers from either.
// Thread-safety: none; one builder per load.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/load_report.h"
#include "core/parsed_table.h"
#include "store/name_interner.h"

namespace keeta {

struct CsvTable {
  ParsedTable table;
  LoadReport report;  // source set; loaded_at left empty (the caller stamps it)
};

class TableBuilder {
 public:
  // Where one header field goes.
  enum class Kind : std::uint8_t { kDay, kName, kMeasure };
  struct Target {
    std::size_t field;  // position in the header
    Kind kind;
    std::size_t index;  // Dimension or Measure index
  };

  TableBuilder();
  // The interners point into the table.
  TableBuilder(const TableBuilder&) = delete;
  TableBuilder& operator=(const TableBuilder&) = delete;

  // Matches header names to the known columns (a column named twice: the first wins),
  // records the missing ones in the report and reserves room for `row_estimate` rows.
  void SetHeader(const std::vector<std::string_view>& header, std::size_t row_estimate);
  // The matched fields, in header order.
  const std::vector<Target>& targets() const { return targets_; }
  // Rows only need the fields before this one.
  std::size_t fields_needed() const;

  // One row: BeginRow, then Cell for every target (a missing field as "").
  void BeginRow() { ++table_.rows; }
  void Cell(const Target& target, std::string_view cell);

  LoadReport& report() { return report_; }
  std::size_t rows() const { return table_.rows; }

  // Applies the whole-table rules (percent fractions) and hands the result over.
  CsvTable Finish(std::string_view source);
  // The same, leaving this builder as it was so that more rows can be added later.
  CsvTable Copy(std::string_view source) const;

 private:
  Day ParseDay(std::string_view cell);
  static CsvTable Complete(ParsedTable table, LoadReport report,
                           const std::array<std::size_t, kMeasureCount>& invalid,
                           std::string_view source);

  std::vector<Target> targets_;
  ParsedTable table_;
  LoadReport report_;
  std::vector<NameInterner> interners_;
  std::array<std::size_t, kMeasureCount> invalid_{};

  // Consecutive rows usually share a day; remember the last text and its value.
  char last_day_text_[32] = {};
  std::size_t last_day_size_ = 0;
  Day last_day_ = kNoDay;
};

}  // namespace keeta
