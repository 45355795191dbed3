// One test per rule of the KPI contract (/work/shared/spec/kpis.md, docs/kpis.md): every
// card and trend aggregation, absent columns, trends, missing days, filters and the filter
// choices. Inputs are built as ParsedTables (reference_model.h), not through the CSV
// loader, so a failure here points at the engine. Expected values are worked out by hand
// from the spec in the comments next to them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/kpi_registry.h"
#include "reference_model.h"

namespace keeta::spec {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::NanSensitiveDoubleNear;
using ::testing::Pointwise;
using M = Measure;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A row on `day` for `agent` (team leader "T1", supervisor "S1" unless changed).
Row At(std::string_view day, std::string agent = "A") {
  return Row().On(day).Agent(std::move(agent)).TeamLeader("T1").Supervisor("S1");
}
Row NoDayRow(std::string agent = "A") {
  return Row().Agent(std::move(agent)).TeamLeader("T1").Supervisor("S1");
}

Table Make(std::vector<Row> rows, Columns columns = {}) { return Table{columns, std::move(rows)}; }

void ExpectTrend(const Dashboard& d, std::string_view id, std::vector<double> want) {
  EXPECT_THAT(Kpi(d, id).trend, Pointwise(NanSensitiveDoubleNear(1e-9), want)) << id;
}
void ExpectValue(const Dashboard& d, std::string_view id, double want) {
  const KpiResult& k = Kpi(d, id);
  EXPECT_TRUE(k.available) << id;
  ASSERT_TRUE(k.value.has_value()) << id << ": expected " << want << ", got no value";
  EXPECT_NEAR(*k.value, want, 1e-9 * std::max(1.0, std::fabs(want))) << id;
}
void ExpectNoValue(const Dashboard& d, std::string_view id) {
  const KpiResult& k = Kpi(d, id);
  EXPECT_FALSE(k.value.has_value()) << id << ": expected no value, got " << k.value.value_or(0);
}
void ExpectUnavailable(const Dashboard& d, std::string_view id) {
  const KpiResult& k = Kpi(d, id);
  EXPECT_FALSE(k.available) << id;
  EXPECT_FALSE(k.value.has_value()) << id;
  EXPECT_THAT(k.trend, IsEmpty()) << id;
}

const std::vector<std::pair<std::string_view, Measure>> kSumKpis{
    {"total_chats", M::kTotalChats}, {"escalations", M::kEscalations}, {"pending", M::kPending}};
const std::vector<std::pair<std::string_view, Measure>> kMeanKpis{
    {"avg_response_time", M::kAvgResponseTime},
    {"csat", M::kCsat},
    {"avg_chat_duration", M::kAvgChatDuration},
    {"sales_conversion", M::kSalesConversion},
    {"avg_queue_time", M::kAvgQueueTime}};

// ---- Cards and trends: sums and means ---------------------------------------------------

TEST(KpiCards, TotalChatsCardIsSumAndTrendIsDailySum) {
  const Table t = Make({
      At("2025-01-02", "A").Set(M::kTotalChats, 10),
      At("2025-01-01", "B").Set(M::kTotalChats, 5),
      At("2025-01-02", "C").Set(M::kTotalChats, 7),
      At("2025-01-01", "A"),  // missing cell: skipped
  });
  const Dashboard d = Compute(t);
  EXPECT_EQ(d.rows, 4u);
  EXPECT_THAT(d.days, ElementsAre(D("2025-01-01"), D("2025-01-02")));
  ExpectValue(d, "total_chats", 22);     // 10 + 5 + 7
  ExpectTrend(d, "total_chats", {5, 17});  // 01-01: 5; 01-02: 10 + 7
}

TEST(KpiCards, EverySumKpiSumsPresentValuesPerDay) {
  for (const auto& [id, m] : kSumKpis) {
    SCOPED_TRACE(id);
    const Table t = Make({
        At("2025-03-01", "A").Set(m, 3),
        At("2025-03-01", "B").Set(m, 4),
        At("2025-03-02", "A"),
        At("2025-03-03", "B").Set(m, 1200),
    });
    const Dashboard d = Compute(t);
    ExpectValue(d, id, 1207);
    ExpectTrend(d, id, {7, 0, 1200});
  }
}

TEST(KpiCards, SumWithNoPresentValuesIsZeroNotNull) {
  for (const auto& [id, m] : kSumKpis) {
    SCOPED_TRACE(id);
    const Table t = Make({At("2025-03-01", "A"), At("2025-03-02", "B")});
    const Dashboard d = Compute(t);
    ExpectValue(d, id, 0);
    ExpectTrend(d, id, {0, 0});
  }
}

TEST(KpiCards, EveryMeanKpiSkipsMissingValues) {
  for (const auto& [id, m] : kMeanKpis) {
    SCOPED_TRACE(id);
    const Table t = Make({
        At("2025-03-01", "A").Set(m, 10),
        At("2025-03-01", "B"),  // missing: not a zero
        At("2025-03-01", "C").Set(m, 20),
        At("2025-03-02", "A").Set(m, 3),
    });
    const Dashboard d = Compute(t);
    ExpectValue(d, id, 11);       // (10 + 20 + 3) / 3
    ExpectTrend(d, id, {15, 3});  // (10 + 20) / 2; 3
  }
}

TEST(KpiCards, MeanIsAPlainRowMeanNotWeightedByChats) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kTotalChats, 100).Set(M::kAvgResponseTime, 10),
      At("2025-03-01", "B").Set(M::kTotalChats, 1).Set(M::kAvgResponseTime, 100),
  });
  ExpectValue(Compute(t), "avg_response_time", 55);  // weighted would be 1100/101
}

