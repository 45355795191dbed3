// Dataset: an immutable, indexed, columnar snapshot of one loaded source.
//
// Built once per load; afterwards never modified, so any number of threads may query one
// concurrently without locks. Holders share it through std::shared_ptr<const Dataset> and
// swap in a new snapshot when the source changes (see store/dataset_holder.h).
//
// Layout (why it is fast): names are dictionary-encoded and their ids are in sorted order;
// rows are grouped by (agent, team leader, supervisor) triple — a "group" — and sorted by
// day inside each group, so a name filter selects whole groups and a date range is a binary
// search inside each. Precomputed for views without a name filter: per-day totals and
// distinct active agents per day, ISO week and month over all rows; per-group totals for
// breakdowns without a date range.
//
// An append (Append) adds a segment instead of re-indexing: the rows stay in segments, each
// laid out as above, and a group's rows are its rows in each segment in turn. Every number
// is the one Build would give for all the rows at once, to the last bit: sums are taken in
// the same order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dashboard.h"
#include "core/kpi_totals.h"
#include "core/date.h"
#include "core/load_report.h"
#include "core/parsed_table.h"
#include "core/query.h"
#include "core/schema.h"

namespace keeta {

class Dataset {
 public:
  // Indexes a parsed table. The report is kept as is (rows_loaded is set from the table).
  static std::shared_ptr<const Dataset> Build(ParsedTable table, LoadReport report);

  // `previous` with `rows` after its own (the rows an append brought; `report` is for all
  // the rows): the snapshot Build would make of them all, sharing previous's rows, in time
  // proportional to the new rows. Null when that needs a full Build: a name or (agent, team
  // leader, supervisor) triple `previous` does not have, a day before its last day, other
  // columns, or precomputed totals that Build would now lay out differently.
  static std::shared_ptr<const Dataset> Append(const std::shared_ptr<const Dataset>& previous,
                                               ParsedTable rows, LoadReport report);
  // How many segments hold the rows (1 after Build).
  std::size_t segments() const { return segments_.size(); }

  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;

  const LoadReport& report() const { return report_; }
  std::size_t rows() const { return row_count_; }
  bool has_measure(Measure m) const { return has_measure_[Index(m)]; }
  bool has_dimension(Dimension d) const { return dims_[Index(d)].present; }
  bool has_day() const { return has_day_; }
  // Distinct names of one dimension, sorted (byte order), without "".
  std::vector<std::string> Names(Dimension d) const;
  // Whether `name` is one of them (a binary search; nothing allocated).
  bool HasName(Dimension d, std::string_view name) const;
  std::optional<Day> min_day() const;
  std::optional<Day> max_day() const;

  // The engine (core/engine.cc) reads the private layout.
  friend struct EngineAccess;

 private:
  Dataset() = default;

  // A dimension's dictionary. Ids are positions in `names`, which is sorted; id 0 is "".
  struct Dictionary {
    bool present = false;
    std::vector<std::string> names;
    std::optional<std::uint32_t> Find(std::string_view name) const;
  };
  // One (agent, team leader, supervisor) triple. Groups are sorted by their ids.
  struct Group {
    std::array<std::uint32_t, kDimensionCount> ids;
  };
  // Rows in (group, day) order: group i's rows are [group_start[i], group_start[i + 1]),
  // sorted by day with missing days last. Immutable once built; snapshots share them.
  struct Segment {
    std::vector<std::uint32_t> group_start;   // per group, plus the end
    std::vector<std::uint32_t> row_day;       // per row: index into days_, kNoDayIndex if none
    std::vector<std::uint8_t> row_active;     // per row: counts towards active agents
    std::array<std::optional<std::vector<double>>, kMeasureCount> measures;  // NaN = missing
    std::size_t rows() const { return row_day.size(); }
    std::uint32_t begin(std::size_t group) const { return group_start[group]; }
    std::uint32_t end(std::size_t group) const { return group_start[group + 1]; }
  };
  using Totals = KpiTotals;
  // Trend buckets of one granularity (week or month) over the data's days.
  struct Buckets {
    std::vector<Day> starts;                // each bucket holding a data day, ascending
    std::vector<std::uint32_t> first_day;   // per bucket + 1 sentinel: first days_ index
    std::vector<std::uint32_t> of_day;      // per days_ entry: its bucket
    std::vector<std::uint32_t> active_agents;  // per bucket: distinct active agents, all rows
  };

  LoadReport report_;
  std::size_t row_count_ = 0;
  bool has_day_ = false;
  std::array<Dictionary, kDimensionCount> dims_;
  std::vector<Group> groups_;
  std::vector<Day> days_;                   // distinct days present, ascending
  // In row order: a group's rows in segment 0, then in segment 1, ... Appends add one;
  // Append merges small ones so that there are never more than kMaxSegments.
  std::vector<std::shared_ptr<const Segment>> segments_;
  std::array<bool, kMeasureCount> has_measure_{};
  std::vector<Totals> day_totals_;          // per days_ entry, over all rows
  Totals no_day_totals_;                    // rows without a day
  std::vector<std::uint32_t> day_active_agents_;  // per days_ entry, over all rows
  std::uint64_t active_agents_ = 0;         // distinct active agents over all rows
  std::array<Buckets, 2> buckets_;          // week, month
  // Per group, over all its rows (day or not); empty when groups are too small on average
  // for the memory to pay (see Build), and the engine then reads the rows.
  std::vector<Totals> group_totals_;
  std::vector<Totals> group_dated_totals_;  // the same over the rows with a day (for Append)
  std::vector<std::uint8_t> group_active_;  // per group: any active row

  static constexpr std::uint32_t kNoDayIndex = 0xFFFFFFFFu;
  static constexpr std::size_t kMaxSegments = 8;
  friend struct DatasetBuilder;
};

}  // namespace keeta
