#include "cli/export_command.h"

#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <utility>

#include "cli/load_flags.h"
#include "core/engine.h"
#include "core/query_check.h"
#include "core/view_options.h"
#include "export/csv.h"
#include "export/pdf.h"
#include "export/report.h"
#include "export/xlsx.h"
#include "store/data_source.h"
#include "store/sql/db_source.h"
#include "store/settings.h"

namespace keeta::cli {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "keeta: %s\n", message.c_str());
  return 1;
}

// The export the file name and --what ask for, as the route name under /export/.
Result<exports::Format> ChooseFormat(const std::string& out_path, const std::string& what) {
  const std::string ext = std::filesystem::path(out_path).extension().string();
  if (ext == ".csv") return exports::FormatFromName(what + ".csv");
  if (ext == ".xlsx") return exports::Format::kXlsx;
  if (ext == ".pdf") return exports::Format::kPdf;
  return Error{fmt::format("--out '{}': the extension must be .csv, .xlsx or .pdf", out_path),
               "out"};
}

}  // namespace

ExportCommand::ExportCommand(CLI::App& app) {
  command_ = app.add_subcommand("export", "Write a CSV, Excel or PDF export of a view");
  AddLoadFlags(*command_, data_path_, load_options_);
  command_->add_option("--out", out_path_, "Output file: .csv, .xlsx or .pdf")->required();
  command_->add_option("--what", what_, "For .csv: which table")
      ->check(CLI::IsMember({"kpis", "trends", "rows"}))
      ->capture_default_str();
  command_->add_flag("--no-rows", no_rows_, "For .xlsx: leave the Rows sheet out");
  command_->add_option("--granularity", granularity_, "Trend points per day, week or month");
  command_->add_option("--weight-by", weight_by_, "total_chats: weight mean KPIs by chats; none");
  settings_path_ = kDefaultSettingsPath;
  command_->add_option("--settings", settings_path_, "Settings file (targets, weighting)")
      ->capture_default_str();
  filters_.AddTo(*command_);
}

int ExportCommand::Run() const {
  const auto format = ChooseFormat(out_path_, what_);
  if (!format) return Fail(format.error().message);
  auto params = filters_.Params();
  if (!granularity_.empty()) params.emplace_back("granularity", granularity_);
  if (!weight_by_.empty()) params.emplace_back("weight_by", weight_by_);
  auto filter = ParseFilter(params);
  if (!filter) return Fail(filter.error().message);
  auto settings = OpenSettingsFile(settings_path_);
  if (!settings) return Fail(settings.error().message);
  const Settings& current = *(*settings)->Current().settings;
  auto options = ParseDashboardOptions(
      params, DashboardOptions{.weighted = current.weighted, .targets = current.targets});
  if (!options) return Fail(options.error().message);
  auto source = sql::MakeAnySource(data_path_, load_options_, OneShotSourceOptions());
  if (!source) return Fail(source.error().message);
  auto data = (*source)->Load();
  if (!data) return Fail(data.error().message);
  const Query query{std::move(*filter), {}};
  // As `keeta kpis`: what cannot match is said on stderr; the file holds the honest zeros.
  for (const QueryWarning& warning : CheckQuery(**data, query)) {
    std::fprintf(stderr, "keeta: %s\n", warning.message.c_str());
  }

  std::ofstream out(out_path_, std::ios::binary | std::ios::trunc);
  if (!out) return Fail(fmt::format("cannot write '{}'", out_path_));
  using exports::Format;
  if (*format == Format::kRowsCsv) {
    exports::RowsCsvWriter writer(*data, query);
    std::string chunk;
    while (writer.Next(chunk)) out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  } else {
    Dashboard dashboard = ComputeDashboard(**data, query, *options);
    Result<std::string> bytes = std::string();
    switch (*format) {
      case Format::kKpisCsv: bytes = exports::KpisCsv(dashboard); break;
      case Format::kTrendsCsv: bytes = exports::TrendsCsv(dashboard); break;
      case Format::kXlsx:
      case Format::kPdf: {
        const exports::ReportInput input{*data, query, std::move(dashboard),
                                         StampTime(), {}};
        bytes = *format == Format::kXlsx
                    ? exports::XlsxReport(input, exports::XlsxOptions{!no_rows_})
                    : exports::PdfReport(input);
        break;
      }
      case Format::kRowsCsv: break;
    }
    if (!bytes) {
      out.close();
      std::filesystem::remove(out_path_);
      return Fail(bytes.error().message);
    }
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  }
  out.flush();
  if (!out) return Fail(fmt::format("error writing '{}'", out_path_));
  return 0;
}

}  // namespace keeta::cli
