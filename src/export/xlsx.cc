#include "export/xlsx.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "core/engine.h"
#include "core/kpi_registry.h"
#include "core/targets.h"

namespace keeta::exports {
namespace {

// 1970-01-01 as an Excel serial day number (1900 date system).
constexpr double kExcelEpochOffset = 25569.0;

// A temporary file that is removed when this goes out of scope.
class TempFile {
 public:
  TempFile() {
    std::error_code ec;
    const auto dir = std::filesystem::temp_directory_path(ec);
    path_ = (ec ? std::filesystem::path("/tmp") : dir) / "keeta-export-XXXXXX.xlsx";
    const int fd = mkstemps(path_.data(), 5);
    if (fd < 0) {
      path_.clear();
    } else {
      ::close(fd);
    }
  }
  ~TempFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Number formats shown in Excel as the page shows the value.
const char* KpiNumberFormat(const KpiDef& def, double value) {
  switch (def.format) {
    case ValueFormat::kCount: return std::nearbyint(value) == value ? "#,##0" : "#,##0.0";
    case ValueFormat::kDecimal1: return "0.0";
    case ValueFormat::kPercent1: return "0.0\"%\"";
  }
  return "General";
}

// "Average CSAT (%)": a column header that says the unit.
std::string LabelWithUnit(const KpiDef& def) {
  return def.unit.empty() ? std::string(def.label) : fmt::format("{} ({})", def.label, def.unit);
}

// A column letter range like "$B$2:$B$32" on the Daily sheet.
std::string ColumnRange(int col, std::size_t first_row, std::size_t last_row) {
  std::string letters;
  for (int c = col + 1; c > 0; c = (c - 1) / 26) letters.insert(letters.begin(), char('A' + (c - 1) % 26));
  return fmt::format("=Daily!${}${}:${}${}", letters, first_row + 1, letters, last_row + 1);
}

class Writer {
 public:
  Writer(lxw_workbook* wb, const ReportInput& input) : wb_(wb), in_(input) {
    bold_ = workbook_add_format(wb_);
    format_set_bold(bold_);
    title_ = workbook_add_format(wb_);
    format_set_bold(title_);
    format_set_font_size(title_, 16);
    date_ = workbook_add_format(wb_);
    format_set_num_format(date_, "yyyy-mm-dd");
    count_ = workbook_add_format(wb_);
    format_set_num_format(count_, "#,##0");
  }

  // A format per number-format string, made once.
  lxw_format* Numeric(const char* num_format) {
    for (auto& [text, format] : numeric_) {
      if (text == num_format) return format;
    }
    lxw_format* format = workbook_add_format(wb_);
    format_set_num_format(format, num_format);
    numeric_.emplace_back(num_format, format);
    return format;
  }

