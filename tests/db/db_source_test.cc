// Database sources against real servers (tests/tools/db-server.sh: private PostgreSQL and
// MariaDB instances in the build tree, started by ctest's keeta_db fixture): the same rows
// give the CSV path's JSON from typed and from all-text tables; filters with hostile names;
// refreshes by notification, by timer and by key; a database down at start and restarted
// under a running server; and no password anywhere it could leak.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "http_get.h"
#include "core/engine.h"
#include "store/csv_loader.h"
#include "store/sql/db_url.h"
#include "store/sql/pushdown.h"
#include "web/json_api.h"
#include "web/request_query.h"

namespace keeta::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;
namespace fs = std::filesystem;

const fs::path kServers = KEETA_DB_DIR;
const std::string kTool = std::string(KEETA_SOURCE_DIR) + "/tests/tools/db-server.sh";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// Runs a command to its end; its exit code and output.
struct Ran {
  int code;
  std::string output;
};
Ran Run(std::vector<std::string> args) {
  Child child(std::move(args));
  Ran ran;
  ran.output = child.ReadUntil("\x01never\x01");
  ran.code = child.Wait();
  return ran;
}

// One of the servers: its base URL (no table) and password (also exported for clients).
struct Server {
  std::string kind;  // "pg" or "mysql"
  fs::path dir;
  std::string url;
  std::string password;

  std::string Table(std::string_view table, std::string_view extra = "") const {
    return url + "?table=" + std::string(table) + std::string(extra);
  }
  // The URL with the password in it.
  std::string TableWithPassword(std::string_view table) const {
    std::string with = url;
    with.insert(with.find("keeta@") + 5, ":" + password);
    return with + "?table=" + std::string(table);
  }
  // SQL through the server's own command-line client.
  Ran Sql(const std::string& sql) const {
    const std::string port = ReadFile(dir / "port");
    if (kind == "pg") {
      return Run({"/usr/bin/psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                  "-p", port, "-U", "keeta", "-d", "postgres", "-c", sql});
    }
    return Run({"/usr/bin/mariadb", "--no-defaults", "--local-infile=1", "-N", "-B", "-h", "127.0.0.1",
                "-P", port, "-ukeeta", "keeta", "-e", sql});
  }
  void Exec(const std::string& sql) const {
    const Ran ran = Sql(sql);
    ASSERT_EQ(ran.code, 0) << sql << "\n" << ran.output;
  }
};

std::optional<Server> Shared(const std::string& kind) {
  const fs::path dir = kServers / kind;
  if (!fs::exists(dir / "url")) return std::nullopt;
  Server s{kind, dir, ReadFile(dir / "url"), ReadFile(dir / "password")};
  ::setenv("PGPASSWORD", s.password.c_str(), 1);
  ::setenv("MYSQL_PWD", s.password.c_str(), 1);
  return s;
}

// A table name unique to this test process.
std::string UniqueTable(std::string_view stem) {
  return std::string(stem) + "_" + std::to_string(::getpid());
}

Ran Keeta(std::vector<std::string> args) {
  args.insert(args.begin(), KEETA_BINARY);
  return Run(std::move(args));
}

// `keeta kpis --format json` for `data` with extra flags; the body without its `data`
// object (which names the source and its load time, and line numbers in notes).
Json Kpis(const std::string& data, std::vector<std::string> flags = {}) {
  std::vector<std::string> args = {"kpis", "--data", data, "--format", "json"};
  args.insert(args.end(), flags.begin(), flags.end());
  const Ran ran = Keeta(args);
  EXPECT_EQ(ran.code, 0) << ran.output;
  // stderr shares the pipe: the JSON is the line that starts with '{'.
  std::istringstream lines(ran.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("{")) {
      Json body = Json::parse(line);
      body.erase("data");
      return body;
    }
  }
  ADD_FAILURE() << "no JSON in: " << ran.output;
  return {};
}

// Names that would break SQL built from strings, and text that is not ASCII.
const char* const kTrickyCsv =
    "day,agent,team_leader,supervisor,total_chats,avg_response_time,csat,active_agents,escalations,"
    "resolved,pending,avg_chat_duration,sales_conversion,avg_queue_time\n"
    "2025-01-01,O'Brien,\"50% \"\"Best\"\"\",a_b,10,30.5,0.9,1,1,8,2,5.5,0.1,12\n"
    "2025-01-01,'; DROP TABLE chats; --,Tala,a_b,7,N/A,0.75,1,0,5,1,4,0.2,9\n"
    "2025-01-02T10:30:00,أحمد,Tala,سارة,12,25,0.8,0,2,6,6,,0.3,-\n"
    "2025/01/03,😀 Zed,\"50% \"\"Best\"\"\",a_b,,40,1,1,,,,6.25,0.4,15\n"
    ",O'Brien,Tala,a_b,3,35,0.6,1,0,1,1,3,0,7\n"
    "2025-01-04,Ahmed,Tala,سارة,\"1,234\",33.2,junk,1,1,9,3,5,0.15,11\n";

// kTrickyCsv's header line.
const char* const kTrickyHeader =
    "day,agent,team_leader,supervisor,total_chats,avg_response_time,csat,active_agents,escalations,"
    "resolved,pending,avg_chat_duration,sales_conversion,avg_queue_time";

const char* const kFewColumnsCsv =
    "day,agent,total_chats\n2025-02-01,Ahmed,5\n2025-02-02,Badr,7\n2025-02-02,Ahmed,\n";

class DbSourceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = Shared(GetParam());
    ASSERT_TRUE(server_) << "no " << GetParam() << " test server in " << kServers
                         << ": ctest starts it (fixture keeta_db), or run " << kTool
                         << " start " << GetParam() << " " << (kServers / GetParam());
  }
  void TearDown() override {
    for (const std::string& t : tables_) server_->Sql("DROP TABLE IF EXISTS " + t);
    for (const fs::path& f : files_) fs::remove(f);
  }
  fs::path Csv(std::string_view name, std::string_view text) {
    files_.push_back(TempCsv(name, text));
    return files_.back();
  }
  std::string NewTable(std::string_view stem) {
    tables_.push_back(UniqueTable(stem));
    const std::string table = tables_.back();
    for (const char* rollup : {"_keeta_rollup", "_keeta_activity", "_keeta_meta"}) tables_.push_back(table + rollup);
    return table;
  }
  // `keeta db setup --rollup` on the table.
  void BuildRollup(const std::string& table, std::vector<std::string> flags = {}) {
    std::vector<std::string> args = {"db", "setup", "--rollup", "--data", server_->Table(table)};
    args.insert(args.end(), flags.begin(), flags.end());
    const Ran ran = Keeta(args);
    ASSERT_EQ(ran.code, 0) << ran.output;
    ASSERT_THAT(ran.output, ::testing::HasSubstr("rollup of"));
  }
  void Import(const fs::path& csv, const std::string& table) {
    const Ran ran = Keeta({"import", "--data", csv.string(), "--to", server_->Table(table), "--replace"});
    ASSERT_EQ(ran.code, 0) << ran.output;
  }
  // The CSV file's cells as text columns, untouched by Keeta (the server's own loader).
  void LoadAsText(const fs::path& csv, const std::string& table, const std::string& header) {
    std::vector<std::string> columns;
    std::istringstream names(header);
    for (std::string n; std::getline(names, n, ',');) columns.push_back(n + " text");
    std::string create = "CREATE TABLE " + table + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) create += (i ? ", " : "") + columns[i];
    server_->Exec(create + ")");
    if (server_->kind == "pg") {
      server_->Exec("\\copy " + table + " FROM '" + csv.string() + "' WITH (FORMAT csv, HEADER true)");
    } else {
      server_->Exec("LOAD DATA LOCAL INFILE '" + csv.string() + "' INTO TABLE " + table +
                    " CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' "
                    "ESCAPED BY '' LINES TERMINATED BY '\\n' IGNORE 1 LINES");
    }
  }

  std::optional<Server> server_;
  std::vector<std::string> tables_;
  std::vector<fs::path> files_;
};

