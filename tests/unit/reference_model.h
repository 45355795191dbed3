// Test support for the KPI engine tests.
//
// Two things live here:
//  - a small builder so tests read like the spec: rows as plain structs with optional
//    cells (Row), a set of present columns (Columns), turned into a ParsedTable and a
//    Dataset without going through the CSV loader;
//  - a naive reference model of the KPI contract (docs/kpis.md, /work/shared/spec/kpis.md):
//    row-by-row loops over the same plain rows, written straight from the spec text and
//    deliberately independent of the engine and of the KPI registry's aggregation table,
//    so the randomized differential test compares two implementations, not one.
//
// Test-only code; plain values, no shared state (thread-compatible).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/dashboard.h"
#include "core/dataset.h"
#include "core/date.h"
#include "core/query.h"
#include "core/schema.h"

namespace keeta::spec {

// Days since 1970-01-01 for a `YYYY-MM-DD` literal, computed here (not by core/date.cc) so
// the tests also pin the Day epoch. Throws std::invalid_argument on a malformed literal.
Day D(std::string_view iso);
// The inverse: `YYYY-MM-DD` for a Day (computed here too).
std::string Iso(Day day);

// One input row. Absent optionals are missing cells (or a missing day).
struct Row {
  std::optional<Day> day;
  std::array<std::string, kDimensionCount> names;  // "" = empty cell
  std::array<std::optional<double>, kMeasureCount> values;

  Row& On(std::string_view iso_day) {
    day = D(iso_day);
    return *this;
  }
  Row& Agent(std::string name) { return Name(Dimension::kAgent, std::move(name)); }
  Row& TeamLeader(std::string name) { return Name(Dimension::kTeamLeader, std::move(name)); }
  Row& Supervisor(std::string name) { return Name(Dimension::kSupervisor, std::move(name)); }
  Row& Name(Dimension d, std::string name) {
    names[Index(d)] = std::move(name);
    return *this;
  }
  Row& Set(Measure m, double value) {
    values[Index(m)] = value;
    return *this;
  }
  const std::string& name(Dimension d) const { return names[Index(d)]; }
  std::optional<double> value(Measure m) const { return values[Index(m)]; }
};

// Which known columns the "file" has. Everything is present by default.
struct Columns {
  bool day = true;
  std::array<bool, kDimensionCount> dims{true, true, true};
  std::array<bool, kMeasureCount> measures{true, true, true, true, true,
                                           true, true, true, true, true};

