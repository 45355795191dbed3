// The `keeta` command line, run as a real process (docs/api.md "Command line"): the JSON
// it prints is the API's body, and every failure is one line on stderr with a non-zero exit.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/kpi_registry.h"
#include "store/data_source.h"
#include "store/dataset_holder.h"
#include "web/handler.h"

extern char** environ;

namespace keeta {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t CountLines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A scratch directory per test, removed afterwards.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("keeta-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& name, const std::string& bytes) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // Runs KEETA_BINARY with `args` (in `cwd` when given); stdout and stderr captured
  // separately.
  CliResult Run(const std::vector<std::string>& args, const fs::path& cwd = {}) {
    const fs::path out = dir_ / "stdout", err = dir_ / "stderr";
    std::vector<std::string> all{KEETA_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    CliResult result;
    if (spawned != 0) {
      ADD_FAILURE() << "cannot run " << KEETA_BINARY;
      return result;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = ReadAll(out);
    result.err = ReadAll(err);
    return result;
  }

  fs::path dir_;
};

constexpr const char* kCsv =
    "day,agent,team_leader,supervisor,total_chats,csat,resolved,pending\n"
    "2025-01-01,Ahmed,Sara,Mona,10,90,8,2\n"
    "2025-01-02,Ahmed,Sara,Mona,12,,9,1\n"
    "2025-01-02,Omar,Sara,Mona,7,80%,5,5\n"
    "2025-01-03,محمد,Khalid,Mona,4,abc,4,0\n";

TEST_F(CliTest, KpisJsonIsExactlyTheApiBodyForTheSameFilters) {
  const fs::path csv = Write("data.csv", kCsv);
  const CliResult cli = Run({"kpis", "--data", csv.string(), "--agent", "Ahmed", "--agent",
                             "محمد", "--from-date", "2025-01-02", "--format", "json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(cli.err, "");

  auto loaded = MakeCsvSource(csv.string())->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  web::Handler handler(std::make_shared<DatasetHolder>(*loaded));
  web::Request req{web::http::verb::get,
                   "/api/v1/kpis?agent=Ahmed&agent=%D9%85%D8%AD%D9%85%D8%AF&from_date=2025-01-02",
                   11};
  const web::Response res = handler.Handle(req);
  ASSERT_EQ(res.result(), web::http::status::ok);

  // The two loads happened at different moments; everything else must be identical.
  auto cli_json = nlohmann::json::parse(cli.out);
  auto api_json = nlohmann::json::parse(res.body());
  EXPECT_NE(cli_json["data"]["loaded_at"], nullptr);
  cli_json["data"].erase("loaded_at");
  api_json["data"].erase("loaded_at");
  EXPECT_EQ(cli_json, api_json);
  EXPECT_EQ(cli_json["rows"], 2);  // Ahmed on the 2nd, محمد on the 3rd
  EXPECT_EQ(CountLines(cli.out), 1u);
}

TEST_F(CliTest, TargetsAndWeightingAreSetInTheSettingsFileAndShownByKpis) {
  const fs::path csv = Write("data.csv", kCsv);
  const std::string settings = (dir_ / "settings.json").string();
  CliResult cli = Run({"targets", "set", "csat", ">=", "85", "--settings", settings});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  cli = Run({"weighting", "set", "csat", "on", "--settings", settings});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  cli = Run({"targets", "list", "--settings", settings});
  EXPECT_THAT(cli.out, HasSubstr("csat               >= 85.0%"));
  cli = Run({"kpis", "--data", csv.string(), "--settings", settings, "--format", "json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const auto body = nlohmann::json::parse(cli.out);
  EXPECT_EQ(body["kpis"][2]["target"], nlohmann::json({{"op", ">="}, {"value", 85}}));
  EXPECT_EQ(body["kpis"][2]["weighted"], true);
  // (90 * 10 + 80 * 7) / 17 = 85.88...: met; unweighted (90 + 80) / 2 = 85 would be too.
  EXPECT_EQ(body["kpis"][2]["status"], "met");
  EXPECT_NEAR(body["kpis"][2]["value"].get<double>(), (90.0 * 10 + 80 * 7) / 17, 1e-9);
  cli = Run({"targets", "clear", "csat", "--settings", settings});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  cli = Run({"kpis", "--data", csv.string(), "--settings", settings, "--format", "json",
             "--weight-by", "none"});
  EXPECT_TRUE(nlohmann::json::parse(cli.out)["kpis"][2]["target"].is_null());
  // Bad input: one line, non-zero.
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"targets", "set", "speed", ">=", "1", "--settings", settings},
        std::vector<std::string>{"targets", "set", "csat", "=", "1", "--settings", settings},
        std::vector<std::string>{"weighting", "set", "total_chats", "on", "--settings", settings}}) {
    cli = Run(bad);
    EXPECT_NE(cli.exit_code, 0) << bad[2];
    EXPECT_EQ(CountLines(cli.err), 1u) << cli.err;
  }
}

TEST_F(CliTest, TableShowsEveryKpiAndNoValueForAbsentColumns) {
  const fs::path csv = Write("data.csv", kCsv);
  const CliResult cli = Run({"kpis", "--data", csv.string()});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  for (const KpiDef& kpi : kKpis) EXPECT_NE(cli.out.find(kpi.label), std::string::npos) << kpi.label;
  EXPECT_NE(cli.out.find("33 chats"), std::string::npos) << cli.out;  // 10 + 12 + 7 + 4
  EXPECT_NE(cli.out.find("—"), std::string::npos);  // avg_response_time is absent
  EXPECT_NE(cli.out.find("1 invalid value"), std::string::npos);  // the load report
}

// The line of the table for one KPI label, without its trailing newline.
std::string TableLine(const std::string& out, std::string_view label) {
  const std::size_t at = out.find(std::string("  ") + std::string(label));
  if (at == std::string::npos) return {};
  return out.substr(at, out.find('\n', at) - at);
}

TEST_F(CliTest, TableSaysWhichSpanItsSparklinesCoverAndLeavesMissingDaysBlank) {
  // 2025-01-01 .. 01-03 and then 01-06: two days without data are two blanks.
  const std::string gappy = std::string(kCsv) + "2025-01-06,Omar,Sara,Mona,5,70,1,1\n";
  const CliResult few = Run({"kpis", "--data", Write("gappy.csv", gappy).string()});
  ASSERT_EQ(few.exit_code, 0) << few.err;
  EXPECT_NE(few.out.find("sparklines: one mark per day, 2025-01-01 to 2025-01-06; a blank is a "
                         "day without data"), std::string::npos) << few.out;
  const std::string chats = TableLine(few.out, "Total Chats");
  // Four marks (three bytes each) around exactly two blanks: "▁█▁  ▁"-like, ending the line.
  ASSERT_GE(chats.size(), 14u) << chats;
  const std::string tail = chats.substr(chats.size() - 14);
  EXPECT_EQ(tail.substr(9, 2), "  ") << chats;
  EXPECT_EQ(tail[8] & 0xC0, 0x80) << chats;   // a mark just before the gap
  EXPECT_EQ(tail[11] & 0xFF, 0xE2) << chats;  // and one just after

  // The bundled sample has a year of days: the sparklines show the last 30 and say so.
  const CliResult json = Run({"kpis", "--format", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const auto trend = nlohmann::json::parse(json.out)["kpis"][0]["trend"];
  ASSERT_GT(trend.size(), 30u);
  const std::string last = trend.back()[0];
  const CliResult year = Run({"kpis"});
  ASSERT_EQ(year.exit_code, 0) << year.err;
  EXPECT_NE(year.out.find(" to " + last + " (the last 30)"), std::string::npos) << year.out;
  const CliResult months = Run({"kpis", "--granularity", "month"});
  ASSERT_EQ(months.exit_code, 0) << months.err;
  EXPECT_NE(months.out.find("sparklines: one mark per month, "), std::string::npos) << months.out;
  EXPECT_EQ(months.out.find("(the last"), std::string::npos) << months.out;  // 12 fit
}

TEST_F(CliTest, UnknownNameAndReversedRangeAreSaidOnStderrWithTheHonestZero) {
  const fs::path csv = Write("data.csv", kCsv);
  const CliResult cli = Run({"kpis", "--data", csv.string(), "--agent", "Ahmad", "--format", "json"});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.err.find("keeta: no agent 'Ahmad'; did you mean 'Ahmed'?\n"), std::string::npos)
      << cli.err;
  const auto body = nlohmann::json::parse(cli.out);
  EXPECT_EQ(body["rows"], 0);
  ASSERT_EQ(body["warnings"].size(), 1u);
  EXPECT_EQ(body["warnings"][0]["code"], "unknown_name");
  EXPECT_EQ(body["warnings"][0]["suggestions"], nlohmann::json::array({"Ahmed"}));

  const CliResult reversed = Run({"kpis", "--data", csv.string(), "--from-date", "2025-01-03",
                                  "--to-date", "2025-01-01"});
  EXPECT_EQ(reversed.exit_code, 0) << reversed.err;
  EXPECT_NE(reversed.err.find("the range ends (2025-01-01) before it starts (2025-01-03)"),
            std::string::npos) << reversed.err;
  EXPECT_NE(reversed.out.find("0 of 4 rows"), std::string::npos) << reversed.out;

  // `keeta export` says the same and still writes the file.
  const fs::path out = Write("kpis.csv", "");
  const CliResult exported = Run({"export", "--data", csv.string(), "--out", out.string(),
                                  "--agent", "Ahmad"});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.err.find("keeta: no agent 'Ahmad'; did you mean 'Ahmed'?"), std::string::npos)
      << exported.err;
  EXPECT_GT(fs::file_size(out), 0u);
}

TEST_F(CliTest, BadDateIsOneLineOnStderrAndNonZeroExit) {
  const fs::path csv = Write("data.csv", kCsv);
  const CliResult cli = Run({"kpis", "--data", csv.string(), "--to-date", "2025-02-30"});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_EQ(cli.out, "");
  EXPECT_EQ(CountLines(cli.err), 1u) << cli.err;
  EXPECT_NE(cli.err.find("to_date"), std::string::npos) << cli.err;
  EXPECT_NE(cli.err.find("2025-02-30"), std::string::npos) << cli.err;
}

TEST_F(CliTest, MissingFileIsOneLineOnStderrAndNonZeroExit) {
  const CliResult cli = Run({"kpis", "--data", (dir_ / "nope.csv").string()});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_EQ(CountLines(cli.err), 1u) << cli.err;
  EXPECT_NE(cli.err.find("nope.csv"), std::string::npos) << cli.err;
}

TEST_F(CliTest, UnreadableFileNamesTheLine) {
  const fs::path csv = Write("bad.csv", "day,agent\n2025-01-01,A\n2025-01-02,\"unterminated\n");
  const CliResult cli = Run({"kpis", "--data", csv.string(), "--format", "json"});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_EQ(cli.out, "");
  EXPECT_EQ(CountLines(cli.err), 1u) << cli.err;
  EXPECT_NE(cli.err.find("line 3"), std::string::npos) << cli.err;
}

TEST_F(CliTest, UnknownArgumentsAreOneLineOnStderrAndNonZeroExit) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"kpis", "--colour", "red"},
        std::vector<std::string>{"kpis", "--format", "xml"}, std::vector<std::string>{"frobnicate"},
        std::vector<std::string>{}}) {
    const CliResult cli = Run(args);
    EXPECT_NE(cli.exit_code, 0);
    EXPECT_EQ(CountLines(cli.err), 1u) << cli.err;
  }
}