INSTANTIATE_TEST_SUITE_P(Servers, DbSourceTest, ::testing::Values("pg", "mysql"));

TEST_P(DbSourceTest, TypedTablesGiveTheCsvPathsJsonForEveryCase) {
  const fs::path generated = Csv("generated", "");
  ASSERT_EQ(Keeta({"generate", "--rows", "3000", "--seed", "11", "--out", generated.string()}).code, 0);
  const std::vector<fs::path> cases = {generated, Csv("tricky", kTrickyCsv), Csv("few", kFewColumnsCsv)};
  for (const fs::path& csv : cases) {
    const std::string table = NewTable("typed");
    Import(csv, table);
    const std::string url = server_->Table(table);
    EXPECT_EQ(Kpis(url), Kpis(csv.string())) << csv;
    for (const std::vector<std::string>& filters :
         std::vector<std::vector<std::string>>{{"--from-date", "2025-01-02", "--to-date", "2025-03-01"},
                                               {"--agent", "O'Brien", "--agent", "'; DROP TABLE chats; --"},
                                               {"--team-leader", "50% \"Best\"", "--supervisor", "a_b"},
                                               {"--agent", "أحمد", "--agent", "😀 Zed", "--granularity", "week"}}) {
      EXPECT_EQ(Kpis(url, filters), Kpis(csv.string(), filters)) << csv << " " << filters[1];
    }
  }
}

TEST_P(DbSourceTest, TextTablesFollowTheCellRules) {
  const fs::path csv = Csv("tricky-text", kTrickyCsv);
  const std::string table = NewTable("text");
  LoadAsText(csv, table, kTrickyHeader);
  const Json from_db = Kpis(server_->Table(table));
  EXPECT_EQ(from_db, Kpis(csv.string()));
  EXPECT_EQ(from_db["rows"], 6);
}

// Numbers equal up to float rounding (docs/kpis.md: pushdown may differ by relative 1e-9);
// everything else exactly.
void ExpectSameUpToRounding(const Json& a, const Json& b, const std::string& where) {
  if (a.is_number_float() || b.is_number_float()) {
    ASSERT_TRUE(a.is_number() && b.is_number()) << where << ": " << a << " vs " << b;
    const double x = a.get<double>(), y = b.get<double>();
    EXPECT_LE(std::fabs(x - y), 1e-9 * std::max(std::fabs(x), std::fabs(y))) << where << ": " << x << " vs " << y;
    return;
  }
  ASSERT_EQ(a.type(), b.type()) << where << ": " << a << " vs " << b;
  if (a.is_object()) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (const auto& [key, value] : a.items()) {
      ASSERT_TRUE(b.contains(key)) << where << "." << key;
      ExpectSameUpToRounding(value, b[key], where + "." + key);
    }
  } else if (a.is_array()) {
    ASSERT_EQ(a.size(), b.size()) << where << ": " << a << " vs " << b;
    for (std::size_t i = 0; i < a.size(); ++i) ExpectSameUpToRounding(a[i], b[i], where + "[" + std::to_string(i) + "]");
  } else {
    EXPECT_EQ(a, b) << where;
  }
}

