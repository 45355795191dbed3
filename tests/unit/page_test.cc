// The server-rendered dashboard page (web/page.h): escaping, the ten cards from the
// registry, the filter pickers, notices, and the embedded trend JSON. The data goes through
// the real CSV loader and engine; expected card texts are worked out by hand from the CSV.
#include "web/page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine.h"
#include "core/kpi_registry.h"
#include "core/query_check.h"
#include "test_data.h"
#include "web/html_template.h"

namespace keeta::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kScriptName = "<script>alert(1)</script>";

// Three rows, two supervisors. Columns avg_response_time, active_agents, escalations,
// avg_chat_duration, sales_conversion and avg_queue_time are absent; one csat is junk.
constexpr std::string_view kCsv =
    "day,agent,team_leader,supervisor,total_chats,csat,resolved,pending\n"
    "2025-01-01,<script>alert(1)</script>,T1,S1,1000,90,8,2\n"
    "2025-01-02,\"O'Brien & \"\"Co\"\"\",T1,S1,234,85,,\n"
    "2025-01-02,أحمد,T2,S2,5,abc,1,1\n";

// Everything RenderOverallPage needs, computed for one filter.
struct Rendered {
  std::shared_ptr<const Dataset> data;
  Filter filter;
  Dashboard dashboard;
  FilterChoices choices;
  std::string html;
};

Rendered Render(Filter filter, std::vector<std::string> errors = {},
                std::optional<std::string> reload_error = std::nullopt) {
  Rendered r;
  r.data = test::DatasetFromCsv(kCsv);
  r.filter = std::move(filter);
  const Query query{r.filter, {}};
  r.dashboard = ComputeDashboard(*r.data, query);
  r.choices = ComputeChoices(*r.data, query);
  r.html = RenderOverallPage(
      PageInput{r.data->report(), r.filter, r.dashboard, r.choices, std::move(errors), reload_error});
  return r;
}

// Text between `begin` (searched from `from`) and the next `end`; "" when absent.
std::string_view Between(std::string_view html, std::string_view begin, std::string_view end,
                         std::size_t from = 0) {
  const std::size_t b = html.find(begin, from);
  if (b == std::string_view::npos) return {};
  const std::size_t start = b + begin.size();
  const std::size_t e = html.find(end, start);
  if (e == std::string_view::npos) return {};
  return html.substr(start, e - start);
}

// The markup of one KPI card.
std::string_view Card(std::string_view html, std::string_view id) {
  const std::string open = "<article class=\"card\" data-kpi=\"" + std::string(id) + "\"";
  const std::size_t b = html.find(open);
  if (b == std::string_view::npos) return {};
  const std::size_t e = html.find("</article>", b);
  return html.substr(b, e - b);
}

std::string_view CardValue(std::string_view html, std::string_view id) {
  return Between(Card(html, id), "<span class=\"value\">", "</span>");
}

std::string_view KpiDataText(std::string_view html) {
  return Between(html, "<script type=\"application/json\" id=\"kpi-data\">", "</script>");
}

const KpiResult& Kpi(const Dashboard& d, std::string_view id) {
  for (const KpiResult& k : d.kpis) {
    if (k.def->id == id) return k;
  }
  throw std::runtime_error("no such kpi");
}

TEST(OverallPage, ShowsHandComputedCardValues) {
  const Rendered r = Render({});
  EXPECT_EQ(CardValue(r.html, "total_chats"), "1,239");   // 1000 + 234 + 5
  EXPECT_EQ(CardValue(r.html, "csat"), "87.5%");          // (90 + 85) / 2; "abc" skipped
  EXPECT_EQ(CardValue(r.html, "resolved_pct"), "75.0%");  // 100 * 9 / (9 + 3)
  EXPECT_EQ(CardValue(r.html, "pending"), "3");
  EXPECT_EQ(CardValue(r.html, "active_agents"), "3");     // no active_agents column: all active
  EXPECT_THAT(Card(r.html, "total_chats"), HasSubstr("<span class=\"unit\">chats</span>"));
  // The percent sign is the unit: not repeated after the value.
  EXPECT_THAT(Card(r.html, "csat"), Not(HasSubstr("class=\"unit\"")));
}

