// Dashboard: the answer to one Query — ten cards and their daily trends — and the filter
// choices offered next to it. Plain value types, built by the engine per request.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/kpi_registry.h"
#include "core/schema.h"

namespace keeta {

struct KpiResult {
  const KpiDef* def = nullptr;
  bool available = false;        // false when the KPI's column(s) are absent from the data
  std::optional<double> value;   // the card value; nullopt = no value
  // One value per Dashboard::days entry (NaN = no value that day); empty when !available.
  std::vector<double> trend;
};

struct Dashboard {
  std::size_t rows = 0;     // rows that passed the filters
  std::vector<Day> days;    // trend days: each day with at least one filtered row, ascending
  std::array<KpiResult, kKpiCount> kpis;  // in kKpis order
};

// Choices for each filter field, each narrowed by the *other* selected filters.
struct FilterChoices {
  std::array<std::vector<std::string>, kDimensionCount> names;  // sorted, non-empty names
  std::optional<Day> min_day;  // the data's first and last day (date-picker bounds)
  std::optional<Day> max_day;
};

}  // namespace keeta
