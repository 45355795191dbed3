// The KPI registry (core/kpi_registry.h) against the spec's table of ten KPIs, and the
// card text rules of its "Presentation" section.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <string>

#include "core/kpi_registry.h"

namespace keeta {
namespace {

constexpr std::string_view kNoValue = "\u2014";  // em dash

const KpiDef& K(std::string_view id) {
  const KpiDef* def = FindKpi(id);
  if (def == nullptr) {
    ADD_FAILURE() << "no KPI " << id;
    return kKpis[0];
  }
  return *def;
}

std::string Format(std::string_view id, double value) { return FormatKpiValue(K(id), value); }

TEST(KpiRegistry, TenKpisWithUniqueIdsInTheSpecOrder) {
  const std::array<std::string_view, 10> spec_order{
      "total_chats", "avg_response_time", "csat",           "active_agents",
      "escalations", "resolved_pct",      "pending",        "avg_chat_duration",
      "sales_conversion", "avg_queue_time"};
  ASSERT_EQ(kKpis.size(), spec_order.size());
  std::set<std::string_view> ids;
  for (std::size_t i = 0; i < kKpis.size(); ++i) {
    EXPECT_EQ(kKpis[i].id, spec_order[i]) << i;
    EXPECT_TRUE(ids.insert(kKpis[i].id).second) << "duplicate id " << kKpis[i].id;
    EXPECT_FALSE(kKpis[i].help.empty()) << kKpis[i].id;
  }
}

TEST(KpiRegistry, LabelsAndUnitsMatchTheSpec) {
  struct Expected {
    std::string_view id, label, unit;
  };
  const Expected table[] = {
      {"total_chats", "Total Chats", "chats"},
      {"avg_response_time", "Average Response Time", "sec"},
      {"csat", "Average CSAT", "%"},
      {"active_agents", "Active Agents", "agents"},
      {"escalations", "Escalations", "chats"},
      {"resolved_pct", "Resolved Tickets", "%"},
      {"pending", "Pending Tickets", "tickets"},
      {"avg_chat_duration", "Average Chat Duration", "min"},
      {"sales_conversion", "Sales Conversions", "%"},
      {"avg_queue_time", "Average Queue Time", "sec"},
  };
  for (const Expected& e : table) {
    SCOPED_TRACE(e.id);
    EXPECT_EQ(K(e.id).label, e.label);
    EXPECT_EQ(K(e.id).unit, e.unit);
  }
}

TEST(KpiRegistry, AggregationsAndInputsMatchTheSpec) {
  struct Expected {
    std::string_view id;
    Aggregation aggregation;
    Measure input;
    ValueFormat format;
  };
  const Expected table[] = {
      {"total_chats", Aggregation::kSum, Measure::kTotalChats, ValueFormat::kCount},
      {"avg_response_time", Aggregation::kMean, Measure::kAvgResponseTime, ValueFormat::kDecimal1},
      {"csat", Aggregation::kMean, Measure::kCsat, ValueFormat::kPercent1},
      {"active_agents", Aggregation::kDistinctActiveAgents, Measure::kActiveAgents,
       ValueFormat::kCount},
      {"escalations", Aggregation::kSum, Measure::kEscalations, ValueFormat::kCount},
      {"resolved_pct", Aggregation::kResolvedPct, Measure::kResolved, ValueFormat::kPercent1},
      {"pending", Aggregation::kSum, Measure::kPending, ValueFormat::kCount},
      {"avg_chat_duration", Aggregation::kMean, Measure::kAvgChatDuration, ValueFormat::kDecimal1},
      {"sales_conversion", Aggregation::kMean, Measure::kSalesConversion, ValueFormat::kPercent1},
      {"avg_queue_time", Aggregation::kMean, Measure::kAvgQueueTime, ValueFormat::kDecimal1},
  };
  for (const Expected& e : table) {
    SCOPED_TRACE(e.id);
    const KpiDef& k = K(e.id);
    EXPECT_EQ(k.aggregation, e.aggregation);
    EXPECT_EQ(k.input, e.input);
    EXPECT_EQ(k.format, e.format);
    if (e.id == "resolved_pct") {
      EXPECT_EQ(k.second_input, Measure::kPending);
    } else {
      EXPECT_FALSE(k.second_input.has_value());
    }
  }
}

TEST(KpiRegistry, FindKpiReturnsTheTableEntryOrNull) {
  for (const KpiDef& def : kKpis) EXPECT_EQ(FindKpi(def.id), &def) << def.id;
  EXPECT_EQ(FindKpi("nope"), nullptr);
  EXPECT_EQ(FindKpi(""), nullptr);
  EXPECT_EQ(FindKpi("total_chats "), nullptr);
}

// ---- FormatKpiValue ---------------------------------------------------------------------

TEST(KpiRegistryFormat, NoValueIsAnEmDashForEveryKpi) {
  for (const KpiDef& def : kKpis) {
    EXPECT_EQ(FormatKpiValue(def, std::nullopt), kNoValue) << def.id;
    // Never "nan", even if a NaN slips through.
    EXPECT_EQ(FormatKpiValue(def, std::numeric_limits<double>::quiet_NaN()), kNoValue) << def.id;
  }
}

TEST(KpiRegistryFormat, SumsHaveThousandsSeparators) {
  EXPECT_EQ(Format("total_chats", 0), "0");
  EXPECT_EQ(Format("total_chats", 7), "7");
  EXPECT_EQ(Format("total_chats", 999), "999");
  EXPECT_EQ(Format("total_chats", 1000), "1,000");
  EXPECT_EQ(Format("total_chats", 1204), "1,204");
  EXPECT_EQ(Format("total_chats", 123456), "123,456");
  EXPECT_EQ(Format("total_chats", 1234567), "1,234,567");
  EXPECT_EQ(Format("escalations", 1000000000), "1,000,000,000");
  EXPECT_EQ(Format("pending", 12), "12");
  EXPECT_EQ(Format("active_agents", 1500), "1,500");
  // A sum of fractional input is not rounded away (docs/kpis.md: it keeps one decimal).
  EXPECT_EQ(Format("total_chats", 1234.5), "1,234.5");
}

TEST(KpiRegistryFormat, NegativeSumsKeepTheSignOutsideTheGroups) {
  EXPECT_EQ(Format("total_chats", -5), "-5");
  EXPECT_EQ(Format("total_chats", -999), "-999");
  EXPECT_EQ(Format("total_chats", -1000), "-1,000");
  EXPECT_EQ(Format("total_chats", -123456), "-123,456");
  EXPECT_EQ(Format("total_chats", -1234567), "-1,234,567");
}

TEST(KpiRegistryFormat, MeansHaveOneDecimal) {
  EXPECT_EQ(Format("avg_response_time", 12.34), "12.3");
  EXPECT_EQ(Format("avg_response_time", 12.36), "12.4");
  EXPECT_EQ(Format("avg_chat_duration", 5), "5.0");
  EXPECT_EQ(Format("avg_queue_time", 0), "0.0");
  EXPECT_EQ(Format("avg_queue_time", 0.04), "0.0");
  EXPECT_EQ(Format("avg_queue_time", 99.96), "100.0");
  EXPECT_EQ(Format("avg_response_time", -3.14), "-3.1");
  EXPECT_EQ(Format("avg_response_time", -3.16), "-3.2");
  // A tiny negative mean shows as zero, not "-0.0".
  EXPECT_EQ(Format("avg_response_time", -0.04), "0.0");
  EXPECT_EQ(Format("csat", -0.04), "0.0%");
}

// Decision: a value is rounded from its exact binary value to the nearest tenth, ties to
// even — what printf("%.1f"), fmt's "{:.1f}" and Python's format (the original Flask
// dashboard) do. 12.25, 12.75 and 87.25 are exact binary ties, so they round to even.
TEST(KpiRegistryFormat, ExactTiesRoundLikePrintf) {
  EXPECT_EQ(Format("avg_response_time", 12.25), "12.2");
  EXPECT_EQ(Format("avg_response_time", 12.75), "12.8");
  EXPECT_EQ(Format("csat", 87.25), "87.2%");
}

TEST(KpiRegistryFormat, PercentsHaveOneDecimalAndPercentSign) {
  EXPECT_EQ(Format("csat", 87.3), "87.3%");
  EXPECT_EQ(Format("csat", 87.34), "87.3%");
  EXPECT_EQ(Format("csat", 87.36), "87.4%");
  EXPECT_EQ(Format("csat", 100), "100.0%");
  EXPECT_EQ(Format("sales_conversion", 0), "0.0%");
  EXPECT_EQ(Format("resolved_pct", 100.0 * 22 / 54), "40.7%");
  EXPECT_EQ(Format("resolved_pct", -2.5 - 0.01), "-2.5%");
}

}  // namespace
}  // namespace keeta