TEST(OverallPage, NoValueRendersAsDashNeverZero) {
  const Rendered r = Render({});
  for (std::string_view id : {"avg_response_time", "escalations", "avg_chat_duration",
                              "sales_conversion", "avg_queue_time"}) {
    EXPECT_EQ(CardValue(r.html, id), "—") << id;
    EXPECT_THAT(Card(r.html, id), HasSubstr("data-value=\"\"")) << id;
    EXPECT_THAT(Card(r.html, id), Not(HasSubstr("class=\"unit\""))) << id;
  }
}

TEST(OverallPage, CardsFollowTheRegistryOrderWithHelpText) {
  const Rendered r = Render({});
  std::size_t last = 0;
  for (const KpiDef& def : kKpis) {
    std::string heading = "<h2 class=\"card-label\" title=\"";
    AppendHtmlEscaped(heading, def.help);  // tested in html_template_test.cc
    heading += "\">" + std::string(def.label) + "</h2>";
    const std::size_t at = r.html.find(heading);
    ASSERT_NE(at, std::string::npos) << def.id;
    EXPECT_GT(at, last) << def.id << " is out of order";
    last = at;
  }
}

TEST(OverallPage, NamesInDataAndFilterAppearOnlyEscaped) {
  Filter filter;
  filter.AddName(Dimension::kAgent, kScriptName);
  filter.AddName(Dimension::kSupervisor, "<b>not a supervisor</b>");
  const Rendered r = Render(filter);
  EXPECT_THAT(r.html, Not(HasSubstr(kScriptName)));
  EXPECT_THAT(r.html, Not(HasSubstr("<b>not")));
  EXPECT_THAT(r.html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(r.html, HasSubstr("&lt;b&gt;not a supervisor&lt;/b&gt;"));
  // The only <script elements are the page's own: two defer'd files and the data block.
  std::size_t scripts = 0;
  for (std::size_t at = r.html.find("<script"); at != std::string::npos;
       at = r.html.find("<script", at + 1)) {
    ++scripts;
  }
  EXPECT_EQ(scripts, 3u);
}

TEST(OverallPage, QuotesAndAmpersandsInNamesAreEscapedInAttributes) {
  const Rendered r = Render({});
  EXPECT_THAT(r.html, HasSubstr("value=\"O&#39;Brien &amp; &quot;Co&quot;\""));
  EXPECT_THAT(r.html, HasSubstr("value=\"أحمد\""));
}

TEST(OverallPage, SelectedOptionsAreCheckedAndOthersNarrowed) {
  Filter filter;
  filter.AddName(Dimension::kSupervisor, "S1");
  const Rendered r = Render(filter);
  EXPECT_THAT(r.html, HasSubstr("name=\"supervisor\" value=\"S1\" checked>"));
  // The supervisor list is narrowed by the *other* filters only: S2 is still offered.
  EXPECT_THAT(r.html, HasSubstr("name=\"supervisor\" value=\"S2\">"));
  // Team leaders and agents are narrowed to S1's.
  EXPECT_THAT(r.html, HasSubstr("name=\"team_leader\" value=\"T1\">"));
  EXPECT_THAT(r.html, Not(HasSubstr("name=\"team_leader\" value=\"T2\"")));
  EXPECT_THAT(r.html, Not(HasSubstr("name=\"agent\" value=\"أحمد\"")));
  EXPECT_EQ(CardValue(r.html, "total_chats"), "1,234");
  EXPECT_EQ(CardValue(r.html, "resolved_pct"), "80.0%");  // 100 * 8 / (8 + 2)
  // The selection is summarised at a glance.
  EXPECT_THAT(r.html, HasSubstr("<span class=\"chip-key\">Supervisor</span> "
                                "<bdi class=\"chip-value\">S1</bdi>"));
  EXPECT_THAT(r.html, HasSubstr("data-rows=\"2\">2</strong> rows"));
}

TEST(OverallPage, SelectedNameOutsideTheChoicesStaysListedAndChecked) {
  Filter filter;
  filter.AddName(Dimension::kSupervisor, "S2");
  filter.AddName(Dimension::kTeamLeader, "T1");  // T1 is not under S2
  const Rendered r = Render(filter);
  EXPECT_THAT(r.html, HasSubstr("name=\"team_leader\" value=\"T1\" checked>"));
  EXPECT_THAT(r.html, HasSubstr("name=\"team_leader\" value=\"T2\">"));
  EXPECT_EQ(r.dashboard.rows, 0u);
}

TEST(OverallPage, DateInputsCarryTheFilterAndTheDataBounds) {
  Filter filter;
  filter.from = ParseIsoDay("2025-01-02");
  const Rendered r = Render(filter);
  EXPECT_THAT(r.html, HasSubstr("name=\"from_date\" value=\"2025-01-02\" min=\"2025-01-01\" "
                                "max=\"2025-01-02\""));
  EXPECT_THAT(r.html, HasSubstr("name=\"to_date\" value=\"\" min=\"2025-01-01\""));
  EXPECT_THAT(r.html, HasSubstr("<time>2025-01-02</time> → <time>2025-01-02</time>"));
}

TEST(OverallPage, ChipRemoveButtonsSubmitTheFilterOnceAndWhatToDrop) {
  Filter filter;
  filter.AddName(Dimension::kSupervisor, "S1");
  filter.AddName(Dimension::kAgent, "O'Brien & \"Co\"");
  filter.from = ParseIsoDay("2025-01-02");
  const Rendered r = Render(filter);
  // The current filter, once, as hidden fields of the chips' form.
  EXPECT_THAT(r.html, HasSubstr("<form class=\"chips-form\" method=\"get\" action=\"/overall\">"
                                "<input type=\"hidden\" name=\"supervisor\" value=\"S1\">"
                                "<input type=\"hidden\" name=\"agent\" "
                                "value=\"O&#39;Brien &amp; &quot;Co&quot;\">"
                                "<input type=\"hidden\" name=\"from_date\" value=\"2025-01-02\">"));
  // Each chip's button names only what it removes.
  EXPECT_THAT(r.html, HasSubstr("<button type=\"submit\" class=\"chip-x\" name=\"drop_agent\" "
                                "value=\"O&#39;Brien &amp; &quot;Co&quot;\" "
                                "aria-label=\"Remove Agent O&#39;Brien &amp; &quot;Co&quot;\">"));
  EXPECT_THAT(r.html, HasSubstr("name=\"drop_supervisor\" value=\"S1\""));
  EXPECT_THAT(r.html, HasSubstr("name=\"drop_dates\" value=\"1\" aria-label=\"Remove date range\""));
}

TEST(OverallPage, ErrorsAndReloadFailureAreShownEscaped) {
  const Rendered r = Render({}, {"from_date: '2025-02-30' is not a real day; ignored"},
                            "fixture.csv: line 3: <unterminated quote>");
  EXPECT_THAT(r.html, HasSubstr("role=\"alert\""));
  EXPECT_THAT(r.html, HasSubstr("from_date: &#39;2025-02-30&#39; is not a real day; ignored"));
  EXPECT_THAT(r.html, HasSubstr("Showing data loaded at <time datetime=\"2026-01-05T10:00:00Z\">"
                                "2026-01-05 10:00 UTC</time>"));
  EXPECT_THAT(r.html, HasSubstr("reload failed: <span class=\"banner-detail\">fixture.csv: "
                                "line 3: &lt;unterminated quote&gt;</span>"));
}

TEST(OverallPage, SaysSoWhenNoRowMatches) {
  Filter filter;
  filter.AddName(Dimension::kAgent, "Nobody By That Name");
  const Rendered r = Render(filter);
  ASSERT_EQ(r.dashboard.rows, 0u);
  EXPECT_NE(r.html.find("class=\"empty-state\""), std::string::npos);
  EXPECT_NE(r.html.find("No rows match these filters"), std::string::npos);

  const Rendered all = Render({});
  ASSERT_GT(all.dashboard.rows, 0u);
  EXPECT_EQ(all.html.find("class=\"empty-state\""), std::string::npos);
}

TEST(OverallPage, NoAlertsWhenAllIsWell) {
  const Rendered r = Render({});
  EXPECT_THAT(r.html, Not(HasSubstr("role=\"alert\"")));
  EXPECT_THAT(r.html, Not(HasSubstr("reload failed")));
}

TEST(OverallPage, LoadReportInFooterAndWarningsAsNotice) {
  const Rendered r = Render({});
  EXPECT_THAT(r.html, HasSubstr("<strong>3</strong> rows loaded from <code>fixture.csv</code>"));
  const std::vector<std::string> warnings = r.data->report().Warnings();
  ASSERT_FALSE(warnings.empty());  // missing columns and the junk csat cell
  for (const std::string& warning : warnings) {
    std::string escaped;
    AppendHtmlEscaped(escaped, warning);
    EXPECT_THAT(r.html, HasSubstr("<li>" + escaped + "</li>"));
  }
}

TEST(OverallPage, TheFootersApiLinkCarriesTheViewsFilters) {
  Filter filter;
  filter.AddName(Dimension::kAgent, "O'Brien & \"Co\"");
  filter.from = ParseIsoDay("2025-01-02");
  const std::string filtered = Render(filter).html;
  EXPECT_EQ(Between(filtered, "<span><a href=\"", "\">JSON API</a>"),
            "/api/v1/kpis?agent=O%27Brien+%26+%22Co%22&amp;from_date=2025-01-02");
  const std::string unfiltered = Render({}).html;
  EXPECT_EQ(Between(unfiltered, "<span><a href=\"", "\">JSON API</a>"), "/api/v1/kpis");
}

TEST(OverallPage, ActiveAgentsSaysItIsDistinctOverThePeriod) {
  const std::string html = Render({}).html;
  EXPECT_THAT(Card(html, "active_agents"), HasSubstr("<p class=\"card-note\">distinct in period</p>"));
  EXPECT_THAT(Card(html, "total_chats"), Not(HasSubstr("distinct in period")));
}

TEST(OverallPage, TheTopBarSaysWhatPeriodTheDataCovers) {
  Filter filter;
  filter.AddName(Dimension::kAgent, "أحمد");  // narrows the rows, not the data's period
  const Rendered r = Render(filter);
  ASSERT_TRUE(r.choices.min_day && r.choices.max_day);
  EXPECT_THAT(r.html, HasSubstr("<p class=\"topbar-meta\"><span class=\"data-period\">Data <time>" +
                                FormatDay(*r.choices.min_day) + "</time> to <time>" +
                                FormatDay(*r.choices.max_day) + "</time> · </span>Loaded <time"));
}

TEST(OverallPage, TheSummaryCountsTrendPointsInTheirOwnUnit) {
  const auto data = test::DatasetFromCsv(kCsv);
  const Filter filter;
  const Query query{filter, {}};
  const FilterChoices choices = ComputeChoices(*data, query);
  const Dashboard by_day = ComputeDashboard(*data, query);
  const Dashboard by_week = ComputeDashboard(*data, query, {.granularity = Granularity::kWeek});
  ASSERT_EQ(by_day.days.size(), 2u);   // 2025-01-01 and 2025-01-02
  ASSERT_EQ(by_week.days.size(), 1u);  // both in the week of Monday 2024-12-30
  EXPECT_THAT(RenderOverallPage(PageInput{data->report(), filter, by_day, choices, {}, std::nullopt}),
              HasSubstr("rows · 2 days</p>"));
  EXPECT_THAT(RenderOverallPage(PageInput{data->report(), filter, by_week, choices, {}, std::nullopt}),
              HasSubstr("rows · 1 week</p>"));
}

TEST(OverallPage, TrendJsonParsesAndMatchesTheDashboard) {
  const Rendered r = Render({});
  const std::string_view text = KpiDataText(r.html);
  ASSERT_FALSE(text.empty());
  EXPECT_THAT(text, Not(HasSubstr("</")));
  const nlohmann::json data = nlohmann::json::parse(text);

  ASSERT_EQ(data["days"].size(), r.dashboard.days.size());
  for (std::size_t i = 0; i < r.dashboard.days.size(); ++i) {
    EXPECT_EQ(data["days"][i], FormatDay(r.dashboard.days[i]));
  }
  EXPECT_EQ(data["days"], nlohmann::json({"2025-01-01", "2025-01-02"}));

  ASSERT_EQ(data["kpis"].size(), kKpiCount);
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    const nlohmann::json& kpi = data["kpis"][k];
    const KpiResult& want = r.dashboard.kpis[k];
    EXPECT_EQ(kpi["id"], want.def->id);
    EXPECT_EQ(kpi["label"], want.def->label);
    EXPECT_EQ(kpi["unit"], want.def->unit);
    ASSERT_EQ(kpi["values"].size(), want.trend.size()) << want.def->id;
    for (std::size_t i = 0; i < want.trend.size(); ++i) {
      const nlohmann::json& got = kpi["values"][i];
      if (std::isnan(want.trend[i])) {
        EXPECT_TRUE(got.is_null()) << want.def->id << "[" << i << "]";
      } else {
        ASSERT_TRUE(got.is_number()) << want.def->id << "[" << i << "]";
        // Rounded for display: to one decimal at most.
        EXPECT_NEAR(got.get<double>(), want.trend[i], 0.05) << want.def->id << "[" << i << "]";
      }
    }
  }
  // Spot checks against the CSV: daily sums and a day where csat has no value.
  EXPECT_EQ(data["kpis"][0]["values"], nlohmann::json({1000, 239}));
  EXPECT_EQ(data["kpis"][2]["values"], nlohmann::json({90.0, 85.0}));
}

