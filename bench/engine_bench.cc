// Per-request cost of the KPI engine: ComputeDashboard and ComputeChoices on generated
// datasets of 100k and 1M rows (and 10M with KEETA_BENCH_10M=1), for the filter shapes a
// dashboard user actually sends. Each dataset is generated once (build/bench-data/), then
// loaded once per process; only the engine call is timed.
//
//   build/release/bench/engine_bench [--benchmark_filter=1M] [google benchmark flags]
//
// Counters: rows = dataset rows; matched = rows passing the filter (for choices: the rows of
// the selected supervisor); items_per_second = matched rows aggregated per second.
//
// `appended/...` cases run on the same rows held as a server holds them after a month of
// appends (Dataset::Append: the last 30 days added one day at a time; `segments` counts
// the segments left after merging), and `append/one_day` times one such append itself.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
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

// The rows of DatasetFor(rows), all but the last 30 days loaded at once and then each of
// those days appended (the file is sorted by day); and the last full day's rows as a table
// with the snapshot before it, to time that append (the file's very last day is partial;
// rows with junk days break the runs).
// nullptr when it could not be made.
struct Appended {
  std::shared_ptr<const Dataset> grown;
  std::shared_ptr<const Dataset> before_day;  // everything before `day`
  CsvTable day;
};
const Appended* AppendedFor(std::uint64_t rows, std::string* error) {
  static std::map<std::uint64_t, Appended> made;
  if (auto it = made.find(rows); it != made.end()) return &it->second;
  Result<std::string> path = EnsureBenchCsv(rows);
  if (!path.ok()) {
    *error = path.error().message;
    return nullptr;
  }
  std::ifstream in(*path, std::ios::binary);
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(std::move(line));
  // Day runs from the end: a run is the lines sharing the first 10 characters.
  std::vector<std::size_t> starts{lines.size()};
  for (std::size_t i = lines.size(); i-- > 0 && starts.size() <= 30;) {
    if (i == 0 || lines[i - 1].compare(0, 10, lines[i], 0, 10) != 0) starts.push_back(i);
  }
  auto parse = [&](std::size_t from, std::size_t to) {
    std::string text = header + "\n";
    for (std::size_t i = from; i < to; ++i) text.append(lines[i]).push_back('\n');
    return ParseCsv(text, "bench");
  };
  Result<CsvTable> base = parse(0, starts.back());
  if (!base.ok()) {
    *error = base.error().message;
    return nullptr;
  }
  Appended out;
  out.grown = Dataset::Build(std::move(base->table), std::move(base->report));
  for (std::size_t k = starts.size() - 1; k-- > 0;) {
    Result<CsvTable> day = parse(starts[k + 1], starts[k]);
    if (!day.ok()) {
      *error = day.error().message;
      return nullptr;
    }
    if (k >= 1 && day->table.rows > out.day.table.rows) {  // the biggest whole day
      out.before_day = out.grown;
      out.day = *day;
    }
    auto next = Dataset::Append(out.grown, std::move(day->table), std::move(day->report));
    if (next == nullptr) {
      // A name or triple the snapshot lacks (an agent moved team): built anew, as a
      // server does.
      Result<CsvTable> all = parse(0, starts[k]);
      if (!all.ok()) {
        *error = all.error().message;
        return nullptr;
      }
      next = Dataset::Build(std::move(all->table), std::move(all->report));
      if (out.before_day == out.grown) {  // not an append to time
        out.before_day.reset();
        out.day = CsvTable{};
      }
    }
    out.grown = std::move(next);
  }
  return &(made[rows] = std::move(out));
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

enum class Kind { kDashboard, kChoices, kBreakdown, kCheck, kAppend };

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

// The cases run again on the appended snapshot.
const std::vector<Case>& AppendedCases() {
  static const std::vector<Case> cases = [] {
    std::vector<Case> out;
    for (const Case& c : Cases()) {
      const std::string name = c.name;
      if (name == "dashboard/full" || name == "dashboard/one_agent" ||
          name == "dashboard/supervisor_7mo" || name == "breakdown/agent" ||
          name == "breakdown/agent_7mo" || name == "choices/supervisor") {
        out.push_back(c);
      }
    }
    out.push_back({"append/one_day", Kind::kAppend, [](const Dataset&, Filter&) {}});
    return out;
  }();
  return cases;
}

void RunCase(benchmark::State& state, std::uint64_t rows, const Case& c, bool appended) {
  std::string error;
  const Appended* grown = appended ? AppendedFor(rows, &error) : nullptr;
  const Dataset* data = appended ? (grown ? grown->grown.get() : nullptr) : DatasetFor(rows, &error);
  if (data == nullptr) {
    state.SkipWithError(error.c_str());
    return;
  }
  if (appended) state.counters["segments"] = static_cast<double>(data->segments());
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
    case Kind::kAppend:
      if (grown->before_day == nullptr) {
        state.SkipWithError("every day appended brought a name the snapshot lacks");
        return;
      }
      for (auto _ : state) {
        state.PauseTiming();
        CsvTable day = grown->day;
        state.ResumeTiming();
        auto next = Dataset::Append(grown->before_day, std::move(day.table), std::move(day.report));
        benchmark::DoNotOptimize(next);
        state.PauseTiming();
        next.reset();  // freeing it is not part of the append
        state.ResumeTiming();
      }
      state.counters["appended_rows"] = static_cast<double>(grown->day.table.rows);
      return;
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
        RunCase(state, rows, c, false);
      })->Unit(benchmark::kMicrosecond);
    }
    for (const Case& c : AppendedCases()) {
      const std::string name = "appended/" + std::string(c.name) + "/" + RowsLabel(rows);
      benchmark::RegisterBenchmark(name.c_str(), [rows, &c](benchmark::State& state) {
        RunCase(state, rows, c, true);
      })->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
