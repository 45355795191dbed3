// The /api/v1 bodies, streamed into one reserved string: KpisJson is on the hot path (three
// years of daily trends for ten KPIs is ~10^4 numbers), so numbers go through std::to_chars
// and nothing builds a DOM. The other bodies share the same writer, and so its escaping.
#include "web/json_api.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/engine.h"
#include "core/kpi_registry.h"
#include "core/no_value_reason.h"
#include "core/number_text.h"
#include "web/json_text.h"

namespace keeta::web {
namespace {

void AppendUnsigned(std::string& out, std::uint64_t value) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

void AppendOptionalDay(std::string& out, const std::optional<Day>& day) {
  if (!day) {
    out.append("null");
    return;
  }
  char buf[12];
  buf[0] = '"';
  FormatDayTo(*day, buf + 1);
  buf[11] = '"';
  out.append(buf, sizeof buf);
}

void AppendStringArray(std::string& out, const std::vector<std::string>& values) {
  out.push_back('[');
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out.push_back(',');
    AppendJsonString(out, values[i]);
  }
  out.push_back(']');
}

// `"agent":[...],"team_leader":[...],"supervisor":[...]` (no braces).
void AppendNameLists(std::string& out,
                     const std::array<std::vector<std::string>, kDimensionCount>& names) {
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (d != 0) out.push_back(',');
    AppendJsonString(out, kNameParams[d]);
    out.push_back(':');
    AppendStringArray(out, names[d]);
  }
}
void AppendOptionalNumber(std::string& out, const std::optional<double>& value) {
  if (value) {
    AppendNumber(out, *value);
  } else {
    out.append("null");
  }
}

void AppendTarget(std::string& out, const std::optional<Target>& target) {
  if (!target) {
    out.append("null");
    return;
  }
  out.append("{\"op\":");
  AppendJsonString(out, TargetOpText(target->op));
  out.append(",\"value\":");
  AppendNumber(out, target->value);
  out.push_back('}');
}

void AppendStatus(std::string& out, const std::optional<TargetStatus>& status) {
  if (!status) {
    out.append("null");
  } else {
    out.append(*status == TargetStatus::kMet ? "\"met\"" : "\"missed\"");
  }
}

// {"from_date", "to_date"[, "rows"]} or null.
void AppendPeriod(std::string& out, const std::optional<Period>& period,
                  std::optional<std::size_t> rows) {
  if (!period) {
    out.append("null");
    return;
  }
  out.append("{\"from_date\":");
  AppendOptionalDay(out, period->from);
  out.append(",\"to_date\":");
  AppendOptionalDay(out, period->to);
  if (rows) {
    out.append(",\"rows\":");
    AppendUnsigned(out, *rows);
  }
  out.push_back('}');
}


}  // namespace

std::string KpisJson(const LoadReport& report, const Filter& filter, const Dashboard& dashboard,
                     const std::vector<QueryWarning>& warnings,
                     const std::optional<std::string>& reload_error) {
  // Each trend point starts with `["YYYY-MM-DD",`: 14 bytes per day, formatted once here
  // rather than once per KPI, then copied as one fixed-size block.
  constexpr std::size_t kPrefix = 14;
  const std::size_t day_count = dashboard.days.size();
  std::string prefixes(day_count * kPrefix, '\0');
  for (std::size_t i = 0; i < day_count; ++i) {
    char* at = &prefixes[i * kPrefix];
    at[0] = '[';
    at[1] = '"';
    FormatDayTo(dashboard.days[i], at + 2);
    at[12] = '"';
    at[13] = ',';
  }
  // The most a point takes: separator, prefix, number, `]`.
  constexpr std::size_t kMaxPoint = 1 + kPrefix + kMaxNumberChars + 1;

  std::string out;
  out.reserve(1024 + kKpiCount * (160 + day_count * 26));

  out.append("{\"filters\":{");
  AppendNameLists(out, filter.names);
  out.append(",\"from_date\":");
  AppendOptionalDay(out, filter.from);
  out.append(",\"to_date\":");
  AppendOptionalDay(out, filter.to);
  out.append("},\"rows\":");
  AppendUnsigned(out, dashboard.rows);
  out.append(",\"warnings\":");
  AppendQueryWarnings(out, warnings);
  out.append(",\"granularity\":");
  AppendJsonString(out, GranularityName(dashboard.granularity));
  out.append(",\"period\":");
  AppendPeriod(out, dashboard.period, std::nullopt);
  out.append(",\"previous_period\":");
  AppendPeriod(out, dashboard.previous, dashboard.previous_rows);

  out.append(",\"kpis\":[");
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    const KpiResult& result = dashboard.kpis[k];
    const KpiDef& def = result.def != nullptr ? *result.def : kKpis[k];
    if (k != 0) out.push_back(',');
    out.push_back('{');
    AppendKpiIdentity(out, def);
    out.append(",\"value\":");
    AppendOptionalNumber(out, result.available ? result.value : std::nullopt);
    out.append(",\"weighted\":");
    out.append(result.weighted ? "true" : "false");
    out.append(",\"previous\":");
    AppendOptionalNumber(out, result.previous);
    out.append(",\"change\":");
    AppendOptionalNumber(out, result.change);
    out.append(",\"change_pct\":");
    AppendOptionalNumber(out, result.change_pct);
    out.append(",\"target\":");
    AppendTarget(out, result.target);
    out.append(",\"status\":");
    AppendStatus(out, result.status);
    out.append(",\"no_value_reason\":");
    if (const auto reason = NoValueReason(result, dashboard, report)) {
      AppendJsonString(out, *reason);
    } else {
      out.append("null");
    }
    out.append(",\"trend\":[");
    const std::size_t points = result.available ? std::min(day_count, result.trend.size()) : 0;
    if (points != 0) {
      // Write the points through a raw cursor into space sized for the worst case, then
      // trim: no per-append capacity checks in the loop that dominates the body.
      const std::size_t start = out.size();
      out.resize(start + points * kMaxPoint);
      char* p = out.data() + start;
      for (std::size_t i = 0; i < points; ++i) {
        if (i != 0) *p++ = ',';
        std::memcpy(p, prefixes.data() + i * kPrefix, kPrefix);
        p = WriteNumber(p + kPrefix, result.trend[i]);
        *p++ = ']';
      }
      out.resize(static_cast<std::size_t>(p - out.data()));
    }
    out.append("]}");
  }

  out.append("],\"data\":{\"source\":");
  AppendJsonString(out, report.source);
  out.append(",\"rows_loaded\":");
  AppendUnsigned(out, report.rows_loaded);
  out.append(",\"loaded_at\":");
  AppendJsonString(out, report.loaded_at);
  out.append(",\"warnings\":");
  AppendStringArray(out, report.Warnings());
  out.append(",\"stale\":");
  out.append(reload_error ? "true" : "false");
  out.append(",\"reload_error\":");
  if (reload_error) {
    AppendJsonString(out, *reload_error);
  } else {
    out.append("null");
  }
  out.append("}}");
  return out;
}

