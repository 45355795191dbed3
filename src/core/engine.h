// The KPI engine: answers a Query against an immutable Dataset, exactly per the KPI
// contract (docs/kpis.md). Pure functions; safe to call from many threads at once.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/dashboard.h"
#include "core/dataset.h"
#include "core/query.h"

namespace keeta {

// Ten cards and their trends (per the options' granularity) over the rows that pass the
// query's scope and filter, compared with the previous period when dates are given, and
// checked against the options' targets.
Dashboard ComputeDashboard(const Dataset& data, const Query& query,
                           const DashboardOptions& options = {});

// The choices for each name filter, each narrowed by the other selected filters (and the
// date range and scope); min_day/max_day are the data's first and last day.
FilterChoices ComputeChoices(const Dataset& data, const Query& query);

// The ten card values per agent, team leader or supervisor over the query's rows, sorted,
// searched and paged per `request`; weighting from `options` (its granularity and targets
// do not apply). One pass over the selected groups, whatever the number of names.
Breakdown ComputeBreakdown(const Dataset& data, const Query& query,
                           const BreakdownRequest& request, const DashboardOptions& options = {});

// One row of a snapshot, as loaded (percent columns after the fraction rule). Views point
// into the Dataset, which the RowCursor that filled the row keeps alive.
struct RowView {
  std::optional<Day> day;
  std::array<std::string_view, kDimensionCount> names;  // "" when absent
  std::array<double, kMeasureCount> values;              // NaN = missing cell or column
};

// Walks the rows that pass a query's scope and filter — the rows ComputeDashboard counts —
// in the snapshot's order: by agent, team leader, supervisor, then day (rows without a day
// last in each group). Resumable, so a large export can be written a piece at a time.
// Thread-safety: one cursor per thread; it owns a reference to its immutable snapshot.
class RowCursor {
 public:
  RowCursor(std::shared_ptr<const Dataset> data, const Query& query);

  // Fills `row` with the next row; false when none is left.
  bool Next(RowView& row);

 private:
  struct Range {
    std::uint32_t group;
    std::uint32_t segment;     // which of the Dataset's segments holds the rows
    std::uint32_t begin, end;  // row indexes [begin, end) in it
  };
  std::shared_ptr<const Dataset> data_;
  std::vector<Range> ranges_;
  std::size_t range_ = 0;
  std::uint32_t row_ = 0;
  friend struct EngineAccess;
};

}  // namespace keeta