TEST(KpiCards, MeanWithNoPresentValuesHasNoValue) {
  for (const auto& [id, m] : kMeanKpis) {
    SCOPED_TRACE(id);
    const Table t = Make({At("2025-03-01", "A"), At("2025-03-02", "B")});
    const Dashboard d = Compute(t);
    EXPECT_TRUE(Kpi(d, id).available);
    ExpectNoValue(d, id);
    ExpectTrend(d, id, {kNaN, kNaN});
  }
}

TEST(KpiCards, DayWithoutPresentValuesIsNaNForMeansAndZeroForSums) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kTotalChats, 4).Set(M::kCsat, 90),
      At("2025-03-02", "A"),  // all cells missing
      At("2025-03-03", "A").Set(M::kTotalChats, 6).Set(M::kCsat, 80),
  });
  const Dashboard d = Compute(t);
  ExpectTrend(d, "total_chats", {4, 0, 6});
  ExpectTrend(d, "csat", {90, kNaN, 80});
  ExpectValue(d, "csat", 85);
}

// ---- resolved_pct -----------------------------------------------------------------------

TEST(KpiCards, ResolvedPctIsRatioOfSumsNotMeanOfRatios) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kResolved, 9).Set(M::kPending, 1),    // 90%
      At("2025-03-01", "B").Set(M::kResolved, 10).Set(M::kPending, 30),  // 25%
      At("2025-03-02", "A").Set(M::kResolved, 3).Set(M::kPending, 1),
  });
  const Dashboard d = Compute(t);
  ExpectValue(d, "resolved_pct", 100.0 * 22 / 54);
  ExpectTrend(d, "resolved_pct", {100.0 * 19 / 50, 75});  // mean of ratios would be 57.5
}

TEST(KpiCards, ResolvedPctSkipsMissingCells) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kPending, 5),   // resolved missing
      At("2025-03-01", "B").Set(M::kResolved, 5),  // pending missing
  });
  ExpectValue(Compute(t), "resolved_pct", 50);
}

TEST(KpiCards, ResolvedPctWithZeroDenominatorHasNoValueOnCardAndDay) {
  {
    const Table t = Make({
        At("2025-03-01", "A").Set(M::kResolved, 0).Set(M::kPending, 0),
        At("2025-03-02", "A"),  // both missing
    });
    const Dashboard d = Compute(t);
    EXPECT_TRUE(Kpi(d, "resolved_pct").available);
    ExpectNoValue(d, "resolved_pct");
    ExpectTrend(d, "resolved_pct", {kNaN, kNaN});
  }
  {
    const Table t = Make({
        At("2025-03-01", "A").Set(M::kResolved, 0).Set(M::kPending, 0),
        At("2025-03-02", "A").Set(M::kResolved, 2).Set(M::kPending, 2),
    });
    const Dashboard d = Compute(t);
    ExpectValue(d, "resolved_pct", 50);
    ExpectTrend(d, "resolved_pct", {kNaN, 50});
  }
}

TEST(KpiCards, ResolvedPctIsZeroWhenNothingResolvedAndHundredWhenNothingPending) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kResolved, 0).Set(M::kPending, 5),
      At("2025-03-02", "A").Set(M::kResolved, 5).Set(M::kPending, 0),
  });
  const Dashboard d = Compute(t);
  ExpectTrend(d, "resolved_pct", {0, 100});
  ExpectValue(d, "resolved_pct", 50);
}

// ---- active_agents ----------------------------------------------------------------------

TEST(KpiActiveAgents, CountsDistinctAgentsOverActiveRows) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kActiveAgents, 1),
      At("2025-03-01", "B").Set(M::kActiveAgents, 0),
      At("2025-03-01", "C").Set(M::kActiveAgents, 1),
      At("2025-03-02", "A").Set(M::kActiveAgents, 1),
      At("2025-03-02", "B").Set(M::kActiveAgents, 1),
  });
  const Dashboard d = Compute(t);
  ExpectValue(d, "active_agents", 3);       // A, B (on 03-02), C
  ExpectTrend(d, "active_agents", {2, 2});  // {A, C}; {A, B}
}

TEST(KpiActiveAgents, MissingActiveCellCountsAsActive) {
  const Table t = Make({
      At("2025-03-01", "A"),  // missing active_agents
      At("2025-03-01", "B").Set(M::kActiveAgents, 0),
  });
  const Dashboard d = Compute(t);
  ExpectValue(d, "active_agents", 1);
  ExpectTrend(d, "active_agents", {1});
}

TEST(KpiActiveAgents, AnyNonZeroValueCountsAsActive) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kActiveAgents, 2),
      At("2025-03-01", "B").Set(M::kActiveAgents, 0.5),
      At("2025-03-01", "C").Set(M::kActiveAgents, 0),
  });
  ExpectValue(Compute(t), "active_agents", 2);
}

