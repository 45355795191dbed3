// NoValueReason: why a card shows no value when the data is the cause — its column is not
// in the file, or every cell of it is unreadable or empty in the rows shown — in one line a
// person can act on ("column 'csat': all 6 values unreadable, e.g. '32,5' on line 3").
// Shown on the card, in the API (kpis[].no_value_reason) and in live updates. A filter that
// matches no row is not the data's fault: the summary says that, not every card.
// Pure function; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "core/dashboard.h"
#include "core/load_report.h"

namespace keeta {

std::optional<std::string> NoValueReason(const KpiResult& result, const Dashboard& dashboard,
                                         const LoadReport& report);

}  // namespace keeta
