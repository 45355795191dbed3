// Per-request cost of the KPI engine: ComputeDashboard and ComputeChoices on generated
// datasets of 100k and 1M rows (and 10M with KEETA_BENCH_10M=1), for the filter shapes a
// dashboard user actually sends. Each dataset is generated once (build/bench-data/), then
// loaded once per process; only the engine call is timed.
//
//   build/release/bench/engine_bench [--benchmark_filter=1M] [google benchmark flags]
//
// Counters: rows = dataset rows; matched = rows passing the filter (for choices: the rows of
// the selected supervisor); items_per_second = matched rows aggregated per second.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench_data.h"
#include "core/date.h"
#include "core/engine.h"
#include "core/query.h"
#include "core/query_check.h"
#include "core/view_options.h"

namespace keeta::bench {
namespace {

// One loaded dataset per size, loaded on first use (so a --benchmark_filter that skips a
// size never loads it). nullptr when it could not be made.
const Dataset* DatasetFor(std::uint64_t rows, std::string* error) {
  static std::map<std::uint64_t, std::shared_ptr<const Dataset>> loaded;
  static std::map<std::uint64_t, std::string> failed;
  if (auto it = loaded.find(rows); it != loaded.end()) return it->second.get();
  if (auto it = failed.find(rows); it != failed.end()) {
    *error = it->second;
    return nullptr;
  }
  Result<std::string> path = EnsureBenchCsv(rows);
  Result<std::shared_ptr<const Dataset>> data =
      path.ok() ? LoadDataset(*path) : Result<std::shared_ptr<const Dataset>>(path.error());
  if (!data.ok()) {
    *error = failed[rows] = data.error().message;
    return nullptr;
  }
  return (loaded[rows] = *data).get();
}

// A seven-month window inside the first year of every generated dataset.
void SevenMonths(Filter& f) {
  f.from = DayFromCivil(2025, 3, 1);
  f.to = DayFromCivil(2025, 9, 30);
}

// A name from the middle of a dimension's sorted list: a typical, not an extreme, member.
std::string MiddleName(const Dataset& data, Dimension d, double at = 0.5) {
  const std::vector<std::string> names = data.Names(d);
  if (names.empty()) return "";
  return names[static_cast<std::size_t>(at * static_cast<double>(names.size() - 1))];
}

enum class Kind { kDashboard, kChoices, kBreakdown, kCheck };

struct Case {
  const char* name;
  Kind kind;
  std::function<void(const Dataset&, Filter&)> make_filter;
  DashboardOptions options{};
  BreakdownRequest breakdown{};
};

DashboardOptions WithGranularity(Granularity g) {
  DashboardOptions options;
  options.granularity = g;
  return options;
}

BreakdownRequest By(Dimension d) {
  BreakdownRequest request;
  request.by = d;
  return request;
}

const std::vector<Case>& Cases() {
  const auto supervisor_7mo = [](const Dataset& d, Filter& f) {
    f.AddName(Dimension::kSupervisor, MiddleName(d, Dimension::kSupervisor));
    SevenMonths(f);
  };
  const auto nothing = [](const Dataset&, Filter&) {};
  static const std::vector<Case> cases{
      {"dashboard/full", Kind::kDashboard, nothing},
      {"dashboard/one_agent", Kind::kDashboard,
       [](const Dataset&, Filter& f) { f.AddName(Dimension::kAgent, "Ahmed"); }},
      // With a date range every dashboard also computes the previous period.
      {"dashboard/supervisor_7mo", Kind::kDashboard, supervisor_7mo},
      {"dashboard/team_leader", Kind::kDashboard,
       [](const Dataset&, Filter& f) { f.AddName(Dimension::kTeamLeader, "Sara"); }},
      {"dashboard/three_agents", Kind::kDashboard,
       [](const Dataset& d, Filter& f) {
         for (double at : {0.25, 0.5, 0.75}) {
           f.AddName(Dimension::kAgent, MiddleName(d, Dimension::kAgent, at));
         }
       }},
      {"dashboard/range_7mo", Kind::kDashboard, [](const Dataset&, Filter& f) { SevenMonths(f); }},
      {"dashboard/full_week", Kind::kDashboard, nothing, WithGranularity(Granularity::kWeek)},
      {"dashboard/full_month", Kind::kDashboard, nothing, WithGranularity(Granularity::kMonth)},
      {"dashboard/supervisor_7mo_weighted", Kind::kDashboard, supervisor_7mo,
       DashboardOptions{.weighted = WeightAllMeans()}},
      {"breakdown/agent", Kind::kBreakdown, nothing, {}, By(Dimension::kAgent)},
      {"breakdown/team_leader", Kind::kBreakdown, nothing, {}, By(Dimension::kTeamLeader)},
      {"breakdown/agent_7mo", Kind::kBreakdown, [](const Dataset&, Filter& f) { SevenMonths(f); },
       {}, By(Dimension::kAgent)},
      // The warnings beside every /api/v1/kpis answer (core/query_check.h): for a name that
      // is in the data, and for one that is not (with its suggestions).
      {"check/one_agent", Kind::kCheck,
       [](const Dataset& d, Filter& f) { f.AddName(Dimension::kAgent, MiddleName(d, Dimension::kAgent)); }},
      {"check/unknown_agent", Kind::kCheck,
       [](const Dataset& d, Filter& f) { f.AddName(Dimension::kAgent, MiddleName(d, Dimension::kAgent) + "x"); }},
      {"choices/supervisor", Kind::kChoices,
       [](const Dataset& d, Filter& f) {
         f.AddName(Dimension::kSupervisor, MiddleName(d, Dimension::kSupervisor));
       }},
  };
  return cases;
}

void RunCase(benchmark::State& state, std::uint64_t rows, const Case& c) {
  std::string error;
  const Dataset* data = DatasetFor(rows, &error);
  if (data == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  Query query;
  c.make_filter(*data, query.filter);

  // What the query selects, for the counters (outside the timed loop).
  const std::size_t matched = ComputeDashboard(*data, query).rows;
  switch (c.kind) {
    case Kind::kChoices:
      for (auto _ : state) {
        FilterChoices choices = ComputeChoices(*data, query);
        benchmark::DoNotOptimize(choices);
      }
      break;
    case Kind::kDashboard:
      for (auto _ : state) {
        Dashboard dashboard = ComputeDashboard(*data, query, c.options);
        benchmark::DoNotOptimize(dashboard);
      }
      break;
    case Kind::kCheck:
      for (auto _ : state) {
        std::vector<QueryWarning> warnings = CheckQuery(*data, query);
        benchmark::DoNotOptimize(warnings);
      }
      break;
    case Kind::kBreakdown:
      for (auto _ : state) {
        Breakdown breakdown = ComputeBreakdown(*data, query, c.breakdown, c.options);
        benchmark::DoNotOptimize(breakdown);
      }
      break;
  }
  state.counters["rows"] = static_cast<double>(data->rows());
  state.counters["matched"] = static_cast<double>(matched);
  if (c.kind != Kind::kChoices && c.kind != Kind::kCheck) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(matched));
  }
}

}  // namespace
}  // namespace keeta::bench

int main(int argc, char** argv) {
  using namespace keeta::bench;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  for (std::uint64_t rows : BenchSizes()) {
    for (const Case& c : Cases()) {
      const std::string name = std::string(c.name) + "/" + RowsLabel(rows);
      benchmark::RegisterBenchmark(name.c_str(), [rows, &c](benchmark::State& state) {
        RunCase(state, rows, c);
      })->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