TEST(KpiActiveAgents, SameAgentTwiceOnOneDayCountedOnce) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kActiveAgents, 1),
      At("2025-03-01", "A").Set(M::kActiveAgents, 1),
      At("2025-03-01", "B").Set(M::kActiveAgents, 1),
  });
  // Unfiltered (served from per-day totals) and name-filtered (rows re-read) alike.
  for (const Filter& f : {Filter{}, MakeFilter({"A", "B"}), MakeFilter({}, {"T1"})}) {
    SCOPED_TRACE(f.CanonicalKey());
    const Dashboard d = Compute(t, f);
    ExpectValue(d, "active_agents", 2);
    ExpectTrend(d, "active_agents", {2});
  }
}

TEST(KpiActiveAgents, InactiveRowDoesNotHideAnActiveRowOfTheSameAgent) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kActiveAgents, 0),
      At("2025-03-01", "A").Set(M::kActiveAgents, 1),
  });
  const Dashboard d = Compute(t);
  ExpectValue(d, "active_agents", 1);
  ExpectTrend(d, "active_agents", {1});
}

TEST(KpiActiveAgents, SameAgentOnSeveralDaysCountedOnceOnTheCard) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kActiveAgents, 1),
      At("2025-03-02", "A").Set(M::kActiveAgents, 1),
      At("2025-03-03", "A").Set(M::kActiveAgents, 1),
  });
  const Dashboard d = Compute(t);
  ExpectValue(d, "active_agents", 1);
  ExpectTrend(d, "active_agents", {1, 1, 1});
}

TEST(KpiActiveAgents, SameAgentUnderTwoTeamLeadersCountedOnce) {
  const Table t = Make({
      At("2025-03-01", "A").TeamLeader("T1").Set(M::kActiveAgents, 1),
      At("2025-03-01", "A").TeamLeader("T2").Supervisor("S2").Set(M::kActiveAgents, 1),
      At("2025-03-02", "A").TeamLeader("T2").Set(M::kActiveAgents, 1),
  });
  const Dashboard d = Compute(t);
  ExpectValue(d, "active_agents", 1);
  ExpectTrend(d, "active_agents", {1, 1});

  const Dashboard t1 = Compute(t, MakeFilter({}, {"T1"}));
  ExpectValue(t1, "active_agents", 1);
  ExpectTrend(t1, "active_agents", {1});
}

TEST(KpiActiveAgents, EmptyAgentNameNotCounted) {
  const Table t = Make({
      At("2025-03-01", "").Set(M::kActiveAgents, 1),
      At("2025-03-01", "A").Set(M::kActiveAgents, 1),
      At("2025-03-02", "").Set(M::kActiveAgents, 1),
  });
  const Dashboard d = Compute(t);
  EXPECT_EQ(d.rows, 3u);
  ExpectValue(d, "active_agents", 1);
  ExpectTrend(d, "active_agents", {1, 0});
}

TEST(KpiActiveAgents, NoActiveRowGivesZeroNotNull) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kActiveAgents, 0),
      At("2025-03-01", "B").Set(M::kActiveAgents, 0),
  });
  const Dashboard d = Compute(t);
  ExpectValue(d, "active_agents", 0);
  ExpectTrend(d, "active_agents", {0});
}

TEST(KpiActiveAgents, ActiveColumnAbsentCountsEveryRowAsActive) {
  const Table t = Make(
      {
          At("2025-03-01", "A").Set(M::kActiveAgents, 0),  // dropped with the column
          At("2025-03-01", "B"),
          At("2025-03-02", "B"),
      },
      Columns().Without(M::kActiveAgents));
  const Dashboard d = Compute(t);
  ExpectValue(d, "active_agents", 2);
  ExpectTrend(d, "active_agents", {2, 1});
}

TEST(KpiActiveAgents, AgentColumnAbsentMeansNoValueForEveryFilter) {
  const Table t = Make(
      {
          At("2025-03-01").Set(M::kActiveAgents, 1).Set(M::kTotalChats, 5),
          At("2025-03-02").Set(M::kActiveAgents, 1).Set(M::kTotalChats, 6),
      },
      Columns().Without(Dimension::kAgent));
  for (const Filter& f : {Filter{}, MakeFilter({}, {"T1"}), DateFilter(D("2025-03-02"), {}),
                          MakeFilter({}, {"nobody"})}) {
    SCOPED_TRACE(f.CanonicalKey());
    ExpectUnavailable(Compute(t, f), "active_agents");
  }
  ExpectValue(Compute(t), "total_chats", 11);
}

// ---- Absent columns ---------------------------------------------------------------------

