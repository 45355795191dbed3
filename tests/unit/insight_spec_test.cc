// One test per rule of the kpis.md sections "Buckets", "Previous period", "Targets",
// "Breakdown" and the weighting paragraph, plus the date presets: hand-worked examples
// (in the comments) and checks against the reference model (reference_model.h), which
// computes the same things from the spec text independently of the engine.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/kpi_registry.h"
#include "core/periods.h"
#include "core/view_options.h"
#include "reference_model.h"

namespace keeta::spec {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using M = Measure;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Row At(std::string_view day, std::string agent = "A", std::string leader = "T1",
       std::string supervisor = "S1") {
  return Row().On(day).Agent(std::move(agent)).TeamLeader(std::move(leader)).Supervisor(
      std::move(supervisor));
}

std::size_t KpiIndex(std::string_view id) {
  return static_cast<std::size_t>(FindKpi(id) - kKpis.data());
}

Dashboard Dash(const Table& t, const Filter& f, Granularity g = Granularity::kDay,
              Weighting weighted = {}, Targets targets = {}) {
  DashboardOptions options;
  options.granularity = g;
  options.weighted = weighted;
  options.targets = targets;
  return ComputeDashboard(*BuildDataset(t), Query{f, {}}, options);
}

std::vector<std::string> Days(const Dashboard& d) {
  std::vector<std::string> out;
  for (Day day : d.days) out.push_back(Iso(day));
  return out;
}

// ---- Buckets ---------------------------------------------------------------------------

TEST(Buckets, WeeksAreIsoWeeksLabelledWithTheirMonday) {
  // 2024-12-29 is a Sunday (week of Mon 2024-12-23); 2024-12-30 a Monday; 2025-01-05 Sunday.
  const Table t{{}, {At("2024-12-29").Set(M::kTotalChats, 1), At("2024-12-30").Set(M::kTotalChats, 2),
                     At("2025-01-05").Set(M::kTotalChats, 4), At("2025-01-06").Set(M::kTotalChats, 8)}};
  const Dashboard d = Dash(t, {}, Granularity::kWeek);
  EXPECT_THAT(Days(d), ElementsAre("2024-12-23", "2024-12-30", "2025-01-06"));
  EXPECT_THAT(Kpi(d, "total_chats").trend, ElementsAre(1, 6, 8));
  EXPECT_EQ(d.granularity, Granularity::kWeek);
}

TEST(Buckets, MonthsAreLabelledWithTheFirstAndEmptyMonthsHaveNoPoint) {
  const Table t{{}, {At("2024-01-31").Set(M::kTotalChats, 1), At("2024-02-29").Set(M::kTotalChats, 2),
                     At("2024-04-01").Set(M::kTotalChats, 4)}};
  const Dashboard d = Dash(t, {}, Granularity::kMonth);
  EXPECT_THAT(Days(d), ElementsAre("2024-01-01", "2024-02-01", "2024-04-01"));  // no March
  EXPECT_THAT(Kpi(d, "total_chats").trend, ElementsAre(1, 2, 4));
}

TEST(Buckets, AMeanIsOverTheBucketsRowsNotAMeanOfDailyMeans) {
  // Monday: csat 100; Tuesday: 0, 0, 0. Daily means 100 and 0 would average 50; the rows
  // average (100 + 0 + 0 + 0) / 4 = 25.
  const Table t{{}, {At("2025-01-06").Set(M::kCsat, 100), At("2025-01-07", "B").Set(M::kCsat, 0),
                     At("2025-01-07", "C").Set(M::kCsat, 0), At("2025-01-07", "D").Set(M::kCsat, 0)}};
  const Dashboard d = Dash(t, {}, Granularity::kWeek);
  EXPECT_THAT(Kpi(d, "csat").trend, ElementsAre(25));
}

TEST(Buckets, ActiveAgentsAreDistinctOverTheBucketAndResolvedUsesTheBucketsSums) {
  // A works three days of one week, B one day: 2 distinct agents, not 4 agent-days.
  // Resolved: (1 + 9) / (1 + 9 + 9 + 1) = 50 %, not the mean of 10 % and 90 %.
  const Table t{{}, {At("2025-01-06", "A").Set(M::kResolved, 1).Set(M::kPending, 9),
                     At("2025-01-07", "A").Set(M::kResolved, 9).Set(M::kPending, 1),
                     At("2025-01-08", "A"), At("2025-01-08", "B")}};
  const Dashboard d = Dash(t, {}, Granularity::kWeek);
  EXPECT_THAT(Kpi(d, "active_agents").trend, ElementsAre(2));
  EXPECT_THAT(Kpi(d, "resolved_pct").trend, ElementsAre(50));
}

TEST(Buckets, ARangeCuttingABucketCountsOnlyTheRowsInside) {
  // Unfiltered names, range from Wednesday: the week's point holds Wednesday on only, and
  // its active agents are those active from Wednesday (B), not the precomputed whole week.
  const Table t{{}, {At("2025-01-06", "A").Set(M::kTotalChats, 5),
                     At("2025-01-08", "B").Set(M::kTotalChats, 7),
                     At("2025-01-14", "A").Set(M::kTotalChats, 1)}};
  const Dashboard d = Dash(t, DateFilter(D("2025-01-08"), D("2025-01-13")), Granularity::kWeek);
  EXPECT_THAT(Days(d), ElementsAre("2025-01-06"));
  EXPECT_THAT(Kpi(d, "total_chats").trend, ElementsAre(7));
  EXPECT_THAT(Kpi(d, "active_agents").trend, ElementsAre(1));
}

TEST(Buckets, MeansWithoutValuesInABucketHaveNoPoint) {
  const Table t{{}, {At("2025-01-06"), At("2025-02-06").Set(M::kCsat, 80)}};
  const Dashboard d = Dash(t, {}, Granularity::kMonth);
  ASSERT_EQ(Kpi(d, "csat").trend.size(), 2u);
  EXPECT_TRUE(std::isnan(Kpi(d, "csat").trend[0]));
  EXPECT_EQ(Kpi(d, "csat").trend[1], 80);
}

// ---- Previous period -----------------------------------------------------------------

Table TenDays() {
  Table t;
  for (int i = 1; i <= 10; ++i) {
    const std::string day = "2025-03-" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    t.rows.push_back(At(day, i % 2 ? "A" : "B").Set(M::kTotalChats, i).Set(M::kCsat, 10.0 * i));
  }
  return t;
}

TEST(PreviousPeriod, SameNumberOfDaysEndingTheDayBeforeFrom) {
  // 2025-03-06..10 (5 days) vs 03-01..05: chats 6+7+8+9+10 = 40 vs 1+..+5 = 15.
  const Dashboard d = Dash(TenDays(), DateFilter(D("2025-03-06"), D("2025-03-10")));
  ASSERT_TRUE(d.previous.has_value());
  EXPECT_EQ(Iso(d.previous->from), "2025-03-01");
  EXPECT_EQ(Iso(d.previous->to), "2025-03-05");
  EXPECT_EQ(d.previous_rows, 5u);
  const KpiResult& chats = Kpi(d, "total_chats");
  EXPECT_EQ(chats.previous, 15);
  EXPECT_EQ(chats.change, 25);
  EXPECT_NEAR(*chats.change_pct, 100.0 * 25 / 15, 1e-9);
  EXPECT_EQ(Kpi(d, "csat").previous, 30);  // mean of 10..50
  EXPECT_EQ(Kpi(d, "active_agents").previous, 2);
}

TEST(PreviousPeriod, OneDayRangeComparesWithTheDayBefore) {
  const Dashboard d = Dash(TenDays(), DateFilter(D("2025-03-04"), D("2025-03-04")));
  EXPECT_EQ(Iso(d.previous->from), "2025-03-03");
  EXPECT_EQ(Iso(d.previous->to), "2025-03-03");
  EXPECT_EQ(Kpi(d, "total_chats").previous, 3);
  EXPECT_EQ(Kpi(d, "total_chats").change, 1);
}

TEST(PreviousPeriod, AtTheDataStartSumsAreZeroMeansHaveNoValueAndNoPercentage) {
  // 03-01..03 vs 02-26..28, where there are no rows: sum 0 (so change = value and no %),
  // mean none (so no change at all).
  const Dashboard d = Dash(TenDays(), DateFilter(D("2025-03-01"), D("2025-03-03")));
  EXPECT_EQ(Iso(d.previous->from), "2025-02-26");
  EXPECT_EQ(d.previous_rows, 0u);
  EXPECT_EQ(Kpi(d, "total_chats").previous, 0);
  EXPECT_EQ(Kpi(d, "total_chats").change, 6);
  EXPECT_FALSE(Kpi(d, "total_chats").change_pct.has_value());
  EXPECT_FALSE(Kpi(d, "csat").previous.has_value());
  EXPECT_FALSE(Kpi(d, "csat").change.has_value());
}

TEST(PreviousPeriod, AMissingEndIsTakenFromTheData) {
  // from 03-08 only: to = the data's last day 03-10, 3 days; previous 03-05..07.
  Dashboard d = Dash(TenDays(), DateFilter(D("2025-03-08"), std::nullopt));
  EXPECT_EQ(Iso(d.previous->from), "2025-03-05");
  EXPECT_EQ(Iso(d.previous->to), "2025-03-07");
  EXPECT_EQ(Kpi(d, "total_chats").previous, 5 + 6 + 7);
  // to 03-02 only: from = the data's first day 03-01, 2 days; previous 02-27..28 (empty).
  d = Dash(TenDays(), DateFilter(std::nullopt, D("2025-03-02")));
  EXPECT_EQ(Iso(d.previous->from), "2025-02-27");
  EXPECT_EQ(Iso(d.previous->to), "2025-02-28");
}

TEST(PreviousPeriod, NoDateFilterOrAReversedRangeHasNone) {
  for (const Filter& f : {Filter{}, DateFilter(D("2025-03-05"), D("2025-03-01"))}) {
    const Dashboard d = Dash(TenDays(), f);
    EXPECT_FALSE(d.previous.has_value());
    for (const KpiResult& k : d.kpis) {
      EXPECT_FALSE(k.previous || k.change || k.change_pct) << k.def->id;
    }
  }
}

TEST(PreviousPeriod, KeepsTheNameFilters) {
  // Agent A only (odd days): 03-06..10 = 7+9 = 16 vs 03-01..05 = 1+3+5 = 9.
  const Dashboard d = Dash(TenDays(), MakeFilter({"A"}, {}, {}, D("2025-03-06"), D("2025-03-10")));
  EXPECT_EQ(Kpi(d, "total_chats").value, 16);
  EXPECT_EQ(Kpi(d, "total_chats").previous, 9);
  EXPECT_EQ(Kpi(d, "active_agents").previous, 1);
}

TEST(PreviousPeriod, ChangePercentIsAgainstTheAbsolutePrevious) {
  const Table t{{}, {At("2025-01-01").Set(M::kCsat, -50), At("2025-01-02").Set(M::kCsat, -25)}};
  const Dashboard d = Dash(t, DateFilter(D("2025-01-02"), D("2025-01-02")));
  EXPECT_EQ(Kpi(d, "csat").change, 25);
  EXPECT_EQ(Kpi(d, "csat").change_pct, 50);  // 100 * 25 / |-50|
}

// ---- Weighting -----------------------------------------------------------------------

TEST(Weighting, OneHundredGoodChatsAndOneBadOneReadAsTheChatsSay) {
  // Plain mean: (95 + 0) / 2 = 47.5. Weighted: (95 * 100 + 0 * 1) / 101 = 94.06...
  const Table t{{}, {At("2025-01-01", "A").Set(M::kCsat, 95).Set(M::kTotalChats, 100),
                     At("2025-01-01", "B").Set(M::kCsat, 0).Set(M::kTotalChats, 1)}};
  EXPECT_EQ(Kpi(Dash(t, {}), "csat").value, 47.5);
  const Dashboard w = Dash(t, {}, Granularity::kDay, WeightAllMeans());
  EXPECT_NEAR(*Kpi(w, "csat").value, 9500.0 / 101, 1e-12);
  EXPECT_TRUE(Kpi(w, "csat").weighted);
  EXPECT_FALSE(Kpi(w, "total_chats").weighted);  // only means are weighted
  EXPECT_NEAR(Kpi(w, "csat").trend[0], 9500.0 / 101, 1e-12);
}

TEST(Weighting, OnlyRowsWithBothValuesAndPositiveChatsCount) {
  const Table t{{}, {At("2025-01-01").Set(M::kCsat, 90).Set(M::kTotalChats, 3),
                     At("2025-01-01").Set(M::kCsat, 10).Set(M::kTotalChats, 0),   // chats 0
                     At("2025-01-01").Set(M::kCsat, 10),                          // no chats
                     At("2025-01-01").Set(M::kTotalChats, 50),                    // no csat
                     At("2025-01-02").Set(M::kCsat, 70).Set(M::kTotalChats, 0)}};  // only chats 0
  const Dashboard w = Dash(t, {}, Granularity::kDay, WeightAllMeans());
  EXPECT_EQ(Kpi(w, "csat").value, 90);
  ASSERT_EQ(Kpi(w, "csat").trend.size(), 2u);
  EXPECT_TRUE(std::isnan(Kpi(w, "csat").trend[1]));  // no row qualifies on the 2nd
}

// ---- Targets -------------------------------------------------------------------------

TEST(Targets, StatusIsMetMissedOrNullAndNeverChangesAValue) {
  const Table t{{}, {At("2025-01-01").Set(M::kCsat, 85).Set(M::kAvgResponseTime, 31)}};
  Targets targets{};
  targets[KpiIndex("csat")] = Target{TargetOp::kAtLeast, 85};
  targets[KpiIndex("avg_response_time")] = Target{TargetOp::kAtMost, 30};
  targets[KpiIndex("avg_queue_time")] = Target{TargetOp::kAtMost, 30};  // no value
  const Dashboard d = Dash(t, {}, Granularity::kDay, {}, targets);
  EXPECT_EQ(Kpi(d, "csat").status, TargetStatus::kMet);  // 85 >= 85
  EXPECT_EQ(Kpi(d, "csat").value, 85);
  EXPECT_EQ(Kpi(d, "avg_response_time").status, TargetStatus::kMissed);
  EXPECT_FALSE(Kpi(d, "avg_queue_time").status.has_value());
  EXPECT_TRUE(Kpi(d, "avg_queue_time").target.has_value());
  EXPECT_FALSE(Kpi(d, "total_chats").target.has_value());
  EXPECT_FALSE(Kpi(d, "total_chats").status.has_value());
  EXPECT_EQ(EvaluateTarget(Target{TargetOp::kAbove, 1}, 1.0), TargetStatus::kMissed);
  EXPECT_EQ(EvaluateTarget(Target{TargetOp::kBelow, 1}, 0.5), TargetStatus::kMet);
}

// ---- Breakdown -----------------------------------------------------------------------

Breakdown RunBreakdown(const Table& t, const Filter& f, BreakdownRequest req) {
  return ComputeBreakdown(*BuildDataset(t), Query{f, {}}, req);
}

std::vector<std::string> Names(const Breakdown& b) {
  std::vector<std::string> out;
  for (const auto& e : b.entries) out.push_back(e.name);
  return out;
}

Table People() {
  // csat: Dana none, Eli 80, Abe 80, Cy 90; chats: Abe 5, Cy 5, Dana 9, Eli 1; a nameless row.
  return Table{{}, {At("2025-01-01", "Cy", "T2").Set(M::kCsat, 90).Set(M::kTotalChats, 5),
                    At("2025-01-01", "Eli", "T2").Set(M::kCsat, 80).Set(M::kTotalChats, 1),
                    At("2025-01-02", "Dana", "T1").Set(M::kTotalChats, 9),
                    At("2025-01-02", "Abe", "T1").Set(M::kCsat, 80).Set(M::kTotalChats, 5),
                    At("2025-01-03", "", "T1").Set(M::kTotalChats, 100)}};
}

TEST(Breakdown, MissingValuesGoLastInEitherOrderAndTiesBreakByName) {
  BreakdownRequest req;
  req.sort_kpi = KpiIndex("csat");
  req.descending = true;
  EXPECT_THAT(Names(RunBreakdown(People(), {}, req)), ElementsAre("Cy", "Abe", "Eli", "Dana"));
  req.descending = false;
  EXPECT_THAT(Names(RunBreakdown(People(), {}, req)), ElementsAre("Abe", "Eli", "Cy", "Dana"));
  req.sort_kpi = KpiIndex("total_chats");  // ties (5, 5) by name in both orders
  req.descending = true;
  EXPECT_THAT(Names(RunBreakdown(People(), {}, req)), ElementsAre("Dana", "Abe", "Cy", "Eli"));
  req.descending = false;
  EXPECT_THAT(Names(RunBreakdown(People(), {}, req)), ElementsAre("Eli", "Abe", "Cy", "Dana"));
}

TEST(Breakdown, EmptyNamesAreLeftOutAndEachEntryIsItsOwnRowsCardValues) {
  BreakdownRequest req;
  req.by = Dimension::kTeamLeader;
  const Breakdown b = RunBreakdown(People(), {}, req);
  ASSERT_THAT(Names(b), ElementsAre("T1", "T2"));  // T1: 9 + 5 + 100 = 114; T2: 6
  EXPECT_EQ(b.entries[0].rows, 3u);
  EXPECT_EQ(b.entries[0].values[KpiIndex("total_chats")], 114);
  EXPECT_EQ(b.entries[0].values[KpiIndex("active_agents")], 2);  // Dana, Abe; not ""
  EXPECT_EQ(b.entries[1].values[KpiIndex("csat")], 85);
  req.by = Dimension::kAgent;
  EXPECT_EQ(RunBreakdown(People(), {}, req).total, 4u);  // the nameless row is no entry
}

TEST(Breakdown, SearchesPagesAndFollowsTheFilter) {
  BreakdownRequest req;
  req.search = "E";  // Abe, Eli (ASCII case-insensitive)
  Breakdown b = RunBreakdown(People(), {}, req);
  EXPECT_EQ(b.total, 2u);
  EXPECT_THAT(Names(b), ElementsAre("Abe", "Eli"));
  req.search.clear();
  req.offset = 1;
  req.limit = 2;
  b = RunBreakdown(People(), {}, req);
  EXPECT_EQ(b.total, 4u);
  EXPECT_THAT(Names(b), ElementsAre("Abe", "Cy"));
  req.offset = 10;
  EXPECT_THAT(RunBreakdown(People(), {}, req).entries, IsEmpty());
  // A date filter narrows every entry to its rows in range.
  b = RunBreakdown(People(), DateFilter(D("2025-01-02"), std::nullopt), BreakdownRequest{});
  EXPECT_THAT(Names(b), ElementsAre("Dana", "Abe"));
}

TEST(Breakdown, MatchesTheReferenceWithWeighting) {
  RefOptions ref;
  ref.weighted = {"csat", "avg_response_time"};
  DashboardOptions options;
  options.weighted[KpiIndex("csat")] = options.weighted[KpiIndex("avg_response_time")] = true;
  BreakdownRequest req;
  req.by = Dimension::kTeamLeader;
  req.sort_kpi = KpiIndex("csat");
  const auto want = ReferenceBreakdown(People(), {}, Dimension::kTeamLeader, "csat", true, "", ref);
  const Breakdown got = ComputeBreakdown(*BuildDataset(People()), Query{}, req, options);
  EXPECT_THAT(DiffBreakdown(want, want.size(), got, 1e-12), IsEmpty());
  EXPECT_NEAR(*got.entries[0].values[KpiIndex("csat")], (90.0 * 5 + 80 * 1) / 6, 1e-12);
}

// ---- Presets -------------------------------------------------------------------------

TEST(Presets, CountBackFromTheDataWhenItEndsBeforeToday) {
  EXPECT_EQ(PresetAnchor(D("2026-11-25"), D("2025-12-31")), D("2025-12-31"));
  EXPECT_EQ(PresetAnchor(D("2026-11-25"), D("2027-01-01")), D("2026-11-25"));
  EXPECT_EQ(PresetAnchor(D("2026-11-25"), std::nullopt), D("2026-11-25"));
}

TEST(Presets, HandWorkedRangesAcrossMonthAndYearEnds) {
  auto range = [](DatePreset p, std::string_view anchor) {
    const auto r = PresetRange(p, D(anchor));
    return r ? Iso(r->from) + ".." + Iso(r->to) : std::string("all");
  };
  EXPECT_EQ(range(DatePreset::kYesterday, "2025-01-01"), "2024-12-31..2024-12-31");
  EXPECT_EQ(range(DatePreset::kLast7, "2025-01-03"), "2024-12-28..2025-01-03");
  // 30 days: all 29 of February 2024 and 1 March; in 2025, 31 January too.
  EXPECT_EQ(range(DatePreset::kLast30, "2024-03-01"), "2024-02-01..2024-03-01");
  EXPECT_EQ(range(DatePreset::kLast30, "2025-03-01"), "2025-01-31..2025-03-01");
  EXPECT_EQ(range(DatePreset::kLastMonth, "2025-01-15"), "2024-12-01..2024-12-31");
  EXPECT_EQ(range(DatePreset::kLastMonth, "2024-03-31"), "2024-02-01..2024-02-29");
  EXPECT_EQ(range(DatePreset::kThisMonth, "2025-02-28"), "2025-02-01..2025-02-28");
  EXPECT_EQ(range(DatePreset::kThisQuarter, "2025-12-31"), "2025-10-01..2025-12-31");
  EXPECT_EQ(range(DatePreset::kYearToDate, "2025-01-01"), "2025-01-01..2025-01-01");
  EXPECT_EQ(range(DatePreset::kAll, "2025-01-01"), "all");
}

TEST(Presets, EveryPresetMatchesTheReferenceOnEveryDayOfFourYears) {
  const Day today = D("2026-11-25");
  for (Day last = D("2023-01-01"); last <= D("2026-12-31"); ++last) {
    for (const DatePresetDef& def : kDatePresets) {
      const auto want = ReferencePreset(def.key, today, last);
      const auto got = PresetRange(def.id, PresetAnchor(today, last));
      ASSERT_EQ(want.has_value(), got.has_value()) << def.key << " " << Iso(last);
      if (!want) continue;
      ASSERT_EQ(Iso(want->from) + ".." + Iso(want->to), Iso(got->from) + ".." + Iso(got->to))
          << def.key << " with data ending " << Iso(last);
    }
  }
}

TEST(Presets, BucketStartsMatchTheReferenceOnEveryDay) {
  for (Day d = D("1999-12-01"); d <= D("2001-03-31"); ++d) {
    ASSERT_EQ(Iso(BucketStart(d, Granularity::kWeek)), Iso(RefBucketStart(d, RefGranularity::kWeek)));
    ASSERT_EQ(Iso(BucketStart(d, Granularity::kMonth)), Iso(RefBucketStart(d, RefGranularity::kMonth)));
  }
}

TEST(Presets, DefaultGranularityFollowsTheRangeLength) {
  EXPECT_EQ(DefaultGranularity(1), Granularity::kDay);
  EXPECT_EQ(DefaultGranularity(92), Granularity::kDay);
  EXPECT_EQ(DefaultGranularity(93), Granularity::kWeek);
  EXPECT_EQ(DefaultGranularity(731), Granularity::kWeek);
  EXPECT_EQ(DefaultGranularity(732), Granularity::kMonth);
}

// ---- Parameters ----------------------------------------------------------------------

TEST(ViewParams, ParseAndRejectWithTheParameterNamed) {
  DashboardOptions defaults;
  defaults.weighted = WeightAllMeans();
  auto o = ParseDashboardOptions({{"granularity", "week"}, {"weight_by", "none"}}, defaults);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->granularity, Granularity::kWeek);
  EXPECT_EQ(o->weighted, Weighting{});
  o = ParseDashboardOptions({}, defaults);  // the administrator's default stays
  EXPECT_EQ(o->weighted, WeightAllMeans());
  EXPECT_EQ(ParseDashboardOptions({{"granularity", "year"}}, {}).error().param, "granularity");
  EXPECT_EQ(ParseDashboardOptions({{"weight_by", "csat"}}, {}).error().param, "weight_by");

