// The exports (docs/api.md "Exports"), read back by independent readers: every CSV parsed
// and compared with the API for the same filters; the workbook opened with openpyxl; the
// PDF through poppler's pdftotext and pdftoppm; `keeta export` against the route's bytes.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/engine.h"
#include "core/kpi_registry.h"
#include "export/csv.h"
#include "export/pdf.h"
#include "export/report.h"
#include "export/xlsx.h"
#include "store/data_source.h"
#include "store/dataset_holder.h"
#include "test_data.h"
#include "web/handler.h"

extern char** environ;

namespace keeta {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using json = nlohmann::json;
using Table = std::vector<std::vector<std::string>>;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
// Debian's Python, which has python3-openpyxl (not whatever python3 comes first on PATH).
constexpr const char* kPython = "/usr/bin/python3";

// Three agents over four days, one with an Arabic name, one whose name looks like a
// formula; gaps (a missing csat, a row without a day) so that empty cells appear too.
constexpr std::string_view kCsv =
    "day,agent,team_leader,supervisor,total_chats,avg_response_time,csat,active_agents,"
    "escalations,resolved,pending,avg_chat_duration,sales_conversion,avg_queue_time\n"
    "2025-01-01,Ahmed,Sara,Mona,10,30.5,90,1,1,8,2,12.25,10,40\n"
    "2025-01-02,Ahmed,Sara,Mona,12,31,,1,0,9,1,11,12.5,41\n"
    "2025-01-02,محمد,Sara,Mona,7,29.75,0.8,1,2,5,5,9.5,8,39\n"
    "2025-01-03,محمد,Sara,Mona,4,28,85,1,0,4,0,10,7.1,38\n"
    "2025-01-04,\"=HYPERLINK(\"\"x\"\"), Inc\",Khalid,Mona,3,33.3,70,0,1,2,1,8,5,45\n"
    ",Ahmed,Sara,Mona,5,30,88,1,0,3,1,10,9,40\n";

// Views to compare: unfiltered, one agent (Arabic), a date range, a view matching nothing.
const std::vector<std::string> kViews = {
    "", "agent=%D9%85%D8%AD%D9%85%D8%AF", "from_date=2025-01-02&to_date=2025-01-03",
    "agent=Nobody"};

// RFC 4180 with CRLF records, after a required BOM.
Table ParseCsv(std::string_view text) {
  EXPECT_TRUE(text.starts_with(kBom)) << "no byte-order mark";
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  Table rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r') {
      EXPECT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "bare CR at " << i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      EXPECT_NE(c, '\n') << "bare LF at " << i;
      field.push_back(c);
    }
  }
  EXPECT_TRUE(field.empty() && row.empty()) << "last record not ended by CRLF";
  return rows;
}

// A CSV number cell against a JSON number or null.
void ExpectSameNumber(const std::string& cell, const json& api, const std::string& where) {
  if (api.is_null()) {
    EXPECT_EQ(cell, "") << where;
  } else {
    ASSERT_FALSE(cell.empty()) << where;
    EXPECT_EQ(std::strtod(cell.c_str(), nullptr), api.get<double>()) << where;
  }
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a program; its stdout, or "" and a failure when it does not exit 0.
std::string RunTool(const std::vector<std::string>& args, const fs::path& dir) {
  const fs::path out = dir / "tool.out", err = dir / "tool.err";
  std::vector<std::string> all = args;
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    ADD_FAILURE() << "cannot run " << args[0];
    return "";
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  EXPECT_TRUE(ok) << args[0] << " failed: " << ReadAll(err);
  return ok ? ReadAll(out) : "";
}

class ExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("keeta-export-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    data_ = test::DatasetFromCsv(kCsv);
    ASSERT_NE(data_, nullptr);
    handler_ = std::make_unique<web::Handler>(std::make_shared<DatasetHolder>(data_));
  }
  void TearDown() override { fs::remove_all(dir_); }

  web::Response Get(const std::string& target) const {
    return handler_->Handle(web::Request{web::http::verb::get, target, 11});
  }
  json Api(const std::string& query) const {
    const web::Response res = Get("/api/v1/kpis?" + query);
    EXPECT_EQ(res.result(), web::http::status::ok);
    return json::parse(res.body());
  }
  fs::path Save(const std::string& name, const std::string& bytes) const {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  fs::path dir_;
  std::shared_ptr<const Dataset> data_;
  std::unique_ptr<web::Handler> handler_;
};

// ---- CSV ------------------------------------------------------------------------------

TEST_F(ExportTest, KpisCsvParsesBackToTheApiValues) {
  for (const std::string& view : kViews) {
    const web::Response res = Get("/export/kpis.csv?" + view);
    ASSERT_EQ(res.result(), web::http::status::ok) << view;
    const Table table = ParseCsv(res.body());
    const json api = Api(view);
    ASSERT_EQ(table.size(), 1 + kKpiCount) << view;
    EXPECT_EQ(table[0], (std::vector<std::string>{"id", "label", "unit", "value"}));
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      const json& kpi = api["kpis"][k];
      const auto& line = table[k + 1];
      ASSERT_EQ(line.size(), 4u);
      EXPECT_EQ(line[0], kpi["id"].get<std::string>());
      EXPECT_EQ(line[1], kpi["label"].get<std::string>());
      EXPECT_EQ(line[2], kpi["unit"].get<std::string>());
      ExpectSameNumber(line[3], kpi["value"], view + " " + line[0]);
    }
  }
}

