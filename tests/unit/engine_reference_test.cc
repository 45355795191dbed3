// Randomized differential test: the engine (core/engine.h) against the naive reference
// model of the KPI contract (reference_model.h) on 200 small random datasets with random
// filters. Deterministic: case i uses seed i. A failing case is shrunk to a few rows and
// printed with its filter, so the report reads like a spec example.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/engine.h"
#include "core/kpi_registry.h"
#include "core/query.h"
#include "core/view_options.h"
#include "reference_model.h"

namespace keeta::spec {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

constexpr int kCases = 200;
constexpr int kFiltersPerCase = 5;
constexpr double kRelTol = 1e-9;

// Small deterministic helpers over mt19937_64 (whose output is fixed by the standard,
// unlike the std distributions).
class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t Below(std::uint64_t n) { return rng_() % n; }
  bool Chance(double p) { return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < p; }
  double Uniform(double lo, double hi) {
    return lo + (hi - lo) * (static_cast<double>(rng_() >> 11) * 0x1.0p-53);
  }
  template <class T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }
  std::mt19937_64& engine() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

const std::vector<std::string> kAgentPool{"Ahmed", "Sara", "sara", "أحمد", "محمد علي",
                                          "",      "Zoë",  "Li",   "Omar", "Ahmed Jr"};
const std::vector<std::string> kTeamLeaderPool{"T1", "T2", "ليلى", "", "Team Ω", "T10"};
const std::vector<std::string> kSupervisorPool{"S1", "S2", "سلمى", ""};

struct Case {
  Table table;
  std::array<std::vector<std::string>, kDimensionCount> names;  // names this table uses
  Day first_day = 0;
  Day last_day = 0;
};

std::vector<std::string> SomeOf(Gen& g, const std::vector<std::string>& pool) {
  std::vector<std::string> v = pool;
  std::shuffle(v.begin(), v.end(), g.engine());
  v.resize(1 + g.Below(v.size()));
  return v;
}

Case MakeCase(std::uint64_t seed) {
  Gen g(seed);
  Case c;
  Columns& cols = c.table.columns;
  // Every fifth case has every column; the others drop columns at random.
  if (seed % 5 != 0) {
    cols.day = g.Chance(0.85);
    for (auto& present : cols.dims) present = g.Chance(0.85);
    for (auto& present : cols.measures) present = g.Chance(0.8);
  }
  c.names = {SomeOf(g, kAgentPool), SomeOf(g, kTeamLeaderPool), SomeOf(g, kSupervisorPool)};

  // Days around the 2024 leap day or a month end, 1-40 days long.
  c.first_day = (g.Chance(0.5) ? D("2024-02-20") : D("2025-01-25")) + static_cast<Day>(g.Below(10));
  c.last_day = c.first_day + static_cast<Day>(g.Below(40));
  const double missing_day = g.Pick(std::vector<double>{0, 0, 0.05, 0.3, 1.0});

  std::array<double, kMeasureCount> missing_cell{};
  for (double& p : missing_cell) p = g.Pick(std::vector<double>{0, 0.1, 0.1, 0.5, 1.0});
  const bool tiny_tickets = g.Chance(0.3);  // many zero resolved+pending denominators

  std::size_t n = 0;
  const std::uint64_t size_class = g.Below(20);
  if (size_class == 0) {
    n = 0;
  } else if (size_class < 7) {
    n = 1 + g.Below(10);
  } else {
    n = 1 + g.Below(300);
  }

  // Each agent has a home team leader but sometimes works under another one.
  const auto& agents = c.names[0];
  std::vector<std::string> home_team(agents.size());
  for (auto& t : home_team) t = g.Pick(c.names[1]);

  for (std::size_t i = 0; i < n; ++i) {
    Row r;
    if (!g.Chance(missing_day)) {
      r.day = c.first_day + static_cast<Day>(g.Below(static_cast<std::uint64_t>(c.last_day - c.first_day + 1)));
    }
    const std::size_t a = g.Below(agents.size());
    r.names[0] = agents[a];
    r.names[1] = g.Chance(0.8) ? home_team[a] : g.Pick(c.names[1]);
    r.names[2] = g.Pick(c.names[2]);
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (g.Chance(missing_cell[m])) continue;
      const Measure measure = static_cast<Measure>(m);
      double v = 0;
      switch (measure) {
        case Measure::kTotalChats:
        case Measure::kEscalations:
          v = static_cast<double>(g.Chance(0.05) ? g.Below(100000) : g.Below(60));
          break;
        case Measure::kResolved:
        case Measure::kPending:
          v = static_cast<double>(tiny_tickets ? (g.Chance(0.7) ? 0 : g.Below(3)) : g.Below(40));
          break;
        case Measure::kActiveAgents:
          v = g.Chance(0.3) ? 0 : (g.Chance(0.05) ? 2 : 1);
          break;
        case Measure::kCsat:
        case Measure::kSalesConversion:
          v = g.Uniform(0, 100);
          break;
        case Measure::kAvgResponseTime:
        case Measure::kAvgChatDuration:
        case Measure::kAvgQueueTime:
          v = g.Uniform(0, 600);
          break;
      }
      r.values[m] = v;
    }
    c.table.rows.push_back(std::move(r));
  }
  return c;
}