// Views every pushdown test asks: date ranges, buckets, weighting, and names that would
// break SQL built from strings.
const std::vector<std::vector<std::string>> kPushdownViews = {
    {},
    {"--from-date", "2025-01-02", "--to-date", "2025-03-01"},
    {"--from-date", "2025-02-10", "--granularity", "month", "--weight-by", "total_chats"},
    {"--to-date", "2025-01-03", "--granularity", "week"},
    {"--from-date", "2025-03-01", "--to-date", "2025-01-01"},
    {"--agent", "O'Brien", "--agent", "'; DROP TABLE chats; --", "--agent", "Ahmed"},
    {"--team-leader", "50% \"Best\"", "--supervisor", "a_b", "--weight-by", "total_chats"},
    {"--agent", "أحمد", "--agent", "😀 Zed", "--agent", "Ahmad", "--granularity", "week"},
    {"--team-leader", "Sara", "--from-date", "2025-01-01", "--to-date", "2025-01-31"}};

TEST_P(DbSourceTest, PushdownGivesTheCsvPathsJsonForEveryCaseAndFilter) {
  const fs::path generated = Csv("generated", "");
  ASSERT_EQ(Keeta({"generate", "--rows", "3000", "--seed", "5", "--out", generated.string()}).code, 0);
  const std::vector<fs::path> cases = {generated, Csv("tricky", kTrickyCsv), Csv("few", kFewColumnsCsv)};
  const std::vector<std::vector<std::string>>& views = kPushdownViews;
  for (const fs::path& csv : cases) {
    const std::string table = NewTable("pushdown");
    Import(csv, table);
    const std::string url = server_->Table(table, "&mode=pushdown");
    for (const std::vector<std::string>& view : views) {
      std::string named = csv.filename().string();
      for (const std::string& flag : view) named += " " + flag;
      ExpectSameUpToRounding(Kpis(url, view), Kpis(csv.string(), view), named);
    }
  }
}

// PostgreSQL's float8 holds NaN and infinities, which no CSV cell can: snapshot mode reads
// them as invalid cells, and pushdown (which first sums the plain doubles) must leave them
// out just the same, in the current period, the previous one and the active agents' test.
TEST_P(DbSourceTest, PostgresNaNAndInfinitiesAreMissingInPushdownAsInTheSnapshot) {
  if (server_->kind != "pg") GTEST_SKIP() << "MySQL's DOUBLE holds no NaN or infinity";
  const fs::path csv = Csv("non_finite", "");
  ASSERT_EQ(Keeta({"generate", "--rows", "3000", "--seed", "11", "--out", csv.string()}).code, 0);
  const std::string table = NewTable("non_finite");
  Import(csv, table);
  const std::string snapshot = server_->Table(table);
  const std::string pushdown = server_->Table(table, "&mode=pushdown");
  const std::vector<std::string> february = {"--from-date", "2025-02-01", "--to-date", "2025-02-28"};
  const Json before = Kpis(pushdown, february);
  server_->Exec("UPDATE " + table + " SET total_chats = 'NaN' WHERE day = '2025-02-03'");
  server_->Exec("UPDATE " + table + " SET csat = 'Infinity' WHERE day = '2025-01-10'");
  server_->Exec("UPDATE " + table + " SET avg_queue_time = '-Infinity', active_agents = 'NaN' "
                "WHERE day = '2025-02-14'");
  const Json after = Kpis(pushdown, february);
  EXPECT_NE(after, before) << "the updates must change February's numbers";
  for (std::vector<std::string> view : kPushdownViews) {
    std::string named = "non-finite cells";
    for (const std::string& flag : view) named += " " + flag;
    ExpectSameUpToRounding(Kpis(pushdown, view), Kpis(snapshot, view), named);
  }
  ExpectSameUpToRounding(after, Kpis(snapshot, february), "february");
}

TEST_P(DbSourceTest, PushdownChoicesAndBreakdownsEqualTheEnginesInEveryScope) {
  const fs::path csv = Csv("scoped", "");
  ASSERT_EQ(Keeta({"generate", "--rows", "15000", "--seed", "9", "--out", csv.string()}).code, 0);
  const std::string table = NewTable("scoped");
  Import(csv, table);
  auto loaded = ReadCsvFile(csv.string());
  ASSERT_TRUE(loaded) << loaded.error().message;
  const auto data = Dataset::Build(std::move(loaded->table), std::move(loaded->report));
  auto url = sql::ParseDbUrl(server_->Table(table, "&mode=pushdown"));
  ASSERT_TRUE(url);
  const auto pushdown = sql::MakePushdownSource(*url, {});
  // The table's rows, then its rollup.
  for (const bool rollup : {false, true}) {
    if (rollup) BuildRollup(table);
    const std::string supervisor = data->Names(Dimension::kSupervisor).back();
    const std::vector<AccessScope> scopes = {
        AccessScope{}, AccessScope{AccessScope::Role::kSupervisor, supervisor},
        AccessScope{AccessScope::Role::kTeamLeader, "Sara"}, AccessScope{AccessScope::Role::kAgent, "Ahmed"},
        AccessScope{AccessScope::Role::kAgent, "nobody at all"}};
    std::vector<Filter> filters(3);
    filters[1].from = ParseIsoDay("2025-03-01");
    filters[1].to = ParseIsoDay("2025-04-15");
    filters[2].names[Index(Dimension::kTeamLeader)] = {"Sara", data->Names(Dimension::kTeamLeader).back()};
    filters[2].to = ParseIsoDay("2025-06-30");
    DashboardOptions weighted;
    weighted.weighted.fill(true);
    for (const AccessScope& scope : scopes) {
      for (const Filter& filter : filters) {
        const Query q{filter, scope};
        const std::string where = scope.name + " / " + web::QueryCacheKey(q);
        auto choices = pushdown->ComputeChoices(q);
        ASSERT_TRUE(choices) << choices.error().message;
        const FilterChoices expected = ComputeChoices(*data, q);
        EXPECT_EQ(choices->answer.names, expected.names) << where;
        EXPECT_EQ(choices->answer.min_day, expected.min_day);
        EXPECT_EQ(choices->answer.max_day, expected.max_day);
        for (const Dimension by : {Dimension::kAgent, Dimension::kTeamLeader, Dimension::kSupervisor}) {
          BreakdownRequest req;
          req.by = by;
          req.sort_kpi = by == Dimension::kAgent ? std::optional<std::size_t>(2) : std::nullopt;
          req.descending = by != Dimension::kTeamLeader;
          req.search = by == Dimension::kSupervisor ? "" : "a";
          req.offset = by == Dimension::kAgent ? 3 : 0;
          req.limit = 7;
          for (const DashboardOptions& options : {DashboardOptions{}, weighted}) {
            auto breakdown = pushdown->ComputeBreakdown(q, req, options);
            ASSERT_TRUE(breakdown) << breakdown.error().message;
            const Breakdown want = ComputeBreakdown(*data, q, req, options);
            ExpectSameUpToRounding(Json::parse(web::BreakdownJson(breakdown->answer, req)),
                                   Json::parse(web::BreakdownJson(want, req)), where);
          }
        }
        DashboardOptions weekly = weighted;
        weekly.granularity = Granularity::kWeek;
        for (const DashboardOptions& view : {weighted, weekly}) {
          auto dashboard = pushdown->ComputeDashboard(q, view);
          ASSERT_TRUE(dashboard) << dashboard.error().message;
          Json got = Json::parse(web::KpisJson(dashboard->report, filter, dashboard->answer, {}));
          Json want = Json::parse(web::KpisJson(data->report(), filter, ComputeDashboard(*data, q, view), {}));
          got.erase("data");
          want.erase("data");
          ExpectSameUpToRounding(got, want, where + (rollup ? " (rollup)" : ""));
        }
      }
    }
  }
}

