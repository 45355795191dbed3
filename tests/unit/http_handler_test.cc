// The request handler (web/handler.h) as a plain function: every route, every error shape,
// HEAD, redirects, static assets with ETags and gzip, the response cache, and escaping of
// hostile names. Also the query-string decoder and the response cache on their own.
// Datasets come from small CSV texts through the real loader and engine.
#include "web/handler.h"

#include <gmock/gmock.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/dataset.h"
#include "store/dataset_holder.h"
#include "store/settings.h"
#include "test_data.h"
#include "web/assets.h"
#include "web/query_string.h"
#include "web/response_cache.h"

namespace keeta::web {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using json = nlohmann::json;

constexpr std::string_view kScript = "<script>alert(1)</script>";
constexpr std::string_view kHeader =
    "day,agent,team_leader,supervisor,total_chats,avg_response_time,csat,active_agents,"
    "escalations,resolved,pending,avg_chat_duration,sales_conversion,avg_queue_time\n";

// `days` days from 2025-01-01, one row per agent per day, for four agents: Ahmed and Badr
// under Tala/Sara, Carla and the hostile <script> name under Omar/Yusuf.
std::string MakeCsv(int days, int chats_offset = 0) {
  const char* agents[][3] = {{"Ahmed", "Tala", "Sara"},
                             {"Badr", "Tala", "Sara"},
                             {"Carla", "Omar", "Yusuf"},
                             {"<script>alert(1)</script>", "Omar", "Yusuf"}};
  std::string csv(kHeader);
  for (int d = 0; d < days; ++d) {
    for (int a = 0; a < 4; ++a) {
      csv += "2025-01-" + std::string(d + 1 < 10 ? "0" : "") + std::to_string(d + 1) + ",";
      csv += std::string(agents[a][0]) + "," + agents[a][1] + "," + agents[a][2] + ",";
      csv += std::to_string(10 + d + a + chats_offset) + ",30.5,88,1,1,20,5,12,10.25,40\n";
    }
  }
  return csv;
}

std::string Gunzip(std::string_view compressed) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END) << "not a complete gzip stream";
  inflateEnd(&zs);
  return out;
}

class HandlerTest : public ::testing::Test {
 protected:
  static constexpr int kDays = 30;

  HandlerTest()
      : holder_(std::make_shared<DatasetHolder>(test::DatasetFromCsv(MakeCsv(kDays)))),
        handler_(holder_) {}

  static Request MakeRequest(std::string_view target, http::verb verb = http::verb::get) {
    Request req{verb, target, 11};
    req.set(http::field::host, "localhost");
    return req;
  }

  Response Get(std::string_view target) const { return handler_.Handle(MakeRequest(target)); }

  Response GetGzip(std::string_view target, std::string_view accept = "gzip, deflate") const {
    Request req = MakeRequest(target);
    req.set(http::field::accept_encoding, accept);
    return handler_.Handle(req);
  }

  static std::string Header(const Response& res, http::field f) { return std::string(res[f]); }
  static std::string Header(const Response& res, std::string_view name) {
    return std::string(res[name]);
  }

