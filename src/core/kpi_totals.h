// KpiTotals: the sums and counts every KPI value derives from (docs/kpis.md), over some set
// of rows, and the functions that turn them into cards, trends and breakdown entries. The
// in-memory engine takes the sums from a Dataset; a pushed-down source has the database
// take them (store/sql/pushdown.h). Both finish here, so every number has one definition.
// Thread-safety: plain value types and pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "core/dashboard.h"
#include "core/kpi_registry.h"
#include "core/schema.h"

namespace keeta {

// Per measure: the sum and count of present values, and for weighted means sum(value *
// chats) and sum(chats) over rows where both are present and chats > 0; and the row count.
struct KpiTotals {
  std::array<double, kMeasureCount> sum{};
  std::array<std::uint64_t, kMeasureCount> count{};
  std::array<double, kMeasureCount> weighted_sum{};
  std::array<double, kMeasureCount> weight{};
  std::uint64_t rows = 0;
  void Add(const KpiTotals& other);
};

// Which columns a source has: what decides whether a KPI has a value at all.
struct SourceColumns {
  std::array<bool, kMeasureCount> measures{};
  bool agent = false;
};

bool KpiAvailable(const KpiDef& def, const SourceColumns& columns);
// Whether KPI k is a mean weighted by chats under `weighted`.
bool KpiWeighted(std::size_t k, const Weighting& weighted);
// The KPI's value over rows with these totals and `active` distinct active agents.
std::optional<double> KpiValue(const KpiDef& def, const KpiTotals& t, std::uint64_t active,
                               bool weighted);

// The totals one dashboard is made of. `slots` are its trend buckets in order; a slot with
// no rows has no point (so `out.days` lists the slots with rows).
struct DashboardTotals {
  std::span<const KpiTotals> slots;
  std::span<const std::uint64_t> slot_active;
  KpiTotals total;
  std::uint64_t active = 0;
  KpiTotals previous;  // read when out.previous is set
  std::uint64_t previous_active = 0;
};

// Fills out's cards (values, trends, comparison, targets) and row counts from `totals`;
// out.granularity, days, period and previous are the caller's.
void FillCards(Dashboard& out, const DashboardTotals& totals, const SourceColumns& columns,
               const DashboardOptions& options);

// ASCII case-insensitive substring test, the breakdown's search ("" matches everything).
bool NameMatchesSearch(std::string_view name, std::string_view search);

// One breakdown entry from its name's totals (out.available and out.weighted set).
BreakdownEntry MakeBreakdownEntry(const Breakdown& out, std::string_view name,
                                  const KpiTotals& totals, std::uint64_t active);

// Sorts `entries` (given in name order, the search applied) per `request` and keeps the
// requested page in out.entries; out.total counts them all.
void FinishBreakdown(Breakdown& out, std::vector<BreakdownEntry> entries,
                     const BreakdownRequest& request);

}  // namespace keeta
