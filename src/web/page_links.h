// Links between views of the dashboard page: the current view's URL with one thing
// changed (a date range, the granularity, the breakdown's dimension, sort or page, a name
// to drill down to). Every control on the page is such a plain link or a GET form, so the
// page works without JavaScript and every view is a shareable URL.
// Thread-safety: stateless functions over plain values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/dashboard.h"
#include "core/query.h"

namespace keeta::web {

// What the page is showing, as far as its URL says.
struct PageView {
  const Filter& filter;
  std::optional<Granularity> granularity;  // only when chosen in the URL
  const BreakdownRequest& breakdown;
};

// One change to the current view (everything else is kept). Changing the rows shown (names
// or dates) goes back to the breakdown's first page.
struct ViewChange {
  std::optional<std::pair<Dimension, std::string>> only_name;  // filter to this one name
  bool set_dates = false;                 // replace the date range with from/to below
  std::optional<Day> from, to;
  bool reset_granularity = false;         // back to the default for the range
  std::optional<Granularity> granularity;
  std::optional<Dimension> by;            // another breakdown dimension (resets sort/search)
  bool sort_change = false;               // sort by sort_kpi (nullopt = name), descending
  std::optional<std::size_t> sort_kpi;
  bool descending = true;
  std::optional<std::size_t> offset;      // another breakdown page
  bool clear_search = false;
};

// "/overall?…" for the changed view (HTML-unescaped; escape it when writing an attribute),
// ending with `fragment` (e.g. "#breakdown") when given.
std::string ViewUrl(const PageView& view, const ViewChange& change,
                    std::string_view fragment = {});

// Hidden <input>s carrying the view's non-filter state (granularity, breakdown dimension,
// sort), for GET forms that change only the filter or the search. `with_search` also keeps q.
void AppendViewState(std::string& out, const PageView& view, bool with_search);

}  // namespace keeta::web