TEST_F(CliTest, HelpListsTheSubcommands) {
  const CliResult cli = Run({"--help"});
  EXPECT_EQ(cli.exit_code, 0);
  for (const char* sub : {"serve", "kpis", "generate"})
    EXPECT_NE(cli.out.find(sub), std::string::npos) << sub;
}

TEST_F(CliTest, GenerateWritesTheRowsAskedForDeterministically) {
  const fs::path a = dir_ / "a.csv", b = dir_ / "b.csv", c = dir_ / "c.csv";
  ASSERT_EQ(Run({"generate", "--rows", "500", "--out", a.string(), "--seed", "3"}).exit_code, 0);
  ASSERT_EQ(Run({"generate", "--rows", "500", "--out", b.string(), "--seed", "3"}).exit_code, 0);
  ASSERT_EQ(Run({"generate", "--rows", "500", "--out", c.string(), "--seed", "4"}).exit_code, 0);
  EXPECT_EQ(ReadAll(a), ReadAll(b));
  EXPECT_NE(ReadAll(a), ReadAll(c));

  const CliResult kpis = Run({"kpis", "--data", a.string(), "--format", "json"});
  ASSERT_EQ(kpis.exit_code, 0) << kpis.err;
  EXPECT_EQ(nlohmann::json::parse(kpis.out)["data"]["rows_loaded"], 500);
}