  auto b = ParseBreakdownRequest({{"by", "supervisor"}, {"sort", "csat"}, {"order", "asc"},
                                  {"limit", "10"}, {"offset", "20"}, {"q", "ah"}});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->by, Dimension::kSupervisor);
  EXPECT_EQ(b->sort_kpi, KpiIndex("csat"));
  EXPECT_FALSE(b->descending);
  EXPECT_EQ(b->limit, 10u);
  EXPECT_EQ(b->offset, 20u);
  EXPECT_EQ(b->search, "ah");
  b = ParseBreakdownRequest({});
  EXPECT_EQ(b->sort_kpi, KpiIndex("total_chats"));
  EXPECT_TRUE(b->descending);
  EXPECT_EQ(b->limit, 50u);
  b = ParseBreakdownRequest({{"sort", "name"}});
  EXPECT_FALSE(b->sort_kpi.has_value());
  EXPECT_FALSE(b->descending);
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"by", "team"}, {"sort", "speed"}, {"order", "up"}, {"limit", "0"},
           {"limit", "1001"}, {"limit", "5x"}, {"offset", "-1"}, {"q", std::string(201, 'a')}}) {
    const auto bad = ParseBreakdownRequest({{key, value}});
    ASSERT_FALSE(bad.ok()) << key << "=" << value;
    EXPECT_EQ(bad.error().param, key);
  }
}

}  // namespace
}  // namespace keeta::spec
