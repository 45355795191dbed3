#include "web/breakdown_table.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>

#include "core/kpi_registry.h"
#include "core/view_options.h"
#include "web/html_template.h"

namespace keeta::web {
namespace {

struct DimensionWords {
  Dimension dim;
  std::string_view singular;  // column heading
  std::string_view plural;    // tab text
};
constexpr std::array<DimensionWords, kDimensionCount> kTabs{{
    {Dimension::kAgent, "Agent", "Agents"},
    {Dimension::kTeamLeader, "Team leader", "Team leaders"},
    {Dimension::kSupervisor, "Supervisor", "Supervisors"},
}};

const DimensionWords& Words(Dimension d) {
  for (const DimensionWords& w : kTabs) {
    if (w.dim == d) return w;
  }
  return kTabs[0];
}

// A drill-down goes one level down the hierarchy (an agent stays on agents).
Dimension NextLevel(Dimension d) {
  return d == Dimension::kSupervisor ? Dimension::kTeamLeader : Dimension::kAgent;
}

void AppendCount(std::string& out, std::uint64_t value) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  const auto n = static_cast<std::size_t>(end - buf);
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(buf[i]);
  }
}

void AppendLink(std::string& out, const std::string& href) {
  out.append("<a href=\"");
  AppendHtmlEscaped(out, href);
  out.append("\"");
}

// A column heading that sorts by it: first click in its natural order (KPIs high to low,
// names A to Z), a click on the current sort column flips the order.
void AppendSortHeading(std::string& out, const PageView& view, std::optional<std::size_t> kpi,
                       std::string_view text, std::string_view title, bool numeric) {
  const BreakdownRequest& b = view.breakdown;
  const bool current = b.sort_kpi == kpi;
  const bool natural_desc = kpi.has_value();
  const bool next_desc = current ? !b.descending : natural_desc;
  out.append(numeric ? "<th scope=\"col\" class=\"num\"" : "<th scope=\"col\"");
  if (current) out.append(b.descending ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"");
  out.push_back('>');
  ViewChange change;
  change.sort_change = true;
  change.sort_kpi = kpi;
  change.descending = next_desc;
  AppendLink(out, ViewUrl(view, change, "#breakdown"));
  out.append(" title=\"");
  AppendHtmlEscaped(out, title);
  out.append("\">");
  AppendHtmlEscaped(out, text);
  if (current) out.append(b.descending ? " <span aria-hidden=\"true\">▼</span>" : " <span aria-hidden=\"true\">▲</span>");
  out.append("</a></th>");
}

}  // namespace

