// The KPI engine: answers a Query against an immutable Dataset, exactly per the KPI
// contract (docs/kpis.md). Pure functions; safe to call from many threads at once.
#pragma once

#include "core/dashboard.h"
#include "core/dataset.h"
#include "core/query.h"

namespace keeta {

// Ten cards and their trends (per the options' granularity) over the rows that pass the
// query's scope and filter, compared with the previous period when dates are given, and
// checked against the options' targets.
Dashboard ComputeDashboard(const Dataset& data, const Query& query,
                           const DashboardOptions& options = {});

// The choices for each name filter, each narrowed by the other selected filters (and the
// date range and scope); min_day/max_day are the data's first and last day.
FilterChoices ComputeChoices(const Dataset& data, const Query& query);

// The ten card values per agent, team leader or supervisor over the query's rows, sorted,
// searched and paged per `request`; weighting from `options` (its granularity and targets
// do not apply). One pass over the selected groups, whatever the number of names.
Breakdown ComputeBreakdown(const Dataset& data, const Query& query,
                           const BreakdownRequest& request, const DashboardOptions& options = {});

}  // namespace keeta