  // Checks the headers every response carries.
  static void ExpectCommonHeaders(const Response& res) {
    EXPECT_EQ(Header(res, http::field::server), "keeta");
    EXPECT_EQ(Header(res, "X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(Header(res, http::field::content_type).empty());
    ASSERT_FALSE(Header(res, http::field::content_length).empty());
  }

  static json ParseJson(const Response& res) {
    EXPECT_EQ(Header(res, http::field::content_type), "application/json");
    return json::parse(res.body());
  }

  static void ExpectApiError(const Response& res, http::status status, std::string_view code,
                             const json& param) {
    EXPECT_EQ(res.result(), status);
    ExpectCommonHeaders(res);
    const json body = ParseJson(res);
    ASSERT_TRUE(body.contains("error")) << res.body();
    EXPECT_EQ(body["error"]["code"], code);
    EXPECT_EQ(body["error"]["param"], param);
    EXPECT_TRUE(body["error"]["message"].is_string());
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  }

  static void ExpectHtml(const Response& res, http::status status) {
    EXPECT_EQ(res.result(), status);
    ExpectCommonHeaders(res);
    EXPECT_THAT(Header(res, http::field::content_type), StartsWith("text/html"));
    const std::string csp = Header(res, "Content-Security-Policy");
    EXPECT_THAT(csp, HasSubstr("script-src 'self'"));
    EXPECT_THAT(csp, HasSubstr("style-src 'self'"));
    EXPECT_THAT(csp, Not(HasSubstr("unsafe-inline")));
    EXPECT_THAT(res.body(), HasSubstr("<html"));
  }

  std::shared_ptr<DatasetHolder> holder_;
  Handler handler_;
};

// ---- routes ------------------------------------------------------------------------------

TEST_F(HandlerTest, HealthzIsPlainOk) {
  const Response res = Get("/healthz");
  EXPECT_EQ(res.result(), http::status::ok);
  ExpectCommonHeaders(res);
  EXPECT_EQ(res.body(), "ok");
  EXPECT_THAT(Header(res, http::field::content_type), StartsWith("text/plain"));
  EXPECT_EQ(Header(res, http::field::content_length), "2");
}

TEST_F(HandlerTest, RootRedirectsToOverallKeepingTheQuery) {
  Response res = Get("/");
  EXPECT_EQ(res.result(), http::status::found);
  ExpectCommonHeaders(res);
  EXPECT_EQ(Header(res, http::field::location), "/overall");

  res = Get("/?agent=Ahmed&agent=Badr&from_date=2025-01-02");
  EXPECT_EQ(res.result(), http::status::found);
  EXPECT_EQ(Header(res, http::field::location),
            "/overall?agent=Ahmed&agent=Badr&from_date=2025-01-02");

  res = handler_.Handle(MakeRequest("/?x=1", http::verb::head));
  EXPECT_EQ(res.result(), http::status::found);
  EXPECT_EQ(Header(res, http::field::location), "/overall?x=1");
}

TEST_F(HandlerTest, OverallPageRendersTheDashboard) {
  const Response res = Get("/overall?agent=Carla");
  ExpectHtml(res, http::status::ok);
  EXPECT_THAT(res.body(), HasSubstr("Total Chats"));
  EXPECT_THAT(res.body(), HasSubstr("Carla"));
  EXPECT_EQ(Header(res, http::field::vary), "Accept-Encoding");
  EXPECT_EQ(std::to_string(res.body().size()), Header(res, http::field::content_length));
}

TEST_F(HandlerTest, OverallPageDropsABadDateAndSaysSo) {
  const Response res = Get("/overall?agent=Carla&from_date=2025-02-30&to_date=2025-01-10");
  ExpectHtml(res, http::status::ok);
  EXPECT_THAT(res.body(), HasSubstr("2025-02-30"));  // the message quotes the bad value
  EXPECT_THAT(res.body(), HasSubstr("from_date"));
  // The valid parts of the filter still apply: same page as without the bad parameter,
  // apart from the notice.
  const Response clean = Get("/overall?agent=Carla&to_date=2025-01-10");
  EXPECT_THAT(clean.body(), Not(HasSubstr("2025-02-30")));
  EXPECT_LT(clean.body().size(), res.body().size());

  // Both dates bad: both named, still a page.
  const Response both = Get("/overall?from_date=yesterday&to_date=2025-13-01");
  ExpectHtml(both, http::status::ok);
  EXPECT_THAT(both.body(), HasSubstr("yesterday"));
  EXPECT_THAT(both.body(), HasSubstr("2025-13-01"));
}

TEST_F(HandlerTest, KpisApiAnswersTheFilter) {
  const Response res = Get("/api/v1/kpis?agent=Ahmed&from_date=2025-01-11");
  EXPECT_EQ(res.result(), http::status::ok);
  ExpectCommonHeaders(res);
  const json body = ParseJson(res);
  EXPECT_EQ(body["rows"], kDays - 10);  // one Ahmed row per day from the 11th
  EXPECT_EQ(body["filters"]["agent"], json::array({"Ahmed"}));
  EXPECT_EQ(body["filters"]["from_date"], "2025-01-11");
  EXPECT_TRUE(body["filters"]["to_date"].is_null());
  ASSERT_EQ(body["kpis"].size(), 10u);
  EXPECT_EQ(body["kpis"][0]["id"], "total_chats");
  // Ahmed (a = 0) has 10 + d chats on day d; days 10..29.
  int expected = 0;
  for (int d = 10; d < kDays; ++d) expected += 10 + d;
  EXPECT_EQ(body["kpis"][0]["value"], expected);
  EXPECT_EQ(body["data"]["rows_loaded"], kDays * 4);
}

TEST_F(HandlerTest, KpisApiComparesWithThePreviousPeriodAndBucketsTrends) {
  const json body = ParseJson(Get("/api/v1/kpis?agent=Ahmed&from_date=2025-01-16&granularity=week"));
  EXPECT_EQ(body["granularity"], "week");
  EXPECT_EQ(body["period"], json({{"from_date", "2025-01-16"}, {"to_date", "2025-01-30"}}));
  EXPECT_EQ(body["previous_period"],
            json({{"from_date", "2025-01-01"}, {"to_date", "2025-01-15"}, {"rows", 15}}));
  const json& chats = body["kpis"][0];
  int now = 0, before = 0;
  for (int d = 15; d < kDays; ++d) now += 10 + d;
  for (int d = 0; d < 15; ++d) before += 10 + d;
  EXPECT_EQ(chats["value"], now);
  EXPECT_EQ(chats["previous"], before);
  EXPECT_EQ(chats["change"], now - before);
  EXPECT_NEAR(chats["change_pct"].get<double>(), 100.0 * (now - before) / before, 1e-9);
  EXPECT_TRUE(chats["target"].is_null());
  EXPECT_TRUE(chats["status"].is_null());
  // Weeks of 2025-01-16..30 begin on Mondays 01-13, 01-20, 01-27.
  ASSERT_EQ(chats["trend"].size(), 3u);
  EXPECT_EQ(chats["trend"][0][0], "2025-01-13");
  EXPECT_EQ(chats["trend"][2][0], "2025-01-27");
  // Without dates there is no previous period.
  const json plain = ParseJson(Get("/api/v1/kpis"));
  EXPECT_TRUE(plain["previous_period"].is_null());
  EXPECT_TRUE(plain["kpis"][0]["previous"].is_null());
  EXPECT_EQ(plain["granularity"], "day");
}

TEST_F(HandlerTest, TargetsAndWeightingComeFromTheSettings) {
  Settings settings;
  settings.targets[2] = keeta::Target{TargetOp::kAtLeast, 85};  // csat is 88 everywhere
  settings.targets[1] = keeta::Target{TargetOp::kAtMost, 30};   // response time is 30.5
  auto store = MakeMemorySettings(settings);
  const Handler handler(holder_, HandlerOptions{.settings = store});
  json body = json::parse(handler.Handle(MakeRequest("/api/v1/kpis")).body());
  EXPECT_EQ(body["kpis"][2]["target"], json({{"op", ">="}, {"value", 85}}));
  EXPECT_EQ(body["kpis"][2]["status"], "met");
  EXPECT_EQ(body["kpis"][1]["status"], "missed");
  EXPECT_EQ(body["kpis"][2]["weighted"], false);
  // A change of settings is seen at once, cache or not.
  ASSERT_TRUE(store->Update([](Settings& s) {
                     s.targets[2] = keeta::Target{TargetOp::kAtLeast, 90};
                     s.weighted[2] = true;
                   }).ok());
  body = json::parse(handler.Handle(MakeRequest("/api/v1/kpis")).body());
  EXPECT_EQ(body["kpis"][2]["status"], "missed");
  EXPECT_EQ(body["kpis"][2]["weighted"], true);
  body = json::parse(handler.Handle(MakeRequest("/api/v1/kpis?weight_by=none")).body());
  EXPECT_EQ(body["kpis"][2]["weighted"], false);
}

TEST_F(HandlerTest, BreakdownApiListsSortsAndPagesPeople) {
  json body = ParseJson(Get("/api/v1/breakdown?by=agent&supervisor=Sara"));
  EXPECT_EQ(body["by"], "agent");
  EXPECT_EQ(body["total"], 2);
  ASSERT_EQ(body["rows"].size(), 2u);
  // Default: total_chats descending; Badr (a = 1) has one more chat than Ahmed every day.
  EXPECT_EQ(body["rows"][0]["name"], "Badr");
  EXPECT_EQ(body["rows"][0]["rows"], kDays);
  EXPECT_EQ(body["rows"][1]["name"], "Ahmed");
  EXPECT_EQ(body["rows"][0]["kpis"].size(), 10u);
  EXPECT_EQ(body["rows"][0]["kpis"]["csat"], 88);
  body = ParseJson(Get("/api/v1/breakdown?by=team_leader&sort=name&order=desc&limit=1&offset=1"));
  EXPECT_EQ(body["total"], 2);
  ASSERT_EQ(body["rows"].size(), 1u);
  EXPECT_EQ(body["rows"][0]["name"], "Omar");
  body = ParseJson(Get("/api/v1/breakdown?q=ca"));
  ASSERT_EQ(body["rows"].size(), 1u);
  EXPECT_EQ(body["rows"][0]["name"], "Carla");
  ExpectApiError(Get("/api/v1/breakdown?by=team"), http::status::bad_request,
                 "invalid_parameter", "by");
  ExpectApiError(Get("/api/v1/breakdown?limit=0"), http::status::bad_request,
                 "invalid_parameter", "limit");
  ExpectApiError(Get("/api/v1/kpis?granularity=year"), http::status::bad_request,
                 "invalid_parameter", "granularity");
  ExpectApiError(Get("/api/v1/breakdown?from_date=2025-02-30"), http::status::bad_request,
                 "invalid_date", "from_date");
}

TEST_F(HandlerTest, EveryViewParameterIsPartOfTheCacheKey) {
  // Same filter, different shapes: each answer must be its own, in either request order.
  const std::vector<std::string> targets{
      "/api/v1/kpis?granularity=day", "/api/v1/kpis?granularity=month",
      "/api/v1/kpis?weight_by=total_chats", "/api/v1/breakdown?by=agent",
      "/api/v1/breakdown?by=supervisor", "/api/v1/breakdown?sort=name",
      "/api/v1/breakdown?order=asc", "/api/v1/breakdown?limit=1", "/api/v1/breakdown?offset=1",
      "/api/v1/breakdown?q=a"};
  const Handler uncached(holder_, HandlerOptions{.enable_cache = false});
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& target : targets) {
      EXPECT_EQ(Get(target).body(), uncached.Handle(MakeRequest(target)).body()) << target;
    }
  }
}