TEST_F(ExportTest, TrendsCsvParsesBackToTheApiTrends) {
  for (const std::string& view : kViews) {
    const web::Response res = Get("/export/trends.csv?" + view);
    ASSERT_EQ(res.result(), web::http::status::ok) << view;
    const Table table = ParseCsv(res.body());
    const json api = Api(view);
    ASSERT_FALSE(table.empty());
    std::vector<std::string> header{"day"};
    for (const KpiDef& def : kKpis) header.emplace_back(def.id);
    EXPECT_EQ(table[0], header);
    const json& first_trend = api["kpis"][0]["trend"];
    ASSERT_EQ(table.size(), 1 + first_trend.size()) << view;
    for (std::size_t i = 0; i < first_trend.size(); ++i) {
      EXPECT_EQ(table[i + 1][0], first_trend[i][0].get<std::string>());
      for (std::size_t k = 0; k < kKpiCount; ++k) {
        ExpectSameNumber(table[i + 1][k + 1], api["kpis"][k]["trend"][i][1],
                         view + " day " + std::to_string(i) + " kpi " + std::to_string(k));
      }
    }
  }
}

TEST_F(ExportTest, RowsCsvHoldsTheFilteredRowsAsLoaded) {
  for (const std::string& view : kViews) {
    const web::Response res = Get("/export/rows.csv?" + view);
    ASSERT_EQ(res.result(), web::http::status::ok) << view;
    const Table table = ParseCsv(res.body());
    const json api = Api(view);
    ASSERT_FALSE(table.empty());
    EXPECT_EQ(table[0].size(), 4 + kMeasureCount);
    EXPECT_EQ(table[0][0], "day");
    EXPECT_EQ(table[0][4], "total_chats");
    EXPECT_EQ(table.size() - 1, api["rows"].get<std::size_t>()) << view;
    double chats = 0;
    for (std::size_t r = 1; r < table.size(); ++r) chats += std::strtod(table[r][4].c_str(), nullptr);
    ExpectSameNumber(table.size() > 1 ? fmt::format("{}", chats) : "0", api["kpis"][0]["value"],
                     view);
  }
  // Values as loaded: 0.8 stays 0.8 (the column is not all fractions); a missing cell stays
  // empty.
  const Table table = ParseCsv(Get("/export/rows.csv?agent=%D9%85%D8%AD%D9%85%D8%AF").body());
  ASSERT_EQ(table.size(), 3u);
  EXPECT_EQ(table[1], (std::vector<std::string>{"2025-01-02", "محمد", "Sara", "Mona", "7",
                                                "29.75", "0.8", "1", "2", "5", "5", "9.5", "8",
                                                "39"}));
  const Table ahmed = ParseCsv(Get("/export/rows.csv?agent=Ahmed").body());
  ASSERT_EQ(ahmed.size(), 4u);
  EXPECT_EQ(ahmed[2][6], "");  // csat missing on 2025-01-02
  EXPECT_EQ(ahmed[3][0], "");  // the row without a day comes last
}