// A random filter as raw query parameters (in random order) and as the reference sees it.
std::pair<Params, RefFilter> MakeFilterCase(Gen& g, const Case& c) {
  Params params;
  RefFilter ref;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    const std::uint64_t k = g.Chance(0.5) ? 0 : 1 + g.Below(3);
    for (std::uint64_t i = 0; i < k; ++i) {
      std::string v;
      switch (g.Below(8)) {
        case 0:
          v = "Unknown";
          break;
        case 1:
          v = g.Pick(std::vector<std::string>{"All", "all", "ALL", "", "  "});
          break;
        case 2:
          v = "  " + g.Pick(c.names[d]) + " ";
          break;
        default:
          v = g.Pick(c.names[d]);
      }
      params.emplace_back(std::string(kNameParams[d]), v);
      ref.names[d].push_back(v);
    }
  }
  auto random_day = [&] {
    return c.first_day - 3 + static_cast<Day>(g.Below(static_cast<std::uint64_t>(c.last_day - c.first_day + 7)));
  };
  switch (g.Below(4)) {
    case 1:
      ref.from = random_day();
      break;
    case 2:
      ref.to = random_day();
      break;
    case 3:
      ref.from = random_day();
      ref.to = random_day();  // reversed about half the time
      break;
    default:
      break;
  }
  if (ref.from) params.emplace_back(std::string(kFromParam), Iso(*ref.from));
  if (ref.to) params.emplace_back(std::string(kToParam), Iso(*ref.to));
  std::shuffle(params.begin(), params.end(), g.engine());
  return {params, ref};
}

std::string ParamsText(const Params& params) {
  std::string s;
  for (const auto& [k, v] : params) s += (s.empty() ? "?" : "&") + k + "=" + v;
  return s.empty() ? "(no filter)" : s;
}

std::string TableText(const Table& t) {
  std::ostringstream os;
  os << "columns:" << (t.columns.day ? " day" : "");
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (t.columns.dims[d]) os << " " << kDimensionColumns[d];
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (t.columns.measures[m]) os << " " << kMeasures[m].column;
  }
  os << "\n";
  for (const Row& r : t.rows) {
    os << "  " << (r.day ? Iso(*r.day) : std::string("(no day)"));
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      if (t.columns.dims[d]) os << " " << kDimensionColumns[d] << "='" << r.names[d] << "'";
    }
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (!t.columns.measures[m]) continue;
      os << " " << kMeasures[m].column << "=";
      if (r.values[m]) {
        os << *r.values[m];
      } else {
        os << "-";
      }
    }
    os << "\n";
  }
  return os.str();
}

// How one comparison shapes its answer: granularity, weighting, and one breakdown page,
// both as the engine takes them and as the reference does.
struct View {
  DashboardOptions options;
  RefOptions ref;
  BreakdownRequest breakdown;
  std::string sort_id = "total_chats";  // as BreakdownRequest's default; "" = by name

