// TableBuilder: rows of text cells under a header -> ParsedTable + LoadReport, by the column
// and cell rules of docs/kpis.md ("Input", "Cells", and the cell and header rules of "Files
// from spreadsheets and other tools"). The one implementation of those rules: the CSV
// loader feeds it the fields of each line, the SQL sources the values of each row (a NULL
// as an empty cell), so the same rows give the same numbers from either. The parallel CSV
// parse feeds one builder per range of the file and joins them with Absorb.
// Thread-safety: none; one builder per thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/load_report.h"
#include "core/parsed_table.h"
#include "core/result.h"
#include "store/load_options.h"
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
    MeasureKind measure_kind;  // kMeasure: picks the cell rules (durations in time columns)
  };

  explicit TableBuilder(LoadOptions options = {});
  // The interners point into the table.
  TableBuilder(const TableBuilder&) = delete;
  TableBuilder& operator=(const TableBuilder&) = delete;

  // The decimal mark of number cells: `.` (default), or `,` in a `;`- or tab-separated
  // file (then `.` and spaces group thousands). Set before SetHeader.
  void SetDecimalMark(char decimal) { decimal_ = decimal; }
  char decimal_mark() const { return decimal_; }

  // Matches header names to the known columns (an explicit --column mapping first, then
  // names and aliases after normalisation; a column named twice: the first wins), records
  // the missing and unmatched ones in the report and reserves room for `row_estimate`
  // rows. `line` is the header's line in a file (0 otherwise). A --column mapping whose
  // header is absent is an Error.
  std::optional<Error> SetHeader(const std::vector<std::string_view>& header,
                                 std::size_t row_estimate, std::size_t line = 0);
  // The matched fields, in header order.
  const std::vector<Target>& targets() const { return targets_; }
  // Rows only need the fields before this one.
  std::size_t fields_needed() const;

  // One row: BeginRow (with its line in a file, for the notes; 0 otherwise), then Cell for
  // every target (a missing field as "").
  void BeginRow(std::size_t line = 0) {
    if (line != next_row_line_) [[unlikely]] line_jumps_.emplace_back(rows(), line);
    next_row_line_ = line + 1;
    row_line_ = line;
    ++table_.rows;
  }
  void Cell(const Target& target, std::string_view cell);
  // Cell with the decimal mark fixed at compile time (the CSV loader's row loop).
  template <char kDecimal>
  void CellWith(const Target& target, std::string_view cell);

  // Appends the rows of `next`, a builder given the same header that was fed the rows
  // right after this one's, whose lines count from `line_offset` + 1: afterwards this
  // builder is as if it had been fed them itself (names interned in file order, counts
  // added, examples and their lines kept in line order). How the pieces of a file parsed
  // in parallel are joined.
  void Absorb(TableBuilder&& next, std::size_t line_offset);

  LoadReport& report() { return report_; }
  // Rows fed so far (those handed over by Release included).
  std::size_t rows() const { return released_rows_ + table_.rows; }
  std::size_t row_line() const { return row_line_; }

  // Applies the whole-table rules (the day-first decision, percent fractions, the CSAT
  // scale) and hands the result over. Days that conflict (some day-first, some
  // month-first) are an Error naming a line of each.
  Result<CsvTable> Finish(std::string_view source);
  // The same, leaving this builder as it was so that more rows can be added later.
  Result<CsvTable> Copy(std::string_view source);
  // Only the rows from `first_row` on (the names list whole), as Copy would give them, with
  // Copy's report for the whole table: what an append adds to the last Copy's table. Null
  // when the whole-table rules now decide differently from that Copy (a fraction column
  // got a value above 1, `a/b/YYYY` days), so the earlier rows would read differently too.
  std::optional<CsvTable> CopyTail(std::size_t first_row, std::string_view source);

  // Hands over the rows fed since the last Release (all of them the first time), the
  // whole-table rules applied as decided over every row fed, with the report for every
  // row; keeps of those rows only what the rules need to decide on later ones (a few facts
  // and examples per percent column), so that more rows can be fed at the cost of what
  // they hold. Call only when CanRelease().
  Result<CsvTable> Release(std::string_view source);
  // False when the rows fed since the last Release change a whole-table decision it took
  // (a fraction column got a value above 1), so the rows it handed over would read
  // differently, or when there are `a/b/YYYY` days (decided once for the whole table):
  // then only Finish over every row, read anew, gives the table.
  bool CanRelease() const;

 private:
  [[gnu::always_inline]] inline Day ParseDay(std::string_view cell);
  Day ParseOtherDay(std::string_view cell);
  double ParseOtherNumber(const Target& t, std::string_view cell);
  std::size_t LineOfRow(std::size_t row) const;
  std::optional<Error> ResolveSlashDays(ParsedTable& table, LoadReport& report) const;
  // What the percent rules need to know of a percent column's values (unscaled), over
  // some rows: kept for the rows Release handed over, merged with the newer rows'.
  struct ColumnFacts {
    bool present = false;    // any value
    bool fractions = true;   // every value within 0..1
    bool rating = true;      // every value within 1..5
    bool above_one = false;  // some value above 1
    std::vector<CellExample> first_values;    // the first few, with their lines
    std::vector<CellExample> outside_rating;  // the first few outside 1..5
  };
  using ScaleFacts = std::array<ColumnFacts, kMeasureCount>;
  // Facts of `table`'s rows, the first of which is row `first_row` of everything fed.
  ScaleFacts FactsOf(const ParsedTable& table, std::size_t first_row) const;
  static void MergeFacts(ScaleFacts& into, const ScaleFacts& later);
  // The whole-column decisions of the percent rules, taken over every row so far.
  struct ScalePlan {
    std::array<bool, kMeasureCount> fractions{};  // multiplied by 100
    bool csat_rating = false;                     // the 1–5 rating warning
    bool operator==(const ScalePlan&) const = default;
  };
  ScalePlan PlanScales(const ScaleFacts& facts) const;
  // Notes from the facts of every row; values scaled in `out`, which holds some of them.
  void ApplyScales(const ScalePlan& plan, const ScaleFacts& facts, ParsedTable& out,
                   LoadReport& report) const;
  void AddBuilderNotes(LoadReport& report) const;
  Result<CsvTable> Complete(ParsedTable table, LoadReport report, const ScaleFacts& facts,
                            std::string_view source) const;

  LoadOptions options_;
  char decimal_ = '.';
  std::vector<Target> targets_;
  ParsedTable table_;
  LoadReport report_;
  std::vector<NameInterner> interners_;
  std::array<std::size_t, kMeasureCount> invalid_{};
  ScalePlan copied_plan_;  // what the last Copy or Release decided
  std::size_t released_rows_ = 0;  // handed over by Release (table_ holds the rows after)
  ScaleFacts released_facts_;      // their facts

  // Row -> line: rows follow each other one line apart except after these (row, line)
  // jumps (blank lines, quoted line breaks); for the notes made after the last row.
  std::vector<std::pair<std::size_t, std::size_t>> line_jumps_;
  std::size_t next_row_line_ = 0;
  std::size_t row_line_ = 0;

  std::array<std::size_t, kMeasureCount> durations_{};
  std::array<std::optional<CellExample>, kMeasureCount> duration_example_;
  std::optional<CellExample> decimal_comma_example_;
  std::optional<CellExample> other_day_example_;  // first day in a spreadsheet form

  // `a/b/YYYY` days: the first line of each kind of evidence for the day-first decision.
  bool slash_days_ = false;
  std::optional<CellExample> day_first_evidence_;    // first part above 12
  std::optional<CellExample> month_first_evidence_;  // second part above 12
  std::optional<CellExample> ambiguous_day_;         // neither

  // Consecutive rows usually share a day; remember the last text and its value.
  char last_day_text_[32] = {};
  std::size_t last_day_size_ = 0;
  Day last_day_ = kNoDay;
};

}  // namespace keeta
