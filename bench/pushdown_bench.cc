// Pushed-down questions as a running server asks them: one PushdownSource (its pool
// connected by the first question) answering the dashboard, filter choices and a breakdown
// for several views of the table at KEETA_PUSHDOWN_URL (a `mode=pushdown` URL; the password
// from PGPASSWORD / MYSQL_PWD). Wall time per question, so the database's own work counts.
// Whether the table has a current rollup (`keeta db setup --rollup`) decides what is read.
//
//   export KEETA_PUSHDOWN_URL='postgresql://keeta@127.0.0.1:5432/postgres?table=chats&mode=pushdown'
//   build/release/bench/pushdown_bench
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "core/date.h"
#include "store/sql/pushdown.h"

namespace {

using namespace keeta;

sql::PushdownSource* Source() {
  static std::unique_ptr<sql::PushdownSource> source = [] {
    const char* text = std::getenv("KEETA_PUSHDOWN_URL");
    auto url = sql::ParseDbUrl(text == nullptr ? "" : text);
    return url ? sql::MakePushdownSource(*url, {}) : nullptr;
  }();
  return source.get();
}

// A view of the dashboard: who asks, what is filtered, and the trend's buckets.
struct View {
  AccessScope scope;
  Filter filter;
  Granularity granularity = Granularity::kDay;
};

View MakeView(int which) {
  View v;
  switch (which) {
    case 0: break;  // everything, per day
    case 1: v.granularity = Granularity::kWeek; break;
    case 2:  // a date range cutting weeks and months, per month, with the previous period
      v.filter.from = ParseIsoDay("2025-02-11");
      v.filter.to = ParseIsoDay("2025-11-20");
      v.granularity = Granularity::kMonth;
      break;
    case 3: v.scope = {AccessScope::Role::kTeamLeader, "Sara"}; break;
    case 4:
      v.scope = {AccessScope::Role::kAgent, "Ahmed"};
      v.granularity = Granularity::kWeek;
      break;
    default:  // two team leaders, per week: their active agents cannot simply be added
      v.filter.names[Index(Dimension::kTeamLeader)] = {"Sara", "Michael Cooper"};
      v.granularity = Granularity::kWeek;
      break;
  }
  return v;
}

const char* const kViewNames[] = {"all/day", "all/week", "range/month", "team_leader_scope/day",
                                  "agent_scope/week", "two_team_leaders/week"};

void Dashboard(benchmark::State& state) {
  sql::PushdownSource* source = Source();
  if (source == nullptr) return state.SkipWithError("set KEETA_PUSHDOWN_URL to a mode=pushdown URL");
  const View v = MakeView(static_cast<int>(state.range(0)));
  DashboardOptions options;
  options.granularity = v.granularity;
  state.SetLabel(kViewNames[state.range(0)]);
  for (auto _ : state) {
    auto answered = source->ComputeDashboard(Query{v.filter, v.scope}, options);
    if (!answered) return state.SkipWithError(answered.error().message.c_str());
    benchmark::DoNotOptimize(answered->answer);
  }
}
BENCHMARK(Dashboard)->DenseRange(0, 5)->Unit(benchmark::kMillisecond)->UseRealTime();

void Choices(benchmark::State& state) {
  sql::PushdownSource* source = Source();
  if (source == nullptr) return state.SkipWithError("set KEETA_PUSHDOWN_URL to a mode=pushdown URL");
  for (auto _ : state) {
    auto answered = source->ComputeChoices(Query{});
    if (!answered) return state.SkipWithError(answered.error().message.c_str());
    benchmark::DoNotOptimize(answered->answer);
  }
}
BENCHMARK(Choices)->Unit(benchmark::kMillisecond)->UseRealTime();

void BreakdownByTeamLeader(benchmark::State& state) {
  sql::PushdownSource* source = Source();
  if (source == nullptr) return state.SkipWithError("set KEETA_PUSHDOWN_URL to a mode=pushdown URL");
  BreakdownRequest request;
  request.by = Dimension::kTeamLeader;
  for (auto _ : state) {
    auto answered = source->ComputeBreakdown(Query{}, request, {});
    if (!answered) return state.SkipWithError(answered.error().message.c_str());
    benchmark::DoNotOptimize(answered->answer);
  }
}
BENCHMARK(BreakdownByTeamLeader)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