  std::string Text() const {
    std::string s = "granularity=" + std::string(GranularityName(options.granularity));
    if (!ref.weighted.empty()) s += " weighted:";
    for (const auto& id : ref.weighted) s += " " + id;
    s += " breakdown by=" + std::string(kNameParams[Index(breakdown.by)]) + " sort=" +
         (sort_id.empty() ? "name" : sort_id) + (breakdown.descending ? " desc" : " asc") +
         " q='" + breakdown.search + "' offset=" + std::to_string(breakdown.offset) +
         " limit=" + std::to_string(breakdown.limit);
    return s;
  }
};

View MakeView(Gen& g) {
  View v;
  const std::uint64_t gran = g.Below(3);
  v.options.granularity = static_cast<Granularity>(gran);
  v.ref.granularity = static_cast<RefGranularity>(gran);
  if (g.Chance(0.4)) {
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      if (kRefKpis[k].aggregation == RefAggregation::kMean && g.Chance(0.6)) {
        v.options.weighted[k] = true;
        v.ref.weighted.insert(std::string(kRefKpis[k].id));
      }
    }
  }
  v.breakdown.by = static_cast<Dimension>(g.Below(kDimensionCount));
  if (g.Chance(0.15)) {
    v.breakdown.sort_kpi.reset();
    v.sort_id.clear();
  } else {
    v.breakdown.sort_kpi = g.Below(kKpiCount);
    v.sort_id = std::string(kRefKpis[*v.breakdown.sort_kpi].id);
  }
  v.breakdown.descending = g.Chance(0.5);
  v.breakdown.search = g.Chance(0.8) ? "" : g.Pick(std::vector<std::string>{"a", "S", "ح", "zz"});
  v.breakdown.offset = g.Chance(0.7) ? 0 : g.Below(4);
  v.breakdown.limit = g.Chance(0.5) ? 50 : 1 + g.Below(4);
  return v;
}

// The engine's disagreements with the reference for one table, filter and view.
std::vector<std::string> Diff(const Table& t, const Filter& filter, const RefFilter& ref,
                              std::uint64_t dictionary_seed, const View& view) {
  const auto ds = BuildDataset(t, dictionary_seed);
  std::vector<std::string> diffs;
  if (ds->rows() != t.rows.size()) {
    diffs.push_back("Dataset::rows(): want " + std::to_string(t.rows.size()) + ", got " +
                    std::to_string(ds->rows()));
  }
  const Query query{filter, {}};
  for (std::string& d : DiffDashboards(ReferenceDashboard(t, ref, view.ref),
                                       ComputeDashboard(*ds, query, view.options), kRelTol,
                                       /*exact_counts=*/true)) {
    diffs.push_back(std::move(d));
  }
  const std::vector<RefBreakdownEntry> all =
      ReferenceBreakdown(t, ref, view.breakdown.by, view.sort_id, view.breakdown.descending,
                         view.breakdown.search, view.ref);
  const std::size_t begin = std::min(view.breakdown.offset, all.size());
  const std::size_t end = std::min(all.size(), begin + view.breakdown.limit);
  const std::vector<RefBreakdownEntry> page(all.begin() + static_cast<std::ptrdiff_t>(begin),
                                            all.begin() + static_cast<std::ptrdiff_t>(end));
  for (std::string& d : DiffBreakdown(page, all.size(),
                                      ComputeBreakdown(*ds, query, view.breakdown, view.options),
                                      kRelTol)) {
    diffs.push_back(std::move(d));
  }
  for (std::string& d : DiffChoices(ReferenceChoices(t, ref), ComputeChoices(*ds, query))) {
    diffs.push_back("choices: " + std::move(d));
  }
  return diffs;
}

