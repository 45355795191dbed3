// What every export of a view shares: the view itself (ReportInput), how it is described
// to a person (filters, period), when the report was made, and the download file name.
// Plain value types and stateless functions.
#pragma once

#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/dashboard.h"
#include "core/dataset.h"
#include "core/load_report.h"
#include "core/query.h"
#include "core/result.h"

namespace keeta::exports {

// One view of one snapshot: the query and the dashboard computed for it.
struct ReportInput {
  // The rows, for the workbook's Rows sheet; null when none are loaded (mode=pushdown):
  // the report is then made of the dashboard alone.
  std::shared_ptr<const Dataset> data;
  Query query;
  Dashboard dashboard;
  std::time_t generated_at = 0;  // shown as "Generated …" (UTC); StampTime() normally
  LoadReport source_report;      // what was read, when `data` is null

  const LoadReport& report() const { return data ? data->report() : source_report; }
};

// The export formats, by file extension.
enum class Format { kKpisCsv, kTrendsCsv, kRowsCsv, kXlsx, kPdf };

// "kpis.csv" -> kKpisCsv, …; the route name under /export/.
Result<Format> FormatFromName(std::string_view name);
std::string_view ContentType(Format format);

// Download name: `keeta-<what>_<first>_<last>.<ext>`, the period being the filter's dates
// or else the first and last day with data in the view, e.g.
// `keeta-kpis_2025-01-01_2025-01-31.csv`; `keeta-<what>.<ext>` when there is no day.
std::string FileName(Format format, const Filter& filter, const Dashboard& dashboard);

// "2025-01-01 – 2025-01-31": the filter's dates, else the view's first and last trend
// bucket ("the week of 2024-12-30", "2025-01" for a month); "all days" with neither.
std::string PeriodText(const Filter& filter, const Dashboard& dashboard);

// "compared with 2024-12-01 – 2024-12-31", or "" when the view has no previous period.
std::string PreviousPeriodText(const Dashboard& dashboard);

// One line per active name filter, e.g. "Agent: Ahmed, Badr"; and the scope when it is not
// everything. Empty when the view is unfiltered.
std::vector<std::string> FilterLines(const Query& query);

// The previous-period comparison as a card shows it, e.g. "+1,204 (+4.1%) vs previous
// period"; "" when there is none.
std::string ChangeText(const KpiResult& kpi, const KpiDef& def);

// The target and whether it is met, e.g. "Target ≥ 85.0%: met"; "" when there is none.
std::string TargetText(const KpiResult& kpi, const KpiDef& def);

// `2026-01-05 10:00 UTC`.
std::string FormatUtc(std::time_t t);

}  // namespace keeta::exports