// Trend values are rounded exactly as the cards round (FormatKpiValue), including values
// at or near a rounding tie and negative values that round to zero.
TEST(OverallPage, TrendJsonRoundsLikeTheCards) {
  const std::vector<double> samples{0.15, 0.25, 0.35, 0.05, 2.675, 1234.56, 99.95, -0.04,
                                    -1.25, 7.0, 1e-7, 123456.789};
  std::string csv = "day,agent,avg_response_time,total_chats\n";
  for (std::size_t i = 0; i < samples.size(); ++i) {
    csv += fmt::format("2025-03-{:02},A,{},{}\n", i + 1, samples[i], samples[i]);
  }
  const auto data = test::DatasetFromCsv(csv, "rounding.csv");
  ASSERT_NE(data, nullptr);
  const Filter filter;
  const Dashboard dashboard = ComputeDashboard(*data, Query{filter, {}});
  const FilterChoices choices = ComputeChoices(*data, Query{filter, {}});
  const std::string html =
      RenderOverallPage(PageInput{data->report(), filter, dashboard, choices, {}, std::nullopt});

  for (std::string_view id : {"avg_response_time", "total_chats"}) {
    const KpiResult& kpi = Kpi(dashboard, id);
    ASSERT_EQ(kpi.trend.size(), samples.size());
    const std::string key = "{\"id\":\"" + std::string(id) + "\"";
    const std::string_view values =
        Between(KpiDataText(html), "\"values\":[", "]", KpiDataText(html).find(key));
    std::vector<std::string> tokens;
    for (std::size_t b = 0; b <= values.size();) {
      const std::size_t e = std::min(values.find(',', b), values.size());
      tokens.emplace_back(values.substr(b, e - b));
      b = e + 1;
    }
    ASSERT_EQ(tokens.size(), samples.size()) << id;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      std::string want = FormatKpiValue(*kpi.def, kpi.trend[i]);
      std::erase(want, ',');  // JSON numbers carry no thousands separators
      EXPECT_EQ(tokens[i], want) << id << " " << samples[i];
    }
  }
}