TEST_F(CliTest, GenerateToAnUnwritablePathFails) {
  const CliResult cli = Run({"generate", "--rows", "5", "--out", (dir_ / "no/such/dir.csv").string()});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_EQ(CountLines(cli.err), 1u) << cli.err;
}

TEST_F(CliTest, WithoutDataTheBundledSampleIsUsedFromAnyFolderAndSaidSo) {
  const fs::path elsewhere = dir_ / "elsewhere";
  fs::create_directories(elsewhere);
  const CliResult cli = Run({"kpis", "--format", "json"}, elsewhere);
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(cli.err, "keeta: no --data: reading the bundled sample data\n");
  const auto json = nlohmann::json::parse(cli.out);
  EXPECT_EQ(json["data"]["source"], "bundled sample (data/sample.csv, compiled in)");
  // The same rows as the sample file in the checkout.
  auto file = MakeCsvSource(std::string(KEETA_SOURCE_DIR) + "/data/sample.csv")->Load();
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(json["data"]["rows_loaded"], (*file)->rows());
}

TEST_F(CliTest, LoadFlagsReadASpreadsheetExport) {
  const fs::path csv = Write("eu.csv",
                             "Datum;Agent Name;Chats;Score\n"
                             "15/01/2025;Ahmed;1.234;4\n"
                             "16/01/2025;Sara;766;2\n");
  const CliResult cli = Run({"kpis", "--data", csv.string(), "--column", "day=Datum",
                             "--column", "csat=Score", "--csat-scale", "5", "--format", "json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const auto json = nlohmann::json::parse(cli.out);
  EXPECT_EQ(json["kpis"][0]["value"], 2000);  // 1.234 + 766
  EXPECT_EQ(json["kpis"][2]["value"], 50);    // (4 - 1) x 25 and (2 - 1) x 25, mean 50
  EXPECT_EQ(json["kpis"][0]["trend"].size(), 2u);

  // A forced delimiter is obeyed: split on `,` the header is one field, no known column,
  // which is a load error (the wrong file, not an empty dataset).
  const CliResult forced = Run({"kpis", "--data", csv.string(), "--delimiter", ",", "--format", "json"});
  EXPECT_NE(forced.exit_code, 0);
  EXPECT_NE(forced.err.find("none of the known columns"), std::string::npos) << forced.err;
}

TEST_F(CliTest, BadLoadFlagsAreOneLineErrors) {
  const fs::path csv = Write("data.csv", kCsv);
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--delimiter", ":"}, {"--csat-scale", "10"},
        {"--column", "score=x"}, {"--column", "csat=Nope"}}) {
    std::vector<std::string> args{"kpis", "--data", csv.string()};
    args.insert(args.end(), flags.begin(), flags.end());
    const CliResult cli = Run(args);
    EXPECT_NE(cli.exit_code, 0) << flags[0];
    EXPECT_EQ(CountLines(cli.err), 1u) << cli.err;
    EXPECT_NE(cli.err.find(flags[0]), std::string::npos) << cli.err;
  }
}

}  // namespace
}  // namespace keeta
