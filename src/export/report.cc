#include "export/report.h"

#include <array>
#include <cmath>
#include <fmt/format.h>

#include "core/date.h"
#include "core/kpi_registry.h"
#include "core/targets.h"

namespace keeta::exports {
namespace {

struct FormatInfo {
  Format format;
  std::string_view route;  // name under /export/
  std::string_view what;   // in the download name
  std::string_view extension;
  std::string_view content_type;
};

constexpr std::array<FormatInfo, 5> kFormats{{
    {Format::kKpisCsv, "kpis.csv", "kpis", "csv", "text/csv; charset=utf-8"},
    {Format::kTrendsCsv, "trends.csv", "trends", "csv", "text/csv; charset=utf-8"},
    {Format::kRowsCsv, "rows.csv", "rows", "csv", "text/csv; charset=utf-8"},
    {Format::kXlsx, "report.xlsx", "report", "xlsx",
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {Format::kPdf, "report.pdf", "report", "pdf", "application/pdf"},
}};

const FormatInfo& Info(Format format) { return kFormats[static_cast<std::size_t>(format)]; }

constexpr std::array<std::string_view, kDimensionCount> kDimensionLabels{
    "Agent", "Team leader", "Supervisor"};

}  // namespace

Result<Format> FormatFromName(std::string_view name) {
  for (const FormatInfo& info : kFormats) {
    if (info.route == name) return info.format;
  }
  return Error{fmt::format("no such export: '{}' (kpis.csv, trends.csv, rows.csv, "
                           "report.xlsx, report.pdf)", name), ""};
}

std::string_view ContentType(Format format) { return Info(format).content_type; }

std::string FileName(Format format, const Filter& filter, const Dashboard& dashboard) {
  const FormatInfo& info = Info(format);
  std::optional<Day> first = filter.from, last = filter.to;
  if (!first && !dashboard.days.empty()) first = dashboard.days.front();
  if (!last && !dashboard.days.empty()) last = dashboard.days.back();
  if (!first || !last) return fmt::format("keeta-{}.{}", info.what, info.extension);
  return fmt::format("keeta-{}_{}_{}.{}", info.what, FormatDay(*first), FormatDay(*last),
                     info.extension);
}

std::string PeriodText(const Filter& filter, const Dashboard& dashboard) {
  // An end the filter leaves open is the view's first or last trend bucket, named as one:
  // a week's or month's start is not a day with data.
  auto bucket = [&](Day start) {
    switch (dashboard.granularity) {
      case Granularity::kDay: break;
      case Granularity::kWeek: return "the week of " + FormatDay(start);
      case Granularity::kMonth: return FormatDay(start).substr(0, 7);
    }
    return FormatDay(start);
  };
  std::optional<std::string> first, last;
  if (filter.from) first = FormatDay(*filter.from);
  else if (!dashboard.days.empty()) first = bucket(dashboard.days.front());
  if (filter.to) last = FormatDay(*filter.to);
  else if (!dashboard.days.empty()) last = bucket(dashboard.days.back());
  if (!first && !last) return "all days";
  if (!first) return "until " + *last;
  if (!last) return "from " + *first;
  return fmt::format("{} – {}", *first, *last);
}

std::string PreviousPeriodText(const Dashboard& dashboard) {
  if (!dashboard.previous) return {};
  return fmt::format("compared with {} – {}", FormatDay(dashboard.previous->from),
                     FormatDay(dashboard.previous->to));
}

std::vector<std::string> FilterLines(const Query& query) {
  std::vector<std::string> lines;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    const auto& names = query.filter.names[d];
    if (!names.empty()) lines.push_back(fmt::format("{}: {}", kDimensionLabels[d],
                                                    fmt::join(names, ", ")));
  }
  using Role = AccessScope::Role;
  switch (query.scope.role) {
    case Role::kAdmin: break;
    case Role::kSupervisor: lines.push_back("Scope: supervisor " + query.scope.name); break;
    case Role::kTeamLeader: lines.push_back("Scope: team leader " + query.scope.name); break;
    case Role::kAgent: lines.push_back("Scope: agent " + query.scope.name); break;
  }
  return lines;
}

std::string ChangeText(const KpiResult& kpi, const KpiDef& def) {
  if (!kpi.available || !kpi.change) return {};
  const char* sign = *kpi.change > 0 ? "+" : *kpi.change < 0 ? "−" : "±";
  std::string text = sign + FormatKpiValue(def, std::fabs(*kpi.change));
  if (kpi.change_pct) text += fmt::format(" ({}{:.1f}%)", *kpi.change_pct < 0 ? "−" : "+",
                                          std::fabs(*kpi.change_pct));
  return text + " vs previous period";
}

std::string TargetText(const KpiResult& kpi, const KpiDef& def) {
  if (!kpi.available || !kpi.target) return {};
  std::string text = fmt::format("Target {} {}", TargetOpText(kpi.target->op),
                                 FormatKpiValue(def, kpi.target->value));
  if (kpi.status) text += *kpi.status == TargetStatus::kMet ? ": met" : ": missed";
  return text;
}

std::string FormatUtc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min);
}

}  // namespace keeta::exports
