#include "web/page_links.h"

#include <array>
#include <charconv>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/kpi_registry.h"
#include "core/periods.h"
#include "core/view_options.h"
#include "web/html_template.h"

namespace keeta::web {
namespace {

// The pickers' order: top of the hierarchy first.
constexpr std::array<Dimension, kDimensionCount> kOrder{Dimension::kSupervisor,
                                                        Dimension::kTeamLeader, Dimension::kAgent};

using Pairs = std::vector<std::pair<std::string_view, std::string>>;

// The non-filter parameters of a view, defaults left out.
void ViewStateParams(const Granularity* granularity, const BreakdownRequest& b, bool with_search,
                     bool with_offset, Pairs& out) {
  if (granularity != nullptr) out.emplace_back(kGranularityParam, GranularityName(*granularity));
  if (b.by != Dimension::kAgent) out.emplace_back(kByParam, kNameParams[Index(b.by)]);
  const BreakdownRequest defaults;
  const bool default_sort = b.sort_kpi == defaults.sort_kpi && b.descending == defaults.descending;
  if (!default_sort) {
    out.emplace_back(kSortParam, b.sort_kpi ? kKpis[*b.sort_kpi].id : std::string_view("name"));
    const bool natural_desc = b.sort_kpi.has_value();  // KPIs default to desc, name to asc
    if (b.descending != natural_desc) out.emplace_back(kOrderParam, b.descending ? "desc" : "asc");
  }
  if (with_search && !b.search.empty()) out.emplace_back(kSearchParam, b.search);
  if (with_offset && b.offset != 0) out.emplace_back(kOffsetParam, std::to_string(b.offset));
}

}  // namespace

std::string ViewUrl(const PageView& view, const ViewChange& change, std::string_view fragment) {
  Pairs params;
  for (Dimension d : kOrder) {
    if (change.only_name && change.only_name->first == d) {
      params.emplace_back(kNameParams[Index(d)], change.only_name->second);
      continue;
    }
    for (const std::string& name : view.filter.names[Index(d)]) {
      params.emplace_back(kNameParams[Index(d)], name);
    }
  }
  const std::optional<Day> from = change.set_dates ? change.from : view.filter.from;
  const std::optional<Day> to = change.set_dates ? change.to : view.filter.to;
  if (from) params.emplace_back(kFromParam, FormatDay(*from));
  if (to) params.emplace_back(kToParam, FormatDay(*to));

  std::optional<Granularity> granularity = change.reset_granularity ? std::nullopt : view.granularity;
  if (change.granularity) granularity = change.granularity;
  BreakdownRequest b = view.breakdown;
  if (change.by) {
    b = BreakdownRequest{};
    b.by = *change.by;
  }
  if (change.sort_change) {
    b.sort_kpi = change.sort_kpi;
    b.descending = change.descending;
  }
  const bool rows_change = change.only_name || change.set_dates || change.sort_change ||
                           change.by || change.clear_search;
  b.offset = change.offset ? *change.offset : rows_change ? 0 : b.offset;
  if (change.clear_search) b.search.clear();
  ViewStateParams(granularity ? &*granularity : nullptr, b, true, true, params);

  std::string url = "/overall";
  char sep = '?';
  for (const auto& [key, value] : params) {
    url.push_back(sep);
    sep = '&';
    url.append(key);
    url.push_back('=');
    AppendUrlEncoded(url, value);
  }
  url.append(fragment);
  return url;
}

void AppendViewState(std::string& out, const PageView& view, bool with_search) {
  Pairs params;
  ViewStateParams(view.granularity ? &*view.granularity : nullptr, view.breakdown, with_search,
                  false, params);
  for (const auto& [key, value] : params) {
    out.append("<input type=\"hidden\" name=\"");
    out.append(key);
    out.append("\" value=\"");
    AppendHtmlEscaped(out, value);
    out.append("\">");
  }
}

}  // namespace keeta::web
