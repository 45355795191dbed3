// Server-side rendering of the dashboard page and the HTML error page.
//
// One pass: the template (web/templates/*.html, embedded) is split once into chunks and
// holes; each request appends chunks and hole values into one reserved string. Numbers go
// through std::to_chars, names through AppendHtmlEscaped; nothing is parsed per request.

#include "web/page.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/kpi_registry.h"
#include "core/no_value_reason.h"
#include "core/periods.h"
#include "web/breakdown_table.h"
#include "web/embedded_files.h"
#include "web/page_links.h"
#include "web/html_template.h"
#include "web/json_text.h"
#include "web/query_string.h"

namespace keeta::web {

namespace {

// ---- templates --------------------------------------------------------------------------

enum OverallSlot : std::size_t {
  kSlotTitle,
  kSlotLoadedAt,
  kSlotLoadedAtText,
  kSlotBanners,
  kSlotPickers,
  kSlotFromDate,
  kSlotToDate,
  kSlotMinDay,
  kSlotMaxDay,
  kSlotErrors,
  kSlotSummary,
  kSlotCards,
  kSlotWarnings,
  kSlotFooter,
  kSlotKpiData,
  kSlotAccount,
  kSlotFormState,
  kSlotPresets,
  kSlotViewBar,
  kSlotBreakdown,
  kSlotExportMenu,
  kSlotDataPeriod,
};
constexpr std::array<std::string_view, 22> kOverallSlots{
    "title",   "loaded_at", "loaded_at_text", "banners",  "pickers", "from_date",
    "to_date", "min_day",   "max_day",        "errors",   "summary", "cards",
    "warnings", "footer",   "kpi_data",       "account",  "form_state", "presets",
    "view_bar", "breakdown", "export_menu", "data_period"};

enum ErrorSlot : std::size_t { kSlotStatus, kSlotErrorTitle, kSlotMessage };
constexpr std::array<std::string_view, 3> kErrorSlots{"status", "title", "message"};

enum LoginSlot : std::size_t { kSlotLoginMessage, kSlotLoginCsrf, kSlotLoginNext, kSlotLoginUser };
constexpr std::array<std::string_view, 4> kLoginSlots{"message", "csrf", "next", "username"};

// The parsed template, or nothing when it is missing or malformed (a build bug, caught by
// the page tests: the page then degrades to a bare fallback instead of crashing).
std::optional<HtmlTemplate> LoadTemplate(std::string_view file_name,
                                         std::span<const std::string_view> slots) {
  const EmbeddedFile* file = FindEmbeddedFile(file_name);
  if (file == nullptr) return std::nullopt;
  auto parsed = HtmlTemplate::Parse(file->bytes, slots);
  if (!parsed.ok()) return std::nullopt;
  return std::move(parsed).value();
}

// Parsed once, at first use (thread-safe static initialisation).
const HtmlTemplate* OverallTemplate() {
  static const std::optional<HtmlTemplate> tmpl = LoadTemplate("overall.html", kOverallSlots);
  return tmpl ? &*tmpl : nullptr;
}

const HtmlTemplate* LoginTemplate() {
  static const std::optional<HtmlTemplate> tmpl = LoadTemplate("login.html", kLoginSlots);
  return tmpl ? &*tmpl : nullptr;
}

const HtmlTemplate* ErrorTemplate() {
  static const std::optional<HtmlTemplate> tmpl = LoadTemplate("error.html", kErrorSlots);
  return tmpl ? &*tmpl : nullptr;
}

// ---- small writers ----------------------------------------------------------------------

void AppendInt(std::string& out, std::int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

// 1234567 -> "1,234,567".
void AppendThousands(std::string& out, std::uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  const auto n = static_cast<std::size_t>(end - digits);
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
}

// Shortest text that reads back as the same double (for data attributes and tests).
void AppendExact(std::string& out, double value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

// Rounded as FormatKpiValue shows it: one decimal, except whole counts (no decimals).
// Trends hold thousands of values, so the common cases avoid the general (slow) fixed
// formatter; values near a rounding tie take the exact path so both always agree.
void AppendRounded(std::string& out, double value, ValueFormat format) {
  if (format == ValueFormat::kCount && std::nearbyint(value) == value &&
      std::fabs(value) < 1e15) {
    AppendInt(out, static_cast<std::int64_t>(value));
    return;
  }
  const double scaled = value * 10;
  const double fraction = std::fabs(scaled - std::trunc(scaled));
  if (std::fabs(scaled) < 1e9 && std::fabs(fraction - 0.5) > 1e-6) {
    const std::int64_t tenths = std::llround(scaled);
    const std::int64_t magnitude = tenths < 0 ? -tenths : tenths;
    if (tenths < 0) out.push_back('-');  // a value rounding to zero prints "0.0", no sign
    AppendInt(out, magnitude / 10);
    out.push_back('.');
    out.push_back(static_cast<char>('0' + magnitude % 10));
    return;
  }
  char buf[48];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 1);
  if (ec != std::errc()) {
    AppendExact(out, value);
    return;
  }
  std::string_view text(buf, static_cast<std::size_t>(end - buf));
  if (text == "-0.0") text.remove_prefix(1);  // no "-0.0" in the data
  out.append(text);
}

void AppendDay(std::string& out, Day day) {
  char buf[10];
  FormatDayTo(day, buf);
  out.append(buf, sizeof buf);
}

void AppendOptionalDay(std::string& out, const std::optional<Day>& day) {
  if (day) AppendDay(out, *day);
}

// `2026-01-05T10:00:00Z` -> `2026-01-05 10:00 UTC`; anything else is shown as given.
void AppendReadableTime(std::string& out, std::string_view iso) {
  const bool utc_seconds = iso.size() == 20 && iso[10] == 'T' && iso[13] == ':' &&
                           iso[16] == ':' && iso[19] == 'Z';
  if (!utc_seconds) {
    AppendHtmlEscaped(out, iso);
    return;
  }
  AppendHtmlEscaped(out, iso.substr(0, 10));
  out.push_back(' ');
  AppendHtmlEscaped(out, iso.substr(11, 5));
  out.append(" UTC");
}

std::string_view FormatName(ValueFormat format) {
  switch (format) {
    case ValueFormat::kCount: return "count";
    case ValueFormat::kDecimal1: return "decimal1";
    case ValueFormat::kPercent1: return "percent1";
  }
  return "count";
}

// ---- filter pickers ---------------------------------------------------------------------

struct DimensionText {
  Dimension dim;
  std::string_view label;   // "Team leader"
  std::string_view plural;  // "team leaders"
};
// Top of the hierarchy first: picking a supervisor narrows what follows.
constexpr std::array<DimensionText, kDimensionCount> kPickerOrder{{
    {Dimension::kSupervisor, "Supervisor", "supervisors"},
    {Dimension::kTeamLeader, "Team leader", "team leaders"},
    {Dimension::kAgent, "Agent", "agents"},
}};

std::vector<std::string_view> SortedSelection(const std::vector<std::string>& selected) {
  std::vector<std::string_view> sorted(selected.begin(), selected.end());
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

void AppendOption(std::string& out, std::string_view param, std::string_view name, bool checked) {
  out.append("<label class=\"opt\"><input type=\"checkbox\" name=\"");
  out.append(param);
  out.append("\" value=\"");
  AppendHtmlEscaped(out, name);
  out.append(checked ? "\" checked><bdi>" : "\"><bdi>");
  AppendHtmlEscaped(out, name);
  out.append("</bdi></label>");
}

// One picker: a <details> disclosure (works without JavaScript) holding a checkbox per name.
// The choices are sorted; so is the selection. A selected name missing from the choices
// (excluded by another filter) is still listed, checked, so it can be unticked.
void AppendPicker(std::string& out, const DimensionText& text, const Filter& filter,
                  const FilterChoices& choices) {
  const std::string_view param = kNameParams[Index(text.dim)];
  const std::vector<std::string>& names = choices.names[Index(text.dim)];
  const std::vector<std::string_view> selected = SortedSelection(filter.names[Index(text.dim)]);

  out.append(selected.empty() ? "<div class=\"field picker\" data-dim=\""
                              : "<div class=\"field picker has-selection\" data-dim=\"");
  out.append(param);
  out.append("\" data-plural=\"");
  out.append(text.plural);
  out.append("\"><span class=\"field-label\" id=\"");
  out.append(param);
  out.append("-label\">");
  out.append(text.label);
  out.append("</span><details class=\"picker-menu\"><summary class=\"picker-button\" "
             "aria-describedby=\"");
  out.append(param);
  out.append("-label\"><span class=\"picker-value\">");
  if (selected.empty()) {
    out.append("All ");
    out.append(text.plural);
  } else if (selected.size() == 1) {
    out.append("<bdi>");
    AppendHtmlEscaped(out, selected.front());
    out.append("</bdi>");
  } else {
    AppendInt(out, static_cast<std::int64_t>(selected.size()));
    out.append(" selected");
  }
  out.append("</span><span class=\"picker-count\" aria-hidden=\"true\" title=\"");
  AppendThousands(out, names.size());
  out.append(" to choose from\">");
  AppendThousands(out, names.size());
  out.append("</span></summary><div class=\"picker-panel\">"
             "<div class=\"picker-tools\" hidden><input type=\"search\" class=\"picker-search\" "
             "placeholder=\"Search ");
  out.append(text.plural);
  out.append("\" aria-label=\"Search ");
  out.append(text.plural);
  out.append("\" autocomplete=\"off\"><button type=\"button\" class=\"picker-clear\">Clear"
             "</button></div><fieldset class=\"picker-options\"><legend class=\"sr-only\">");
  out.append(text.label);
  out.append("</legend>");

  // Linear merge of two sorted lists.
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < names.size() || j < selected.size()) {
    if (j == selected.size() || (i < names.size() && names[i] < selected[j])) {
      AppendOption(out, param, names[i++], false);
    } else if (i == names.size() || selected[j] < names[i]) {
      AppendOption(out, param, selected[j++], true);
    } else {
      AppendOption(out, param, names[i++], true);
      ++j;
    }
  }
  out.append("</fieldset><p class=\"picker-empty\"");
  if (!names.empty() || !selected.empty()) out.append(" hidden");
  out.append(">No ");
  out.append(text.plural);
  out.append(" match</p></div></details></div>");
}

// ---- view, presets, granularity ----------------------------------------------------------

const BreakdownRequest& DefaultBreakdownRequest() {
  static const BreakdownRequest request;
  return request;
}

PageView ViewOf(const PageInput& in) {
  return PageView{in.filter,
                  in.granularity_chosen ? std::optional<Granularity>(in.dashboard.granularity)
                                        : std::nullopt,
                  in.breakdown_request ? *in.breakdown_request : DefaultBreakdownRequest()};
}

// A page URL (`/overall?...`, from ViewUrl) as the API URL of the same view.
std::string ApiUrl(std::string page_url) {
  constexpr std::string_view kPage = "/overall";
  if (page_url.starts_with(kPage)) page_url.replace(0, kPage.size(), "/api/v1/kpis");
  return page_url;
}

// The preset whose range the filter's dates are, if any.
const DatePresetDef* MatchingPreset(const PageInput& in, Day anchor) {
  for (const DatePresetDef& def : kDatePresets) {
    const std::optional<Period> range = PresetRange(def.id, anchor);
    const bool match = range ? in.filter.from == range->from && in.filter.to == range->to
                             : !in.filter.HasDateRange();
    if (match) return &def;
  }
  return nullptr;
}

Day AnchorOf(const PageInput& in) { return PresetAnchor(in.today, in.choices.max_day); }

// Date presets as links; when the data ends before today they count back from its last day,
// and say so.
void AppendPresets(std::string& out, const PageInput& in) {
  if (!in.choices.max_day) return;
  const Day anchor = AnchorOf(in);
  const DatePresetDef* active = MatchingPreset(in, anchor);
  const PageView view = ViewOf(in);
  out.append("<nav class=\"presets\" aria-label=\"Date presets\"><span class=\"presets-label\">"
             "Range</span>");
  for (const DatePresetDef& def : kDatePresets) {
    const std::optional<Period> range = PresetRange(def.id, anchor);
    ViewChange change;
    change.set_dates = true;
    change.reset_granularity = true;
    if (range) {
      change.from = range->from;
      change.to = range->to;
    }
    out.append("<a class=\"preset\" data-preset=\"");
    out.append(def.key);
    out.append("\" href=\"");
    AppendHtmlEscaped(out, ViewUrl(view, change));
    out.append(&def == active ? "\" aria-current=\"true\">" : "\">");
    out.append(def.label);
    out.append("</a>");
  }
  if (anchor != in.today) {
    out.append("<span class=\"presets-note\">counting back from <time>");
    AppendDay(out, anchor);
    out.append("</time>, the data's last day</span>");
  }
  out.append("</nav>");
}

// "Trends by week" and the Day / Week / Month switch.
void AppendViewBar(std::string& out, const PageInput& in) {
  const PageView view = ViewOf(in);
  out.append("<div class=\"view-bar\"><p class=\"view-note\">");
  out.append(in.dashboard.granularity == Granularity::kDay    ? "Trends by day"
             : in.dashboard.granularity == Granularity::kWeek ? "Trends by week (Mondays)"
                                                               : "Trends by month");
  if (!in.granularity_chosen) out.append(", chosen for the range");
  if (in.dashboard.previous) {
    out.append(" · changes against <time>");
    AppendDay(out, in.dashboard.previous->from);
    out.append("</time> → <time>");
    AppendDay(out, in.dashboard.previous->to);
    out.append("</time>");
  } else {
    out.append(" · pick a date range to compare with the period before");
  }
  out.append("</p><nav class=\"seg\" aria-label=\"Trend points\">");
  constexpr std::array<std::pair<Granularity, std::string_view>, 3> kChoices{
      {{Granularity::kDay, "Day"}, {Granularity::kWeek, "Week"}, {Granularity::kMonth, "Month"}}};
  for (const auto& [granularity, label] : kChoices) {
    ViewChange change;
    change.granularity = granularity;
    out.append("<a href=\"");
    AppendHtmlEscaped(out, ViewUrl(view, change));
    out.append("\" data-granularity=\"");
    out.append(GranularityName(granularity));
    out.append(granularity == in.dashboard.granularity ? "\" aria-current=\"true\">" : "\">");
    out.append(label);
    out.append("</a>");
  }
  out.append("</nav></div>");
}

// ---- current selection ------------------------------------------------------------------

// The current filter as hidden form fields, written once: each chip's remove button
// submits them plus its own `drop_…` field, and the handler answers with a redirect to the
// filter without that value. (Links repeating the whole filter per chip would make the
// page grow with the square of the selection.)
void AppendHiddenFilter(std::string& out, const Filter& filter) {
  auto field = [&](std::string_view name, std::string_view value) {
    out.append("<input type=\"hidden\" name=\"");
    out.append(name);
    out.append("\" value=\"");
    AppendHtmlEscaped(out, value);
    out.append("\">");
  };
  for (const DimensionText& text : kPickerOrder) {
    const std::size_t d = Index(text.dim);
    for (const std::string& name : filter.names[d]) field(kNameParams[d], name);
  }
  char day[10];
  if (filter.from) {
    FormatDayTo(*filter.from, day);
    field(kFromParam, std::string_view(day, sizeof day));
  }
  if (filter.to) {
    FormatDayTo(*filter.to, day);
    field(kToParam, std::string_view(day, sizeof day));
  }
}

// ---- export menu --------------------------------------------------------------------

// The exports of the current view (docs/api.md "Exports") as plain links: a <details>
// menu opens without JavaScript, and each link carries the view's filters.
void AppendExportMenu(std::string& out, const PageView& view, bool in_memory) {
  struct Item {
    std::string_view route, text, hint;
    bool needs_rows;
  };
  static constexpr Item kItems[] = {
      {"kpis.csv", "KPIs", "CSV", false},
      {"trends.csv", "Daily trends", "CSV", false},
      {"rows.csv", "Rows", "CSV", true},
      {"report.xlsx", "Excel workbook", "XLSX", false},  // without its Rows sheet then
      {"report.pdf", "PDF report", "PDF", false},
  };
  const std::string url = ViewUrl(view, ViewChange{});  // the whole view, as its URL says
  const std::string query = url.substr(std::min(url.find('?'), url.size()));
  out.append("<details class=\"export-menu\"><summary class=\"btn export-button\">Export"
             "</summary><ul class=\"export-panel\" aria-label=\"Export this view\">");
  for (const Item& item : kItems) {
    if (item.needs_rows && !in_memory) continue;
    out.append("<li><a class=\"export-link\" download href=\"/export/");
    out.append(item.route);
    AppendHtmlEscaped(out, query);
    out.append("\"><span>");
    out.append(item.text);
    out.append("</span><span class=\"export-kind\">");
    out.append(item.hint);
    out.append("</span></a></li>");
  }
  out.append("</ul></details>");
}

void AppendChipRemove(std::string& out, std::string_view drop_param, std::string_view value,
                      std::string_view what_key, std::string_view what_value) {
  out.append("<button type=\"submit\" class=\"chip-x\" name=\"");
  out.append(drop_param);
  out.append("\" value=\"");
  AppendHtmlEscaped(out, value);
  out.append("\" aria-label=\"Remove ");
  AppendHtmlEscaped(out, what_key);
  if (!what_value.empty()) {
    out.push_back(' ');
    AppendHtmlEscaped(out, what_value);
  }
  out.append("\">×</button>");
}

// What in the filter cannot match, each with a link to the likely fix: a suggested name in
// place of the unknown one, or the two dates swapped.
void AppendQueryHints(std::string& out, const PageInput& in) {
  if (in.query_warnings.empty()) return;
  const PageView view = ViewOf(in);
  out.append("<div class=\"alert alert-hint\" role=\"status\"><ul>");
  for (const QueryWarning& warning : in.query_warnings) {
    out.append("<li data-code=\"");
    out.append(QueryWarningCode(warning.kind));
    out.append("\">");
    if (warning.kind == QueryWarning::Kind::kReversedRange && in.filter.from && in.filter.to) {
      out.append("The range ends on <time>");
      AppendDay(out, *in.filter.to);
      out.append("</time>, before it starts (<time>");
      AppendDay(out, *in.filter.from);
      out.append("</time>), so no day matches. <a class=\"hint-fix\" href=\"");
      ViewChange swap;
      swap.set_dates = true;
      swap.from = in.filter.to;
      swap.to = in.filter.from;
      AppendHtmlEscaped(out, ViewUrl(view, swap));
      out.append("\">Swap the dates</a>");
      out.append("</li>");
      continue;
    }
    std::size_t d = 0;
    while (d + 1 < kDimensionCount && kNameParams[d] != warning.param) ++d;
    if (warning.suggestions.empty()) {
      // The engine's own sentence ("no agent 'X'", or that the column is absent).
      AppendHtmlEscaped(out, warning.message);
    } else {
      out.append("No ");
      out.append(kDimensionWords[d]);
      out.append(" <q><bdi>");
      AppendHtmlEscaped(out, warning.value);
      out.append("</bdi></q>; did you mean ");
      for (std::size_t i = 0; i < warning.suggestions.size(); ++i) {
        if (i > 0) out.append(i + 1 == warning.suggestions.size() ? " or " : ", ");
        // The same view with the suggestion in place of the unknown name.
        Filter fixed = in.filter;
        std::erase(fixed.names[d], warning.value);
        fixed.AddName(static_cast<Dimension>(d), warning.suggestions[i]);
        out.append("<a class=\"hint-fix\" href=\"");
        AppendHtmlEscaped(out, ViewUrl(PageView{fixed, view.granularity, view.breakdown}, {}));
        out.append("\"><bdi>");
        AppendHtmlEscaped(out, warning.suggestions[i]);
        out.append("</bdi></a>");
      }
      out.append("?");
    }
    out.append("</li>");
  }
  out.append("</ul></div>");
}

void AppendSummary(std::string& out, const PageInput& in) {
  const Filter& filter = in.filter;
  out.append("<form class=\"chips-form\" method=\"get\" action=\"/overall\">");
  AppendHiddenFilter(out, filter);
  out.append("<ul class=\"chips\">");
  bool any_name = false;
  for (const DimensionText& text : kPickerOrder) {
    const std::size_t d = Index(text.dim);
    for (const std::string& name : filter.names[d]) {
      any_name = true;
      out.append("<li class=\"chip\"><span class=\"chip-key\">");
      out.append(text.label);
      out.append("</span> <bdi class=\"chip-value\">");
      AppendHtmlEscaped(out, name);
      out.append("</bdi>");
      AppendChipRemove(out, kDropNameParams[d], name, text.label, name);
      out.append("</li>");
    }
  }
  if (!any_name) out.append("<li class=\"chip chip-all\">All agents</li>");

  // The date range: the filter's ends, or the data's where the filter leaves one open.
  const std::optional<Day> from = filter.from ? filter.from : in.choices.min_day;
  const std::optional<Day> to = filter.to ? filter.to : in.choices.max_day;
  if (from || to) {
    out.append(filter.HasDateRange() ? "<li class=\"chip chip-date\">"
                                     : "<li class=\"chip chip-date chip-all\">");
    const DatePresetDef* preset =
        filter.HasDateRange() && in.choices.max_day ? MatchingPreset(in, AnchorOf(in)) : nullptr;
    if (preset != nullptr) {
      out.append("<span class=\"chip-key\">");
      out.append(preset->label);
      if (AnchorOf(in) != in.today) out.append(" to the data's last day");
      out.append("</span> ");
    }
    if (from) {
      out.append("<time>");
      AppendDay(out, *from);
      out.append("</time>");
    } else {
      out.append("…");
    }
    out.append(" → ");
    if (to) {
      out.append("<time>");
      AppendDay(out, *to);
      out.append("</time>");
    } else {
      out.append("…");
    }
    if (filter.HasDateRange()) {
      AppendChipRemove(out, kDropDatesParam, "1", "date range", {});
    }
    out.append("</li>");
  }
  out.append("</ul></form><p class=\"summary-rows\"><strong data-rows=\"");
  AppendInt(out, static_cast<std::int64_t>(in.dashboard.rows));
  out.append("\">");
  AppendThousands(out, in.dashboard.rows);
  out.append("</strong> ");
  out.append(in.dashboard.rows == 1 ? "row" : "rows");
  if (!in.dashboard.days.empty()) {
    out.append(" · ");
    // Trend points, in the trend's unit: "53 weeks", not "53 days".
    AppendThousands(out, in.dashboard.days.size());
    out.append(" ");
    out.append(GranularityName(in.dashboard.granularity));
    if (in.dashboard.days.size() != 1) out.append("s");
  }
  out.append("</p>");
  AppendQueryHints(out, in);
  if (in.dashboard.rows == 0) {
    // Say so plainly: ten cards of 0 and — could otherwise read as a bad day at work.
    out.append("<p class=\"empty-state\" role=\"status\">No rows match these filters. "
               "Remove a filter above or <a href=\"/overall\">reset them all</a>.</p>");
  }
}

// ---- KPI cards --------------------------------------------------------------------------

// A static SVG sparkline for readers without JavaScript (app.js replaces it with uPlot).
// At most kMaxSvgPoints points: longer trends are averaged per bucket of days.
constexpr std::size_t kMaxSvgPoints = 120;
constexpr int kSvgWidth = 1000;
constexpr int kSvgHeight = 100;

void AppendSvgSparkline(std::string& out, const Dashboard& dashboard, const std::vector<double>& trend,
                        std::optional<double> target) {
  // Points sit where their buckets are on the calendar: the span from the first to the last
  // bucket is cut into at most kMaxSvgPoints slots, each the mean of the points in it, and a
  // slot without a point (buckets without data) is a gap, never a line across.
  const std::size_t n = std::min(trend.size(), dashboard.days.size());
  const Granularity g = dashboard.granularity;
  const std::int64_t first = n == 0 ? 0 : BucketOrdinal(dashboard.days.front(), g);
  const std::int64_t span = n == 0 ? 0 : BucketOrdinal(dashboard.days[n - 1], g) - first + 1;
  const std::size_t points = std::min<std::size_t>(kMaxSvgPoints, static_cast<std::size_t>(span));
  std::array<double, kMaxSvgPoints> sums{};
  std::array<std::size_t, kMaxSvgPoints> counts{};
  for (std::size_t k = 0; k < n; ++k) {
    if (std::isnan(trend[k])) continue;
    const auto offset = static_cast<std::size_t>(BucketOrdinal(dashboard.days[k], g) - first);
    const std::size_t slot = offset * points / static_cast<std::size_t>(span);
    sums[slot] += trend[k];
    ++counts[slot];
  }
  std::array<double, kMaxSvgPoints> values;
  double lo = INFINITY;
  double hi = -INFINITY;
  for (std::size_t p = 0; p < points; ++p) {
    values[p] = counts[p] == 0 ? NAN : sums[p] / static_cast<double>(counts[p]);
    if (counts[p] != 0) {
      lo = std::min(lo, values[p]);
      hi = std::max(hi, values[p]);
    }
  }
  // The target shares the scale, so its line sits where the values would meet it.
  if (target && lo <= hi) {
    lo = std::min(lo, *target);
    hi = std::max(hi, *target);
  }
  auto y_of = [&](double v) {
    const double fy = hi == lo ? 0.5 : (v - lo) / (hi - lo);
    // 8% padding top and bottom so the stroke is never clipped.
    return static_cast<std::int64_t>(std::lround((0.92 - 0.84 * fy) * kSvgHeight));
  };
  out.append("<svg class=\"spark-svg\" viewBox=\"0 0 1000 100\" preserveAspectRatio=\"none\" "
             "aria-hidden=\"true\" focusable=\"false\">");
  if (target && lo <= hi) {
    out.append("<line class=\"spark-target\" x1=\"0\" x2=\"1000\" y1=\"");
    AppendInt(out, y_of(*target));
    out.append("\" y2=\"");
    AppendInt(out, y_of(*target));
    out.append("\"/>");
  }
  out.append("<path d=\"");
  if (lo <= hi) {
    bool pen_down = false;
    for (std::size_t p = 0; p < points; ++p) {
      if (std::isnan(values[p])) {
        pen_down = false;
        continue;
      }
      const double fx = points == 1 ? 0.5 : static_cast<double>(p) / static_cast<double>(points - 1);
      const auto x = static_cast<std::int64_t>(std::lround(fx * kSvgWidth));
      const auto y = y_of(values[p]);
      const bool isolated = !pen_down && (p + 1 == points || std::isnan(values[p + 1]));
      out.push_back(pen_down ? 'L' : 'M');
      AppendInt(out, x);
      out.push_back(' ');
      AppendInt(out, y);
      if (isolated) out.append("h1");  // a lone point still shows (round line caps)
      pen_down = true;
    }
  }
  out.append("\"/></svg>");
}

// "▲ 12.3%" (or the absolute change when there is no percentage), coloured by whether the
// change is good for this KPI; the previous value in the title (shown on hover).
void AppendChange(std::string& out, const Dashboard& dashboard, const KpiResult& result) {
  const KpiDef& def = *result.def;
  if (!dashboard.previous || !result.available) return;
  if (!result.change) {
    out.append("<p class=\"card-change\" data-trend=\"none\" title=\"Previous period: ");
    AppendHtmlEscaped(out, FormatKpiValue(def, result.previous));
    out.append("\">no comparison</p>");
    return;
  }
  const double change = *result.change;
  const std::string_view trend = change > 0 ? "up" : change < 0 ? "down" : "flat";
  const std::string_view good = change == 0 ? "neutral"
                                : (change > 0) == def.higher_is_better ? "good" : "bad";
  out.append("<p class=\"card-change\" data-trend=\"");
  out.append(trend);
  out.append("\" data-good=\"");
  out.append(good);
  out.append("\" data-previous=\"");
  if (result.previous) AppendExact(out, *result.previous);
  out.append("\" title=\"Previous period (");
  AppendDay(out, dashboard.previous->from);
  out.append(" → ");
  AppendDay(out, dashboard.previous->to);
  out.append("): ");
  AppendHtmlEscaped(out, FormatKpiValue(def, result.previous));
  if (result.previous && !def.unit.empty() && def.unit != "%") {
    out.append(" ");
    AppendHtmlEscaped(out, def.unit);
  }
  out.append("\"><span class=\"delta\">");
  out.append(change > 0 ? "▲ " : change < 0 ? "▼ " : "");
  if (result.change_pct) {
    const double pct = std::fabs(*result.change_pct);
    char buf[48];
    const auto end = std::to_chars(buf, buf + sizeof buf, pct, std::chars_format::fixed, 1).ptr;
    out.append(buf, end);
    out.append("%");
  } else {
    AppendHtmlEscaped(out, FormatKpiValue(def, std::fabs(change)));
  }
  out.append("</span> <span class=\"vs\">vs previous <span class=\"prev-value\">");
  AppendHtmlEscaped(out, FormatKpiValue(def, result.previous));
  out.append("</span></span></p>");
}

void AppendTarget(std::string& out, const KpiResult& result) {
  if (!result.target) return;
  const KpiDef& def = *result.def;
  out.append("<p class=\"card-target\" data-status=\"");
  out.append(!result.status ? "none" : *result.status == TargetStatus::kMet ? "met" : "missed");
  out.append("\">Target ");
  const TargetOp op = result.target->op;
  out.append(op == TargetOp::kAtLeast ? "≥ " : op == TargetOp::kAtMost ? "≤ "
             : op == TargetOp::kAbove ? "> " : "< ");
  AppendHtmlEscaped(out, FormatKpiValue(def, result.target->value));
  out.append(": <strong>");
  out.append(!result.status ? "no value" : *result.status == TargetStatus::kMet ? "met" : "missed");
  out.append("</strong></p>");
}

void AppendCards(std::string& out, const Dashboard& dashboard, const LoadReport& report) {
  for (const KpiResult& result : dashboard.kpis) {
    const KpiDef& def = *result.def;
    out.append("<article class=\"card\" data-kpi=\"");
    out.append(def.id);
    out.append("\" data-value=\"");
    if (result.value) AppendExact(out, *result.value);
    out.append("\"");
    if (result.status) {
      out.append(*result.status == TargetStatus::kMet ? " data-status=\"met\""
                                                      : " data-status=\"missed\"");
    }
    if (!result.available) out.append(" data-unavailable");
    out.append("><h2 class=\"card-label\" title=\"");
    AppendHtmlEscaped(out, def.help);
    out.append("\">");
    AppendHtmlEscaped(out, def.label);
    out.append("</h2><p class=\"card-value\"><span class=\"value\">");
    const std::string value_text = FormatKpiValue(def, result.value);
    AppendHtmlEscaped(out, value_text);
    out.append("</span>");
    // The unit follows a value, unless the value already carries it ("87.3%").
    if (result.value && !def.unit.empty() && !std::string_view(value_text).ends_with(def.unit)) {
      out.append(" <span class=\"unit\">");
      AppendHtmlEscaped(out, def.unit);
      out.append("</span>");
    }
    out.append("</p>");
    // No value because of the data: say why, in one line, where the number would be.
    if (const auto reason = NoValueReason(result, dashboard, report)) {
      out.append("<p class=\"card-reason\">");
      AppendHtmlEscaped(out, *reason);
      out.append("</p>");
    }
    if (result.weighted) out.append("<p class=\"card-note\">weighted by chats</p>");
    // A distinct count over the whole range, not a daily figure like its sparkline's points.
    if (def.aggregation == Aggregation::kDistinctActiveAgents && result.available) {
      out.append("<p class=\"card-note\">distinct in period</p>");
    }
    AppendChange(out, dashboard, result);
    AppendTarget(out, result);
    out.append("<div class=\"spark\" data-kpi=\"");
    out.append(def.id);
    out.append("\">");
    if (!result.available) {
      out.append("<p class=\"spark-note\">Not in this data file</p>");
    } else if (dashboard.days.empty()) {
      out.append("<p class=\"spark-note\">No daily data</p>");
    } else {
      AppendSvgSparkline(out, dashboard, result.trend,
                         result.target ? std::optional<double>(result.target->value) : std::nullopt);
    }
    out.append("</div></article>");
  }
}

// The trends once, as JSON for app.js: {"days": [...], "kpis": [{"id", "label", "unit",
// "format", "values": [...]}]}. Values are rounded as displayed; null = no value.
void AppendKpiData(std::string& out, const PageInput& in) {
  const Dashboard& dashboard = in.dashboard;
  out.append("{\"granularity\":\"");
  out.append(GranularityName(dashboard.granularity));
  out.append(in.in_memory ? "\",\"live\":true" : "\",\"live\":false");
  out.append(",\"previous\":");
  if (dashboard.previous) {
    // The previous period's own trends, for the large chart's overlay: the same view with
    // the previous dates (the API's granularity and weighting as on the page).
    ViewChange change;
    change.set_dates = true;
    change.from = dashboard.previous->from;
    change.to = dashboard.previous->to;
    const PageView view{in.filter, dashboard.granularity, DefaultBreakdownRequest()};
    std::string url = ApiUrl(ViewUrl(view, change));
    bool weighted = false;
    for (const KpiResult& k : dashboard.kpis) weighted = weighted || k.weighted;
    url += weighted ? "&weight_by=total_chats" : "&weight_by=none";
    out.append("{\"from\":\"");
    AppendDay(out, dashboard.previous->from);
    out.append("\",\"to\":\"");
    AppendDay(out, dashboard.previous->to);
    out.append("\",\"url\":");
    AppendJsonString(out, url);
    out.append("}");
  } else {
    out.append("null");
  }
  out.append(",\"days\":[");
  for (std::size_t i = 0; i < dashboard.days.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    AppendDay(out, dashboard.days[i]);
    out.push_back('"');
  }
  out.append("],\"kpis\":[");
  bool first = true;
  for (const KpiResult& result : dashboard.kpis) {
    const KpiDef& def = *result.def;
    if (!first) out.push_back(',');
    first = false;
    out.push_back('{');
    AppendKpiIdentity(out, def);
    out.append(",\"format\":\"");
    out.append(FormatName(def.format));
    out.append("\",\"higher_is_better\":");
    out.append(def.higher_is_better ? "true" : "false");
    out.append(",\"target\":");
    if (result.target) {
      out.append("{\"op\":\"");
      out.append(TargetOpText(result.target->op));
      out.append("\",\"value\":");
      AppendExact(out, result.target->value);
      out.push_back('}');
    } else {
      out.append("null");
    }
    out.append(",\"values\":[");
    for (std::size_t i = 0; i < result.trend.size(); ++i) {
      if (i > 0) out.push_back(',');
      const double v = result.trend[i];
      if (std::isfinite(v)) {
        AppendRounded(out, v, def.format);
      } else {
        out.append("null");
      }
    }
    out.append("]}");
  }
  out.append("]}");
}

// ---- notices ----------------------------------------------------------------------------

void AppendBanners(std::string& out, const PageInput& in) {
  if (in.viewer != nullptr && !in.viewer->notice.empty()) {
    out.append("<div class=\"banner banner-info\" role=\"status\">");
    AppendHtmlEscaped(out, in.viewer->notice);
    out.append("</div>");
  }
  if (!in.reload_error) return;
  out.append("<div class=\"banner banner-warn\" role=\"status\"><strong>Data may be out of "
             "date.</strong> Showing data loaded at <time datetime=\"");
  AppendHtmlEscaped(out, in.report.loaded_at);
  out.append("\">");
  AppendReadableTime(out, in.report.loaded_at);
  out.append("</time>; reload failed: <span class=\"banner-detail\">");
  AppendHtmlEscaped(out, *in.reload_error);
  out.append("</span></div>");
}

void AppendErrors(std::string& out, const std::vector<std::string>& errors) {
  if (errors.empty()) return;
  out.append("<div class=\"alert alert-error\" role=\"alert\"><strong>");
  out.append(errors.size() == 1 ? "A filter was ignored:" : "Some filters were ignored:");
  out.append("</strong><ul>");
  for (const std::string& error : errors) {
    out.append("<li>");
    AppendHtmlEscaped(out, error);
    out.append("</li>");
  }
  out.append("</ul></div>");
}

// True when a card has no value because of the data: the notes then open by themselves.
bool AnyNoValueReason(const PageInput& in) {
  for (const KpiResult& result : in.dashboard.kpis) {
    if (NoValueReason(result, in.dashboard, in.report)) return true;
  }
  return false;
}

void AppendWarnings(std::string& out, const LoadReport& report, bool open) {
  const std::vector<std::string> warnings = report.Warnings();
  if (warnings.empty()) return;
  out.append(open ? "<details class=\"notice\" open><summary>" : "<details class=\"notice\"><summary>");
  AppendThousands(out, warnings.size());
  out.append(warnings.size() == 1 ? " note" : " notes");
  out.append(" about the data file</summary><ul>");
  for (const std::string& warning : warnings) {
    out.append("<li>");
    AppendHtmlEscaped(out, warning);
    out.append("</li>");
  }
  out.append("</ul></details>");
}

void AppendFooter(std::string& out, const LoadReport& report, const std::string& api_url) {
  out.append("<span><strong>");
  AppendThousands(out, report.rows_loaded);
  out.append("</strong> rows loaded from <code>");
  AppendHtmlEscaped(out, report.source);
  out.append("</code></span>");
  if (!report.loaded_at.empty()) {
    out.append("<span>at <time datetime=\"");
    AppendHtmlEscaped(out, report.loaded_at);
    out.append("\">");
    AppendReadableTime(out, report.loaded_at);
    out.append("</time></span>");
  }
  // The same view as JSON: the link carries the page's filters.
  out.append("<span><a href=\"");
  AppendHtmlEscaped(out, api_url);
  out.append("\">JSON API</a></span>");
}

// The header's account block: who, role and scope, and the sign-out form.
void AppendAccount(std::string& out, const ViewerInfo* viewer) {
  if (viewer == nullptr || viewer->name.empty()) return;
  out.append("<div class=\"account\"><p class=\"account-who\"><span class=\"account-name\">");
  AppendHtmlEscaped(out, viewer->name);
  out.append("</span><span class=\"account-role\">");
  out.append(RoleLabel(viewer->scope.role));
  if (viewer->scope.role == AccessScope::Role::kAdmin) {
    out.append(" · everything");
  } else {
    out.append(" · ");
    AppendHtmlEscaped(out, viewer->scope.name);
  }
  out.append("</span></p>");
  if (!viewer->csrf.empty()) {
    out.append("<form method=\"post\" action=\"/logout\"><input type=\"hidden\" "
               "name=\"csrf\" value=\"");
    AppendHtmlEscaped(out, viewer->csrf);
    out.append("\"><button type=\"submit\" class=\"btn\">Sign out</button></form>");
  }
  out.append("</div>");
}

// Output size guess, so the string grows at most once or twice.
std::size_t EstimateSize(const HtmlTemplate& tmpl, const PageInput& in) {
  std::size_t size = tmpl.literal_size() + 16 * 1024;
  for (const auto& names : in.choices.names) {
    for (const std::string& name : names) size += 2 * name.size() + 80;
  }
  size += in.dashboard.days.size() * (14 + kKpiCount * 8);
  return size;
}

}  // namespace

std::string RenderOverallPage(const PageInput& in) {
  std::string out;
  const HtmlTemplate* tmpl = OverallTemplate();
  if (tmpl == nullptr) {
    return RenderErrorPage(500, "Page template missing", "The dashboard template could not be loaded.");
  }
  out.reserve(EstimateSize(*tmpl, in));
  tmpl->Render(out, [&](std::size_t slot, std::string& o) {
    switch (slot) {
      case kSlotTitle:
        o.append("Overview · Keeta");
        break;
      case kSlotLoadedAt: AppendHtmlEscaped(o, in.report.loaded_at); break;
      case kSlotLoadedAtText: AppendReadableTime(o, in.report.loaded_at); break;
      case kSlotDataPeriod:
        // What period the data covers, beside when it was loaded.
        if (in.choices.min_day && in.choices.max_day) {
          o.append("<span class=\"data-period\">Data <time>");
          AppendDay(o, *in.choices.min_day);
          o.append("</time> to <time>");
          AppendDay(o, *in.choices.max_day);
          o.append("</time> · </span>");
        }
        break;
      case kSlotBanners: AppendBanners(o, in); break;
      case kSlotPickers:
        for (const DimensionText& text : kPickerOrder) AppendPicker(o, text, in.filter, in.choices);
        break;
      case kSlotFromDate: AppendOptionalDay(o, in.filter.from); break;
      case kSlotToDate: AppendOptionalDay(o, in.filter.to); break;
      case kSlotMinDay: AppendOptionalDay(o, in.choices.min_day); break;
      case kSlotMaxDay: AppendOptionalDay(o, in.choices.max_day); break;
      case kSlotErrors: AppendErrors(o, in.errors); break;
      case kSlotSummary: AppendSummary(o, in); break;
      case kSlotCards: AppendCards(o, in.dashboard, in.report); break;
      case kSlotWarnings: AppendWarnings(o, in.report, AnyNoValueReason(in)); break;
      case kSlotFooter: AppendFooter(o, in.report, ApiUrl(ViewUrl(ViewOf(in), {}))); break;
      case kSlotKpiData: AppendKpiData(o, in); break;
      case kSlotFormState: AppendViewState(o, ViewOf(in), false); break;
      case kSlotPresets: AppendPresets(o, in); break;
      case kSlotViewBar: AppendViewBar(o, in); break;
      case kSlotBreakdown:
        if (in.breakdown != nullptr) AppendBreakdownTable(o, *in.breakdown, ViewOf(in));
        break;
      case kSlotAccount: AppendAccount(o, in.viewer); break;
      case kSlotExportMenu: AppendExportMenu(o, ViewOf(in), in.in_memory); break;
      default: break;
    }
  });
  return out;
}

std::string_view RoleLabel(AccessScope::Role role) {
  switch (role) {
    case AccessScope::Role::kAdmin: return "admin";
    case AccessScope::Role::kSupervisor: return "supervisor";
    case AccessScope::Role::kTeamLeader: return "team leader";
    case AccessScope::Role::kAgent: return "agent";
  }
  return "agent";
}

std::string RenderLoginPage(const LoginPageInput& in) {
  std::string out;
  const HtmlTemplate* tmpl = LoginTemplate();
  if (tmpl == nullptr) {
    return RenderErrorPage(500, "Page template missing", "The sign-in template could not be loaded.");
  }
  out.reserve(tmpl->literal_size() + 512);
  tmpl->Render(out, [&](std::size_t slot, std::string& o) {
    switch (slot) {
      case kSlotLoginMessage:
        if (!in.message.empty()) {
          o.append("<div class=\"alert alert-error\" role=\"alert\">");
          AppendHtmlEscaped(o, in.message);
          o.append("</div>");
        }
        break;
      case kSlotLoginCsrf: AppendHtmlEscaped(o, in.csrf); break;
      case kSlotLoginNext: AppendHtmlEscaped(o, in.next); break;
      case kSlotLoginUser: AppendHtmlEscaped(o, in.username); break;
      default: break;
    }
  });
  return out;
}

std::string RenderErrorPage(int status, std::string_view title, std::string_view message) {
  std::string out;
  const HtmlTemplate* tmpl = ErrorTemplate();
  if (tmpl == nullptr) {
    // Bare but still correct and escaped.
    out.append("<!doctype html><meta charset=\"utf-8\"><title>");
    AppendHtmlEscaped(out, title);
    out.append("</title><h1>");
    AppendInt(out, status);
    out.append(" ");
    AppendHtmlEscaped(out, title);
    out.append("</h1><p>");
    AppendHtmlEscaped(out, message);
    out.append("</p><p><a href=\"/overall\">Back to the dashboard</a></p>");
    return out;
  }
  out.reserve(tmpl->literal_size() + title.size() * 2 + message.size() * 2 + 64);
  tmpl->Render(out, [&](std::size_t slot, std::string& o) {
    switch (slot) {
      case kSlotStatus: AppendInt(o, status); break;
      case kSlotErrorTitle: AppendHtmlEscaped(o, title); break;
      case kSlotMessage: AppendHtmlEscaped(o, message); break;
      default: break;
    }
  });
  return out;
}

}  // namespace keeta::web