  // In constant-memory mode every sheet is written row by row, top to bottom.
  void Summary(bool rows_sheet, std::size_t max_rows) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, "Summary");
    worksheet_set_column(ws, 0, 0, 30, nullptr);
    worksheet_set_column(ws, 1, 1, 16, nullptr);
    worksheet_set_column(ws, 2, 2, 10, nullptr);
    worksheet_set_column(ws, 3, 7, 14, nullptr);
    const Dashboard& dash = in_.dashboard;
    lxw_row_t r = 0;
    worksheet_write_string(ws, r++, 0, "Keeta — Support overview", title_);
    auto line = [&](const char* label, const std::string& value) {
      worksheet_write_string(ws, r, 0, label, bold_);
      worksheet_write_string(ws, r++, 1, value.c_str(), nullptr);
    };
    line("Period", PeriodText(in_.query.filter, dash));
    if (dash.previous) line("Previous period", PreviousPeriodText(dash));
    const auto filters = FilterLines(in_.query);
    line("Filters", filters.empty() ? "none (all rows)" : fmt::format("{}", fmt::join(filters, "; ")));
    worksheet_write_string(ws, r, 0, "Rows in view", bold_);
    worksheet_write_number(ws, r++, 1, static_cast<double>(dash.rows), count_);
    line("Data source", in_.report().source);
    line("Data loaded at", in_.report().loaded_at);
    line("Generated", FormatUtc(in_.generated_at));
    if (!in_.data) {
      line("Rows sheet", "none: the data is read from the database per question (mode=pushdown), no rows are loaded");
    } else if (!rows_sheet) {
      line("Rows sheet", "left out of this report (rows.csv has every row)");
    } else if (dash.rows > max_rows) {
      line("Rows sheet", fmt::format("stopped at Excel's limit: the first {} of {} rows "
                                     "(rows.csv has every row)", max_rows, dash.rows));
    }
    ++r;
    worksheet_write_string(ws, r, 0, "KPI", bold_);
    worksheet_write_string(ws, r, 1, "Value", bold_);
    worksheet_write_string(ws, r, 2, "Unit", bold_);
    worksheet_write_string(ws, r, 3, "Previous period", bold_);
    worksheet_write_string(ws, r, 4, "Change", bold_);
    worksheet_write_string(ws, r, 5, "Change %", bold_);
    worksheet_write_string(ws, r, 6, "Target", bold_);
    worksheet_write_string(ws, r++, 7, "Status", bold_);
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      const KpiResult& kpi = dash.kpis[k];
      const KpiDef& def = kpi.def != nullptr ? *kpi.def : kKpis[k];
      worksheet_write_string(ws, r, 0, std::string(def.label).c_str(), nullptr);
      if (kpi.available && kpi.value && std::isfinite(*kpi.value)) {
        worksheet_write_number(ws, r, 1, *kpi.value, Numeric(KpiNumberFormat(def, *kpi.value)));
      } else {
        worksheet_write_string(ws, r, 1, "—", nullptr);
      }
      worksheet_write_string(ws, r, 2, std::string(def.unit).c_str(), nullptr);
      auto number = [&](lxw_col_t col, const std::optional<double>& v, lxw_format* format) {
        if (kpi.available && v && std::isfinite(*v)) worksheet_write_number(ws, r, col, *v, format);
      };
      number(3, kpi.previous, kpi.previous ? Numeric(KpiNumberFormat(def, *kpi.previous)) : nullptr);
      number(4, kpi.change, kpi.change ? Numeric(KpiNumberFormat(def, *kpi.change)) : nullptr);
      number(5, kpi.change_pct, Numeric("0.0\"%\""));
      if (kpi.available && kpi.target) {
        const std::string target = fmt::format("{} {}", TargetOpText(kpi.target->op),
                                               FormatKpiValue(def, kpi.target->value));
        worksheet_write_string(ws, r, 6, target.c_str(), nullptr);
      }
      if (kpi.available && kpi.status) {
        worksheet_write_string(ws, r, 7, *kpi.status == TargetStatus::kMet ? "met" : "missed",
                               nullptr);
      }
      ++r;
    }
    const auto warnings = in_.report().Warnings();
    if (!warnings.empty()) {
      ++r;
      worksheet_write_string(ws, r++, 0, "Notes on the data", bold_);
      for (const std::string& w : warnings) worksheet_write_string(ws, r++, 0, w.c_str(), nullptr);
    }
  }

