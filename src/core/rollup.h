// Rollup: a snapshot's totals pre-aggregated at the levels a pushed-down dashboard reads
// instead of the rows (docs/api.md "Rollup"). `keeta db setup --rollup` writes them into
// the database; store/sql/pushdown.h asks its questions of them.
//
//   * Levels, declared in kRollupLevels: 0 keys no name (the whole organisation), 1 the
//     supervisor, 2 team leader and supervisor, 3 agent, team leader and supervisor. A
//     question reads the coarsest level that keys every name its scope and filters name.
//   * Per level, key and bucket (day, ISO week, month): the sums (KpiTotals) and the
//     distinct active agents (which, unlike sums, do not add up from days); rows without a
//     day have a day bucket of their own. Level 3 has days and months, no weeks.
//   * Per (agent, team leader, supervisor) triple: its active days and its days with any
//     row, one character per day of the data ('1' or '0'), so the distinct active agents of
//     any date range, or the names present in it, are one pass over the triples.
//   * Split flags: whether some agent is active under two keys of a level in one bucket;
//     then the active agents of several keys do not add up, and level 3 counts them.
//
// Thread-safety: a builder is used by one thread; the snapshot it reads is immutable.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"
#include "core/engine.h"
#include "core/kpi_totals.h"
#include "core/periods.h"
#include "core/schema.h"

namespace keeta {

struct RollupLevel {
  std::array<bool, kDimensionCount> keyed;  // by Dimension
  std::array<bool, 3> kinds;                // by Granularity: which buckets it has rows for
};
inline constexpr std::array<RollupLevel, 4> kRollupLevels{{
    {{false, false, false}, {true, true, true}},
    {{false, false, true}, {true, true, true}},
    {{false, true, true}, {true, true, true}},
    {{true, true, true}, {true, false, true}},
}};
inline constexpr std::size_t kFinestRollupLevel = kRollupLevels.size() - 1;

// The split flag of (level, bucket kind) in RollupSummary::split.
constexpr std::uint32_t RollupSplitBit(std::size_t level, Granularity kind) {
  return std::uint32_t{1} << (level * 3 + static_cast<std::size_t>(kind));
}

// One row of the rollup table. Names are "" where the level keys none.
struct RollupRow {
  std::uint8_t level = 0;
  Granularity kind = Granularity::kDay;
  std::optional<Day> bucket;  // the day, Monday or 1st; none: the rows without a day
  std::array<std::string_view, kDimensionCount> names;
  KpiTotals totals;
  std::uint64_t active = 0;   // distinct active agents
};

// One triple's days, from RollupSummary::first_day: '1' where it has an active row (resp.
// any row) that day.
struct RollupTriple {
  std::array<std::string_view, kDimensionCount> names;
  std::string active_days;
  std::string present_days;
  bool undated_active = false;   // an active row without a day
  bool undated_present = false;  // any row without a day
};

struct RollupSummary {
  std::optional<Day> first_day, last_day;
  std::uint64_t rows = 0;
  std::uint32_t split = 0;
};

class RollupBuilder {
 public:
  // One pass over the rows: every row but level 3's days, the triples and the split flags.
  explicit RollupBuilder(std::shared_ptr<const Dataset> data);

  const RollupSummary& summary() const { return summary_; }
  // Sorted by level, kind, names, bucket.
  const std::vector<RollupRow>& coarse_rows() const { return coarse_; }
  const std::vector<RollupTriple>& triples() const { return triples_; }

  // Level 3's days (one row per triple and day), a second pass, up to `max` rows at a time into
  // `out` (cleared first): false once every row was given.
  bool NextFineRows(std::vector<RollupRow>& out, std::size_t max);

 private:
  std::shared_ptr<const Dataset> data_;
  RollupSummary summary_;
  std::vector<RollupRow> coarse_;
  std::vector<RollupTriple> triples_;
  RowCursor fine_;
  std::optional<RollupRow> pending_;  // the fine row being summed
  bool fine_done_ = false;
};

}  // namespace keeta