TEST(OverallPage, CardDataValueIsTheExactDashboardValue) {
  const Rendered r = Render({});
  for (const KpiResult& k : r.dashboard.kpis) {
    const std::string_view attr = Between(Card(r.html, k.def->id), "data-value=\"", "\"");
    if (!k.value) {
      EXPECT_EQ(attr, "") << k.def->id;
    } else {
      EXPECT_EQ(std::stod(std::string(attr)), *k.value) << k.def->id;
    }
  }
  EXPECT_DOUBLE_EQ(*Kpi(r.dashboard, "csat").value, 87.5);
}

TEST(OverallPage, EveryAvailableTrendHasAnSvgFallback) {
  const Rendered r = Render({});
  for (const KpiResult& k : r.dashboard.kpis) {
    const std::string_view card = Card(r.html, k.def->id);
    if (k.available) {
      EXPECT_THAT(card, HasSubstr("<svg class=\"spark-svg\"")) << k.def->id;
    } else {
      EXPECT_THAT(card, HasSubstr("Not in this data file")) << k.def->id;
    }
  }
}

TEST(OverallPage, NoDataRowsStillRendersTenCards) {
  Filter filter;
  filter.AddName(Dimension::kAgent, "nobody");
  const Rendered r = Render(filter);
  for (const KpiDef& def : kKpis) EXPECT_FALSE(Card(r.html, def.id).empty()) << def.id;
  EXPECT_EQ(CardValue(r.html, "total_chats"), "0");  // a sum over no rows is 0
  EXPECT_EQ(CardValue(r.html, "csat"), "—");
  const nlohmann::json data = nlohmann::json::parse(KpiDataText(r.html));
  EXPECT_TRUE(data["days"].empty());
}

