// The /api/v1 JSON bodies (web/json_api.h): the exact shape of docs/api.md, null handling,
// numbers (integers as integers, doubles that read back exactly), string escaping, and
// agreement with ComputeDashboard. Outputs are parsed with nlohmann-json.
#include "web/json_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine.h"
#include "core/kpi_registry.h"
#include "test_data.h"

namespace keeta::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

// All columns; day 2025-01-02 has no avg_response_time at all; one csat cell is junk.
constexpr std::string_view kFullCsv =
    "day,agent,team_leader,supervisor,total_chats,avg_response_time,csat,active_agents,"
    "escalations,resolved,pending,avg_chat_duration,sales_conversion,avg_queue_time\n"
    "2025-01-01,Ahmed,Tala,Sara,40,30,90,1,2,30,5,12,10,20\n"
    "2025-01-01,Badr,Tala,Sara,38,25,85,1,1,28,6,11,12,22\n"
    "2025-01-02,Ahmed,Tala,Sara,42,,92,1,0,33,4,13,11,18\n"
    "2025-01-03,Carla,Omar,Yusuf,50,41,oops,0,3,40,10,15,9,31\n"
    "2025-01-03,Ahmed,Tala,Sara,7,10,70,1,0,0,0,1,1,1\n";

// Only a few columns: csat, active_agents, avg_* and the rest are absent.
constexpr std::string_view kSparseCsv =
    "day,agent,total_chats,resolved,pending\n"
    "2025-03-01,Ahmed,3,1,1\n"
    "2025-03-02,Badr,4,0,0\n";

struct Answer {
  std::shared_ptr<const Dataset> data;
  Filter filter;
  Dashboard dashboard;
  std::string text;
  json body;
};

Answer Kpis(std::string_view csv, Filter filter = {}) {
  Answer a;
  a.data = test::DatasetFromCsv(csv);
  a.filter = std::move(filter);
  a.dashboard = ComputeDashboard(*a.data, Query{a.filter, {}});
  a.text = KpisJson(a.data->report(), a.filter, a.dashboard, CheckQuery(*a.data, Query{a.filter, {}}));
  a.body = json::parse(a.text);
  return a;
}

std::set<std::string> Keys(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

TEST(KpisJsonTest, HasExactlyTheDocumentedShape) {
  Filter filter;
  filter.AddName(Dimension::kAgent, "Ahmed");
  filter.from = ParseIsoDay("2025-01-01");
  const Answer a = Kpis(kFullCsv, filter);
  const json& body = a.body;
  EXPECT_EQ(Keys(body), (std::set<std::string>{"filters", "rows", "warnings", "granularity",
                                                "period", "previous_period", "kpis", "data"}));
  EXPECT_EQ(body["warnings"], json::array());  // Ahmed is in the data
  EXPECT_EQ(Keys(body["filters"]), (std::set<std::string>{"agent", "team_leader", "supervisor",
                                                           "from_date", "to_date"}));
  EXPECT_EQ(body["filters"]["agent"], json::array({"Ahmed"}));
  EXPECT_EQ(body["filters"]["team_leader"], json::array());
  EXPECT_EQ(body["filters"]["supervisor"], json::array());
  EXPECT_EQ(body["filters"]["from_date"], "2025-01-01");
  EXPECT_TRUE(body["filters"]["to_date"].is_null());
  EXPECT_EQ(body["rows"], 3);  // Ahmed's three rows
  ASSERT_TRUE(body["kpis"].is_array());
  ASSERT_EQ(body["kpis"].size(), kKpiCount);
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    const json& kpi = body["kpis"][k];
    EXPECT_EQ(Keys(kpi), (std::set<std::string>{"id", "label", "unit", "value", "weighted",
                                                 "previous", "change", "change_pct", "target",
                                                 "status", "no_value_reason", "trend"}));
    EXPECT_EQ(kpi["id"], std::string(kKpis[k].id));
    EXPECT_EQ(kpi["label"], std::string(kKpis[k].label));
    EXPECT_EQ(kpi["unit"], std::string(kKpis[k].unit));
  }
  EXPECT_EQ(Keys(body["data"]),
            (std::set<std::string>{"source", "rows_loaded", "loaded_at", "warnings", "stale",
                                   "reload_error"}));
  EXPECT_EQ(body["data"]["source"], "fixture.csv");
  EXPECT_EQ(body["data"]["rows_loaded"], 5);
  EXPECT_EQ(body["data"]["loaded_at"], "2026-01-05T10:00:00Z");
  const std::vector<std::string> warnings = a.data->report().Warnings();
  EXPECT_EQ(body["data"]["warnings"], json(warnings));
  EXPECT_THAT(body["data"]["warnings"].dump(), HasSubstr("csat"));  // the junk cell
}