TEST_F(HandlerTest, MetricsCountRequestsByRouteAndStatusInPrometheusFormat) {
  Get("/api/v1/kpis");
  Get("/api/v1/kpis?agent=Ahmed");
  Get("/api/v1/kpis?from_date=nope");
  Get("/no/such/page/" + std::string(kScript));
  const Response res = Get("/metrics");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_THAT(Header(res, http::field::content_type), StartsWith("text/plain; version=0.0.4"));
  const std::string& text = res.body();
  EXPECT_THAT(text, HasSubstr("keeta_http_requests_total{route=\"/api/v1/kpis\",status=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("keeta_http_requests_total{route=\"/api/v1/kpis\",status=\"400\"} 1\n"));
  // Unknown paths share one label: a client cannot grow the label set.
  EXPECT_THAT(text, HasSubstr("keeta_http_requests_total{route=\"other\",status=\"404\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("script")));
  EXPECT_THAT(text, HasSubstr("keeta_http_request_duration_seconds_count{route=\"/api/v1/kpis\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("keeta_http_request_duration_seconds_bucket{route=\"/api/v1/kpis\",le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE keeta_http_request_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr(fmt::format("keeta_snapshot_rows {}\n", kDays * 4)));
  EXPECT_THAT(text, HasSubstr("keeta_snapshot_generation "));
  // Other parts report into the same registry.
  handler_.metrics().Counter("keeta_reload_failures_total", "Failed reloads.").Add();
  EXPECT_THAT(Get("/metrics").body(),
              HasSubstr("# TYPE keeta_reload_failures_total counter\nkeeta_reload_failures_total 1\n"));
}

TEST_F(HandlerTest, RepeatedParametersAreAlternatives) {
  const json one = ParseJson(Get("/api/v1/kpis?agent=Ahmed"));
  const json two = ParseJson(Get("/api/v1/kpis?agent=Ahmed&agent=Badr"));
  EXPECT_EQ(one["rows"], kDays);
  EXPECT_EQ(two["rows"], 2 * kDays);
  EXPECT_EQ(two["filters"]["agent"], json::array({"Ahmed", "Badr"}));
  // `+` is a space and %XX a byte; "All" means no filter.
  const json spaced = ParseJson(Get("/api/v1/kpis?agent=+Ahmed%20&supervisor=All"));
  EXPECT_EQ(spaced["rows"], kDays);
  EXPECT_EQ(spaced["filters"]["supervisor"], json::array());
}

TEST_F(HandlerTest, FiltersApiNarrowsByTheOtherFilters) {
  const Response res = Get("/api/v1/filters?supervisor=Sara");
  EXPECT_EQ(res.result(), http::status::ok);
  ExpectCommonHeaders(res);
  const json body = ParseJson(res);
  EXPECT_EQ(body["agent"], json::array({"Ahmed", "Badr"}));
  EXPECT_EQ(body["team_leader"], json::array({"Tala"}));
  EXPECT_EQ(body["supervisor"], json::array({"Sara", "Yusuf"}));
  EXPECT_EQ(body["min_day"], "2025-01-01");
  EXPECT_EQ(body["max_day"], "2025-01-30");
}

TEST_F(HandlerTest, OpenApiDocumentIsServed) {
  const Response res = Get("/api/v1/openapi.json");
  EXPECT_EQ(res.result(), http::status::ok);
  ExpectCommonHeaders(res);
  const json doc = ParseJson(res);
  EXPECT_THAT(doc["openapi"].get<std::string>(), StartsWith("3.1"));
  EXPECT_TRUE(doc["paths"].contains("/api/v1/kpis"));
  EXPECT_TRUE(doc["paths"].contains("/api/v1/filters"));
  EXPECT_FALSE(Header(res, http::field::etag).empty());
}

// ---- errors ------------------------------------------------------------------------------

TEST_F(HandlerTest, AnUnknownNameOrAReversedRangeIsAWarningBesideTheHonestZero) {
  json body = ParseJson(Get("/api/v1/kpis?agent=Ahmad&agent=Badr"));
  EXPECT_EQ(body["rows"], kDays);  // Badr's rows; Ahmad adds none
  ASSERT_EQ(body["warnings"].size(), 1u);
  EXPECT_EQ(body["warnings"][0], json::parse(R"({"code": "unknown_name", "param": "agent",
      "value": "Ahmad", "suggestions": ["Ahmed"],
      "message": "no agent 'Ahmad'; did you mean 'Ahmed'?"})"));
  body = ParseJson(Get("/api/v1/kpis?from_date=2025-01-20&to_date=2025-01-10"));
  EXPECT_EQ(body["rows"], 0);
  ASSERT_EQ(body["warnings"].size(), 1u);
  EXPECT_EQ(body["warnings"][0]["code"], "reversed_range");
  EXPECT_EQ(body["warnings"][0]["param"], "to_date");
  EXPECT_EQ(ParseJson(Get("/api/v1/kpis?agent=Ahmed"))["warnings"], json::array());
  // The page says the same, with the suggestion as a link to the corrected view.
  const Response page = Get("/overall?agent=Ahmad");
  EXPECT_EQ(page.result(), http::status::ok);
  EXPECT_NE(page.body().find("href=\"/overall?agent=Ahmed\"><bdi>Ahmed</bdi></a>?"), std::string::npos);
}

TEST_F(HandlerTest, BadDateIsA400NamingTheParameter) {
  ExpectApiError(Get("/api/v1/kpis?from_date=2025-02-30"), http::status::bad_request,
                 "invalid_date", "from_date");
  ExpectApiError(Get("/api/v1/kpis?to_date=01/02/2025"), http::status::bad_request,
                 "invalid_date", "to_date");
  ExpectApiError(Get("/api/v1/filters?from_date=2025-1-1"), http::status::bad_request,
                 "invalid_date", "from_date");
  // An empty date is no bound, not an error.
  EXPECT_EQ(Get("/api/v1/kpis?from_date=&to_date=").result(), http::status::ok);
}

TEST_F(HandlerTest, MalformedPercentEncodingIsA400) {
  ExpectApiError(Get("/api/v1/kpis?agent=%ZZ"), http::status::bad_request, "invalid_query",
                 "agent");
  ExpectApiError(Get("/api/v1/filters?agent=abc%"), http::status::bad_request, "invalid_query",
                 "agent");
  ExpectApiError(Get("/api/v1/kpis?%4=x"), http::status::bad_request, "invalid_query", nullptr);
  ExpectHtml(Get("/overall?agent=%G1"), http::status::bad_request);
}

TEST_F(HandlerTest, UnknownPathIs404InTheRouteFamilyShape) {
  ExpectApiError(Get("/api/v1/nope"), http::status::not_found, "not_found", nullptr);
  ExpectApiError(Get("/api/v2/kpis"), http::status::not_found, "not_found", nullptr);
  ExpectHtml(Get("/nope"), http::status::not_found);
  ExpectHtml(Get("/overall/"), http::status::not_found);
  ExpectHtml(Get("/static/no-such-file.js"), http::status::not_found);
  ExpectHtml(Get("/static/../handler.cc"), http::status::not_found);
  // Templates are rendered, never served raw.
  ExpectHtml(Get("/static/overall.html"), http::status::not_found);
}

TEST_F(HandlerTest, OtherMethodsAre405WithAllow) {
  for (const http::verb verb : {http::verb::post, http::verb::put, http::verb::delete_,
                                http::verb::options, http::verb::patch}) {
    const Response api = handler_.Handle(MakeRequest("/api/v1/kpis", verb));
    ExpectApiError(api, http::status::method_not_allowed, "method_not_allowed", nullptr);
    EXPECT_EQ(Header(api, http::field::allow), "GET, HEAD");

    const Response page = handler_.Handle(MakeRequest("/overall", verb));
    ExpectHtml(page, http::status::method_not_allowed);
    EXPECT_EQ(Header(page, http::field::allow), "GET, HEAD");
  }
}

TEST_F(HandlerTest, NoDatasetIs503ButHealthAndAssetsStillAnswer) {
  const Handler empty(std::make_shared<DatasetHolder>());
  ExpectApiError(empty.Handle(MakeRequest("/api/v1/kpis")), http::status::service_unavailable,
                 "no_data", nullptr);
  ExpectApiError(empty.Handle(MakeRequest("/api/v1/filters")),
                 http::status::service_unavailable, "no_data", nullptr);
  ExpectHtml(empty.Handle(MakeRequest("/overall")), http::status::service_unavailable);
  EXPECT_EQ(empty.Handle(MakeRequest("/healthz")).result(), http::status::ok);
  EXPECT_EQ(empty.Handle(MakeRequest("/static/app.css")).result(), http::status::ok);
}

// ---- HEAD, static assets, compression ------------------------------------------------------

TEST_F(HandlerTest, HeadHasTheHeadersOfGetAndNoBody) {
  for (const std::string_view target :
       {"/overall", "/api/v1/kpis?agent=Ahmed", "/api/v1/filters", "/healthz", "/static/app.css"}) {
    const Response get = Get(target);
    const Response head = handler_.Handle(MakeRequest(target, http::verb::head));
    EXPECT_EQ(head.result(), get.result()) << target;
    EXPECT_TRUE(head.body().empty()) << target;
    EXPECT_EQ(Header(head, http::field::content_length), std::to_string(get.body().size()))
        << target;
    EXPECT_EQ(Header(head, http::field::content_type), Header(get, http::field::content_type));
    ExpectCommonHeaders(head);
  }
}

TEST_F(HandlerTest, StaticAssetsHaveTypesEtagsAndRevalidate) {
  const Response css = Get("/static/app.css");
  EXPECT_EQ(css.result(), http::status::ok);
  ExpectCommonHeaders(css);
  EXPECT_EQ(Header(css, http::field::content_type), "text/css; charset=utf-8");
  EXPECT_EQ(Header(css, http::field::cache_control), "public, max-age=3600");
  EXPECT_EQ(Header(css, http::field::vary), "Accept-Encoding");
  const std::string etag = Header(css, http::field::etag);
  ASSERT_THAT(etag, StartsWith("\""));
  EXPECT_FALSE(css.body().empty());

  EXPECT_EQ(Header(Get("/static/favicon.svg"), http::field::content_type), "image/svg+xml");
  EXPECT_EQ(Header(Get("/static/uPlot.iife.min.js"), http::field::content_type),
            "text/javascript; charset=utf-8");
  EXPECT_NE(Header(Get("/static/uPlot.iife.min.js"), http::field::etag), etag);

  for (const std::string& inm : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    Request req = MakeRequest("/static/app.css");
    req.set(http::field::if_none_match, inm);
    const Response res = handler_.Handle(req);
    EXPECT_EQ(res.result(), http::status::not_modified) << inm;
    EXPECT_TRUE(res.body().empty());
    EXPECT_EQ(Header(res, http::field::etag), etag);
  }
  Request stale = MakeRequest("/static/app.css");
  stale.set(http::field::if_none_match, "\"0000\"");
  EXPECT_EQ(handler_.Handle(stale).result(), http::status::ok);

  // A versioned URL is immutable; a stale version is served but not pinned.
  const std::string url = StaticUrl("app.css");
  ASSERT_THAT(url, StartsWith("/static/app.css?v="));
  EXPECT_THAT(Header(Get(url), http::field::cache_control), HasSubstr("immutable"));
  EXPECT_THAT(Header(Get("/static/app.css?v=old"), http::field::cache_control),
              Not(HasSubstr("immutable")));
}

TEST_F(HandlerTest, StaticAssetsAreGzippedWhenAccepted) {
  const Response plain = Get("/static/uPlot.iife.min.js");
  const Response gz = GetGzip("/static/uPlot.iife.min.js");
  EXPECT_EQ(gz.result(), http::status::ok);
  EXPECT_EQ(Header(gz, http::field::content_encoding), "gzip");
  EXPECT_TRUE(Header(plain, http::field::content_encoding).empty());
  EXPECT_LT(gz.body().size(), plain.body().size());
  EXPECT_EQ(Gunzip(gz.body()), plain.body());
  // The two representations have different strong validators.
  const std::string gz_etag = Header(gz, http::field::etag);
  EXPECT_NE(gz_etag, Header(plain, http::field::etag));
  Request req = MakeRequest("/static/uPlot.iife.min.js");
  req.set(http::field::accept_encoding, "gzip");
  req.set(http::field::if_none_match, gz_etag);
  EXPECT_EQ(handler_.Handle(req).result(), http::status::not_modified);
  // q=0 refuses gzip.
  EXPECT_TRUE(Header(GetGzip("/static/uPlot.iife.min.js", "gzip;q=0"),
                     http::field::content_encoding).empty());
}

TEST_F(HandlerTest, DynamicResponsesAreGzippedWhenAcceptedAndLarge) {
  for (const std::string_view target : {"/api/v1/kpis", "/overall?supervisor=Sara"}) {
    const Response plain = Get(target);
    ASSERT_GT(plain.body().size(), 1024u);
    const Response gz = GetGzip(target);
    EXPECT_EQ(Header(gz, http::field::content_encoding), "gzip") << target;
    EXPECT_EQ(Header(gz, http::field::vary), "Accept-Encoding");
    EXPECT_EQ(Header(gz, http::field::content_length), std::to_string(gz.body().size()));
    EXPECT_EQ(Gunzip(gz.body()), plain.body()) << target;
    EXPECT_TRUE(Header(GetGzip(target, "identity"), http::field::content_encoding).empty());
    EXPECT_TRUE(Header(GetGzip(target, "br, gzip;q=0"), http::field::content_encoding).empty());
    EXPECT_EQ(Header(GetGzip(target, "*"), http::field::content_encoding), "gzip");
  }
  // Small bodies go uncompressed.
  const Response small = GetGzip("/api/v1/filters?agent=Ahmed");
  ASSERT_LE(Get("/api/v1/filters?agent=Ahmed").body().size(), 1024u);
  EXPECT_TRUE(Header(small, http::field::content_encoding).empty());
  EXPECT_EQ(GetGzip("/healthz").body(), "ok");
}

// ---- cache -------------------------------------------------------------------------------

TEST_F(HandlerTest, CacheOnAndOffGiveIdenticalResponses) {
  const Handler uncached(holder_, HandlerOptions{.enable_cache = false});
  const std::vector<std::string_view> targets = {
      "/overall", "/overall?agent=Ahmed&agent=Carla", "/api/v1/kpis",
      "/api/v1/kpis?supervisor=Yusuf&from_date=2025-01-05&to_date=2025-01-20",
      "/api/v1/filters?team_leader=Tala", "/overall?from_date=2025-02-31"};
  for (int round = 0; round < 2; ++round) {  // the second round is served from the cache
    for (const std::string_view target : targets) {
      for (const bool gzip : {false, true}) {
        Request req = MakeRequest(target);
        if (gzip) req.set(http::field::accept_encoding, "gzip");
        const Response a = handler_.Handle(req);
        const Response b = uncached.Handle(req);
        EXPECT_EQ(a.result(), b.result()) << target;
        EXPECT_EQ(a.body(), b.body()) << target << " gzip=" << gzip << " round " << round;
        EXPECT_EQ(Header(a, http::field::content_encoding),
                  Header(b, http::field::content_encoding));
      }
    }
  }
}

TEST_F(HandlerTest, ANewSnapshotIsNeverAnsweredFromTheOldCache) {
  const json before = ParseJson(Get("/api/v1/kpis?agent=Ahmed"));
  ParseJson(Get("/api/v1/kpis?agent=Ahmed"));  // now cached
  holder_->Publish(test::DatasetFromCsv(MakeCsv(5, /*chats_offset=*/1000)));
  const json after = ParseJson(Get("/api/v1/kpis?agent=Ahmed"));
  EXPECT_EQ(before["rows"], kDays);
  EXPECT_EQ(after["rows"], 5);
  int expected = 0;
  for (int d = 0; d < 5; ++d) expected += 1010 + d;
  EXPECT_EQ(after["kpis"][0]["value"], expected);
}

TEST_F(HandlerTest, ConcurrentRequestsDuringReloadsSeeOneSnapshotEach) {
  // Two datasets that give different answers; reloads alternate between them while four
  // threads ask. Every answer must be wholly one dataset's, never a mix or a stale cache hit
  // attributed to the other.
  const auto big = test::DatasetFromCsv(MakeCsv(kDays));
  const auto small = test::DatasetFromCsv(MakeCsv(5, /*chats_offset=*/1000));
  int big_total = 0;
  for (int d = 0; d < kDays; ++d) big_total += 10 + d;
  int small_total = 0;
  for (int d = 0; d < 5; ++d) small_total += 1010 + d;

  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      while (!done.load()) {
        Request req = MakeRequest(t % 2 == 0 ? "/api/v1/kpis?agent=Ahmed"
                                             : "/api/v1/kpis?agent=Ahmed&agent=");
        if (t >= 2) req.set(http::field::accept_encoding, "gzip");
        const Response res = handler_.Handle(req);
        const std::string body = res[http::field::content_encoding] == "gzip"
                                     ? Gunzip(res.body())
                                     : res.body();
        const json parsed = json::parse(body);
        const int rows = parsed["rows"];
        const int total = parsed["kpis"][0]["value"];
        const bool ok = (rows == kDays && total == big_total) ||
                        (rows == 5 && total == small_total);
        if (!ok) bad.fetch_add(1);
        answered.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 40; ++i) {
    holder_->Publish(i % 2 == 0 ? small : big);
    const int target = answered.load() + 6;  // let some requests run on this snapshot
    while (answered.load() < target) std::this_thread::yield();
  }
  done.store(true);
  for (auto& thread : readers) thread.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST_F(HandlerTest, AFailedReloadShowsOnTheCachedPage) {
  const Response first = Get("/overall");
  Get("/overall");  // cached
  holder_->RecordError("reload broke: unterminated quote on line 7");
  const Response after = Get("/overall");
  EXPECT_THAT(first.body(), Not(HasSubstr("unterminated quote on line 7")));
  EXPECT_THAT(after.body(), HasSubstr("unterminated quote on line 7"));
}

// ---- escaping ----------------------------------------------------------------------------

TEST_F(HandlerTest, HostileNamesAreEscapedEverywhere) {
  const std::string target =
      "/overall?agent=%3Cscript%3Ealert(1)%3C%2Fscript%3E&team_leader=%3Cscript%3Ealert(1)%3C/"
      "script%3E";
  const Response page = Get(target);
  ExpectHtml(page, http::status::ok);
  EXPECT_THAT(page.body(), Not(HasSubstr(kScript)));
  EXPECT_THAT(page.body(), HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(Get("/overall").body(), Not(HasSubstr(kScript)));

  const Response api = Get("/api/v1/kpis?agent=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  EXPECT_THAT(api.body(), Not(HasSubstr(kScript)));
  const json body = ParseJson(api);
  EXPECT_EQ(body["filters"]["agent"], json::array({kScript}));
  EXPECT_EQ(body["rows"], kDays);

  const Response choices = Get("/api/v1/filters");
  EXPECT_THAT(choices.body(), Not(HasSubstr(kScript)));
  EXPECT_THAT(ParseJson(choices)["agent"],
              ElementsAre("<script>alert(1)</script>", "Ahmed", "Badr", "Carla"));

  // Error pages and error JSON quote the path or value escaped, too.
  EXPECT_THAT(Get("/<script>alert(1)</script>").body(), Not(HasSubstr(kScript)));
  const Response bad_date = Get("/api/v1/kpis?from_date=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  EXPECT_THAT(bad_date.body(), Not(HasSubstr(kScript)));
  EXPECT_THAT(Get("/overall?from_date=%3Cscript%3Ealert(1)%3C%2Fscript%3E").body(),
              Not(HasSubstr(kScript)));
}

TEST_F(HandlerTest, ResponsesKeepTheRequestVersionAndKeepAlive) {
  Request req = MakeRequest("/healthz");
  req.version(10);
  Response res = handler_.Handle(req);
  EXPECT_EQ(res.version(), 10);
  EXPECT_FALSE(res.keep_alive());
  req.version(11);
  res = handler_.Handle(req);
  EXPECT_TRUE(res.keep_alive());
  req.set(http::field::connection, "close");
  EXPECT_FALSE(handler_.Handle(req).keep_alive());
}

// ---- query strings -----------------------------------------------------------------------

TEST(QueryStringTest, SplitsTargets) {
  EXPECT_EQ(SplitTarget("/a?b=c").path, "/a");
  EXPECT_EQ(SplitTarget("/a?b=c").query, "b=c");
  EXPECT_EQ(SplitTarget("/a").query, "");
  EXPECT_EQ(SplitTarget("/a?b=c#frag").query, "b=c");
  EXPECT_EQ(SplitTarget("/a#x?y").path, "/a");
  EXPECT_EQ(SplitTarget("/a?b?c").query, "b?c");
}

TEST(QueryStringTest, DecodesPairsInOrder) {
  auto params = ParseQueryString("agent=a+b&agent=%C3%A9%2B&&flag&x=%3d=&=v");
  ASSERT_TRUE(params.ok());
  const QueryParams expected = {
      {"agent", "a b"}, {"agent", "é+"}, {"flag", ""}, {"x", "=="}, {"", "v"}};
  EXPECT_EQ(*params, expected);
  EXPECT_TRUE(ParseQueryString("")->empty());
}

TEST(QueryStringTest, RejectsMalformedPercentEncoding) {
  for (const std::string_view bad : {"a=%", "a=%4", "a=%4g", "a=%%41", "%zz=1"}) {
    const auto params = ParseQueryString(bad);
    EXPECT_FALSE(params.ok()) << bad;
  }
  EXPECT_EQ(ParseQueryString("agent=%xy").error().param, "agent");
  EXPECT_EQ(PercentDecode("%41%62c").value(), "Abc");
  EXPECT_EQ(PercentDecode("%00").value(), std::string(1, '\0'));
}

// ---- content coding helpers ----------------------------------------------------------------

TEST(AssetsTest, AcceptEncodingNegotiation) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZIP;q=0.5, br"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("br, deflate"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(AcceptsGzip("*, gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzipx"));
}

TEST(AssetsTest, EtagMatching) {
  EXPECT_TRUE(EtagMatches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(EtagMatches("*", "\"abc\""));
  EXPECT_FALSE(EtagMatches("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(EtagMatches("", "\"abc\""));
}

TEST(AssetsTest, GzipRoundTrips) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "line " + std::to_string(i) + "\n";
  const std::string gz = GzipCompress(text, 5);
  EXPECT_LT(gz.size(), text.size());
  EXPECT_EQ(Gunzip(gz), text);
  EXPECT_EQ(Gunzip(GzipCompress("", 5)), "");
}

// ---- response cache ----------------------------------------------------------------------

std::shared_ptr<const std::string> Body(std::size_t size, char fill = 'x') {
  return std::make_shared<const std::string>(size, fill);
}

TEST(ResponseCacheTest, StoresPerRouteFilterAndEncoding) {
  ResponseCache cache(1 << 20);
  const auto snap = std::make_shared<int>(1);
  ResponseCache::Key key{1, snap, "kpis", "agent=5:Ahmed;", false};
  EXPECT_EQ(cache.Get(key), nullptr);
  cache.Put(key, Body(10, 'a'));
  ASSERT_NE(cache.Get(key), nullptr);
  EXPECT_EQ(*cache.Get(key), std::string(10, 'a'));

  ResponseCache::Key other = key;
  other.gzip = true;
  EXPECT_EQ(cache.Get(other), nullptr);
  other = key;
  other.route = "filters";
  EXPECT_EQ(cache.Get(other), nullptr);
  other = key;
  other.filter_key = "agent=4:Badr;";
  EXPECT_EQ(cache.Get(other), nullptr);
}

TEST(ResponseCacheTest, OnlyTheCurrentSnapshotIsServed) {
  ResponseCache cache(1 << 20);
  const auto old_snap = std::make_shared<int>(1);
  const auto new_snap = std::make_shared<int>(2);
  const ResponseCache::Key old_key{1, old_snap, "kpis", "", false};
  const ResponseCache::Key new_key{2, new_snap, "kpis", "", false};
  cache.Put(old_key, Body(10, 'o'));
  ASSERT_NE(cache.Get(old_key), nullptr);

  cache.Put(new_key, Body(10, 'n'));
  EXPECT_EQ(cache.Get(old_key), nullptr);  // the older generation is gone
  EXPECT_EQ(*cache.Get(new_key), std::string(10, 'n'));
  EXPECT_EQ(cache.entries(), 1u);

  // A late writer from the old snapshot cannot put its body back.
  cache.Put(old_key, Body(10, 'o'));
  EXPECT_EQ(cache.Get(old_key), nullptr);
  EXPECT_EQ(cache.entries(), 1u);

  // Same generation, different snapshot object (a racing read): neither served nor stored.
  const ResponseCache::Key mixed{2, old_snap, "kpis", "", false};
  EXPECT_EQ(cache.Get(mixed), nullptr);
  cache.Put(mixed, Body(10, 'm'));
  EXPECT_EQ(*cache.Get(new_key), std::string(10, 'n'));
}

TEST(ResponseCacheTest, EvictsLeastRecentlyUsedWithinTheByteBound) {
  // Bodies of 10,000 bytes in a 100,000-byte cache: room for 9 with their overhead.
  ResponseCache cache(100000);
  const auto snap = std::make_shared<int>(1);
  std::vector<std::string> filters;
  for (int i = 0; i < 12; ++i) filters.push_back(fmt::format("f{}", i));
  auto key = [&](int i) { return ResponseCache::Key{1, snap, "kpis", filters[i], false}; };
  for (int i = 0; i < 9; ++i) cache.Put(key(i), Body(10000));
  ASSERT_NE(cache.Get(key(0)), nullptr);  // 0 becomes the most recently used
  for (int i = 9; i < 12; ++i) cache.Put(key(i), Body(10000));
  EXPECT_LE(cache.bytes(), 100000u);
  EXPECT_NE(cache.Get(key(0)), nullptr);
  EXPECT_EQ(cache.Get(key(1)), nullptr);  // the least recently used went first
  EXPECT_NE(cache.Get(key(11)), nullptr);
  // A body bigger than an eighth of the budget is not kept.
  cache.Put(ResponseCache::Key{1, snap, "kpis", "huge", false}, Body(50000));
  EXPECT_EQ(cache.Get(ResponseCache::Key{1, snap, "kpis", "huge", false}), nullptr);
}

}  // namespace
}  // namespace keeta::web