// The page for `csv` under `filter`, with the query's warnings as the handler passes them.
std::string RenderWithChecks(std::string_view csv, const Filter& filter) {
  const auto data = test::DatasetFromCsv(csv);
  const Query query{filter, {}};
  const Dashboard dashboard = ComputeDashboard(*data, query);
  const FilterChoices choices = ComputeChoices(*data, query);
  PageInput in{data->report(), filter, dashboard, choices, {}, std::nullopt};
  in.query_warnings = CheckQuery(*data, query);
  return RenderOverallPage(in);
}

TEST(OverallPage, ACardWithNoValueBecauseOfTheDataSaysWhyAndTheNotesOpen) {
  constexpr std::string_view kJunkCsat =
      "day,agent,total_chats,csat\n2025-01-01,Ahmed,3,\"9O\"\n2025-01-02,Omar,4,high\n";
  const std::string html = RenderWithChecks(kJunkCsat, {});
  EXPECT_THAT(Card(html, "csat"), HasSubstr("<p class=\"card-reason\">column &#39;csat&#39;: all 2 "
                                            "values unreadable, e.g. &#39;9O&#39; on line 2</p>"));
  EXPECT_THAT(Card(html, "avg_queue_time"),
              HasSubstr("<p class=\"card-reason\">column &#39;avg_queue_time&#39; is not in the data"));
  EXPECT_THAT(Card(html, "total_chats"), Not(HasSubstr("card-reason")));
  EXPECT_THAT(html, HasSubstr("<details class=\"notice\" open>"));

  // Every column present and readable: no reasons, and the notes (if any) stay closed.
  const std::string fine = Render({}).html;
  EXPECT_THAT(Card(fine, "total_chats"), Not(HasSubstr("card-reason")));
  const std::string complete = RenderWithChecks(
      "day,agent,team_leader,supervisor,total_chats,avg_response_time,csat,active_agents,"
      "escalations,resolved,pending,avg_chat_duration,sales_conversion,avg_queue_time\n"
      "2025-01-01,A,T,S,1,2,90,1,0,1,1,3,10,4\n"
      "2025-01-02,A,T,S,1,2,x,1,0,1,1,3,10,4\n", {});
  EXPECT_THAT(complete, Not(HasSubstr("card-reason")));
  EXPECT_THAT(complete, HasSubstr("<details class=\"notice\"><summary>"));  // one junk cell
}

