#include "cli/db_commands.h"

#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <string>

#include "cli/load_flags.h"
#include "store/csv_loader.h"
#include "store/sql/db_admin.h"
#include "store/sql/db_url.h"

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
  auto url_text = std::make_shared<std::string>();
  auto* setup = db->add_subcommand(
      "setup", "PostgreSQL: install the trigger that tells a running server the table changed");
  setup->add_option("--data", *url_text, "postgresql://…?table=NAME")->required();
  setup->callback([url_text, &exit_code] {
    auto url = sql::ParseDbUrl(*url_text);
    if (!url) {
      exit_code = Fail(url.error().message);
      return;
    }
    if (auto error = sql::SetupNotifications(*url)) {
      exit_code = Fail(error->message);
      return;
    }
    std::printf("change trigger %s installed on %s: a running keeta serve refreshes at once\n",
                sql::kTriggerName, url->QualifiedTable().c_str());
  });
}

}  // namespace keeta::cli
