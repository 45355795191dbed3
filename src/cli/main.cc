// keeta: the command-line entry point (docs/api.md). Subcommands: serve, kpis, generate,
// export, import, db, users, tokens, audit, targets, weighting.
// Every failure is one line on stderr and a non-zero exit.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cli/account_commands.h"
#include "cli/db_commands.h"
#include "cli/settings_commands.h"
#include "cli/export_command.h"
#include "core/engine.h"
#include "core/kpi_registry.h"
#include "cli/load_flags.h"
#include "core/periods.h"
#include "core/query.h"
#include "core/query_check.h"
#include "core/view_options.h"
#include "store/data_source.h"
#include "store/sql/db_source.h"
#include "store/sql/pushdown.h"
#include "store/settings.h"
#include "store/generator.h"
#include "web/json_api.h"
#include "web/server.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "keeta: %s\n", message.c_str());
  return 1;
}

// How many trend buckets the table's sparklines cover (the last ones).
constexpr std::size_t kSparklineWidth = 30;

// The buckets the sparklines cover: the last kSparklineWidth up to the data's last one.
struct SparkSpan {
  std::int64_t first = 0;  // bucket ordinals (core/periods.h), inclusive
  std::int64_t last = 0;
};

SparkSpan SpanOf(const keeta::Dashboard& dash) {
  const std::int64_t last = keeta::BucketOrdinal(dash.days.back(), dash.granularity);
  const std::int64_t first = keeta::BucketOrdinal(dash.days.front(), dash.granularity);
  return {std::max(first, last - static_cast<std::int64_t>(kSparklineWidth) + 1), last};
}

// Eight-level block sparkline, one mark per bucket of the span: a blank where the bucket
// has no data (no row, or no value), so a missing day is never drawn over.
std::string Sparkline(const keeta::Dashboard& dash, const std::vector<double>& values) {
  static const char* kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  if (dash.days.empty() || values.size() != dash.days.size()) return {};
  const SparkSpan span = SpanOf(dash);
  std::vector<double> cells(static_cast<std::size_t>(span.last - span.first + 1), NAN);
  double lo = INFINITY, hi = -INFINITY;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::int64_t ordinal = keeta::BucketOrdinal(dash.days[i], dash.granularity);
    if (ordinal < span.first || std::isnan(values[i])) continue;
    cells[static_cast<std::size_t>(ordinal - span.first)] = values[i];
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
  }
  std::string out;
  for (const double v : cells) {
    if (std::isnan(v)) {
      out += ' ';
      continue;
    }
    const int level = hi > lo ? static_cast<int>(std::lround((v - lo) / (hi - lo) * 7)) : 3;
    out += kBlocks[level];
  }
  return out;
}

