#include "core/view_options.h"

#include <charconv>
#include <fmt/format.h>

namespace keeta {
namespace {

// The last value given for `key`, if any (a repeated parameter: the last one wins).
const std::string* Last(const Params& params, std::string_view key) {
  const std::string* found = nullptr;
  for (const auto& [k, v] : params) {
    if (k == key) found = &v;
  }
  return found;
}

Error Bad(std::string_view param, std::string_view value, std::string_view expected) {
  return Error{fmt::format("{}: '{}' is not valid (expected {})", param, value, expected),
               std::string(param)};
}

}  // namespace

Weighting WeightAllMeans() {
  Weighting w{};
  for (std::size_t k = 0; k < kKpiCount; ++k) w[k] = kKpis[k].aggregation == Aggregation::kMean;
  return w;
}

std::optional<Dimension> ParseDimension(std::string_view text) {
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (text == kNameParams[d]) return static_cast<Dimension>(d);
  }
  return std::nullopt;
}

Result<DashboardOptions> ParseDashboardOptions(const Params& params,
                                               const DashboardOptions& defaults) {
  DashboardOptions options = defaults;
  if (const std::string* g = Last(params, kGranularityParam); g && !g->empty()) {
    const auto parsed = ParseGranularity(*g);
    if (!parsed) return Bad(kGranularityParam, *g, "day, week or month");
    options.granularity = *parsed;
  }
  if (const std::string* w = Last(params, kWeightByParam); w && !w->empty()) {
    if (*w == "total_chats") {
      options.weighted = WeightAllMeans();
    } else if (*w == "none") {
      options.weighted = Weighting{};
    } else {
      return Bad(kWeightByParam, *w, "total_chats or none");
    }
  }
  return options;
}

Result<BreakdownRequest> ParseBreakdownRequest(const Params& params) {
  BreakdownRequest req;
  if (const std::string* by = Last(params, kByParam); by && !by->empty()) {
    const auto dim = ParseDimension(*by);
    if (!dim) return Bad(kByParam, *by, "agent, team_leader or supervisor");
    req.by = *dim;
  }
  if (const std::string* sort = Last(params, kSortParam); sort && !sort->empty()) {
    if (*sort == "name") {
      req.sort_kpi.reset();
      req.descending = false;
    } else if (const KpiDef* kpi = FindKpi(*sort)) {
      req.sort_kpi = static_cast<std::size_t>(kpi - kKpis.data());
    } else {
      return Bad(kSortParam, *sort, "a KPI id or name");
    }
  }
  if (const std::string* order = Last(params, kOrderParam); order && !order->empty()) {
    if (*order != "asc" && *order != "desc") return Bad(kOrderParam, *order, "asc or desc");
    req.descending = *order == "desc";
  }
  auto number = [&](std::string_view key, std::size_t lo, std::size_t hi,
                    std::size_t& out) -> std::optional<Error> {
    const std::string* text = Last(params, key);
    if (!text || text->empty()) return std::nullopt;
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < lo || value > hi) {
      return Bad(key, *text, fmt::format("a whole number from {} to {}", lo, hi));
    }
    out = value;
    return std::nullopt;
  };
  if (auto e = number(kLimitParam, 1, kBreakdownMaxLimit, req.limit)) return *e;
  if (auto e = number(kOffsetParam, 0, std::size_t{1} << 40, req.offset)) return *e;
  if (const std::string* q = Last(params, kSearchParam)) {
    if (q->size() > kBreakdownMaxSearchBytes) {
      return Error{fmt::format("{}: longer than {} bytes", kSearchParam, kBreakdownMaxSearchBytes),
                   std::string(kSearchParam)};
    }
    req.search = *q;
  }
  return req;
}

}  // namespace keeta