TEST_F(ExportTest, TextThatLooksLikeAFormulaIsDefused) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"=1+1", "'=1+1"},    {"+1", "'+1"},       {"-1", "'-1"},
      {"@SUM(A1)", "'@SUM(A1)"}, {"\tx", "'\tx"}, {"\rx", "\"'\rx\""},
      {"a=b", "a=b"},       {"x,y", "\"x,y\""}, {"say \"hi\"", "\"say \"\"hi\"\"\""}};
  for (const auto& [text, expected] : cases) {
    std::string out;
    exports::AppendCsvText(out, text);
    EXPECT_EQ(out, expected) << text;
  }
  // In a real export: the hostile agent name comes back with its leading quote, intact.
  const Table table = ParseCsv(Get("/export/rows.csv?team_leader=Khalid").body());
  const Table all = ParseCsv(Get("/export/rows.csv").body());
  bool found = false;
  for (const auto& row : all) found = found || row[1] == "'=HYPERLINK(\"x\"), Inc";
  EXPECT_TRUE(found);
  EXPECT_EQ(table.size(), 2u);
}

TEST_F(ExportTest, ArabicNamesRoundTripThroughEveryCsv) {
  const std::string body = Get("/export/rows.csv?agent=%D9%85%D8%AD%D9%85%D8%AF").body();
  EXPECT_THAT(body, StartsWith(std::string(kBom) + "day,agent,"));
  EXPECT_THAT(body, HasSubstr("\r\n2025-01-03,محمد,Sara,Mona,4,"));
}

TEST_F(ExportTest, RowsStreamInPiecesThatJoinToTheWholeFile) {
  Query q;
  exports::RowsCsvWriter whole(data_, q);
  std::string all, chunk;
  while (whole.Next(chunk)) all += chunk;
  exports::RowsCsvWriter pieces(data_, q);
  std::string joined;
  int count = 0;
  while (pieces.Next(chunk, 64)) {
    EXPECT_LT(chunk.size(), 64u + 200u);  // a piece ends at the first row past the size
    joined += chunk;
    ++count;
  }
  EXPECT_GT(count, 2);
  EXPECT_EQ(joined, all);
  EXPECT_EQ(all, Get("/export/rows.csv").body());
}

TEST_F(ExportTest, EmptyViewsExportHeadersOnly) {
  EXPECT_EQ(ParseCsv(Get("/export/rows.csv?agent=Nobody").body()).size(), 1u);
  EXPECT_EQ(ParseCsv(Get("/export/trends.csv?agent=Nobody").body()).size(), 1u);
  const Table kpis = ParseCsv(Get("/export/kpis.csv?agent=Nobody").body());
  EXPECT_EQ(kpis[1][3], "0");   // total_chats: a sum of nothing
  EXPECT_EQ(kpis[2][3], "");    // avg_response_time: no value
  const web::Response pdf = Get("/export/report.pdf?agent=Nobody");
  EXPECT_EQ(pdf.result(), web::http::status::ok);
  const web::Response xlsx = Get("/export/report.xlsx?agent=Nobody");
  EXPECT_EQ(xlsx.result(), web::http::status::ok);
  const json book = json::parse(RunTool({kPython, KEETA_SOURCE_DIR "/tests/tools/xlsx_to_json.py",
                                         Save("empty.xlsx", xlsx.body()).string()}, dir_));
  EXPECT_EQ(book["sheets"]["Rows"].size(), 1u);
  EXPECT_EQ(book["charts"], 0);
}

// ---- routes ---------------------------------------------------------------------------