TEST(KpisJsonTest, ValuesAndTrendsMatchTheEngine) {
  for (const std::string_view agent : {"", "Ahmed", "Carla", "Nobody"}) {
    Filter filter;
    filter.AddName(Dimension::kAgent, agent);
    const Answer a = Kpis(kFullCsv, filter);
    EXPECT_EQ(a.body["rows"], a.dashboard.rows);
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      const KpiResult& expected = a.dashboard.kpis[k];
      const json& kpi = a.body["kpis"][k];
      if (expected.value) {
        ASSERT_TRUE(kpi["value"].is_number()) << kpi.dump();
        EXPECT_EQ(kpi["value"].get<double>(), *expected.value) << kpi["id"];  // exact
      } else {
        EXPECT_TRUE(kpi["value"].is_null()) << kpi.dump();
      }
      ASSERT_EQ(kpi["trend"].size(), a.dashboard.days.size()) << kpi["id"];
      for (std::size_t i = 0; i < a.dashboard.days.size(); ++i) {
        const json& point = kpi["trend"][i];
        ASSERT_EQ(point.size(), 2u);
        EXPECT_EQ(point[0], FormatDay(a.dashboard.days[i]));
        if (std::isnan(expected.trend[i])) {
          EXPECT_TRUE(point[1].is_null()) << point.dump();
        } else {
          EXPECT_EQ(point[1].get<double>(), expected.trend[i]);
        }
      }
    }
  }
}

TEST(KpisJsonTest, MissingValuesAreNullNeverZeroOrNaN) {
  const Answer a = Kpis(kFullCsv);
  // avg_response_time (index 1) has no value on 2025-01-02 (the second day).
  const json& art = a.body["kpis"][1];
  ASSERT_EQ(art["id"], "avg_response_time");
  EXPECT_EQ(art["trend"][1][0], "2025-01-02");
  EXPECT_TRUE(art["trend"][1][1].is_null());
  EXPECT_THAT(a.text, Not(HasSubstr("NaN")));
  EXPECT_THAT(a.text, Not(HasSubstr("nan")));
  EXPECT_THAT(a.text, Not(HasSubstr("inf")));

  // A filter matching nothing: means have no value, sums are 0, no trend points.
  Filter none;
  none.AddName(Dimension::kAgent, "Nobody");
  const Answer empty = Kpis(kFullCsv, none);
  EXPECT_EQ(empty.body["rows"], 0);
  EXPECT_EQ(empty.body["kpis"][0]["value"], 0);  // total_chats: sum of nothing
  EXPECT_TRUE(empty.body["kpis"][1]["value"].is_null());  // avg_response_time
  EXPECT_TRUE(empty.body["kpis"][5]["value"].is_null());  // resolved_pct: 0/0
  EXPECT_EQ(empty.body["kpis"][0]["trend"], json::array());
}

TEST(KpisJsonTest, AbsentColumnsGiveNullAndEmptyTrend) {
  const Answer a = Kpis(kSparseCsv);
  for (const json& kpi : a.body["kpis"]) {
    const std::string id = kpi["id"];
    if (id == "total_chats" || id == "pending" || id == "resolved_pct" ||
        id == "active_agents") {
      EXPECT_FALSE(kpi["value"].is_null()) << id;
      EXPECT_EQ(kpi["trend"].size(), 2u) << id;
    } else {
      EXPECT_TRUE(kpi["value"].is_null()) << id;
      EXPECT_EQ(kpi["trend"], json::array()) << id;
    }
  }
  // resolved_pct on 2025-03-02 has a zero denominator: null that day.
  const json& resolved = a.body["kpis"][5];
  ASSERT_EQ(resolved["id"], "resolved_pct");
  EXPECT_EQ(resolved["trend"][0][1], 50);
  EXPECT_TRUE(resolved["trend"][1][1].is_null());
  EXPECT_THAT(a.body["data"]["warnings"].dump(), HasSubstr("missing columns"));
}

TEST(KpisJsonTest, IntegralValuesPrintAsIntegers) {
  const Answer a = Kpis(kFullCsv);
  // total_chats = 40 + 38 + 42 + 50 + 7 = 177; written 177, not 177.0 or 1.77e2.
  EXPECT_THAT(a.text, HasSubstr("{\"id\":\"total_chats\",\"label\":\"Total Chats\","
                                "\"unit\":\"chats\",\"value\":177,"));
  EXPECT_THAT(a.text, HasSubstr("[\"2025-01-01\",78]"));
  // The CSAT mean over 90, 85, 92, 70 is 84.25: shortest form, no trailing noise.
  const json& csat = a.body["kpis"][2];
  ASSERT_EQ(csat["id"], "csat");
  EXPECT_EQ(csat["value"].get<double>(), 84.25);
  EXPECT_THAT(a.text, HasSubstr("\"value\":84.25,"));
}