void AppendQueryWarnings(std::string& out, const std::vector<QueryWarning>& warnings) {
  out.push_back('[');
  for (std::size_t i = 0; i < warnings.size(); ++i) {
    const QueryWarning& w = warnings[i];
    if (i != 0) out.push_back(',');
    out.append("{\"code\":");
    AppendJsonString(out, QueryWarningCode(w.kind));
    out.append(",\"param\":");
    AppendJsonString(out, w.param);
    out.append(",\"value\":");
    AppendJsonString(out, w.value);
    out.append(",\"suggestions\":");
    AppendStringArray(out, w.suggestions);
    out.append(",\"message\":");
    AppendJsonString(out, w.message);
    out.push_back('}');
  }
  out.push_back(']');
}

std::string BreakdownJson(const Breakdown& breakdown, const BreakdownRequest& request) {
  std::string out;
  out.reserve(256 + breakdown.entries.size() * 420);
  out.append("{\"by\":");
  AppendJsonString(out, kNameParams[Index(breakdown.by)]);
  out.append(",\"sort\":");
  AppendJsonString(out, request.sort_kpi ? kKpis[*request.sort_kpi].id : "name");
  out.append(",\"order\":");
  AppendJsonString(out, request.descending ? "desc" : "asc");
  out.append(",\"offset\":");
  AppendUnsigned(out, request.offset);
  out.append(",\"limit\":");
  AppendUnsigned(out, request.limit);
  out.append(",\"total\":");
  AppendUnsigned(out, breakdown.total);
  out.append(",\"weighted\":[");
  bool first = true;
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    if (!breakdown.weighted[k]) continue;
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, kKpis[k].id);
  }
  out.append("],\"rows\":[");
  for (std::size_t i = 0; i < breakdown.entries.size(); ++i) {
    const BreakdownEntry& entry = breakdown.entries[i];
    if (i != 0) out.push_back(',');
    out.append("{\"name\":");
    AppendJsonString(out, entry.name);
    out.append(",\"rows\":");
    AppendUnsigned(out, entry.rows);
    out.append(",\"kpis\":{");
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      if (k != 0) out.push_back(',');
      AppendJsonString(out, kKpis[k].id);
      out.push_back(':');
      AppendOptionalNumber(out, entry.values[k]);
    }
    out.append("}}");
  }
  out.append("]}");
  return out;
}

std::string KpisBody(const Dataset& data, const Query& query, const DashboardOptions& options,
                     const std::optional<std::string>& reload_error) {
  return KpisJson(data.report(), query.filter, ComputeDashboard(data, query, options),
                  CheckQuery(data, query), reload_error);
}

std::string FiltersJson(const FilterChoices& choices) {
  std::size_t size = 64;
  for (const auto& list : choices.names) {
    for (const auto& name : list) size += name.size() + 3;
  }
  std::string out;
  out.reserve(size);
  out.push_back('{');
  AppendNameLists(out, choices.names);
  out.append(",\"min_day\":");
  AppendOptionalDay(out, choices.min_day);
  out.append(",\"max_day\":");
  AppendOptionalDay(out, choices.max_day);
  out.push_back('}');
  return out;
}

std::string ErrorJson(std::string_view code, std::string_view message, std::string_view param) {
  // Written with the same escaper as the hot bodies: messages quote user input, which must
  // come out inert (`<` escaped) and valid (malformed UTF-8 replaced).
  std::string out;
  out.reserve(64 + code.size() + message.size() + param.size());
  out.append("{\"error\":{\"code\":");
  AppendJsonString(out, code);
  out.append(",\"message\":");
  AppendJsonString(out, message);
  out.append(",\"param\":");
  if (param.empty()) {
    out.append("null");  // no parameter: null rather than "", so clients can test for it
  } else {
    AppendJsonString(out, param);
  }
  out.append("}}");
  return out;
}

}  // namespace keeta::web