void PrintTable(const keeta::LoadReport& report, const keeta::Dashboard& dash) {
  std::printf("%s: %zu of %zu rows", report.source.c_str(), dash.rows, report.rows_loaded);
  if (!dash.days.empty()) {
    std::printf(", %s .. %s", keeta::FormatDay(dash.days.front()).c_str(),
                keeta::FormatDay(dash.days.back()).c_str());
  }
  std::printf("\n\n");
  for (const auto& kpi : dash.kpis) {
    const std::string value = keeta::FormatKpiValue(*kpi.def, kpi.value);
    // Pad by display columns: "—" is 3 bytes but one column.
    const std::size_t value_cols = value == "—" ? 1 : value.size();
    // "87.3%" already says its unit; "—" has none.
    const std::string unit =
        (!kpi.value || value.ends_with(kpi.def->unit)) ? "" : std::string(kpi.def->unit);
    std::printf("  %-24s %*s%s %-7s %s\n", std::string(kpi.def->label).c_str(),
                static_cast<int>(12 - std::min<std::size_t>(12, value_cols)), "", value.c_str(),
                unit.c_str(), Sparkline(dash, kpi.trend).c_str());
  }
  if (!dash.days.empty()) {
    const SparkSpan span = SpanOf(dash);
    const std::string unit(keeta::GranularityName(dash.granularity));
    std::printf("\n  sparklines: one mark per %s, %s to %s%s; a blank is a %s without data\n",
                unit.c_str(), keeta::FormatDay(keeta::BucketAtOrdinal(span.first, dash.granularity)).c_str(),
                keeta::FormatDay(dash.days.back()).c_str(),
                span.first > keeta::BucketOrdinal(dash.days.front(), dash.granularity)
                    ? fmt::format(" (the last {})", kSparklineWidth).c_str() : "",
                unit.c_str());
  }
  for (const auto& warning : report.Warnings()) std::printf("\n  note: %s", warning.c_str());
  if (!report.Warnings().empty()) std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Keeta: customer-support KPI dashboard"};
  app.set_version_flag("--version", std::string(KEETA_VERSION));
  app.require_subcommand(1);

  keeta::web::ServerOptions serve_opts;
  int reload_ms = static_cast<int>(serve_opts.reload_interval.count());
  bool no_cache = false;
  auto* serve = app.add_subcommand("serve", "Serve the dashboard and the JSON API");
  keeta::cli::AddLoadFlags(*serve, serve_opts.data_path, serve_opts.load);
  serve->add_option("--host", serve_opts.host, "Address to listen on")->capture_default_str();
  serve->add_option("--port", serve_opts.port, "Port (0 = any free port)")->capture_default_str();
  serve->add_option("--threads", serve_opts.threads, "I/O threads (0 = one per core)");
  serve->add_option("--reload-interval-ms", reload_ms,
                    "How often to check the data file for changes (0 = never)")
      ->capture_default_str();
  serve->add_flag("--no-cache", no_cache, "Disable the response cache (for benchmarks)");
  serve_opts.settings_path = keeta::kDefaultSettingsPath;
  serve->add_option("--settings", serve_opts.settings_path,
                    "Settings file: KPI targets and weighting (JSON; missing = none)")
      ->capture_default_str();
  serve->add_option("--state", serve_opts.state_path, "State file with the accounts")
      ->capture_default_str();
  serve->add_flag("--no-auth", serve_opts.no_auth,
                  "No sign-in: everyone sees everything, on any --host");
  serve->add_option("--auth-proxy-header", serve_opts.auth_proxy_header,
                    "Sign in the account this header names (from --trusted-proxy only)");
  serve->add_option("--trusted-proxy", serve_opts.trusted_proxies,
                    "Address range (CIDR) of a proxy whose header is believed (repeatable)");
  serve->add_option("--tls-cert", serve_opts.tls_cert, "TLS certificate chain (PEM); with --tls-key")
      ->check(CLI::ExistingFile);
  serve->add_option("--tls-key", serve_opts.tls_key, "TLS private key (PEM); with --tls-cert")
      ->check(CLI::ExistingFile);
  serve->add_option("--data-label", serve_opts.data_label,
                    "How the page and the API name the data (default: the file's base name)");
  serve->add_option("--allowed-host", serve_opts.allowed_hosts,
                    "A host name clients may use besides localhost and IP addresses "
                    "(repeatable)");
  serve->add_option("--workers", serve_opts.workers,
                    "Threads computing responses (0 = one per core)");
  serve->add_option("--max-connections-per-address", serve_opts.max_connections_per_address,
                    "Connections one client address may hold")
      ->capture_default_str();

  std::string data_path;
  keeta::LoadOptions load_options;
  std::vector<std::string> agents, team_leaders, supervisors;
  std::string from_date, to_date, format = "table";
  auto* kpis = app.add_subcommand("kpis", "Compute the dashboard once and print it");
  keeta::cli::AddLoadFlags(*kpis, data_path, load_options);
  kpis->add_option("--agent", agents, "Agent filter (repeatable)");
  kpis->add_option("--team-leader", team_leaders, "Team leader filter (repeatable)");
  kpis->add_option("--supervisor", supervisors, "Supervisor filter (repeatable)");
  kpis->add_option("--from-date", from_date, "First day, YYYY-MM-DD (inclusive)");
  kpis->add_option("--to-date", to_date, "Last day, YYYY-MM-DD (inclusive)");
  std::string granularity, weight_by, settings_path = keeta::kDefaultSettingsPath;
  kpis->add_option("--granularity", granularity, "Trend points per day, week or month");
  kpis->add_option("--weight-by", weight_by, "total_chats: weight mean KPIs by chats; none");
  kpis->add_option("--settings", settings_path, "Settings file (targets, weighting)")
      ->capture_default_str();
  kpis->add_option("--format", format, "Output format")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();

  keeta::GeneratorOptions gen_opts;
  std::string out_path;
  auto* generate = app.add_subcommand("generate", "Write realistic synthetic data (CSV)");
  generate->add_option("--rows", gen_opts.rows, "Number of data rows")->required();
  generate->add_option("--out", out_path, "Output file ('-' for stdout)")->required();
  generate->add_option("--seed", gen_opts.seed, "Random seed")->capture_default_str();
  generate->add_option("--start-day", gen_opts.start_day, "First day of data")->capture_default_str();

  int command_exit = 0;
  keeta::cli::RegisterAccountCommands(app, command_exit);
  keeta::cli::RegisterSettingsCommands(app, command_exit);
  keeta::cli::RegisterDbCommands(app, command_exit);
  const keeta::cli::ExportCommand export_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help / --version
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
    return Fail(what + " (see keeta --help)");
  }

  if (command_exit != 0) return command_exit;

  if (*serve) {
    serve_opts.reload_interval = std::chrono::milliseconds(std::max(0, reload_ms));
    serve_opts.cache = !no_cache;
    return keeta::web::Serve(serve_opts);
  }

  if (*kpis) {
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& a : agents) params.emplace_back("agent", a);
    for (const auto& t : team_leaders) params.emplace_back("team_leader", t);
    for (const auto& s : supervisors) params.emplace_back("supervisor", s);
    if (!from_date.empty()) params.emplace_back("from_date", from_date);
    if (!to_date.empty()) params.emplace_back("to_date", to_date);
    if (!granularity.empty()) params.emplace_back("granularity", granularity);
    if (!weight_by.empty()) params.emplace_back("weight_by", weight_by);
    auto filter = keeta::ParseFilter(params);
    if (!filter) return Fail(filter.error().message);
    auto settings = keeta::OpenSettingsFile(settings_path);
    if (!settings) return Fail(settings.error().message);
    const keeta::Settings& current = *(*settings)->Current().settings;
    auto options = keeta::ParseDashboardOptions(
        params, keeta::DashboardOptions{.weighted = current.weighted, .targets = current.targets});
    if (!options) return Fail(options.error().message);
    if (data_path.empty()) std::fprintf(stderr, "keeta: no --data: reading the bundled sample data\n");
    const keeta::Query query{*filter, {}};
    if (auto url = keeta::sql::ParseDbUrl(data_path);
        url && url->mode == keeta::sql::DbUrl::Mode::kPushdown) {
      // Answered by the database: nothing is loaded.
      auto pushdown = keeta::sql::MakePushdownSource(std::move(*url), load_options);
      auto warnings = keeta::sql::CheckQuery(*pushdown, query);
      if (!warnings) return Fail(warnings.error().message);
      for (const auto& warning : *warnings) std::fprintf(stderr, "keeta: %s\n", warning.message.c_str());
      auto answered = pushdown->ComputeDashboard(query, *options);
      if (!answered) return Fail(answered.error().message);
      if (format == "json") {
        std::cout << keeta::web::KpisJson(answered->report, *filter, answered->answer, *warnings) << '\n';
      } else {
        PrintTable(answered->report, answered->answer);
      }
      return 0;
    }
    auto source =
        keeta::sql::MakeAnySource(data_path, load_options, keeta::OneShotSourceOptions());
    if (!source) return Fail(source.error().message);
    auto data = (*source)->Load();
    if (!data) return Fail(data.error().message);
    // What cannot match is said on stderr; the numbers stay the honest answer (exit 0).
    const std::vector<keeta::QueryWarning> warnings = keeta::CheckQuery(**data, query);
    for (const auto& warning : warnings) std::fprintf(stderr, "keeta: %s\n", warning.message.c_str());
    const keeta::Dashboard dash = keeta::ComputeDashboard(**data, query, *options);
    if (format == "json") {
      std::cout << keeta::web::KpisJson((**data).report(), *filter, dash, warnings) << '\n';
    } else {
      PrintTable((**data).report(), dash);
    }
    return 0;
  }

  if (export_command.selected()) return export_command.Run();

  if (*generate) {
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (out_path != "-") {
      file.open(out_path, std::ios::binary | std::ios::trunc);
      if (!file) return Fail(fmt::format("cannot write '{}'", out_path));
      out = &file;
    }
    auto result = keeta::GenerateCsv(gen_opts, *out);
    if (!result) return Fail(result.error().message);
    out->flush();
    if (!*out) return Fail(fmt::format("error writing '{}'", out_path));
    return 0;
  }
  return 0;
}