// Drops rows (halves, then quarters, ... then single rows) while the case still fails.
Table Shrink(Table t, const Filter& filter, const RefFilter& ref, std::uint64_t dictionary_seed,
             const View& view) {
  for (std::size_t chunk = std::max<std::size_t>(1, t.rows.size() / 2); chunk >= 1; chunk /= 2) {
    for (std::size_t begin = 0; begin < t.rows.size();) {
      Table smaller = t;
      const std::size_t end = std::min(begin + chunk, smaller.rows.size());
      smaller.rows.erase(smaller.rows.begin() + static_cast<std::ptrdiff_t>(begin),
                         smaller.rows.begin() + static_cast<std::ptrdiff_t>(end));
      if (!Diff(smaller, filter, ref, dictionary_seed, view).empty()) {
        t = std::move(smaller);
      } else {
        begin += chunk;
      }
    }
    if (chunk == 1) break;
  }
  return t;
}

// What the cases exercised, so the test cannot pass by generating only trivial data.
struct Coverage {
  int compared = 0;
  int nonempty_results = 0;
  int absent_columns = 0;
  int no_day_column = 0;
  int rows_without_day = 0;
  int null_mean_cards = 0;
  int null_mean_points = 0;
  int null_resolved_points = 0;
  int unknown_name_filters = 0;
  int all_or_empty_values = 0;
  int reversed_ranges = 0;
  int multi_valued_filters = 0;
  int inactive_rows = 0;
  int agents_under_two_leaders = 0;
  int week_or_month = 0;
  int weighted = 0;
  int previous_periods = 0;
  int previous_without_rows = 0;  // e.g. a range at the data's start
  int one_day_ranges = 0;
  int open_ended_ranges = 0;
  int breakdown_ties = 0;         // adjacent entries with equal sort values
  int breakdown_missing = 0;      // entries without a value for the sort KPI
};

void CountView(Coverage& cov, const Table& t, const RefFilter& ref, const View& view,
               const RefDashboard& want) {
  if (view.options.granularity != Granularity::kDay && !want.days.empty()) ++cov.week_or_month;
  if (!view.ref.weighted.empty() && want.rows > 0) ++cov.weighted;
  if (want.previous) {
    ++cov.previous_periods;
    if (!ref.from || !ref.to) ++cov.open_ended_ranges;
    bool any = false;
    for (const Row& r : t.rows) {
      any = any || (r.day && *r.day >= want.previous->from && *r.day <= want.previous->to);
    }
    if (!any) ++cov.previous_without_rows;
  }
  if (ref.from && ref.to && *ref.from == *ref.to) ++cov.one_day_ranges;
  if (view.sort_id.empty()) return;
  const auto all = ReferenceBreakdown(t, ref, view.breakdown.by, view.sort_id,
                                      view.breakdown.descending, "", view.ref);
  const std::size_t k = *view.breakdown.sort_kpi;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!all[i].values[k]) ++cov.breakdown_missing;
    if (i > 0 && all[i].values[k] && all[i - 1].values[k] == all[i].values[k]) ++cov.breakdown_ties;
  }
}

void Count(Coverage& cov, const Table& t, const Params& params, const RefFilter& ref,
           const RefDashboard& want) {
  ++cov.compared;
  if (want.rows > 0) ++cov.nonempty_results;
  for (bool present : t.columns.measures) cov.absent_columns += present ? 0 : 1;
  if (!t.columns.day) ++cov.no_day_column;
  for (const Row& r : t.rows) {
    if (t.columns.day && !r.day) ++cov.rows_without_day;
    if (r.value(Measure::kActiveAgents) == 0.0) ++cov.inactive_rows;
  }
  for (const RefKpi& k : want.kpis) {
    if (k.id == "csat" && k.available && !k.value && want.rows > 0) ++cov.null_mean_cards;
    for (const auto& p : k.trend) {
      if (p) continue;
      if (k.id == "resolved_pct") {
        ++cov.null_resolved_points;
      } else {
        ++cov.null_mean_points;
      }
    }
  }
  for (const auto& [key, value] : params) {
    if (value == "Unknown") ++cov.unknown_name_filters;
    if (value.empty() || value == "  " || value == "All" || value == "all" || value == "ALL") {
      ++cov.all_or_empty_values;
    }
  }
  if (ref.from && ref.to && *ref.from > *ref.to) ++cov.reversed_ranges;
  for (const auto& names : ref.names) cov.multi_valued_filters += names.size() > 1 ? 1 : 0;
  std::map<std::string, std::set<std::string>> leaders;
  for (const Row& r : t.rows) leaders[r.names[0]].insert(r.names[1]);
  for (const auto& [agent, set] : leaders) cov.agents_under_two_leaders += set.size() > 1 ? 1 : 0;
}