  void Daily() {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, "Daily");
    const Dashboard& dash = in_.dashboard;
    worksheet_set_column(ws, 0, 0, 12, nullptr);
    worksheet_set_column(ws, 1, static_cast<lxw_col_t>(kKpiCount), 14, nullptr);
    worksheet_write_string(ws, 0, 0, "Day", bold_);
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(k + 1),
                             LabelWithUnit(kKpis[k]).c_str(), bold_);
    }
    worksheet_freeze_panes(ws, 1, 1);
    const std::size_t days = dash.days.size();
    for (std::size_t i = 0; i < days; ++i) {
      const auto row = static_cast<lxw_row_t>(i + 1);
      worksheet_write_number(ws, row, 0, dash.days[i] + kExcelEpochOffset, date_);
      for (std::size_t k = 0; k < kKpiCount; ++k) {
        const KpiResult& kpi = dash.kpis[k];
        if (!kpi.available || i >= kpi.trend.size() || !std::isfinite(kpi.trend[i])) continue;
        const KpiDef& def = kpi.def != nullptr ? *kpi.def : kKpis[k];
        worksheet_write_number(ws, row, static_cast<lxw_col_t>(k + 1), kpi.trend[i],
                               Numeric(KpiNumberFormat(def, kpi.trend[i])));
      }
    }
    if (days == 0) return;
    // One chart per KPI, two abreast to the right of the table.
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      if (!dash.kpis[k].available) continue;
      lxw_chart* chart = workbook_add_chart(wb_, LXW_CHART_LINE);
      const std::string categories = ColumnRange(0, 1, days);
      const std::string values = ColumnRange(static_cast<int>(k + 1), 1, days);
      chart_add_series(chart, categories.c_str(), values.c_str());
      const std::string title = LabelWithUnit(kKpis[k]);
      chart_title_set_name(chart, title.c_str());
      chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
      chart_axis_set_num_format(chart->x_axis, "yyyy-mm-dd");
      lxw_chart_options placement{};
      placement.x_scale = 1.0;
      placement.y_scale = 1.0;
      worksheet_insert_chart_opt(ws, static_cast<lxw_row_t>(1 + (k / 2) * 16),
                                 static_cast<lxw_col_t>(kKpiCount + 2 + (k % 2) * 8), chart,
                                 &placement);
    }
  }

  void Rows(std::size_t max_rows) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, "Rows");
    lxw_col_t col = 0;
    worksheet_write_string(ws, 0, col++, std::string(kDayColumn).c_str(), bold_);
    for (std::string_view name : kDimensionColumns) {
      worksheet_write_string(ws, 0, col++, std::string(name).c_str(), bold_);
    }
    for (const MeasureInfo& m : kMeasures) {
      worksheet_write_string(ws, 0, col++, std::string(m.column).c_str(), bold_);
    }
    worksheet_set_column(ws, 0, 0, 12, date_);
    worksheet_set_column(ws, 1, 3, 18, nullptr);
    worksheet_freeze_panes(ws, 1, 0);
    RowCursor cursor(in_.data, in_.query);
    RowView row;
    std::string name;
    lxw_row_t r = 0;
    while (r < max_rows && cursor.Next(row)) {
      ++r;
      if (row.day) worksheet_write_number(ws, r, 0, *row.day + kExcelEpochOffset, date_);
      for (std::size_t d = 0; d < kDimensionCount; ++d) {
        if (row.names[d].empty()) continue;
        name.assign(row.names[d]);
        worksheet_write_string(ws, r, static_cast<lxw_col_t>(1 + d), name.c_str(), nullptr);
      }
      for (std::size_t m = 0; m < kMeasureCount; ++m) {
        if (std::isnan(row.values[m])) continue;
        worksheet_write_number(ws, r, static_cast<lxw_col_t>(1 + kDimensionCount + m),
                               row.values[m], nullptr);
      }
    }
    worksheet_autofilter(ws, 0, 0, r, static_cast<lxw_col_t>(kDimensionCount + kMeasureCount));
  }

 private:
  lxw_workbook* wb_;
  const ReportInput& in_;
  lxw_format* bold_;
  lxw_format* title_;
  lxw_format* date_;
  lxw_format* count_;
  std::vector<std::pair<std::string, lxw_format*>> numeric_;
};

}  // namespace

Result<std::string> XlsxReport(const ReportInput& input, const XlsxOptions& options) {
  TempFile file;
  if (file.path().empty()) return Error{"cannot create a temporary file for the workbook", ""};
  lxw_workbook_options wb_options{};
  wb_options.constant_memory = LXW_TRUE;  // rows go to disk as written, not into memory
  wb_options.use_zip64 = LXW_TRUE;        // a large Rows sheet passes 4 GB uncompressed
  lxw_workbook* wb = workbook_new_opt(file.path().c_str(), &wb_options);
  if (wb == nullptr) return Error{"cannot start the workbook", ""};
  // The creation time is the report's, so the same view and time give the same bytes.
  std::string title = "Keeta — Support overview";
  lxw_doc_properties properties{};
  properties.title = title.data();
  properties.created = input.generated_at;
  workbook_set_properties(wb, &properties);

  Writer writer(wb, input);
  const std::size_t max_rows = std::min(options.max_rows, kXlsxMaxDataRows);
  const bool rows_sheet = options.include_rows && input.data;
  writer.Summary(rows_sheet, max_rows);
  writer.Daily();
  if (rows_sheet) writer.Rows(max_rows);
  const lxw_error closed = workbook_close(wb);
  if (closed != LXW_NO_ERROR) {
    return Error{fmt::format("cannot write the workbook: {}", lxw_strerror(closed)), ""};
  }
  std::ifstream in(file.path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return Error{"cannot read the finished workbook back", ""};
  return bytes;
}

}  // namespace keeta::exports
