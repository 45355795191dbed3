// The ten KPIs, declared once as data. The engine, the page, the API and the exports all
// read this table: adding a KPI means adding a row here (and its aggregation if new).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/schema.h"

namespace keeta {

enum class Aggregation {
  kSum,                   // sum of present values; 0 when none
  kMean,                  // mean of present values; no value when none
  kResolvedPct,           // 100 * sum(a) / (sum(a) + sum(b)); no value when denominator is 0
  kDistinctActiveAgents,  // distinct non-empty agents over rows whose active_agents != 0
};

enum class ValueFormat {
  kCount,     // thousands separators, e.g. 1,204
  kDecimal1,  // one decimal, e.g. 12.5
  kPercent1,  // one decimal and %, e.g. 87.3%
};

struct KpiDef {
  std::string_view id;     // stable API id
  std::string_view label;  // card title
  std::string_view unit;   // shown beside the value
  Aggregation aggregation;
  Measure input;           // the column it reads (kResolvedPct: numerator)
  std::optional<Measure> second_input;  // kResolvedPct: the other denominator term
  ValueFormat format;
  bool higher_is_better;   // for presentation (change colour); never changes a number
  std::string_view help;   // one sentence for tooltips and docs
  std::string_view short_label;  // table column heading
};

inline constexpr std::size_t kKpiCount = 10;

inline constexpr std::array<KpiDef, kKpiCount> kKpis{{
    {"total_chats", "Total Chats", "chats", Aggregation::kSum, Measure::kTotalChats,
     std::nullopt, ValueFormat::kCount, true, "Sum of chats handled.", "Chats"},
    {"avg_response_time", "Average Response Time", "sec", Aggregation::kMean,
     Measure::kAvgResponseTime, std::nullopt, ValueFormat::kDecimal1, false,
     "Mean of the rows' average first response time.", "Response"},
    {"csat", "Average CSAT", "%", Aggregation::kMean, Measure::kCsat, std::nullopt,
     ValueFormat::kPercent1, true, "Mean customer satisfaction.", "CSAT"},
    {"active_agents", "Active Agents", "agents", Aggregation::kDistinctActiveAgents,
     Measure::kActiveAgents, std::nullopt, ValueFormat::kCount, true,
     "Distinct agents with at least one active row.", "Active"},
    {"escalations", "Escalations", "chats", Aggregation::kSum, Measure::kEscalations,
     std::nullopt, ValueFormat::kCount, false, "Sum of escalated chats.", "Escalations"},
    {"resolved_pct", "Resolved Tickets", "%", Aggregation::kResolvedPct, Measure::kResolved,
     Measure::kPending, ValueFormat::kPercent1, true,
     "Resolved / (resolved + pending) tickets.", "Resolved"},
    {"pending", "Pending Tickets", "tickets", Aggregation::kSum, Measure::kPending,
     std::nullopt, ValueFormat::kCount, false, "Sum of tickets still pending.", "Pending"},
    {"avg_chat_duration", "Average Chat Duration", "min", Aggregation::kMean,
     Measure::kAvgChatDuration, std::nullopt, ValueFormat::kDecimal1, false,
     "Mean of the rows' average chat length.", "Duration"},
    {"sales_conversion", "Sales Conversions", "%", Aggregation::kMean,
     Measure::kSalesConversion, std::nullopt, ValueFormat::kPercent1, true,
     "Mean sales conversion rate.", "Conversion"},
    {"avg_queue_time", "Average Queue Time", "sec", Aggregation::kMean, Measure::kAvgQueueTime,
     std::nullopt, ValueFormat::kDecimal1, false, "Mean of the rows' average time in queue.", "Queue"},
}};

// The KPI with this id, or nullptr.
const KpiDef* FindKpi(std::string_view id);

// Card text per the spec: "—" for no value; sums with thousands separators; means with one
// decimal; percents with one decimal and "%".
std::string FormatKpiValue(const KpiDef& kpi, std::optional<double> value);

}  // namespace keeta