TEST_F(ExportTest, RoutesNameTheirFilesByWhatAndPeriod) {
  struct Case {
    std::string target, type, file;
  };
  const std::vector<Case> cases = {
      {"/export/kpis.csv?from_date=2025-01-01&to_date=2025-01-31", "text/csv; charset=utf-8",
       "keeta-kpis_2025-01-01_2025-01-31.csv"},
      {"/export/trends.csv", "text/csv; charset=utf-8", "keeta-trends_2025-01-01_2025-01-04.csv"},
      {"/export/rows.csv?agent=Ahmed", "text/csv; charset=utf-8", "keeta-rows_2025-01-01_2025-01-02.csv"},
      {"/export/report.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
       "keeta-report_2025-01-01_2025-01-04.xlsx"},
      {"/export/report.pdf?agent=Nobody", "application/pdf", "keeta-report.pdf"},
  };
  for (const Case& c : cases) {
    const web::Response res = Get(c.target);
    ASSERT_EQ(res.result(), web::http::status::ok) << c.target;
    EXPECT_EQ(res[web::http::field::content_type], c.type);
    EXPECT_EQ(res[web::http::field::content_disposition], "attachment; filename=\"" + c.file + "\"");
    EXPECT_FALSE(res.body().empty());
  }
}

TEST(ExportPeriod, OpenEndsNameTheFirstAndLastTrendBucket) {
  Dashboard d;
  d.days = {*ParseIsoDay("2024-12-30"), *ParseIsoDay("2025-12-29")};
  d.granularity = Granularity::kWeek;
  EXPECT_EQ(exports::PeriodText(Filter{}, d), "the week of 2024-12-30 – the week of 2025-12-29");
  Filter from;
  from.from = ParseIsoDay("2025-01-02");
  EXPECT_EQ(exports::PeriodText(from, d), "2025-01-02 – the week of 2025-12-29");
  d.days = {*ParseIsoDay("2025-01-01"), *ParseIsoDay("2025-12-01")};
  d.granularity = Granularity::kMonth;
  EXPECT_EQ(exports::PeriodText(Filter{}, d), "2025-01 – 2025-12");
  d.granularity = Granularity::kDay;
  EXPECT_EQ(exports::PeriodText(Filter{}, d), "2025-01-01 – 2025-12-01");
  EXPECT_EQ(exports::PeriodText(Filter{}, Dashboard{}), "all days");
}

TEST_F(ExportTest, BadInputIsAClearError) {
  const web::Response bad_date = Get("/export/kpis.csv?from_date=2025-02-30");
  EXPECT_EQ(bad_date.result(), web::http::status::bad_request);
  EXPECT_THAT(bad_date.body(), HasSubstr("from_date"));
  EXPECT_EQ(bad_date.find(web::http::field::content_disposition), bad_date.end());
  EXPECT_EQ(Get("/export/secrets.csv").result(), web::http::status::not_found);
  EXPECT_EQ(Get("/export/../etc/passwd").result(), web::http::status::not_found);
}

// ---- XLSX -----------------------------------------------------------------------------

