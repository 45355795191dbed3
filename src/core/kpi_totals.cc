#include "core/kpi_totals.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace keeta {

void KpiTotals::Add(const KpiTotals& other) {
  rows += other.rows;
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    sum[m] += other.sum[m];
    count[m] += other.count[m];
    weighted_sum[m] += other.weighted_sum[m];
    weight[m] += other.weight[m];
  }
}

bool KpiAvailable(const KpiDef& def, const SourceColumns& columns) {
  switch (def.aggregation) {
    case Aggregation::kDistinctActiveAgents:
      return columns.agent;
    case Aggregation::kResolvedPct:
      return columns.measures[Index(def.input)] && def.second_input &&
             columns.measures[Index(*def.second_input)];
    case Aggregation::kSum:
    case Aggregation::kMean:
      return columns.measures[Index(def.input)];
  }
  return false;
}

bool KpiWeighted(std::size_t k, const Weighting& weighted) {
  return weighted[k] && kKpis[k].aggregation == Aggregation::kMean;
}

std::optional<double> KpiValue(const KpiDef& def, const KpiTotals& t, std::uint64_t active,
                               bool weighted) {
  const std::size_t m = Index(def.input);
  switch (def.aggregation) {
    case Aggregation::kSum:
      return t.sum[m];
    case Aggregation::kMean:
      if (weighted) {
        if (!(t.weight[m] > 0)) return std::nullopt;
        return t.weighted_sum[m] / t.weight[m];
      }
      if (t.count[m] == 0) return std::nullopt;
      return t.sum[m] / static_cast<double>(t.count[m]);
    case Aggregation::kResolvedPct: {
      const double den = t.sum[m] + t.sum[Index(*def.second_input)];
      if (den == 0.0) return std::nullopt;
      return 100.0 * t.sum[m] / den;
    }
    case Aggregation::kDistinctActiveAgents:
      return static_cast<double>(active);
  }
  return std::nullopt;
}

void FillCards(Dashboard& out, const DashboardTotals& totals, const SourceColumns& columns,
               const DashboardOptions& options) {
  out.rows = totals.total.rows;
  out.previous_rows = out.previous ? totals.previous.rows : 0;
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    const KpiDef& def = kKpis[k];
    KpiResult& res = out.kpis[k];
    res.def = &def;
    res.available = KpiAvailable(def, columns);
    res.weighted = KpiWeighted(k, options.weighted);
    res.target = options.targets[k];
    if (!res.available) continue;
    res.value = KpiValue(def, totals.total, totals.active, res.weighted);
    res.trend.reserve(out.days.size());
    for (std::size_t b = 0; b < totals.slots.size(); ++b) {
      if (totals.slots[b].rows == 0) continue;
      const auto v = KpiValue(def, totals.slots[b], totals.slot_active[b], res.weighted);
      res.trend.push_back(v ? *v : std::numeric_limits<double>::quiet_NaN());
    }
    if (out.previous) {
      res.previous = KpiValue(def, totals.previous, totals.previous_active, res.weighted);
      if (res.value && res.previous) {
        res.change = *res.value - *res.previous;
        if (*res.previous != 0) res.change_pct = 100.0 * *res.change / std::fabs(*res.previous);
      }
    }
    res.status = EvaluateTarget(res.target, res.value);
  }
}

bool NameMatchesSearch(std::string_view name, std::string_view search) {
  auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return std::search(name.begin(), name.end(), search.begin(), search.end(),
                     [&](char a, char b) { return fold(a) == fold(b); }) != name.end();
}

BreakdownEntry MakeBreakdownEntry(const Breakdown& out, std::string_view name,
                                  const KpiTotals& totals, std::uint64_t active) {
  BreakdownEntry entry;
  entry.name = name;
  entry.rows = totals.rows;
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    if (out.available[k]) entry.values[k] = KpiValue(kKpis[k], totals, active, out.weighted[k]);
  }
  return entry;
}

void FinishBreakdown(Breakdown& out, std::vector<BreakdownEntry> entries,
                     const BreakdownRequest& req) {
  out.total = entries.size();
  // Stable, so ties keep name order; entries without a value go last either way.
  if (req.sort_kpi) {
    const std::size_t k = *req.sort_kpi;
    std::stable_sort(entries.begin(), entries.end(),
                     [&](const BreakdownEntry& x, const BreakdownEntry& y) {
                       const auto& a = x.values[k];
                       const auto& b = y.values[k];
                       if (!a || !b) return a.has_value() && !b.has_value();
                       return req.descending ? *a > *b : *a < *b;
                     });
  } else if (req.descending) {
    std::reverse(entries.begin(), entries.end());
  }
  const std::size_t begin = std::min(req.offset, entries.size());
  const std::size_t end = begin + std::min(req.limit, entries.size() - begin);
  out.entries.assign(std::make_move_iterator(entries.begin() + static_cast<std::ptrdiff_t>(begin)),
                     std::make_move_iterator(entries.begin() + static_cast<std::ptrdiff_t>(end)));
}

}  // namespace keeta
