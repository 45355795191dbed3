// The request parameters that shape an answer without choosing its rows (docs/api.md):
// granularity and weight_by for dashboards, by/sort/order/limit/offset/q for breakdowns.
// Rows are chosen by the Query (core/query.h) alone. Stateless functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/dashboard.h"
#include "core/result.h"

namespace keeta {

inline constexpr std::string_view kGranularityParam = "granularity";
inline constexpr std::string_view kWeightByParam = "weight_by";
inline constexpr std::string_view kByParam = "by";
inline constexpr std::string_view kSortParam = "sort";
inline constexpr std::string_view kOrderParam = "order";
inline constexpr std::string_view kLimitParam = "limit";
inline constexpr std::string_view kOffsetParam = "offset";
inline constexpr std::string_view kSearchParam = "q";

inline constexpr std::size_t kBreakdownDefaultLimit = 50;
inline constexpr std::size_t kBreakdownMaxLimit = 1000;
inline constexpr std::size_t kBreakdownMaxSearchBytes = 200;

using Params = std::vector<std::pair<std::string, std::string>>;

// Every mean KPI weighted (what weight_by=total_chats asks for).
Weighting WeightAllMeans();

// granularity=day|week|month (default: defaults.granularity) and weight_by=total_chats|none
// (default: defaults.weighted); targets are copied from defaults. A bad value is an Error
// naming the parameter.
Result<DashboardOptions> ParseDashboardOptions(const Params& params,
                                               const DashboardOptions& defaults);

// by=agent|team_leader|supervisor (default agent), sort=KPI_ID|name (default total_chats),
// order=asc|desc (default desc for a KPI, asc for name), limit=1..1000 (default 50),
// offset>=0, q=search text. A bad value is an Error naming the parameter.
Result<BreakdownRequest> ParseBreakdownRequest(const Params& params);

// "agent", "team_leader", "supervisor" -> the dimension.
std::optional<Dimension> ParseDimension(std::string_view text);

}  // namespace keeta