TEST_F(ExportTest, WorkbookReadByOpenpyxlHasTheApiValues) {
  const std::string view = "from_date=2025-01-01&to_date=2025-01-04";
  const web::Response res = Get("/export/report.xlsx?" + view);
  ASSERT_EQ(res.result(), web::http::status::ok);
  const json book = json::parse(RunTool({kPython, KEETA_SOURCE_DIR "/tests/tools/xlsx_to_json.py",
                                         Save("report.xlsx", res.body()).string()}, dir_));
  const json api = Api(view);

  // Summary: each card's value and unit, in a number format that shows it as the page does.
  const json& summary = book["sheets"]["Summary"];
  std::map<std::string, std::size_t> row_of;
  for (std::size_t r = 0; r < summary.size(); ++r) {
    if (summary[r][0].is_string()) row_of[summary[r][0].get<std::string>()] = r;
  }
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    const json& kpi = api["kpis"][k];
    ASSERT_TRUE(row_of.count(kpi["label"])) << kpi["label"];
    const json& line = summary[row_of[kpi["label"]]];
    if (kpi["value"].is_null()) {
      EXPECT_EQ(line[1], "—");
    } else {
      EXPECT_EQ(line[1].get<double>(), kpi["value"].get<double>()) << kpi["id"];
    }
    EXPECT_EQ(line[2], kpi["unit"]);
  }
  const json& formats = book["formats"]["Summary"];
  EXPECT_EQ(formats[row_of["Total Chats"]][1], "#,##0");
  EXPECT_EQ(formats[row_of["Average CSAT"]][1], "0.0\"%\"");
  EXPECT_EQ(formats[row_of["Average Response Time"]][1], "0.0");
  EXPECT_EQ(summary[row_of["Period"]][1], "2025-01-01 – 2025-01-04");
  EXPECT_EQ(summary[row_of["Data loaded at"]][1], std::string(test::kLoadedAt));
  EXPECT_EQ(summary[row_of["Rows in view"]][1], api["rows"]);

  // Daily: the trend table, a chart per KPI.
  const json& daily = book["sheets"]["Daily"];
  const json& trend = api["kpis"][0]["trend"];
  ASSERT_EQ(daily.size(), 1 + trend.size());
  for (std::size_t i = 0; i < trend.size(); ++i) {
    EXPECT_EQ(daily[i + 1][0], trend[i][0]);
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      const json& point = api["kpis"][k]["trend"][i][1];
      if (point.is_null()) {
        EXPECT_TRUE(daily[i + 1][k + 1].is_null());
      } else {
        EXPECT_EQ(daily[i + 1][k + 1].get<double>(), point.get<double>());
      }
    }
  }
  EXPECT_EQ(book["charts"], kKpiCount);
  EXPECT_EQ(book["freeze"]["Daily"], "B2");

  // Rows: the filtered rows, frozen header, autofilter over all of them.
  const json& rows = book["sheets"]["Rows"];
  EXPECT_EQ(rows.size(), 1 + api["rows"].get<std::size_t>());
  EXPECT_EQ(book["freeze"]["Rows"], "A2");
  EXPECT_EQ(book["autofilter"]["Rows"], fmt::format("A1:N{}", rows.size()));
  bool arabic = false;
  for (const json& row : rows) arabic = arabic || row[1] == "محمد";
  EXPECT_TRUE(arabic);
}

TEST_F(ExportTest, WorkbookRowsStopAtTheLimitAndSummarySaysSo) {
  exports::ReportInput input{data_, Query{}, ComputeDashboard(*data_, Query{}), 0, {}};
  auto bytes = exports::XlsxReport(input, exports::XlsxOptions{.include_rows = true, .max_rows = 2});
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  const json book = json::parse(RunTool({kPython, KEETA_SOURCE_DIR "/tests/tools/xlsx_to_json.py",
                                         Save("cut.xlsx", *bytes).string()}, dir_));
  EXPECT_EQ(book["sheets"]["Rows"].size(), 3u);
  EXPECT_THAT(book["sheets"]["Summary"].dump(), HasSubstr("the first 2 of 6 rows"));

  const web::Response no_rows = Get("/export/report.xlsx?rows=0");
  const json without = json::parse(RunTool({kPython, KEETA_SOURCE_DIR "/tests/tools/xlsx_to_json.py",
                                            Save("no-rows.xlsx", no_rows.body()).string()}, dir_));
  EXPECT_FALSE(without["sheets"].contains("Rows"));
  EXPECT_THAT(without["sheets"]["Summary"].dump(), HasSubstr("left out of this report"));
}

// ---- PDF ------------------------------------------------------------------------------

