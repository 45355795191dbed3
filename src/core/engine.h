// The KPI engine: answers a Query against an immutable Dataset, exactly per the KPI
// contract (docs/kpis.md). Pure functions; safe to call from many threads at once.
#pragma once

#include "core/dashboard.h"
#include "core/dataset.h"
#include "core/query.h"

namespace keeta {

// Ten cards and ten daily trends over the rows that pass the query's scope and filter.
Dashboard ComputeDashboard(const Dataset& data, const Query& query);

// The choices for each name filter, each narrowed by the other selected filters (and the
// date range and scope); min_day/max_day are the data's first and last day.
FilterChoices ComputeChoices(const Dataset& data, const Query& query);

}  // namespace keeta