TEST(KpiAbsentColumns, KpiWithAbsentColumnHasNoValueForEveryFilter) {
  // Which KPIs each measure column feeds, per the spec's table (active_agents is fed by the
  // agent column; its own column only says who is active).
  const std::map<Measure, std::vector<std::string_view>> feeds{
      {M::kTotalChats, {"total_chats"}},
      {M::kAvgResponseTime, {"avg_response_time"}},
      {M::kCsat, {"csat"}},
      {M::kActiveAgents, {}},
      {M::kEscalations, {"escalations"}},
      {M::kResolved, {"resolved_pct"}},
      {M::kPending, {"pending", "resolved_pct"}},
      {M::kAvgChatDuration, {"avg_chat_duration"}},
      {M::kSalesConversion, {"sales_conversion"}},
      {M::kAvgQueueTime, {"avg_queue_time"}},
  };
  std::vector<Row> rows;
  for (int i = 0; i < 6; ++i) {
    Row r = At(i % 2 ? "2025-03-01" : "2025-03-02", i % 3 ? "A" : "B");
    for (std::size_t m = 0; m < kMeasureCount; ++m) r.values[m] = static_cast<double>(1 + i) + static_cast<double>(m);
    rows.push_back(r);
  }
  const std::vector<Filter> filters{
      Filter{},
      MakeFilter({"A"}),
      MakeFilter({}, {"T1"}, {"S1"}),
      DateFilter(D("2025-03-01"), D("2025-03-01")),
      DateFilter(std::nullopt, D("2025-03-02")),
      MakeFilter({"nobody"}),
      DateFilter(D("2025-03-02"), D("2025-03-01")),
  };
  for (const auto& [measure, fed] : feeds) {
    SCOPED_TRACE(Info(measure).column);
    const Table t = Make(rows, Columns().Without(measure));
    for (const Filter& f : filters) {
      SCOPED_TRACE(f.CanonicalKey());
      const Dashboard d = Compute(t, f);
      for (const KpiDef& def : kKpis) {
        const bool should_be_fed = std::find(fed.begin(), fed.end(), def.id) != fed.end();
        if (should_be_fed) {
          ExpectUnavailable(d, def.id);
        } else {
          EXPECT_TRUE(Kpi(d, def.id).available) << def.id;
          EXPECT_EQ(Kpi(d, def.id).trend.size(), d.days.size()) << def.id;
        }
      }
    }
  }
}

TEST(KpiAbsentColumns, NoMeasureColumnsStillCountsRowsAndActiveAgents) {
  Columns c;
  for (std::size_t m = 0; m < kMeasureCount; ++m) c.measures[m] = false;
  const Table t = Make({At("2025-03-01", "A"), At("2025-03-02", "B")}, c);
  const Dashboard d = Compute(t);
  EXPECT_EQ(d.rows, 2u);
  EXPECT_EQ(d.days.size(), 2u);
  for (const KpiDef& def : kKpis) {
    if (def.id == "active_agents") continue;
    ExpectUnavailable(d, def.id);
  }
  ExpectValue(d, "active_agents", 2);
  ExpectTrend(d, "active_agents", {1, 1});
}

// ---- Trends -----------------------------------------------------------------------------

TEST(KpiTrend, OnePointPerDayAscendingForUnsortedRows) {
  const Table t = Make({
      At("2025-03-03", "A").Set(M::kTotalChats, 3),
      At("2025-03-01", "B").Set(M::kTotalChats, 1),
      At("2025-02-28", "C").Set(M::kTotalChats, 100),
      At("2025-03-01", "A").Set(M::kTotalChats, 10),
      At("2025-03-05", "B").Set(M::kTotalChats, 5),
  });
  const Dashboard d = Compute(t);
  // No point for 03-02 or 03-04: only days with rows.
  EXPECT_THAT(d.days,
              ElementsAre(D("2025-02-28"), D("2025-03-01"), D("2025-03-03"), D("2025-03-05")));
  ExpectTrend(d, "total_chats", {100, 11, 3, 5});
  for (const KpiResult& k : d.kpis) EXPECT_EQ(k.trend.size(), d.days.size()) << k.def->id;
}

TEST(KpiTrend, OnlyDaysWithAFilteredRow) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kTotalChats, 1),
      At("2025-03-02", "B").Set(M::kTotalChats, 2),
      At("2025-03-03", "A").Set(M::kTotalChats, 3),
  });
  const Dashboard d = Compute(t, MakeFilter({"A"}));
  EXPECT_THAT(d.days, ElementsAre(D("2025-03-01"), D("2025-03-03")));
  ExpectTrend(d, "total_chats", {1, 3});
}

TEST(KpiTrend, NoDayColumnEmptiesEveryTrendButCardsUseAllRows) {
  const Table t = Make(
      {
          At("2025-03-01", "A").Set(M::kTotalChats, 4).Set(M::kCsat, 80),
          At("2025-03-02", "B").Set(M::kTotalChats, 6).Set(M::kCsat, 90),
          At("2025-03-02", "C").Set(M::kResolved, 1).Set(M::kPending, 3),
      },
      Columns().WithoutDay());
  const Dashboard d = Compute(t);
  EXPECT_EQ(d.rows, 3u);
  EXPECT_THAT(d.days, IsEmpty());
  for (const KpiResult& k : d.kpis) {
    EXPECT_TRUE(k.available) << k.def->id;
    EXPECT_THAT(k.trend, IsEmpty()) << k.def->id;
  }
  ExpectValue(d, "total_chats", 10);
  ExpectValue(d, "csat", 85);
  ExpectValue(d, "active_agents", 3);
  ExpectValue(d, "resolved_pct", 25);
}