// An agent who moves from one team to another in the middle of a week (and a month), and
// rows without a day: the distinct active agents of several team leaders, of edge weeks and
// of the whole range cannot be added up from per-team counts.
const char* const kMoverCsv =
    "day,agent,team_leader,supervisor,total_chats,csat,active_agents\n"
    "2025-03-03,Mover,T1,S1,5,90,1\n"
    "2025-03-04,Mover,T1,S1,6,80,1\n"
    "2025-03-05,Mover,T2,S2,7,85,1\n"
    "2025-03-06,Mover,T2,S2,4,70,0\n"
    "2025-03-06,Stay,T1,S1,3,60,1\n"
    "2025-03-10,Stay,T1,S1,8,95,1\n"
    "2025-03-31,Mover,T2,S2,2,50,1\n"
    "2025-04-01,Mover,T1,S1,9,65,1\n"
    "2025-04-02,Stay,T2,S2,1,75,\n"
    ",Undated,T1,S1,4,88,1\n";

TEST_P(DbSourceTest, RollupGivesTheCsvPathsJsonForEveryCaseAndFilter) {
  const fs::path generated = Csv("generated", "");
  ASSERT_EQ(Keeta({"generate", "--rows", "6000", "--seed", "5", "--out", generated.string()}).code, 0);
  const std::vector<fs::path> cases = {generated, Csv("tricky", kTrickyCsv), Csv("few", kFewColumnsCsv),
                                       Csv("mover", kMoverCsv)};
  // Besides kPushdownViews: weeks and months the range cuts, several keys of a level.
  std::vector<std::vector<std::string>> views = kPushdownViews;
  views.insert(views.end(),
               {{"--granularity", "week"},
                {"--granularity", "month", "--weight-by", "total_chats"},
                {"--from-date", "2025-03-05", "--to-date", "2025-04-01", "--granularity", "week"},
                {"--from-date", "2025-03-04", "--to-date", "2025-03-05", "--granularity", "week"},
                {"--to-date", "2025-03-31", "--granularity", "month"},
                {"--team-leader", "T1", "--team-leader", "T2", "--granularity", "week"},
                {"--team-leader", "T1", "--team-leader", "T2", "--granularity", "month", "--from-date", "2025-03-04"},
                {"--supervisor", "S1", "--supervisor", "S2"},
                {"--team-leader", "Sara", "--from-date", "2025-01-01", "--to-date", "2025-01-31", "--granularity", "week"}});
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const fs::path& csv = cases[c];
    // Typed columns, and text columns (which only a rollup lets pushdown read).
    for (const bool text : {false, true}) {
      const std::string table = NewTable((text ? "rollup_text" : "rollup") + std::to_string(c));
      if (text) {
        const std::string cells = ReadFile(csv);
        LoadAsText(csv, table, cells.substr(0, cells.find('\n')));
      } else {
        Import(csv, table);
      }
      BuildRollup(table);
      const std::string url = server_->Table(table, "&mode=pushdown");
      for (const std::vector<std::string>& view : views) {
        std::string named = csv.filename().string() + (text ? " (text)" : "");
        for (const std::string& flag : view) named += " " + flag;
        ExpectSameUpToRounding(Kpis(url, view), Kpis(csv.string(), view), named);
      }
    }
  }
}

