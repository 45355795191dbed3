#include "export/csv.h"

#include <cmath>
#include <utility>

#include "core/date.h"
#include "core/kpi_registry.h"
#include "core/number_text.h"
#include "core/schema.h"

namespace keeta::exports {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kEol = "\r\n";

// A number cell: the API's form; empty for no value.
void AppendNumberCell(std::string& out, double value) {
  if (std::isfinite(value)) AppendNumber(out, value);
}

void AppendDay(std::string& out, Day day) {
  char buf[10];
  FormatDayTo(day, buf);
  out.append(buf, sizeof buf);
}

}  // namespace

void AppendCsvText(std::string& out, std::string_view text) {
  const bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
                                         text[0] == '@' || text[0] == '\t' || text[0] == '\r');
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out.push_back('"');
  if (formula) out.push_back('\'');
  for (const char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  if (quote) out.push_back('"');
}

std::string KpisCsv(const Dashboard& dashboard) {
  std::string out(kBom);
  out.append("id,label,unit,value").append(kEol);
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    const KpiResult& kpi = dashboard.kpis[k];
    const KpiDef& def = kpi.def != nullptr ? *kpi.def : kKpis[k];
    AppendCsvText(out, def.id);
    out.push_back(',');
    AppendCsvText(out, def.label);
    out.push_back(',');
    AppendCsvText(out, def.unit);
    out.push_back(',');
    if (kpi.available && kpi.value) AppendNumberCell(out, *kpi.value);
    out.append(kEol);
  }
  return out;
}

std::string TrendsCsv(const Dashboard& dashboard) {
  std::string out(kBom);
  out.reserve(64 + dashboard.days.size() * (12 + kKpiCount * 10));
  out.append("day");
  for (const KpiDef& def : kKpis) {
    out.push_back(',');
    AppendCsvText(out, def.id);
  }
  out.append(kEol);
  for (std::size_t i = 0; i < dashboard.days.size(); ++i) {
    AppendDay(out, dashboard.days[i]);
    for (const KpiResult& kpi : dashboard.kpis) {
      out.push_back(',');
      if (kpi.available && i < kpi.trend.size()) AppendNumberCell(out, kpi.trend[i]);
    }
    out.append(kEol);
  }
  return out;
}

RowsCsvWriter::RowsCsvWriter(std::shared_ptr<const Dataset> data, const Query& query)
    : cursor_(std::move(data), query) {}

bool RowsCsvWriter::Next(std::string& chunk, std::size_t chunk_bytes) {
  chunk.clear();
  if (!header_written_) {
    header_written_ = true;
    chunk.append(kBom).append(kDayColumn);
    for (std::string_view name : kDimensionColumns) chunk.append(",").append(name);
    for (const MeasureInfo& m : kMeasures) chunk.append(",").append(m.column);
    chunk.append(kEol);
  }
  RowView row;
  while (chunk.size() < chunk_bytes && cursor_.Next(row)) {
    if (row.day) AppendDay(chunk, *row.day);
    for (std::string_view name : row.names) {
      chunk.push_back(',');
      AppendCsvText(chunk, name);
    }
    for (const double value : row.values) {
      chunk.push_back(',');
      AppendNumberCell(chunk, value);
    }
    chunk.append(kEol);
  }
  return !chunk.empty();
}

}  // namespace keeta::exports