TEST(KpisJsonTest, NonTerminatingDecimalsReadBackExactly) {
  // The mean of 1, 1 and 2 is 4/3, which has no finite decimal form.
  constexpr std::string_view csv =
      "day,agent,avg_queue_time\n"
      "2025-01-01,A,1\n2025-01-01,B,1\n2025-01-01,C,2\n";
  const Answer a = Kpis(csv);
  const json& queue = a.body["kpis"][9];
  ASSERT_EQ(queue["id"], "avg_queue_time");
  EXPECT_EQ(queue["value"].get<double>(), 4.0 / 3.0);
  EXPECT_EQ(queue["value"].get<double>(), *a.dashboard.kpis[9].value);
}

TEST(KpisJsonTest, DecimalsAreShortAndExact) {
  // One row per day, so each trend point is the cell's value as parsed.
  const std::vector<std::string> cells = {
      "0.1",        "0.000001",  "0.0000001",     "123456789.125", "999999999.5", "-2.75",
      "1e20",       "3.14159265358979", "1234567.000001", "0.3", "2.675", "-0.000125",
      "1000000000.5", "42"};
  std::string csv = "day,agent,avg_queue_time\n";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    csv += fmt::format("2025-02-{:02},A,{}\n", i + 1, cells[i]);
  }
  const Answer a = Kpis(csv);
  const json& trend = a.body["kpis"][9]["trend"];
  ASSERT_EQ(trend.size(), cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    EXPECT_EQ(trend[i][1].get<double>(), a.dashboard.kpis[9].trend[i]) << cells[i];
    EXPECT_EQ(trend[i][1].get<double>(), std::stod(cells[i])) << cells[i];
  }
  EXPECT_EQ(a.body["kpis"][9]["value"].get<double>(), *a.dashboard.kpis[9].value);
  // Values with a short decimal form are written in it, not with 17 digits.
  for (const std::string_view text : {"[\"2025-02-01\",0.1]", "[\"2025-02-02\",0.000001]",
                                      "[\"2025-02-04\",123456789.125]",
                                      "[\"2025-02-05\",999999999.5]", "[\"2025-02-06\",-2.75]",
                                      "[\"2025-02-10\",0.3]", "[\"2025-02-11\",2.675]",
                                      "[\"2025-02-12\",-0.000125]", "[\"2025-02-14\",42]"}) {
    EXPECT_THAT(a.text, HasSubstr(text));
  }
}

TEST(KpisJsonTest, StringsAreEscaped) {
  Filter filter;
  const std::string nasty = "q\"uote \\back\x01slash\ttab\nnl </script> & é أحمد";
  filter.AddName(Dimension::kAgent, nasty);
  filter.AddName(Dimension::kTeamLeader, "bad \xff byte");
  const Answer a = Kpis(kFullCsv, filter);
  EXPECT_EQ(a.body["filters"]["agent"][0], nasty);
  // Malformed UTF-8 cannot be carried: it becomes U+FFFD and the document stays valid.
  EXPECT_EQ(a.body["filters"]["team_leader"][0], "bad \xEF\xBF\xBD byte");
  EXPECT_THAT(a.text, Not(HasSubstr("</script>")));
  EXPECT_THAT(a.text, HasSubstr("أحمد"));  // UTF-8 passes through unescaped
  EXPECT_THAT(a.text, HasSubstr("\\u0001"));
}

TEST(FiltersJsonTest, ShapeAndNulls) {
  const auto data = test::DatasetFromCsv(kFullCsv);
  Filter filter;
  filter.AddName(Dimension::kSupervisor, "Yusuf");
  const FilterChoices choices = ComputeChoices(*data, Query{filter, {}});
  const json body = json::parse(FiltersJson(choices));
  EXPECT_EQ(Keys(body), (std::set<std::string>{"agent", "team_leader", "supervisor", "min_day",
                                                "max_day"}));
  EXPECT_EQ(body["agent"], json::array({"Carla"}));
  EXPECT_EQ(body["team_leader"], json::array({"Omar"}));
  EXPECT_EQ(body["supervisor"], json::array({"Sara", "Yusuf"}));
  EXPECT_EQ(body["min_day"], "2025-01-01");
  EXPECT_EQ(body["max_day"], "2025-01-03");

  FilterChoices none;
  const json empty = json::parse(FiltersJson(none));
  EXPECT_TRUE(empty["min_day"].is_null());
  EXPECT_TRUE(empty["max_day"].is_null());
  EXPECT_EQ(empty["agent"], json::array());
}

TEST(ErrorJsonTest, Shape) {
  json body = json::parse(ErrorJson("invalid_date", "from_date: bad", "from_date"));
  EXPECT_EQ(body, json::parse(R"({"error":{"code":"invalid_date","message":"from_date: bad",
                                           "param":"from_date"}})"));
  body = json::parse(ErrorJson("not_found", "no such page: /x", ""));
  EXPECT_TRUE(body["error"]["param"].is_null());
  // User input with malformed UTF-8 in the message does not throw or break the JSON.
  body = json::parse(ErrorJson("invalid_date", "from_date: '\xff' bad", "from_date"));
  EXPECT_EQ(body["error"]["message"], "from_date: '\xEF\xBF\xBD' bad");
}

}  // namespace
}  // namespace keeta::web