TEST_F(ExportTest, PdfShowsEveryCardValueAsThePageDoesAndRenders) {
  for (const std::string& view : kViews) {
    const web::Response res = Get("/export/report.pdf?" + view);
    ASSERT_EQ(res.result(), web::http::status::ok) << view;
    EXPECT_THAT(res.body(), StartsWith("%PDF-"));
    const fs::path pdf = Save("report.pdf", res.body());
    const std::string text = RunTool({"pdftotext", "-layout", pdf.string(), "-"}, dir_);
    const Dashboard dash = ComputeDashboard(*data_, [&] {
      Query q;
      if (view.starts_with("agent=%D9")) q.filter.AddName(Dimension::kAgent, "محمد");
      if (view.starts_with("agent=Nobody")) q.filter.AddName(Dimension::kAgent, "Nobody");
      if (view.starts_with("from_date")) {
        q.filter.from = ParseIsoDay("2025-01-02");
        q.filter.to = ParseIsoDay("2025-01-03");
      }
      return q;
    }());
    for (const KpiResult& kpi : dash.kpis) {
      EXPECT_THAT(text, HasSubstr(kpi.def->label)) << view;
      EXPECT_THAT(text, HasSubstr(FormatKpiValue(*kpi.def, kpi.value))) << view << " " << kpi.def->id;
    }
    EXPECT_THAT(text, HasSubstr("Page 1 of 1"));
    EXPECT_THAT(text, HasSubstr("fixture.csv"));
    EXPECT_THAT(text, HasSubstr("Period:"));
    RunTool({"pdftoppm", "-png", "-r", "40", "-singlefile", pdf.string(),
             (dir_ / "page").string()}, dir_);
    EXPECT_GT(fs::file_size(dir_ / "page.png"), 1000u) << view;
  }
}

TEST_F(ExportTest, PdfLaysOutArabicFiltersAndLoadNotes) {
  const std::string body = Get("/export/report.pdf?agent=%D9%85%D8%AD%D9%85%D8%AF").body();
  const std::string text = RunTool({"pdftotext", Save("ar.pdf", body).string(), "-"}, dir_);
  EXPECT_THAT(text, HasSubstr("محمد"));
  EXPECT_THAT(text, HasSubstr("Agent:"));
  // Notes wrap at the column's width: compare with line breaks as spaces.
  std::string flat = text;
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  for (const std::string& warning : data_->report().Warnings()) EXPECT_THAT(flat, HasSubstr(warning));
}

// ---- keeta export ---------------------------------------------------------------------

TEST_F(ExportTest, CliWritesTheRoutesBytes) {
  // One fixed clock for both (SOURCE_DATE_EPOCH), so the reports' timestamps agree.
  ASSERT_EQ(::setenv("SOURCE_DATE_EPOCH", "1767607200", 1), 0);
  const fs::path csv = Save("data.csv", std::string(kCsv));
  auto loaded = MakeCsvSource(csv.string())->Load();
  ASSERT_TRUE(loaded.ok());
  web::Handler handler(std::make_shared<DatasetHolder>(*loaded));
  struct Case {
    std::string route, file;
    std::vector<std::string> flags;
  };
  const std::vector<Case> cases = {
      {"kpis.csv", "k.csv", {"--what", "kpis"}},
      {"trends.csv", "t.csv", {"--what", "trends"}},
      {"rows.csv", "r.csv", {"--what", "rows"}},
      {"report.xlsx", "x.xlsx", {}},
      {"report.pdf", "p.pdf", {}},
  };
  for (const Case& c : cases) {
    const std::string query = "agent=Ahmed&agent=%D9%85%D8%AD%D9%85%D8%AF&from_date=2025-01-02";
    const web::Response res =
        handler.Handle(web::Request{web::http::verb::get, "/export/" + c.route + "?" + query, 11});
    ASSERT_EQ(res.result(), web::http::status::ok) << c.route;
    std::vector<std::string> args{KEETA_BINARY, "export", "--data", csv.string(), "--out",
                                  (dir_ / c.file).string(), "--agent", "Ahmed", "--agent",
                                  "محمد", "--from-date", "2025-01-02"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    RunTool(args, dir_);
    EXPECT_TRUE(ReadAll(dir_ / c.file) == res.body()) << c.route << " differs";
  }
  ::unsetenv("SOURCE_DATE_EPOCH");
}

TEST_F(ExportTest, CliRejectsAnUnknownExtensionInOneLine) {
  const fs::path csv = Save("data.csv", std::string(kCsv));
  const fs::path err = dir_ / "err";
  std::vector<std::string> all{KEETA_BINARY, "export", "--data", csv.string(), "--out",
                               (dir_ / "x.doc").string()};
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_NE(WEXITSTATUS(status), 0);
  EXPECT_THAT(ReadAll(err), HasSubstr(".csv, .xlsx or .pdf"));
  EXPECT_FALSE(fs::exists(dir_ / "x.doc"));
}

}  // namespace
}  // namespace keeta
