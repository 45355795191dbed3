// The breakdown table below the dashboard's cards: one row per agent, team leader or
// supervisor with the ten KPIs, sortable by any column, searchable, paged; each name links
// to the dashboard filtered to it. Plain links and a GET form: works without JavaScript.
#pragma once

#include <string>

#include "core/dashboard.h"
#include "web/page_links.h"

namespace keeta::web {

void AppendBreakdownTable(std::string& out, const Breakdown& breakdown, const PageView& view);

}  // namespace keeta::web
