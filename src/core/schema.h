// The input schema: the known CSV columns. Behaviour declared as data: the loader, the
// engine and the KPI registry all read these tables.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace keeta {

// Numeric input columns, in the order of the spec's column table.
enum class Measure : std::size_t {
  kTotalChats,
  kAvgResponseTime,
  kCsat,
  kActiveAgents,
  kEscalations,
  kResolved,
  kPending,
  kAvgChatDuration,
  kSalesConversion,
  kAvgQueueTime,
};
inline constexpr std::size_t kMeasureCount = 10;

// Name (dimension) input columns.
enum class Dimension : std::size_t { kAgent, kTeamLeader, kSupervisor };
inline constexpr std::size_t kDimensionCount = 3;

enum class MeasureKind { kCount, kSeconds, kPercent, kMinutes };

struct MeasureInfo {
  Measure id;
  std::string_view column;  // header name, lower case
  MeasureKind kind;
};

inline constexpr std::array<MeasureInfo, kMeasureCount> kMeasures{{
    {Measure::kTotalChats, "total_chats", MeasureKind::kCount},
    {Measure::kAvgResponseTime, "avg_response_time", MeasureKind::kSeconds},
    {Measure::kCsat, "csat", MeasureKind::kPercent},
    {Measure::kActiveAgents, "active_agents", MeasureKind::kCount},
    {Measure::kEscalations, "escalations", MeasureKind::kCount},
    {Measure::kResolved, "resolved", MeasureKind::kCount},
    {Measure::kPending, "pending", MeasureKind::kCount},
    {Measure::kAvgChatDuration, "avg_chat_duration", MeasureKind::kMinutes},
    {Measure::kSalesConversion, "sales_conversion", MeasureKind::kPercent},
    {Measure::kAvgQueueTime, "avg_queue_time", MeasureKind::kSeconds},
}};

inline constexpr std::array<std::string_view, kDimensionCount> kDimensionColumns{
    "agent", "team_leader", "supervisor"};
inline constexpr std::string_view kDayColumn = "day";

constexpr std::size_t Index(Measure m) { return static_cast<std::size_t>(m); }
constexpr std::size_t Index(Dimension d) { return static_cast<std::size_t>(d); }
constexpr const MeasureInfo& Info(Measure m) { return kMeasures[Index(m)]; }

}  // namespace keeta