TEST_P(DbSourceTest, RollupIsReadOnlyWhileTheTableIsUnchangedAndRebuildsCatchUp) {
  const fs::path csv = Csv("current", kMoverCsv);
  const std::string table = NewTable("current");
  Import(csv, table);
  BuildRollup(table);
  const std::string url = server_->Table(table, "&mode=pushdown");
  const Json before = Kpis(url);
  ExpectSameUpToRounding(before, Kpis(csv.string()), "fresh rollup");
  // Pushdown reads the rollup while it is current: a change to the rollup alone shows.
  server_->Exec("UPDATE " + table + "_keeta_rollup SET sum_total_chats = sum_total_chats + 1000 WHERE rollup_level = 0");
  EXPECT_NE(Kpis(url)["kpis"][0]["value"], before["kpis"][0]["value"]);
  // A change to the table makes the rollup old: the table is read until the next build.
  server_->Exec("INSERT INTO " + table + " (day, agent, team_leader, supervisor, total_chats) VALUES "
                "('2025-04-03', 'New', 'T3', 'S3', 11)");
  const fs::path grown = Csv("grown", std::string(kMoverCsv) + "2025-04-03,New,T3,S3,11,,\n");
  ExpectSameUpToRounding(Kpis(url), Kpis(grown.string()), "table changed after the rollup");
  BuildRollup(table);
  ExpectSameUpToRounding(Kpis(url), Kpis(grown.string()), "rebuilt rollup");
  server_->Exec("UPDATE " + table + "_keeta_rollup SET sum_total_chats = sum_total_chats + 1000 WHERE rollup_level = 0");
  EXPECT_NE(Kpis(url)["kpis"][0]["value"], Kpis(grown.string())["kpis"][0]["value"]) << "the rebuilt rollup is read";
  // A rollup built under other load options is not read.
  BuildRollup(table, {"--csat-scale", "5"});
  ExpectSameUpToRounding(Kpis(url), Kpis(grown.string()), "rollup of other options");
  // Nor one whose tables are not all there.
  BuildRollup(table);
  server_->Exec("DROP TABLE " + table + "_keeta_activity");
  ExpectSameUpToRounding(Kpis(url), Kpis(grown.string()), "rollup without its activity table");
  // Text columns are read from a current rollup only; once it is old, the error says how
  // to bring it up to date.
  const std::string text = NewTable("current_text");
  const std::string cells = ReadFile(csv);
  LoadAsText(csv, text, cells.substr(0, cells.find('\n')));
  BuildRollup(text);
  ExpectSameUpToRounding(Kpis(server_->Table(text, "&mode=pushdown")), Kpis(csv.string()), "text table");
  // The build's load notes come with the rollup's answers.
  const Ran noted = Keeta({"kpis", "--data", server_->Table(text, "&mode=pushdown"), "--format", "json"});
  EXPECT_THAT(noted.output, HasSubstr("missing or unreadable day"));
  server_->Exec("INSERT INTO " + text + " (day, agent, total_chats) VALUES ('2025-04-03', 'New', '11')");
  const Ran old = Keeta({"kpis", "--data", server_->Table(text, "&mode=pushdown")});
  EXPECT_NE(old.code, 0);
  EXPECT_THAT(old.output, HasSubstr("bring its rollup up to date"));
  // A view's changes would pass its triggers by: it has no rollup.
  const std::string view = table + "_view";
  server_->Exec("CREATE VIEW " + view + " AS SELECT * FROM " + table);
  const Ran refused = Keeta({"db", "setup", "--rollup", "--data", server_->Table(view)});
  server_->Exec("DROP VIEW " + view);
  EXPECT_NE(refused.code, 0);
  EXPECT_THAT(refused.output, HasSubstr("is a view"));
}

TEST_P(DbSourceTest, PushdownOfTextColumnsSaysToReadTheTableIntoMemory) {
  const fs::path csv = Csv("text-pushdown", kTrickyCsv);
  const std::string table = NewTable("textpd");
  LoadAsText(csv, table, kTrickyHeader);
  const Ran ran = Keeta({"kpis", "--data", server_->Table(table, "&mode=pushdown")});
  EXPECT_NE(ran.code, 0);
  EXPECT_THAT(ran.output, HasSubstr("mode=pushdown needs"));
  EXPECT_THAT(ran.output, HasSubstr("'day'"));
}

TEST_P(DbSourceTest, MissingTableAndWrongPasswordAreClearErrorsWithoutThePassword) {
  Ran ran = Keeta({"kpis", "--data", server_->Table("no_such_table_here")});
  EXPECT_NE(ran.code, 0);
  EXPECT_THAT(ran.output, HasSubstr("no_such_table_here"));
  std::string wrong = server_->url;
  wrong.insert(wrong.find("keeta@") + 5, ":Wrong-Passw0rd-77");
  ran = Keeta({"kpis", "--data", wrong + "?table=t"});
  EXPECT_NE(ran.code, 0);
  EXPECT_THAT(ran.output, HasSubstr("connection failed"));
  EXPECT_THAT(ran.output, Not(HasSubstr("Wrong-Passw0rd-77")));
}

// A running server over `data`; its port once it printed the ready line.
class Serving {
 public:
  explicit Serving(const std::string& data, std::string reload_ms = "100")
      : child_({KEETA_BINARY, "serve", "--data", data, "--port", "0", "--reload-interval-ms",
                std::move(reload_ms), "--state", "/nonexistent/keeta-state.db", "--settings", ""}) {
    output_ = child_.ReadUntil("Keeta dashboard:");
    port_ = static_cast<unsigned short>(ReadyPort(output_));
  }
  unsigned short port() const { return port_; }
  const std::string& startup_output() const { return output_; }
  web::Response Get(std::string_view target) const { return HttpGet(port_, target); }
  Json Api() const {
    const auto res = Get("/api/v1/kpis");
    return res.result_int() == 200 ? Json::parse(res.body()) : Json{{"status", res.result_int()}};
  }
  // Everything the server printed so far (after SIGTERM: all of it).
  std::string Stop() {
    child_.SignalAndWaitAtMost(SIGTERM, std::chrono::seconds(30));
    return child_.ReadUntil("\x01never\x01");
  }

 private:
  Child child_;
  std::string output_;
  unsigned short port_ = 0;
};

// Waits (bounded: a hang guard, not a timing assertion) until `done` holds.
bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 1500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

