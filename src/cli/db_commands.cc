#include "cli/db_commands.h"

#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <string>

#include "cli/load_flags.h"
#include "store/csv_loader.h"
#include "store/sql/db_admin.h"
#include "store/sql/db_url.h"
#include "store/sql/rollup.h"

namespace keeta::cli {

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "keeta: %s\n", message.c_str());
  return 1;
}

struct ImportFlags {
  std::string data;
  LoadOptions load;
  std::string to;
  bool replace = false;
};

int RunImport(const ImportFlags& flags) {
  if (flags.data.empty()) return Fail("import needs --data FILE.csv: the file to import");
  auto url = sql::ParseDbUrl(flags.to);
  if (!url) return Fail(fmt::format("--to: {}", url.error().message));
  auto parsed = ReadCsvFile(flags.data, flags.load);
  if (!parsed) return Fail(parsed.error().message);
  for (const std::string& warning : parsed->report.Warnings()) {
    std::fprintf(stderr, "keeta: note: %s\n", warning.c_str());
  }
  auto written = sql::ImportTable(*url, parsed->table, flags.replace);
  if (!written) return Fail(written.error().message);
  std::printf("imported %llu rows into %s\n", static_cast<unsigned long long>(*written),
              url->Redacted().c_str());
  return 0;
}

struct SetupFlags {
  std::string data;
  LoadOptions load;
  bool rollup = false;
};

int RunSetup(const SetupFlags& flags) {
  if (flags.data.empty()) return Fail("db setup needs --data postgresql://…?table=NAME or mysql://…?table=NAME");
  auto url = sql::ParseDbUrl(flags.data);
  if (!url) return Fail(url.error().message);
  if (flags.rollup) {
    const auto started = std::chrono::steady_clock::now();
    auto built = sql::BuildRollup(*url, flags.load);
    if (!built) return Fail(built.error().message);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("rollup of %s built in %.1f s: %llu rows -> %llu rollup rows and %llu (agent, team leader, "
                "supervisor) rows; mode=pushdown reads it while the table is unchanged (triggers count "
                "its changes; run this again after one)\n",
                url->QualifiedTable().c_str(), seconds, static_cast<unsigned long long>(built->source_rows),
                static_cast<unsigned long long>(built->rollup_rows),
                static_cast<unsigned long long>(built->triples));
    return 0;
  }
  if (auto error = sql::SetupNotifications(*url)) return Fail(error->message);
  std::printf("change trigger %s installed on %s: a running keeta serve refreshes at once\n",
              sql::kTriggerName, url->QualifiedTable().c_str());
  return 0;
}

}  // namespace

void RegisterDbCommands(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ImportFlags>();
  auto* import = app.add_subcommand("import", "Load a CSV file into a new database table");
  AddLoadFlags(*import, flags->data, flags->load);
  import->add_option("--to", flags->to, "postgresql://…?table=NAME or mysql://…?table=NAME")->required();
  import->add_flag("--replace", flags->replace, "Replace the table if it exists");
  import->callback([flags, &exit_code] { exit_code = RunImport(*flags); });

  auto* db = app.add_subcommand("db", "Prepare a database source");
  db->require_subcommand(1);
  auto setup_flags = std::make_shared<SetupFlags>();
  auto* setup = db->add_subcommand(
      "setup", "Install what keeps a database source fast and fresh: the change trigger, and with "
               "--rollup the rollup that pushdown reads");
  AddLoadFlags(*setup, setup_flags->data, setup_flags->load);
  setup->add_flag("--rollup", setup_flags->rollup,
                  "Build (or rebuild) the rollup that mode=pushdown reads instead of the rows");
  setup->callback([setup_flags, &exit_code] { exit_code = RunSetup(*setup_flags); });
}

}  // namespace keeta::cli