// ---- Missing days -----------------------------------------------------------------------

TEST(KpiMissingDay, RowsWithoutDayCountInCardsButNotTrendsWithoutDateFilter) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kTotalChats, 10).Set(M::kCsat, 90),
      NoDayRow("B").Set(M::kTotalChats, 5).Set(M::kCsat, 60),
  });
  const Dashboard d = Compute(t);
  EXPECT_EQ(d.rows, 2u);
  EXPECT_THAT(d.days, ElementsAre(D("2025-03-01")));
  ExpectValue(d, "total_chats", 15);
  ExpectValue(d, "csat", 75);
  ExpectValue(d, "active_agents", 2);
  ExpectTrend(d, "total_chats", {10});
  ExpectTrend(d, "csat", {90});
  ExpectTrend(d, "active_agents", {1});

  // Name filters alone keep rows without a day.
  const Dashboard b = Compute(t, MakeFilter({"B"}));
  EXPECT_EQ(b.rows, 1u);
  EXPECT_THAT(b.days, IsEmpty());
  ExpectValue(b, "total_chats", 5);
  EXPECT_THAT(Kpi(b, "total_chats").trend, IsEmpty());
}

TEST(KpiMissingDay, RowsWithoutDayLeftOutWheneverADateIsGiven) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kTotalChats, 10),
      NoDayRow("B").Set(M::kTotalChats, 5),
  });
  const std::vector<Filter> filters{
      DateFilter(D("2025-01-01"), std::nullopt),
      DateFilter(std::nullopt, D("2025-12-31")),
      DateFilter(D("2025-01-01"), D("2025-12-31")),
  };
  for (const Filter& f : filters) {
    SCOPED_TRACE(f.CanonicalKey());
    const Dashboard d = Compute(t, f);
    EXPECT_EQ(d.rows, 1u);
    ExpectValue(d, "total_chats", 10);
    ExpectValue(d, "active_agents", 1);
  }
}

TEST(KpiMissingDay, DateFilterWithoutDayColumnMatchesNothing) {
  const Table t = Make({At("2025-03-01", "A").Set(M::kTotalChats, 10)}, Columns().WithoutDay());
  const Dashboard d = Compute(t, DateFilter(D("2000-01-01"), std::nullopt));
  EXPECT_EQ(d.rows, 0u);
  ExpectValue(d, "total_chats", 0);
  EXPECT_EQ(Compute(t).rows, 1u);
}

// ---- Filters ----------------------------------------------------------------------------

TEST(KpiFilters, EachNameFilterMatchesAnyOfSeveralValues) {
  for (std::size_t dim = 0; dim < kDimensionCount; ++dim) {
    const Dimension d = static_cast<Dimension>(dim);
    SCOPED_TRACE(kDimensionColumns[dim]);
    const Table t = Make({
        At("2025-03-01").Name(d, "X").Set(M::kTotalChats, 1),
        At("2025-03-01").Name(d, "Y").Set(M::kTotalChats, 10),
        At("2025-03-02").Name(d, "Z").Set(M::kTotalChats, 100),
    });
    Filter f;
    f.AddName(d, "X");
    f.AddName(d, "Z");
    const Dashboard r = Compute(t, f);
    EXPECT_EQ(r.rows, 2u);
    ExpectValue(r, "total_chats", 101);
    ExpectTrend(r, "total_chats", {1, 100});
  }
}

TEST(KpiFilters, FiltersCombineWithAnd) {
  const Table t = Make({
      At("2025-03-01", "A").TeamLeader("T1").Supervisor("S1").Set(M::kTotalChats, 1),
      At("2025-03-01", "B").TeamLeader("T2").Supervisor("S1").Set(M::kTotalChats, 10),
      At("2025-03-02", "A").TeamLeader("T2").Supervisor("S2").Set(M::kTotalChats, 100),
      At("2025-03-03", "B").TeamLeader("T2").Supervisor("S1").Set(M::kTotalChats, 1000),
  });
  ExpectValue(Compute(t, MakeFilter({"A", "B"}, {"T2"})), "total_chats", 1110);
  ExpectValue(Compute(t, MakeFilter({"A", "B"}, {"T2"}, {"S1"})), "total_chats", 1010);
  ExpectValue(Compute(t, MakeFilter({"B"}, {"T2"}, {"S1"}, D("2025-03-02"), std::nullopt)),
              "total_chats", 1000);
  const Dashboard none = Compute(t, MakeFilter({"A"}, {}, {"S1"}, D("2025-03-02"), {}));
  EXPECT_EQ(none.rows, 0u);
}

TEST(KpiFilters, UnknownNameGivesAnEmptyResult) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kTotalChats, 1).Set(M::kCsat, 90).Set(M::kResolved, 1),
  });
  const Dashboard d = Compute(t, MakeFilter({"Nobody"}));
  EXPECT_EQ(d.rows, 0u);
  EXPECT_THAT(d.days, IsEmpty());
  for (const KpiResult& k : d.kpis) {
    EXPECT_TRUE(k.available) << k.def->id;
    EXPECT_THAT(k.trend, IsEmpty()) << k.def->id;
  }
  for (const auto& [id, m] : kSumKpis) ExpectValue(d, id, 0);
  for (const auto& [id, m] : kMeanKpis) ExpectNoValue(d, id);
  ExpectNoValue(d, "resolved_pct");
  ExpectValue(d, "active_agents", 0);
}