TEST_P(DbSourceTest, ARunningServerSeesNewRowsByItself) {
  const std::string table = NewTable("fresh");
  Import(Csv("fresh", kFewColumnsCsv), table);
  Serving serving(server_->Table(table));
  ASSERT_NE(serving.port(), 0) << serving.startup_output();
  EXPECT_EQ(serving.Api()["rows"], 3);
  server_->Exec("INSERT INTO " + table + " (day, agent, total_chats) VALUES ('2025-02-03', 'Badr', 4)");
  EXPECT_TRUE(Eventually([&] { return serving.Api()["rows"] == 4; }));
  server_->Exec("UPDATE " + table + " SET total_chats = 100 WHERE agent = 'Badr'");
  EXPECT_TRUE(Eventually([&] { return serving.Api()["kpis"][0]["value"] == 205; }));
  server_->Exec("DELETE FROM " + table + " WHERE agent = 'Ahmed'");
  EXPECT_TRUE(Eventually([&] { return serving.Api()["rows"] == 2; }));
}

TEST_P(DbSourceTest, PostgresNotificationsRefreshWithoutLookingOnATimer) {
  const std::string table = NewTable("notified");
  Import(Csv("notified", kFewColumnsCsv), table);
  const Ran setup = Keeta({"db", "setup", "--data", server_->Table(table)});
  if (server_->kind != "pg") {
    EXPECT_NE(setup.code, 0);
    EXPECT_THAT(setup.output, HasSubstr("no change notifications"));
    return;
  }
  ASSERT_EQ(setup.code, 0) << setup.output;
  Serving serving(server_->Table(table), /*reload_ms=*/"3600000");  // an hour: only a notification can
  ASSERT_NE(serving.port(), 0) << serving.startup_output();
  EXPECT_EQ(serving.Api()["rows"], 3);
  server_->Exec("INSERT INTO " + table + " (day, agent, total_chats) VALUES ('2025-02-03', 'Badr', 4)");
  EXPECT_TRUE(Eventually([&] { return serving.Api()["rows"] == 4; }));
  server_->Exec("TRUNCATE " + table);
  EXPECT_TRUE(Eventually([&] { return serving.Api()["rows"] == 0; }));
}

TEST_P(DbSourceTest, WithAKeyOnlyNewRowsAreReadAndTheNumbersEqualAFullLoad) {
  const std::string table = NewTable("keyed");
  const fs::path csv = Csv("keyed", "");
  ASSERT_EQ(Keeta({"generate", "--rows", "500", "--seed", "5", "--out", csv.string()}).code, 0);
  Import(csv, table);
  server_->Exec("ALTER TABLE " + table +
                (server_->kind == "pg" ? " ADD COLUMN id bigserial" : " ADD COLUMN id BIGINT AUTO_INCREMENT PRIMARY KEY"));
  const std::string url = server_->Table(table, "&key=id");
  Serving serving(url);
  ASSERT_NE(serving.port(), 0) << serving.startup_output();
  const int before = serving.Api()["rows"];
  server_->Exec("INSERT INTO " + table +
                " (day, agent, team_leader, supervisor, total_chats, csat) VALUES "
                "('2025-03-01', 'New One', 'Tala', 'Sara', 9, 91.5), ('2025-03-02', 'New Two', 'Tala', 'Sara', 4, NULL)");
  ASSERT_TRUE(Eventually([&] { return serving.Api()["rows"] == before + 2; }));
  Json served = serving.Api();
  served.erase("data");
  EXPECT_EQ(served, Kpis(url));
  // A change that is not an addition is read in full.
  server_->Exec("UPDATE " + table + " SET total_chats = 1000 WHERE agent = 'New One'");
  ASSERT_TRUE(Eventually([&] {
    Json now = serving.Api();
    now.erase("data");
    return now == Kpis(url);
  }));
}

TEST_P(DbSourceTest, NoPasswordInTheServersOutputPagesOrApi) {
  const std::string table = NewTable("secret");
  Import(Csv("secret", kFewColumnsCsv), table);
  ::unsetenv("PGPASSWORD");
  ::unsetenv("MYSQL_PWD");
  Serving serving(server_->TableWithPassword(table));
  Shared(GetParam());  // the environment back for the clients
  ASSERT_NE(serving.port(), 0) << serving.startup_output();
  std::string seen;
  for (const char* target : {"/overall", "/api/v1/kpis", "/api/v1/filters", "/healthz", "/metrics",
                             "/export/kpis.csv", "/export/report.pdf"}) {
    const auto res = serving.Get(target);
    EXPECT_EQ(res.result_int(), 200) << target;
    seen += res.body();
  }
  EXPECT_THAT(seen, HasSubstr("secret"));  // the table's name is shown: it is not a secret
  EXPECT_THAT(seen + serving.Stop(), Not(HasSubstr(server_->password)));
}

