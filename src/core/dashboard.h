// Dashboard: the answer to one Query — ten cards, their trends and their comparison with
// the previous period — plus the filter choices offered next to it and the breakdown by
// person. Plain value types, built by the engine per request.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/kpi_registry.h"
#include "core/periods.h"
#include "core/schema.h"
#include "core/targets.h"

namespace keeta {

// Per KPI: whether a mean KPI is weighted by total_chats (kpis.md, weighting paragraph).
using Weighting = std::array<bool, kKpiCount>;

// How an answer is shaped — never which rows it reads (that is the Query).
struct DashboardOptions {
  Granularity granularity = Granularity::kDay;
  Weighting weighted{};  // ignored for KPIs that are not means
  Targets targets{};
};

struct KpiResult {
  const KpiDef* def = nullptr;
  bool available = false;        // false when the KPI's column(s) are absent from the data
  bool weighted = false;         // a mean weighted by total_chats
  std::optional<double> value;   // the card value; nullopt = no value
  // One value per Dashboard::days entry (NaN = no value there); empty when !available.
  std::vector<double> trend;
  // The card value over the previous period, and value - previous, 100 * change / |previous|.
  std::optional<double> previous;
  std::optional<double> change;
  std::optional<double> change_pct;
  std::optional<Target> target;
  std::optional<TargetStatus> status;
};

struct Dashboard {
  std::size_t rows = 0;     // rows that passed the filters
  Granularity granularity = Granularity::kDay;
  // Trend points: each bucket (day, week's Monday, month's 1st) with a filtered row, ascending.
  std::vector<Day> days;
  std::optional<Period> period;    // the range compared (FilterPeriod), when dates are given
  std::optional<Period> previous;  // the previous period, when there is one
  std::size_t previous_rows = 0;   // rows in the previous period (same names and scope)
  std::array<KpiResult, kKpiCount> kpis;  // in kKpis order
};

// Choices for each filter field, each narrowed by the *other* selected filters.
struct FilterChoices {
  std::array<std::vector<std::string>, kDimensionCount> names;  // sorted, non-empty names
  std::optional<Day> min_day;  // the data's first and last day (date-picker bounds)
  std::optional<Day> max_day;
};

// What a breakdown lists, in which order, which page of it.
struct BreakdownRequest {
  Dimension by = Dimension::kAgent;
  // Sort key: a KPI (index into kKpis), or by name when nullopt.
  std::optional<std::size_t> sort_kpi = 0;
  bool descending = true;
  std::string search;  // case-insensitive (ASCII) substring of the name; "" = everyone
  std::size_t offset = 0;
  std::size_t limit = 50;
};

struct BreakdownEntry {
  std::string name;
  std::size_t rows = 0;
  std::array<std::optional<double>, kKpiCount> values;  // card values over this name's rows
};

// One page of the breakdown (kpis.md "Breakdown"). `total` counts every entry that
// matches the search, before offset/limit.
struct Breakdown {
  Dimension by = Dimension::kAgent;
  std::size_t total = 0;
  std::array<bool, kKpiCount> available{};  // as KpiResult::available
  std::array<bool, kKpiCount> weighted{};
  std::vector<BreakdownEntry> entries;
};

}  // namespace keeta