  Columns& WithoutDay() {
    day = false;
    return *this;
  }
  Columns& Without(Dimension d) {
    dims[Index(d)] = false;
    return *this;
  }
  Columns& Without(Measure m) {
    measures[Index(m)] = false;
    return *this;
  }
  bool has(Dimension d) const { return dims[Index(d)]; }
  bool has(Measure m) const { return measures[Index(m)]; }
};

struct Table {
  Columns columns;
  std::vector<Row> rows;
};

// The ParsedTable a loader would produce for `table`: values of absent columns are dropped,
// missing cells become NaN / kNoDay. Each dictionary lists its names in an order shuffled
// by `dictionary_seed` (the contract says "any order"); 0 keeps first-seen order.
ParsedTable ToParsedTable(const Table& table, std::uint64_t dictionary_seed = 0);
std::shared_ptr<const Dataset> BuildDataset(const Table& table,
                                            std::uint64_t dictionary_seed = 0);

// Shorthands: the engine's answer for `table` under `filter`.
Dashboard Compute(const Table& table, const Filter& filter = {});
FilterChoices Choices(const Table& table, const Filter& filter = {});

// A Filter built with Filter::AddName from raw values, plus optional dates.
Filter MakeFilter(std::vector<std::string> agents, std::vector<std::string> team_leaders = {},
                  std::vector<std::string> supervisors = {},
                  std::optional<Day> from = std::nullopt, std::optional<Day> to = std::nullopt);
Filter DateFilter(std::optional<Day> from, std::optional<Day> to);

// The engine's result for one KPI id (fails the test and throws if the id is unknown).
const KpiResult& Kpi(const Dashboard& dashboard, std::string_view id);

// ---- Reference model ----------------------------------------------------------------

// Filter values exactly as a client sent them (untrimmed, may hold "" and "All").
struct RefFilter {
  std::array<std::vector<std::string>, kDimensionCount> names;
  std::optional<Day> from;
  std::optional<Day> to;
};

struct RefKpi {
  std::string id;
  bool available = false;
  std::optional<double> value;
  std::vector<std::optional<double>> trend;  // one per RefDashboard::days entry
  std::optional<double> previous;
  std::optional<double> change;
  std::optional<double> change_pct;
};

struct RefPeriod {
  Day from = 0;
  Day to = 0;
};

struct RefDashboard {
  std::size_t rows = 0;
  std::vector<Day> days;     // bucket labels
  std::vector<RefKpi> kpis;  // the spec table's ten, in its order
  std::optional<RefPeriod> previous;
};

// Trend buckets (spec "Buckets") and weighting (spec, weighting paragraph).
enum class RefGranularity { kDay, kWeek, kMonth };
struct RefOptions {
  RefGranularity granularity = RefGranularity::kDay;
  std::set<std::string> weighted;  // ids of KPIs weighted by chats (means only)
};

// The label of the bucket holding `day`: the day, its ISO week's Monday, its month's 1st.
// Computed from the civil date here, independently of core/date.
Day RefBucketStart(Day day, RefGranularity g);

// The spec's date presets ("today", "yesterday", "last_7", "last_30", "last_90",
// "this_month", "last_month", "this_quarter", "year_to_date", "all"), counted back from
// today or, when the data ends before today, from the data's last day. nullopt = no dates.
std::optional<RefPeriod> ReferencePreset(std::string_view key, Day today,
                                         std::optional<Day> data_last);

struct RefBreakdownEntry {
  std::string name;
  std::size_t rows = 0;
  std::vector<std::optional<double>> values;  // the ten, in the spec's order
};
// Every entry of the breakdown by `by` (spec "Breakdown"), sorted by the KPI `sort_id`
// (entries without a value last, ties by name) or by name when sort_id is empty, keeping
// only names containing `search` (ASCII case-insensitively).
std::vector<RefBreakdownEntry> ReferenceBreakdown(const Table& table, const RefFilter& filter,
                                                  Dimension by, std::string_view sort_id,
                                                  bool descending, std::string_view search,
                                                  const RefOptions& options = {});

struct RefChoices {
  std::array<std::vector<std::string>, kDimensionCount> names;
  std::optional<Day> min_day;
  std::optional<Day> max_day;
};

// How the spec computes one KPI; the ten rows of the spec's table.
enum class RefAggregation { kSum, kMean, kResolvedPct, kActiveAgents };
struct RefKpiSpec {
  std::string_view id;
  RefAggregation aggregation;
  Measure input;
};
extern const std::array<RefKpiSpec, 10> kRefKpis;

RefDashboard ReferenceDashboard(const Table& table, const RefFilter& filter,
                                const RefOptions& options = {});
RefChoices ReferenceChoices(const Table& table, const RefFilter& filter);

// Every difference between the engine's answer and the reference's, one line each
// (empty = they agree). Doubles compare with relative tolerance `rel_tol`; row counts,
// days, sums of integer data and agent counts compare exactly when `exact_counts`.
std::vector<std::string> DiffDashboards(const RefDashboard& want, const Dashboard& got,
                                        double rel_tol, bool exact_counts);
std::vector<std::string> DiffChoices(const RefChoices& want, const FilterChoices& got);
std::vector<std::string> DiffBreakdown(const std::vector<RefBreakdownEntry>& want,
                                       std::size_t want_total, const Breakdown& got,
                                       double rel_tol);

}  // namespace keeta::spec
