// The request handler against hostile and unlucky inputs: selections over the cap, pages
// that must not grow with the square of the selection, the chip remove buttons, malformed
// UTF-8 in the query, stale data in the API and /healthz, and the data file's name.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "store/dataset_holder.h"
#include "test_data.h"
#include "web/handler.h"
#include "web/query_string.h"
#include "web/utf8_text.h"

namespace keeta::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using json = nlohmann::json;

constexpr std::string_view kCsv =
    "day,agent,team_leader,supervisor,total_chats,csat\n"
    "2025-01-01,Ahmed,Tala,Sara,40,90\n"
    "2025-01-02,Badr,Tala,Sara,38,85\n"
    "2025-01-02,Carla,Omar,Yusuf,12,70\n";

class HandlerHardeningTest : public ::testing::Test {
 protected:
  HandlerHardeningTest()
      : holder_(std::make_shared<DatasetHolder>(test::DatasetFromCsv(kCsv, "team.csv"))),
        handler_(holder_) {}

  Response Get(std::string_view target) const {
    Request req{http::verb::get, target, 11};
    req.set(http::field::host, "localhost");
    return handler_.Handle(req);
  }

  // `count` distinct agent names of `length` characters each, as a query string.
  static std::string ManyAgents(std::size_t count, std::size_t length) {
    std::string query;
    for (std::size_t i = 0; i < count; ++i) {
      std::string name = "Agent " + std::to_string(i) + " ";
      name.resize(length, 'x');
      query += (i == 0 ? "agent=" : "&agent=") + name;
    }
    return query;
  }

  std::shared_ptr<DatasetHolder> holder_;
  Handler handler_;
};

TEST_F(HandlerHardeningTest, MoreValuesThanTheCapIsA400NamingTheParameter) {
  const std::string query = ManyAgents(kMaxValuesPerParam + 1, 8);
  const Response api = Get("/api/v1/kpis?" + query);
  EXPECT_EQ(api.result(), http::status::bad_request);
  const json body = json::parse(api.body());
  EXPECT_EQ(body["error"]["code"], "too_many_values");
  EXPECT_EQ(body["error"]["param"], "agent");
  const Response page = Get("/overall?" + query);
  EXPECT_EQ(page.result(), http::status::bad_request);
  EXPECT_THAT(page.body(), HasSubstr("too many values for &#39;agent&#39;"));
  // At the cap it is still answered.
  EXPECT_EQ(Get("/overall?" + ManyAgents(kMaxValuesPerParam, 8)).result(), http::status::ok);
}

TEST_F(HandlerHardeningTest, PageSizeGrowsLinearlyWithTheSelection) {
  const std::size_t none = Get("/overall").body().size();
  const std::size_t small = Get("/overall?" + ManyAgents(100, 40)).body().size() - none;
  const std::size_t large = Get("/overall?" + ManyAgents(400, 40)).body().size() - none;
  // Four times the selection: about four times the bytes (the square would be sixteen).
  EXPECT_LT(large, 5 * small) << "small " << small << ", large " << large;
}

TEST_F(HandlerHardeningTest, TheLargestSelectionUnderTheUrlLimitStaysUnder2MB) {
  // 1,000 values (the cap) in a 16 KB request line: single-byte names that each need the
  // most escaping, the worst case per byte of URL.
  std::string query;
  for (std::size_t i = 0; i < kMaxValuesPerParam; ++i) {
    query += (i == 0 ? "agent=%26" : "&agent=%26") + std::to_string(i);
  }
  ASSERT_LT(query.size(), 16u * 1024);
  const Response page = Get("/overall?" + query);
  ASSERT_EQ(page.result(), http::status::ok);
  EXPECT_LT(page.body().size(), 2u << 20);
}

TEST_F(HandlerHardeningTest, ChipRemoveButtonsRedirectToTheRestOfTheFilter) {
  const Response res =
      Get("/overall?supervisor=Sara&agent=Ahmed&agent=O%27Brien+%26+Co&from_date=2025-01-01"
          "&drop_agent=Ahmed");
  EXPECT_EQ(res.result(), http::status::see_other);
  EXPECT_EQ(res[http::field::location],
            "/overall?supervisor=Sara&agent=O%27Brien+%26+Co&from_date=2025-01-01");
  const Response dates = Get("/overall?agent=Ahmed&from_date=2025-01-01&to_date=2025-01-02"
                             "&drop_dates=1");
  EXPECT_EQ(dates[http::field::location], "/overall?agent=Ahmed");
  const Response last = Get("/overall?agent=Ahmed&drop_agent=Ahmed");
  EXPECT_EQ(last[http::field::location], "/overall");
}

TEST_F(HandlerHardeningTest, MalformedUtf8FromTheQueryIsShownAsReplacementCharacter) {
  const Response page = Get("/overall?agent=Bad%FF%C3name");
  ASSERT_EQ(page.result(), http::status::ok);
  EXPECT_THAT(page.body(), HasSubstr("Bad\xEF\xBF\xBD\xEF\xBF\xBDname"));
  EXPECT_EQ(page.body().find('\xFF'), std::string::npos);
  EXPECT_EQ(page.body().find("\xC3n"), std::string::npos);
}

TEST_F(HandlerHardeningTest, LogLinesCarryNoMalformedUtf8OrControlBytes) {
  EXPECT_EQ(SanitizedForLog("/overall?agent=\xFF\n2026 fake line\x1b[31m"),
            "/overall?agent=\xEF\xBF\xBD\\x0a2026 fake line\\x1b[31m");
  EXPECT_EQ(SanitizedForLog("Ahmed \xD8\xB9\xD9\x84\xD9\x8A"), "Ahmed \xD8\xB9\xD9\x84\xD9\x8A");
}

TEST_F(HandlerHardeningTest, AFailedReloadMakesTheApiStaleAndHealthzDegraded) {
  json body = json::parse(Get("/api/v1/kpis").body());
  EXPECT_EQ(body["data"]["stale"], false);
  EXPECT_TRUE(body["data"]["reload_error"].is_null());
  EXPECT_EQ(Get("/healthz").body(), "ok");

  holder_->RecordError("team.csv: line 3: unterminated quote");
  body = json::parse(Get("/api/v1/kpis").body());  // also after the response was cached
  EXPECT_EQ(body["data"]["stale"], true);
  EXPECT_EQ(body["data"]["reload_error"], "team.csv: line 3: unterminated quote");
  const Response health = Get("/healthz");
  EXPECT_EQ(health.result(), http::status::ok);  // the last good data is still served
  EXPECT_THAT(health.body(), StartsWith("degraded"));
  EXPECT_THAT(health.body(), HasSubstr("unterminated quote"));

  holder_->Publish(test::DatasetFromCsv(kCsv, "team.csv"));
  body = json::parse(Get("/api/v1/kpis").body());
  EXPECT_EQ(body["data"]["stale"], false);
  EXPECT_EQ(Get("/healthz").body(), "ok");
}

}  // namespace
}  // namespace keeta::web