// A private PostgreSQL instance that this test stops and starts, holding a table `chats`
// imported from kFewColumnsCsv (3 rows).
TEST_P(DbSourceTest, PushdownServesThePageAndTheApiWithTheSnapshotsAnswers) {
  const fs::path csv = Csv("served", "");
  ASSERT_EQ(Keeta({"generate", "--rows", "3000", "--seed", "3", "--out", csv.string()}).code, 0);
  const std::string table = NewTable("served");
  Import(csv, table);
  Serving pushdown(server_->Table(table, "&mode=pushdown"));
  Serving snapshot(server_->Table(table));
  ASSERT_NE(pushdown.port(), 0) << pushdown.startup_output();
  ASSERT_NE(snapshot.port(), 0) << snapshot.startup_output();
  for (const std::string target :
       {"/api/v1/kpis", "/api/v1/kpis?agent=Ahmed&from_date=2025-02-01&granularity=week",
        "/api/v1/kpis?team_leader=Sara&to_date=2025-03-31&weight_by=total_chats",
        "/api/v1/filters?supervisor=a_b", "/api/v1/filters?team_leader=Sara&from_date=2025-06-01",
        "/api/v1/breakdown?by=team_leader&sort=csat&order=asc",
        "/api/v1/breakdown?by=agent&q=a&offset=2&limit=5&from_date=2025-03-01"}) {
    const auto got = pushdown.Get(target), want = snapshot.Get(target);
    ASSERT_EQ(got.result_int(), 200) << target << ": " << got.body();
    ASSERT_EQ(want.result_int(), 200) << target << ": " << want.body();
    Json a = Json::parse(got.body()), b = Json::parse(want.body());
    a.erase("data");
    b.erase("data");
    ExpectSameUpToRounding(a, b, target);
  }
  const auto page = pushdown.Get("/overall?agent=Ahmed");
  ASSERT_EQ(page.result_int(), 200) << page.body();
  EXPECT_THAT(page.body(), HasSubstr("Ahmed"));
  EXPECT_THAT(page.body(), HasSubstr("\"live\":false"));  // nothing loaded whose changes to push
  EXPECT_THAT(snapshot.Get("/overall").body(), HasSubstr("\"live\":true"));
  // Only the exports it can make are offered.
  EXPECT_THAT(page.body(), HasSubstr("/export/kpis.csv"));
  EXPECT_THAT(page.body(), Not(HasSubstr("/export/rows.csv")));
  EXPECT_THAT(snapshot.Get("/overall").body(), HasSubstr("/export/rows.csv"));
  EXPECT_EQ(pushdown.Get("/export/kpis.csv?agent=Ahmed").body(),
            snapshot.Get("/export/kpis.csv?agent=Ahmed").body());
  const auto rows = pushdown.Get("/export/rows.csv");
  EXPECT_EQ(rows.result_int(), 501);
  EXPECT_THAT(rows.body(), HasSubstr("mode=pushdown"));
  // The reports are made of the dashboard alone: the workbook has no Rows sheet and says why.
  EXPECT_THAT(page.body(), HasSubstr("/export/report.xlsx"));
  EXPECT_THAT(page.body(), HasSubstr("/export/report.pdf"));
  const auto pdf = pushdown.Get("/export/report.pdf?team_leader=Sara");
  ASSERT_EQ(pdf.result_int(), 200) << pdf.body();
  EXPECT_TRUE(pdf.body().starts_with("%PDF-"));
  auto workbook = [&](const Serving& from, std::string_view name) {
    const auto res = from.Get("/export/report.xlsx?team_leader=Sara&rows=0");
    EXPECT_EQ(res.result_int(), 200) << res.body();
    const fs::path file = fs::temp_directory_path() / (UniqueTable(name) + ".xlsx");
    std::ofstream(file, std::ios::binary) << res.body();
    files_.push_back(file);
    const Ran read = ::keeta::test::Run({"/usr/bin/python3", KEETA_SOURCE_DIR "/tests/tools/xlsx_to_json.py", file.string()});
    EXPECT_EQ(read.code, 0) << read.output;
    return Json::parse(read.output);
  };
  const Json from_db = workbook(pushdown, "pushdown.xlsx"), from_memory = workbook(snapshot, "snapshot.xlsx");
  EXPECT_FALSE(from_db["sheets"].contains("Rows"));
  EXPECT_THAT(from_db["sheets"]["Summary"].dump(), HasSubstr("mode=pushdown"));
  ExpectSameUpToRounding(from_db["sheets"]["Daily"], from_memory["sheets"]["Daily"], "Daily sheet");
  EXPECT_EQ(pushdown.Get("/healthz").body(), "ok");
  EXPECT_THAT(pushdown.Stop(), HasSubstr("mode=pushdown: each answer asked of the database"));
}

TEST_P(DbSourceTest, AServerInPushdownModeRebuildsTheRollupAfterAChange) {
  const fs::path csv = Csv("kept", kMoverCsv);
  const std::string table = NewTable("kept");
  Import(csv, table);
  BuildRollup(table);
  Serving pushdown(server_->Table(table, "&mode=pushdown"));
  ASSERT_NE(pushdown.port(), 0) << pushdown.startup_output();
  const Json before = pushdown.Api();
  ASSERT_EQ(before["rows"], 10) << before;
  server_->Exec("INSERT INTO " + table + " (day, agent, team_leader, supervisor, total_chats) VALUES "
                "('2025-04-03', 'New', 'T3', 'S3', 11)");
  // At once from the table, then from the rebuilt rollup: the meta row says it is current.
  EXPECT_EQ(pushdown.Api()["rows"], 11);
  const std::string current = "SELECT built_changes = changes FROM " + table + "_keeta_meta";
  EXPECT_TRUE(Eventually([&] {
    const std::string said = server_->Sql(current).output;
    return said.starts_with("t") || said.starts_with("1");
  }));
  const fs::path grown = Csv("kept-grown", std::string(kMoverCsv) + "2025-04-03,New,T3,S3,11,,\n");
  Json served = pushdown.Api(), want = Kpis(grown.string());
  served.erase("data");
  ExpectSameUpToRounding(served, want, "after the rebuild");
  EXPECT_THAT(pushdown.Stop(), HasSubstr("rebuilt after a change"));
}

class PrivatePostgres {
 public:
  PrivatePostgres() : dir_(fs::temp_directory_path() / ("keeta-pg-" + std::to_string(::getpid()))) {
    started_ = Run({"/bin/bash", kTool, "start", "pg", dir_.string()}).code == 0;
    if (!started_) return;
    const Server s = server();
    ::setenv("PGPASSWORD", s.password.c_str(), 1);
    const fs::path csv = TempCsv("private-pg", kFewColumnsCsv);
    started_ = Keeta({"import", "--data", csv.string(), "--to", s.Table("chats")}).code == 0;
    fs::remove(csv);
  }
  ~PrivatePostgres() { Run({"/bin/bash", kTool, "remove", "pg", dir_.string()}); }
  bool started() const { return started_; }
  Server server() const { return {"pg", dir_, ReadFile(dir_ / "url"), ReadFile(dir_ / "password")}; }
  bool Stop() { return Run({"/bin/bash", kTool, "stop", "pg", dir_.string()}).code == 0; }
  bool Start() { return Run({"/bin/bash", kTool, "start", "pg", dir_.string()}).code == 0; }