TEST(OverallPage, AnUnknownNameIsSaidWithLinksToTheSuggestions) {
  Filter filter;
  filter.AddName(Dimension::kAgent, "Ahmad");
  filter.AddName(Dimension::kAgent, "Omar");
  const std::string html = RenderWithChecks(
      "day,agent,total_chats\n2025-01-01,Ahmed,3\n2025-01-01,Omar,4\n2025-01-02,Ahmet,1\n", filter);
  const std::string_view hint = Between(html, "<div class=\"alert alert-hint\" role=\"status\">", "</div>");
  EXPECT_EQ(hint,
            "<ul><li data-code=\"unknown_name\">No agent <q><bdi>Ahmad</bdi></q>; did you mean "
            "<a class=\"hint-fix\" href=\"/overall?agent=Omar&amp;agent=Ahmed\"><bdi>Ahmed</bdi></a> or "
            "<a class=\"hint-fix\" href=\"/overall?agent=Omar&amp;agent=Ahmet\"><bdi>Ahmet</bdi></a>?</li></ul>");
  // A name that is in the data raises nothing; nor does no filter at all.
  Filter known;
  known.AddName(Dimension::kAgent, "Omar");
  EXPECT_THAT(RenderWithChecks("day,agent,total_chats\n2025-01-01,Omar,4\n", known),
              Not(HasSubstr("alert-hint")));
}