TEST(EngineReference, RandomDatasetsAndFiltersMatchTheSpecModel) {
  Coverage cov;
  int failing = 0;
  constexpr int kReported = 5;
  for (int seed = 1; seed <= kCases; ++seed) {
    const Case c = MakeCase(static_cast<std::uint64_t>(seed));
    Gen g(0x9E3779B97F4A7C15ull ^ static_cast<std::uint64_t>(seed));
    for (int fi = 0; fi < kFiltersPerCase; ++fi) {
      auto [params, ref] = fi == 0 ? std::pair<Params, RefFilter>{} : MakeFilterCase(g, c);
      const Result<Filter> filter = ParseFilter(params);
      if (!filter.ok()) {
        ADD_FAILURE() << "seed " << seed << ": ParseFilter rejected " << ParamsText(params)
                      << ": " << filter.error().message;
        continue;
      }
      const std::uint64_t dictionary_seed = static_cast<std::uint64_t>(seed) * 7 + fi;
      const View view = fi == 0 ? View{} : MakeView(g);
      Count(cov, c.table, params, ref, ReferenceDashboard(c.table, ref));
      CountView(cov, c.table, ref, view, ReferenceDashboard(c.table, ref, view.ref));
      const std::vector<std::string> diffs = Diff(c.table, *filter, ref, dictionary_seed, view);
      if (diffs.empty()) continue;
      if (++failing > kReported) continue;
      const Table small = Shrink(c.table, *filter, ref, dictionary_seed, view);
      std::string text;
      for (const std::string& d : Diff(small, *filter, ref, dictionary_seed, view)) text += "  " + d + "\n";
      ADD_FAILURE() << "seed " << seed << ", filter #" << fi << " " << ParamsText(params)
                    << " " << view.Text()
                    << ": " << diffs.size() << " differences on " << c.table.rows.size()
                    << " rows; shrunk to " << small.rows.size() << " rows:\n"
                    << TableText(small) << "differences (want = spec model):\n"
                    << text;
    }
  }
  EXPECT_EQ(failing, 0) << "failing (case, filter) pairs; the first " << kReported
                        << " are shown above";

  // The generator must have produced the cases the spec cares about.
  EXPECT_EQ(cov.compared, kCases * kFiltersPerCase);
  EXPECT_GT(cov.nonempty_results, cov.compared / 3);
  EXPECT_GT(cov.absent_columns, 0);
  EXPECT_GT(cov.no_day_column, 0);
  EXPECT_GT(cov.rows_without_day, 0);
  EXPECT_GT(cov.null_mean_cards, 0);
  EXPECT_GT(cov.null_mean_points, 0);
  EXPECT_GT(cov.null_resolved_points, 0);
  EXPECT_GT(cov.unknown_name_filters, 0);
  EXPECT_GT(cov.all_or_empty_values, 0);
  EXPECT_GT(cov.reversed_ranges, 0);
  EXPECT_GT(cov.multi_valued_filters, 0);
  EXPECT_GT(cov.inactive_rows, 0);
  EXPECT_GT(cov.agents_under_two_leaders, 0);
  EXPECT_GT(cov.week_or_month, 0);
  EXPECT_GT(cov.weighted, 0);
  EXPECT_GT(cov.previous_periods, 0);
  EXPECT_GT(cov.previous_without_rows, 0);
  EXPECT_GT(cov.one_day_ranges, 0);
  EXPECT_GT(cov.open_ended_ranges, 0);
  EXPECT_GT(cov.breakdown_ties, 0);
  EXPECT_GT(cov.breakdown_missing, 0);
}

}  // namespace
}  // namespace keeta::spec