void AppendBreakdownTable(std::string& out, const Breakdown& breakdown, const PageView& view) {
  const BreakdownRequest& req = view.breakdown;
  const DimensionWords& words = Words(req.by);
  out.append("<section class=\"breakdown\" id=\"breakdown\" aria-labelledby=\"breakdown-title\">"
             "<div class=\"breakdown-head\"><h2 id=\"breakdown-title\">Breakdown</h2>"
             "<nav class=\"seg\" aria-label=\"Break down by\">");
  for (const DimensionWords& tab : kTabs) {
    ViewChange change;
    change.by = tab.dim;
    AppendLink(out, ViewUrl(view, change, "#breakdown"));
    if (tab.dim == req.by) out.append(" aria-current=\"true\"");
    out.append(" data-by=\"");
    out.append(kNameParams[Index(tab.dim)]);
    out.append("\">");
    out.append(tab.plural);
    out.append("</a>");
  }
  out.append("</nav><form class=\"breakdown-search\" method=\"get\" action=\"/overall#breakdown\" "
             "role=\"search\">");
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    for (const std::string& name : view.filter.names[d]) {
      out.append("<input type=\"hidden\" name=\"");
      out.append(kNameParams[d]);
      out.append("\" value=\"");
      AppendHtmlEscaped(out, name);
      out.append("\">");
    }
  }
  if (view.filter.from) {
    out.append("<input type=\"hidden\" name=\"from_date\" value=\"");
    out.append(FormatDay(*view.filter.from));
    out.append("\">");
  }
  if (view.filter.to) {
    out.append("<input type=\"hidden\" name=\"to_date\" value=\"");
    out.append(FormatDay(*view.filter.to));
    out.append("\">");
  }
  AppendViewState(out, view, false);
  out.append("<input type=\"search\" name=\"q\" maxlength=\"200\" value=\"");
  AppendHtmlEscaped(out, req.search);
  out.append("\" placeholder=\"Search ");
  std::string lower(words.plural);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  out.append(lower);
  out.append("\" aria-label=\"Search ");
  out.append(lower);
  out.append(" by name\"><button type=\"submit\" class=\"btn\">Search</button>");
  if (!req.search.empty()) {
    ViewChange change;
    change.clear_search = true;
    out.append(" ");
    AppendLink(out, ViewUrl(view, change, "#breakdown"));
    out.append(" class=\"btn\">Clear</a>");
  }
  out.append("</form></div>");

  if (breakdown.entries.empty()) {
    out.append("<p class=\"breakdown-empty\">");
    out.append(req.search.empty() ? "No one to list for these filters."
                                  : "No name matches the search.");
    out.append("</p></section>");
    return;
  }

  out.append("<div class=\"table-wrap\"><table class=\"breakdown-table\"><thead><tr>");
  AppendSortHeading(out, view, std::nullopt, words.singular, "Sort by name", false);
  out.append("<th scope=\"col\" class=\"num\">Rows</th>");
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    std::string title(kKpis[k].label);
    if (breakdown.weighted[k]) title += " (weighted by chats)";
    AppendSortHeading(out, view, k, kKpis[k].short_label, title, true);
  }
  out.append("</tr></thead><tbody>");
  for (const BreakdownEntry& entry : breakdown.entries) {
    out.append("<tr><th scope=\"row\">");
    ViewChange drill;
    drill.only_name = std::make_pair(req.by, entry.name);
    drill.by = NextLevel(req.by);
    AppendLink(out, ViewUrl(view, drill));
    out.append(" class=\"drill\" title=\"Show the dashboard for ");
    AppendHtmlEscaped(out, entry.name);
    out.append("\"><bdi>");
    AppendHtmlEscaped(out, entry.name);
    out.append("</bdi></a></th><td class=\"num\">");
    AppendCount(out, entry.rows);
    out.append("</td>");
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      out.append(entry.values[k] ? "<td class=\"num\">" : "<td class=\"num none\">");
      AppendHtmlEscaped(out, FormatKpiValue(kKpis[k], entry.values[k]));
      out.append("</td>");
    }
    out.append("</tr>");
  }
  out.append("</tbody></table></div>");

  // "41–50 of 82", with previous / next pages.
  const std::size_t first = req.offset + 1;
  const std::size_t last = req.offset + breakdown.entries.size();
  out.append("<nav class=\"pager\" aria-label=\"Breakdown pages\"><span class=\"pager-range\">");
  AppendCount(out, first);
  out.append("–");
  AppendCount(out, last);
  out.append(" of ");
  AppendCount(out, breakdown.total);
  out.append("</span>");
  if (req.offset > 0) {
    ViewChange change;
    change.offset = req.offset > req.limit ? req.offset - req.limit : 0;
    out.append(" ");
    AppendLink(out, ViewUrl(view, change, "#breakdown"));
    out.append(" class=\"btn\" rel=\"prev\">Previous</a>");
  }
  if (last < breakdown.total) {
    ViewChange change;
    change.offset = req.offset + req.limit;
    out.append(" ");
    AppendLink(out, ViewUrl(view, change, "#breakdown"));
    out.append(" class=\"btn\" rel=\"next\">Next</a>");
  }
  out.append("</nav></section>");
}

}  // namespace keeta::web