TEST(OverallPage, AReversedRangeIsSaidWithALinkThatSwapsTheDates) {
  Filter filter;
  filter.from = ParseIsoDay("2025-01-02");
  filter.to = ParseIsoDay("2025-01-01");
  const std::string html = RenderWithChecks(kCsv, filter);
  EXPECT_THAT(html, HasSubstr("The range ends on <time>2025-01-01</time>, before it starts "
                              "(<time>2025-01-02</time>), so no day matches. <a class=\"hint-fix\" "
                              "href=\"/overall?from_date=2025-01-01&amp;to_date=2025-01-02\">Swap the "
                              "dates</a>"));
  EXPECT_THAT(html, HasSubstr("No rows match these filters."));
}

// The x of each drawn point in the card's SVG path ("M0 50L500 40..." → {0, 500}), and
// how many separate strokes (M commands) the path has.
struct SvgPath {
  std::vector<int> xs;
  int strokes = 0;
};
SvgPath ParsePath(std::string_view card) {
  const std::string_view d = Between(card, "<path d=\"", "\"");
  SvgPath path;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (d[i] != 'M' && d[i] != 'L') continue;
    if (d[i] == 'M') ++path.strokes;
    path.xs.push_back(std::stoi(std::string(d.substr(i + 1))));
  }
  return path;
}

TEST(OverallPage, MissingDaysAreGapsInTheSvgSparklineAtTheirPlaceInTime) {
  // Days 1, 2, 3 then 6: x by the calendar (0, 200, 400, 1000), and the line breaks after
  // day 3 instead of joining it to day 6.
  const std::string html = RenderWithChecks(
      "day,agent,total_chats\n2025-01-01,A,1\n2025-01-02,A,2\n2025-01-03,A,3\n2025-01-06,A,4\n", {});
  const SvgPath path = ParsePath(Card(html, "total_chats"));
  EXPECT_EQ(path.xs, (std::vector<int>{0, 200, 400, 1000}));
  EXPECT_EQ(path.strokes, 2);
  // Without a gap the same four days are one stroke.
  const std::string joined = RenderWithChecks(
      "day,agent,total_chats\n2025-01-01,A,1\n2025-01-02,A,2\n2025-01-03,A,3\n2025-01-04,A,4\n", {});
  EXPECT_EQ(ParsePath(Card(joined, "total_chats")).strokes, 1);
}

TEST(OverallPage, NoInlineScriptsOrHandlers) {
  const Rendered r = Render({});
  EXPECT_THAT(r.html, Not(HasSubstr("onclick")));
  EXPECT_THAT(r.html, Not(HasSubstr("onload")));
  EXPECT_THAT(r.html, Not(HasSubstr(" style=\"")));
  EXPECT_THAT(r.html, HasSubstr("<script src=\"/static/app.js\" defer></script>"));
}

TEST(ErrorPage, ShowsStatusAndEscapedTextWithALinkHome) {
  const std::string html = RenderErrorPage(404, "Not <Found>", "No page at /x?a=<b>&c");
  EXPECT_THAT(html, HasSubstr("<title>404 Not &lt;Found&gt; · Keeta</title>"));
  EXPECT_THAT(html, HasSubstr(">404<"));
  EXPECT_THAT(html, HasSubstr("No page at /x?a=&lt;b&gt;&amp;c"));
  EXPECT_THAT(html, HasSubstr("href=\"/overall\""));
  EXPECT_THAT(html, HasSubstr("/static/app.css"));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
}

}  // namespace
}  // namespace keeta::web
