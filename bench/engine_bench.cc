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

struct Case {
  const char* name;
  bool choices;  // ComputeChoices instead of ComputeDashboard
  std::function<void(const Dataset&, Filter&)> make_filter;
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases{
      {"dashboard/full", false, [](const Dataset&, Filter&) {}},
      {"dashboard/one_agent", false,
       [](const Dataset&, Filter& f) { f.AddName(Dimension::kAgent, "Ahmed"); }},
      {"dashboard/supervisor_7mo", false,
       [](const Dataset& d, Filter& f) {
         f.AddName(Dimension::kSupervisor, MiddleName(d, Dimension::kSupervisor));
         SevenMonths(f);
       }},
      {"dashboard/team_leader", false,
       [](const Dataset&, Filter& f) { f.AddName(Dimension::kTeamLeader, "Sara"); }},
      {"dashboard/three_agents", false,
       [](const Dataset& d, Filter& f) {
         for (double at : {0.25, 0.5, 0.75}) {
           f.AddName(Dimension::kAgent, MiddleName(d, Dimension::kAgent, at));
         }
       }},
      {"dashboard/range_7mo", false, [](const Dataset&, Filter& f) { SevenMonths(f); }},
      {"choices/supervisor", true,
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
  if (c.choices) {
    for (auto _ : state) {
      FilterChoices choices = ComputeChoices(*data, query);
      benchmark::DoNotOptimize(choices);
    }
  } else {
    for (auto _ : state) {
      Dashboard dashboard = ComputeDashboard(*data, query);
      benchmark::DoNotOptimize(dashboard);
    }
  }
  state.counters["rows"] = static_cast<double>(data->rows());
  state.counters["matched"] = static_cast<double>(matched);
  if (!c.choices) {
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
