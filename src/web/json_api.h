// JSON bodies of the /api/v1 routes (docs/api.md). `keeta kpis --format json` prints
// exactly KpisJson's output, so the CLI and the API can never disagree.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/dashboard.h"
#include "core/dataset.h"
#include "core/query.h"
#include "core/query_check.h"

namespace keeta::web {

// Body of GET /api/v1/kpis: {"filters", "rows", "warnings", "kpis", "data"}. `warnings`:
// what in the query cannot match (core/query_check.h). `reload_error`: the last reload
// failed (data.stale is then true and data.reload_error its message).
std::string KpisJson(const LoadReport& report, const Filter& filter, const Dashboard& dashboard,
                     const std::vector<QueryWarning>& warnings,
                     const std::optional<std::string>& reload_error = std::nullopt);

// "warnings": [{"code", "param", "value", "suggestions", "message"}] (the array only).
void AppendQueryWarnings(std::string& out, const std::vector<QueryWarning>& warnings);

// Body of GET /api/v1/breakdown: {"by", "sort", "order", "offset", "limit", "total",
// "weighted", "rows": [{"name", "rows", "kpis": {id: value}}]}.
std::string BreakdownJson(const Breakdown& breakdown, const BreakdownRequest& request);

// The /api/v1/kpis body for a query: computes the dashboard and writes it. The HTTP route
// and the live WebSocket's dashboard messages both come from here.
std::string KpisBody(const Dataset& data, const Query& query,
                     const DashboardOptions& options = {},
                     const std::optional<std::string>& reload_error = std::nullopt);

// Body of GET /api/v1/filters.
std::string FiltersJson(const FilterChoices& choices);

// {"error": {"code", "message", "param"}}.
std::string ErrorJson(std::string_view code, std::string_view message, std::string_view param);

}  // namespace keeta::web