TEST(KpiFilters, UnknownNameAmongKnownOnesIsJustNoMatch) {
  const Table t = Make({At("2025-03-01", "A").Set(M::kTotalChats, 1),
                        At("2025-03-01", "B").Set(M::kTotalChats, 2)});
  ExpectValue(Compute(t, MakeFilter({"Nobody", "B"})), "total_chats", 2);
}

TEST(KpiFilters, FilterValuesAreTrimmed) {
  const Table t = Make({At("2025-03-01", "Ahmed").Set(M::kTotalChats, 1),
                        At("2025-03-01", "B").Set(M::kTotalChats, 2)});
  const Dashboard d = Compute(t, MakeFilter({"  Ahmed  "}));
  EXPECT_EQ(d.rows, 1u);
  ExpectValue(d, "total_chats", 1);
}

TEST(KpiFilters, AllAndEmptyValuesMeanNoFilter) {
  const Table t = Make({
      At("2025-03-01", "A").Set(M::kTotalChats, 1),
      At("2025-03-01", "").TeamLeader("").Supervisor("").Set(M::kTotalChats, 2),
      At("2025-03-02", "B").TeamLeader("T2").Set(M::kTotalChats, 4),
  });
  const Dashboard d = Compute(t, MakeFilter({"All"}, {"ALL", ""}, {"all", "  aLL "}));
  EXPECT_EQ(d.rows, 3u);
  ExpectValue(d, "total_chats", 7);
}

TEST(KpiFilters, AllNextToARealNameFiltersOnTheName) {
  // Filter::AddName ignores "All": the remaining values still filter.
  const Table t = Make({At("2025-03-01", "A").Set(M::kTotalChats, 1),
                        At("2025-03-01", "B").Set(M::kTotalChats, 2)});
  ExpectValue(Compute(t, MakeFilter({"All", "B"})), "total_chats", 2);
}

TEST(KpiFilters, NamesAreCaseSensitiveAndAnyUtf8) {
  const Table t = Make({
      At("2025-03-01", "Sara").Set(M::kTotalChats, 1),
      At("2025-03-01", "sara").Set(M::kTotalChats, 2),
      At("2025-03-01", "أحمد").TeamLeader("ليلى").Set(M::kTotalChats, 4),
  });
  ExpectValue(Compute(t, MakeFilter({"sara"})), "total_chats", 2);
  ExpectValue(Compute(t, MakeFilter({"أحمد"})), "total_chats", 4);
  ExpectValue(Compute(t, MakeFilter({}, {" ليلى "})), "total_chats", 4);
  EXPECT_EQ(Compute(t, MakeFilter({"SARA"})).rows, 0u);
}

TEST(KpiFilters, NameFilterOnAbsentColumnMatchesNothing) {
  // Interpretation: a row of a file without a `supervisor` column has no supervisor, so
  // asking for one matches no row (rather than silently ignoring the filter).
  const Table t = Make({At("2025-03-01", "A").Set(M::kTotalChats, 1)},
                       Columns().Without(Dimension::kSupervisor));
  EXPECT_EQ(Compute(t, MakeFilter({}, {}, {"S1"})).rows, 0u);
  EXPECT_EQ(Compute(t).rows, 1u);
}

class KpiDateFilters : public ::testing::Test {
 protected:
  // One row per day 03-01..03-05, total_chats = day of month.
  Table table_ = Make({
      At("2025-03-04").Set(M::kTotalChats, 4),
      At("2025-03-01").Set(M::kTotalChats, 1),
      At("2025-03-02").Set(M::kTotalChats, 2),
      At("2025-03-05").Set(M::kTotalChats, 5),
      At("2025-03-03").Set(M::kTotalChats, 3),
  });
  std::vector<Day> Days(std::optional<Day> from, std::optional<Day> to) {
    return Compute(table_, DateFilter(from, to)).days;
  }
};

TEST_F(KpiDateFilters, BothDatesAreInclusive) {
  EXPECT_THAT(Days(D("2025-03-02"), D("2025-03-04")),
              ElementsAre(D("2025-03-02"), D("2025-03-03"), D("2025-03-04")));
  ExpectValue(Compute(table_, DateFilter(D("2025-03-02"), D("2025-03-04"))), "total_chats", 9);
}

TEST_F(KpiDateFilters, SingleDayRange) {
  EXPECT_THAT(Days(D("2025-03-03"), D("2025-03-03")), ElementsAre(D("2025-03-03")));
}

TEST_F(KpiDateFilters, OnlyFromDate) {
  EXPECT_THAT(Days(D("2025-03-04"), std::nullopt), ElementsAre(D("2025-03-04"), D("2025-03-05")));
}

TEST_F(KpiDateFilters, OnlyToDate) {
  EXPECT_THAT(Days(std::nullopt, D("2025-03-02")), ElementsAre(D("2025-03-01"), D("2025-03-02")));
}