 private:
  fs::path dir_;
  bool started_ = false;
};

TEST(DbFaults, ADatabaseRestartedUnderARunningServerKeepsTheLastGoodDataThenRecovers) {
  PrivatePostgres pg;
  ASSERT_TRUE(pg.started());
  const Server server = pg.server();
  Serving serving(server.Table("chats"));
  ASSERT_NE(serving.port(), 0) << serving.startup_output();
  EXPECT_EQ(serving.Api()["rows"], 3);

  ASSERT_TRUE(pg.Stop());
  ASSERT_TRUE(Eventually([&] { return serving.Api()["data"]["stale"] == true; }));
  const Json stale = serving.Api();
  EXPECT_EQ(stale["rows"], 3);  // the last good snapshot
  EXPECT_THAT(stale["data"]["reload_error"].get<std::string>(), HasSubstr("PostgreSQL"));
  EXPECT_THAT(serving.Get("/healthz").body(), HasSubstr("degraded"));

  ASSERT_TRUE(pg.Start());
  server.Exec("INSERT INTO chats (day, agent, total_chats) VALUES ('2025-02-05', 'Ahmed', 1)");
  EXPECT_TRUE(Eventually([&] {
    const Json now = serving.Api();
    return now["rows"] == 4 && now["data"]["stale"] == false;
  }));
  EXPECT_THAT(serving.Stop(), Not(HasSubstr(server.password)));
}

TEST(DbFaults, PushdownIsA503WhileTheDatabaseIsDownAndRecoversByItself) {
  PrivatePostgres pg;
  ASSERT_TRUE(pg.started());
  const Server server = pg.server();
  Serving serving(server.Table("chats", "&mode=pushdown"));
  ASSERT_NE(serving.port(), 0) << serving.startup_output();
  EXPECT_EQ(serving.Api()["rows"], 3);

  ASSERT_TRUE(pg.Stop());
  const auto down = serving.Get("/api/v1/kpis");
  EXPECT_EQ(down.result_int(), 503);
  EXPECT_EQ(Json::parse(down.body())["error"]["code"], "database_unavailable");
  const auto page = serving.Get("/overall");
  EXPECT_EQ(page.result_int(), 503);
  EXPECT_THAT(page.body(), HasSubstr("the database cannot answer"));

  ASSERT_TRUE(pg.Start());
  server.Exec("INSERT INTO chats (day, agent, total_chats) VALUES ('2025-02-05', 'Ahmed', 1)");
  EXPECT_TRUE(Eventually([&] { return serving.Api()["rows"] == 4; }));  // asked anew: no reload
  EXPECT_THAT(serving.Stop(), Not(HasSubstr(server.password)));
}

TEST(DbFaults, ADatabaseDownAtStartIsA503UntilItComesUp) {
  PrivatePostgres pg;
  ASSERT_TRUE(pg.started());
  const Server server = pg.server();
  ASSERT_TRUE(pg.Stop());

  Serving serving(server.Table("chats"));
  ASSERT_NE(serving.port(), 0) << serving.startup_output();
  const auto api = serving.Get("/api/v1/kpis");
  EXPECT_EQ(api.result_int(), 503);
  EXPECT_EQ(Json::parse(api.body())["error"]["code"], "no_data");
  EXPECT_THAT(api.body(), HasSubstr("connection failed"));
  const auto page = serving.Get("/overall");
  EXPECT_EQ(page.result_int(), 503);
  EXPECT_THAT(page.body(), HasSubstr("cannot be read yet"));

  ASSERT_TRUE(pg.Start());
  EXPECT_TRUE(Eventually([&] { return serving.Api()["rows"] == 3; }));
  }

TEST(DbUrl, ParsesBothSchemesAndNeverShowsThePassword) {
  auto url = sql::ParseDbUrl("postgresql://amal:p%40ss@db.example:6432/ops?table=support.chats&key=id");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->kind, sql::DbUrl::Kind::kPostgres);
  EXPECT_EQ(url->user, "amal");
  EXPECT_EQ(url->password, "p@ss");
  EXPECT_EQ(url->host, "db.example");
  EXPECT_EQ(url->port, 6432);
  EXPECT_EQ(url->database, "ops");
  EXPECT_EQ(url->schema, "support");
  EXPECT_EQ(url->table, "chats");
  EXPECT_EQ(url->key, "id");
  EXPECT_EQ(url->Redacted(), "postgresql://amal@db.example:6432/ops?table=support.chats&key=id");
  EXPECT_EQ(sql::WithoutPassword("auth failed for p@ss", *url), "auth failed for ****");

  url = sql::ParseDbUrl("mysql://root@[::1]/keeta?table=chats&mode=snapshot");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->kind, sql::DbUrl::Kind::kMySql);
  EXPECT_EQ(url->host, "::1");
  EXPECT_FALSE(url->port);
  EXPECT_TRUE(sql::ParseDbUrl("postgres://u@h/d?table=t"));
}

TEST(DbUrl, MistakesAreClearErrorsWithoutThePassword) {
  for (const char* text : {"postgresql://u:Pw-123456@h/d", "postgresql://u:Pw-123456@h/d?table=a;b",
                           "postgresql://u:Pw-123456@h:99999/d?table=t", "mysql://u:Pw-123456@h/d?table=t&mode=x",
                           "mysql://u:Pw-123456@h/d?table=t&colour=red", "mysql://u:Pw-123456@h?table=t",
                           "postgresql://u:Pw-123456@h/d?table=t&key=id;drop"}) {
    const auto url = sql::ParseDbUrl(text);
    ASSERT_FALSE(url) << text;
    EXPECT_EQ(url.error().param, "data");
    EXPECT_THAT(url.error().message, Not(HasSubstr("Pw-123456"))) << text;
  }
}

}  // namespace
}  // namespace keeta::test