TEST_F(KpiDateFilters, FromAfterToMatchesNothing) {
  const Dashboard d = Compute(table_, DateFilter(D("2025-03-04"), D("2025-03-02")));
  EXPECT_EQ(d.rows, 0u);
  EXPECT_THAT(d.days, IsEmpty());
  ExpectValue(d, "total_chats", 0);
}

TEST_F(KpiDateFilters, RangeOutsideTheDataMatchesNothing) {
  EXPECT_EQ(Compute(table_, DateFilter(D("2025-03-06"), std::nullopt)).rows, 0u);
  EXPECT_EQ(Compute(table_, DateFilter(std::nullopt, D("2025-02-28"))).rows, 0u);
  EXPECT_EQ(Compute(table_, DateFilter(D("2024-01-01"), D("2026-01-01"))).rows, 5u);
}

// ---- Filter choices ---------------------------------------------------------------------

TEST(KpiChoices, ListsAreSortedByteOrderWithoutEmptyNames) {
  const Table t = Make({
      At("2025-03-01", "Zed").TeamLeader("").Supervisor("S1"),
      At("2025-03-01", "").TeamLeader("T2"),
      At("2025-03-02", "أحمد").TeamLeader("T1"),
      At("2025-03-02", "ahmed"),
      At("2025-03-03", "Bob"),
      At("2025-03-03", "Bob"),
  });
  const FilterChoices c = Choices(t);
  EXPECT_THAT(c.names[Index(Dimension::kAgent)], ElementsAre("Bob", "Zed", "ahmed", "أحمد"));
  EXPECT_THAT(c.names[Index(Dimension::kTeamLeader)], ElementsAre("T1", "T2"));
  EXPECT_THAT(c.names[Index(Dimension::kSupervisor)], ElementsAre("S1"));
}

class KpiChoicesNarrowing : public ::testing::Test {
 protected:
  Table table_ = Make({
      At("2025-03-01", "A1").TeamLeader("T1").Supervisor("S1"),
      At("2025-03-02", "A2").TeamLeader("T1").Supervisor("S1"),
      At("2025-03-03", "A3").TeamLeader("T2").Supervisor("S2"),
      At("2025-03-04", "A1").TeamLeader("T3").Supervisor("S2"),  // A1 switched team
      NoDayRow("A4").TeamLeader("T4").Supervisor("S3"),
  });
  const std::vector<std::string>& Of(const FilterChoices& c, Dimension d) {
    return c.names[Index(d)];
  }
};

TEST_F(KpiChoicesNarrowing, SupervisorNarrowsTheOthersButNotItself) {
  const FilterChoices c = Choices(table_, MakeFilter({}, {}, {"S2"}));
  EXPECT_THAT(Of(c, Dimension::kSupervisor), ElementsAre("S1", "S2", "S3"));
  EXPECT_THAT(Of(c, Dimension::kTeamLeader), ElementsAre("T2", "T3"));
  EXPECT_THAT(Of(c, Dimension::kAgent), ElementsAre("A1", "A3"));
}

TEST_F(KpiChoicesNarrowing, AgentNarrowsTeamLeadersAndSupervisors) {
  const FilterChoices c = Choices(table_, MakeFilter({"A1"}));
  EXPECT_THAT(Of(c, Dimension::kAgent), ElementsAre("A1", "A2", "A3", "A4"));
  EXPECT_THAT(Of(c, Dimension::kTeamLeader), ElementsAre("T1", "T3"));
  EXPECT_THAT(Of(c, Dimension::kSupervisor), ElementsAre("S1", "S2"));
}

TEST_F(KpiChoicesNarrowing, EachListIsNarrowedByAllTheOtherFilters) {
  // team leader T1 or T3, supervisor S2: agents are narrowed by both (only A1 under T3/S2);
  // team leaders by the supervisor only; supervisors by the team leaders only.
  const FilterChoices c = Choices(table_, MakeFilter({}, {"T1", "T3"}, {"S2"}));
  EXPECT_THAT(Of(c, Dimension::kAgent), ElementsAre("A1"));
  EXPECT_THAT(Of(c, Dimension::kTeamLeader), ElementsAre("T2", "T3"));
  EXPECT_THAT(Of(c, Dimension::kSupervisor), ElementsAre("S1", "S2"));
}

TEST_F(KpiChoicesNarrowing, DateRangeNarrowsEveryListAndDropsRowsWithoutDay) {
  const FilterChoices c = Choices(table_, DateFilter(D("2025-03-02"), D("2025-03-03")));
  EXPECT_THAT(Of(c, Dimension::kAgent), ElementsAre("A2", "A3"));
  EXPECT_THAT(Of(c, Dimension::kTeamLeader), ElementsAre("T1", "T2"));
  EXPECT_THAT(Of(c, Dimension::kSupervisor), ElementsAre("S1", "S2"));
  // Without a date range the row without a day offers its names.
  EXPECT_THAT(Of(Choices(table_), Dimension::kAgent), ElementsAre("A1", "A2", "A3", "A4"));
}

TEST_F(KpiChoicesNarrowing, UnknownNameEmptiesTheOtherLists) {
  const FilterChoices c = Choices(table_, MakeFilter({"Nobody"}));
  EXPECT_THAT(Of(c, Dimension::kAgent), ElementsAre("A1", "A2", "A3", "A4"));
  EXPECT_THAT(Of(c, Dimension::kTeamLeader), IsEmpty());
  EXPECT_THAT(Of(c, Dimension::kSupervisor), IsEmpty());
}

TEST_F(KpiChoicesNarrowing, MinAndMaxDayAreTheDataBoundsWhateverTheFilter) {
  for (const Filter& f : {Filter{}, MakeFilter({"A2"}), DateFilter(D("2025-03-02"), D("2025-03-02")),
                          MakeFilter({"Nobody"})}) {
    SCOPED_TRACE(f.CanonicalKey());
    const FilterChoices c = Choices(table_, f);
    EXPECT_EQ(c.min_day, D("2025-03-01"));
    EXPECT_EQ(c.max_day, D("2025-03-04"));
  }
}

TEST(KpiChoices, NoDayColumnHasNoDayBounds) {
  const FilterChoices c =
      Choices(Make({At("2025-03-01", "A"), At("2025-03-02", "B")}, Columns().WithoutDay()));
  EXPECT_FALSE(c.min_day.has_value());
  EXPECT_FALSE(c.max_day.has_value());
  EXPECT_THAT(c.names[Index(Dimension::kAgent)], ElementsAre("A", "B"));
}

TEST(KpiChoices, AbsentNameColumnOffersNoChoices) {
  const FilterChoices c = Choices(
      Make({At("2025-03-01", "A"), At("2025-03-02", "B")}, Columns().Without(Dimension::kTeamLeader)));
  EXPECT_THAT(c.names[Index(Dimension::kTeamLeader)], IsEmpty());
  EXPECT_THAT(c.names[Index(Dimension::kAgent)], ElementsAre("A", "B"));
}

// ---- Dataset ----------------------------------------------------------------------------

TEST(KpiDataset, DescribesTheTableItWasBuiltFrom) {
  const Table t = Make(
      {
          At("2025-03-02", "B").TeamLeader(""),
          At("2025-03-01", "").TeamLeader("T9"),
          NoDayRow("A"),
      },
      Columns().Without(M::kCsat).Without(Dimension::kSupervisor));
  const auto ds = BuildDataset(t, /*dictionary_seed=*/3);
  EXPECT_EQ(ds->rows(), 3u);
  EXPECT_EQ(ds->report().rows_loaded, 3u);
  EXPECT_TRUE(ds->has_day());
  EXPECT_FALSE(ds->has_measure(M::kCsat));
  EXPECT_TRUE(ds->has_measure(M::kTotalChats));
  EXPECT_TRUE(ds->has_dimension(Dimension::kAgent));
  EXPECT_FALSE(ds->has_dimension(Dimension::kSupervisor));
  EXPECT_THAT(ds->Names(Dimension::kAgent), ElementsAre("A", "B"));
  EXPECT_THAT(ds->Names(Dimension::kTeamLeader), ElementsAre("T1", "T9"));
  EXPECT_THAT(ds->Names(Dimension::kSupervisor), IsEmpty());
  EXPECT_EQ(ds->min_day(), D("2025-03-01"));
  EXPECT_EQ(ds->max_day(), D("2025-03-02"));
}

TEST(KpiDataset, EmptyTableGivesEmptyAnswers) {
  const Table t = Make({});
  const Dashboard d = Compute(t);
  EXPECT_EQ(d.rows, 0u);
  EXPECT_THAT(d.days, IsEmpty());
  for (const auto& [id, m] : kSumKpis) ExpectValue(d, id, 0);
  for (const auto& [id, m] : kMeanKpis) ExpectNoValue(d, id);
  ExpectNoValue(d, "resolved_pct");
  ExpectValue(d, "active_agents", 0);
  const FilterChoices c = Choices(t);
  for (const auto& names : c.names) EXPECT_THAT(names, IsEmpty());
  EXPECT_FALSE(c.min_day.has_value());
  EXPECT_FALSE(BuildDataset(t)->min_day().has_value());
}

TEST(KpiDataset, DictionaryOrderDoesNotChangeAnswers) {
  const Table t = Make({
      At("2025-03-01", "Zed").TeamLeader("T2").Set(M::kTotalChats, 1).Set(M::kCsat, 50),
      At("2025-03-02", "Amy").TeamLeader("T1").Set(M::kTotalChats, 2).Set(M::kCsat, 70),
      At("2025-03-02", "Mo").TeamLeader("T2").Set(M::kTotalChats, 4),
  });
  const Filter f = MakeFilter({"Zed", "Mo"});
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    SCOPED_TRACE(seed);
    const Dashboard d = ComputeDashboard(*BuildDataset(t, seed), Query{f, {}});
    ExpectValue(d, "total_chats", 5);
    ExpectValue(d, "csat", 50);
    ExpectValue(d, "active_agents", 2);
    const FilterChoices c = ComputeChoices(*BuildDataset(t, seed), Query{f, {}});
    EXPECT_THAT(c.names[Index(Dimension::kTeamLeader)], ElementsAre("T2"));
  }
}

}  // namespace
}  // namespace keeta::spec
