// The KPI engine. Every query is answered in two steps:
//   1. select: the scope and the name filters pick whole groups (rows sharing one
//      agent/team leader/supervisor triple); the date range becomes [lo, hi) in day indexes.
//   2. accumulate: per-day sums and counts of present values over the selected rows — taken
//      straight from the precomputed per-day totals when no name filter applies — from
//      which the registry's aggregations derive every card and trend point.
#include "core/engine.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace keeta {

struct EngineAccess {
  using Totals = Dataset::Totals;
  using Group = Dataset::Group;

  // The rows one query reads: selected groups (or all) and a day-index range.
  struct Selection {
    bool all_groups = true;            // no name constraint: every group
    std::vector<std::uint32_t> groups; // when !all_groups, ascending
    std::uint32_t lo = 0, hi = 0;      // day indexes [lo, hi)
    bool include_no_day = true;        // rows without a day (only when no date filter)
    bool empty = false;                // nothing can match
  };

  // Per dimension: which ids are allowed (empty vector = unconstrained).
  using Allowed = std::array<std::vector<bool>, kDimensionCount>;

  // Ids allowed by the scope and filter on each dimension; `skip` ignores the filter (not the
  // scope) of one dimension, for narrowing choices. Returns false when nothing can match.
  static bool ResolveNames(const Dataset& ds, const Query& q, std::optional<Dimension> skip,
                           Allowed& allowed) {
    auto constrain = [&](std::size_t d, const std::vector<std::string_view>& names) {
      std::vector<bool> ids(ds.dims_[d].names.size(), false);
      bool any = false;
      for (std::string_view name : names) {
        if (auto id = ds.dims_[d].Find(name); id && *id != 0) {
          ids[*id] = true;
          any = true;
        }
      }
      if (allowed[d].empty()) {
        allowed[d] = std::move(ids);
      } else {  // AND with an earlier constraint (scope then filter)
        any = false;
        for (std::size_t i = 0; i < ids.size(); ++i) {
          allowed[d][i] = allowed[d][i] && ids[i];
          any = any || allowed[d][i];
        }
      }
      return any;
    };
    bool possible = true;
    if (q.scope.role != AccessScope::Role::kAdmin) {
      const std::size_t d = q.scope.role == AccessScope::Role::kSupervisor ? Index(Dimension::kSupervisor)
                            : q.scope.role == AccessScope::Role::kTeamLeader ? Index(Dimension::kTeamLeader)
                                                                             : Index(Dimension::kAgent);
      possible = constrain(d, {q.scope.name}) && possible;
    }
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      if (skip && Index(*skip) == d) continue;
      const auto& values = q.filter.names[d];
      if (values.empty()) continue;
      possible = constrain(d, std::vector<std::string_view>(values.begin(), values.end())) && possible;
    }
    return possible;
  }

  static bool GroupAllowed(const Group& g, const Allowed& allowed) {
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      if (!allowed[d].empty() && !allowed[d][g.ids[d]]) return false;
    }
    return true;
  }

  static void ResolveDates(const Dataset& ds, const Filter& f, Selection& sel) {
    sel.lo = 0;
    sel.hi = static_cast<std::uint32_t>(ds.days_.size());
    sel.include_no_day = !f.HasDateRange();
    if (!f.HasDateRange()) return;
    if (f.from && f.to && *f.from > *f.to) {
      sel.empty = true;
      return;
    }
    if (f.from)
      sel.lo = static_cast<std::uint32_t>(
          std::lower_bound(ds.days_.begin(), ds.days_.end(), *f.from) - ds.days_.begin());
    if (f.to)
      sel.hi = static_cast<std::uint32_t>(
          std::upper_bound(ds.days_.begin(), ds.days_.end(), *f.to) - ds.days_.begin());
    if (sel.lo >= sel.hi) sel.hi = sel.lo;
  }

  static Selection Select(const Dataset& ds, const Query& q) {
    Selection sel;
    ResolveDates(ds, q.filter, sel);
    Allowed allowed;
    if (!ResolveNames(ds, q, std::nullopt, allowed)) sel.empty = true;
    const bool constrained = std::any_of(allowed.begin(), allowed.end(),
                                         [](const std::vector<bool>& a) { return !a.empty(); });
    if (constrained && !sel.empty) {
      sel.all_groups = false;
      for (std::uint32_t i = 0; i < ds.groups_.size(); ++i) {
        if (GroupAllowed(ds.groups_[i], allowed)) sel.groups.push_back(i);
      }
    }
    return sel;
  }

  // First row of group g whose day index is >= lo (rows are sorted by day, missing last).
  static std::uint32_t FirstRowFrom(const Dataset& ds, const Group& g, std::uint32_t lo) {
    const auto begin = ds.row_day_.begin() + g.begin, end = ds.row_day_.begin() + g.end;
    return static_cast<std::uint32_t>(std::lower_bound(begin, end, lo) - ds.row_day_.begin());
  }

  // Adds rows [r0, r1), all with a day in [lo, hi), into per-day totals (index day - lo).
  static void AccumulateDays(const Dataset& ds, std::uint32_t r0, std::uint32_t r1,
                             std::uint32_t lo, std::vector<Totals>& by_day) {
    const std::uint32_t* day = ds.row_day_.data();
    for (std::uint32_t r = r0; r < r1; ++r) ++by_day[day[r] - lo].rows;
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (!ds.measures_[m]) continue;
      const double* v = ds.measures_[m]->data();
      for (std::uint32_t r = r0; r < r1; ++r) {
        Totals& t = by_day[day[r] - lo];
        const bool present = !std::isnan(v[r]);
        t.sum[m] += present ? v[r] : 0.0;
        t.count[m] += present;
      }
    }
  }

  // Adds rows [r0, r1), all without a day, into one total.
  static void AccumulateNoDay(const Dataset& ds, std::uint32_t r0, std::uint32_t r1, Totals& t) {
    t.rows += r1 - r0;
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (!ds.measures_[m]) continue;
      const double* v = ds.measures_[m]->data();
      for (std::uint32_t r = r0; r < r1; ++r) {
        const bool present = !std::isnan(v[r]);
        t.sum[m] += present ? v[r] : 0.0;
        t.count[m] += present;
      }
    }
  }

  // Visits each selected group with the row ranges [in-range rows) and [no-day rows).
  template <class Fn>
  static void ForEachGroupRange(const Dataset& ds, const Selection& sel, Fn&& fn) {
    auto visit = [&](const Group& g) {
      const std::uint32_t first = FirstRowFrom(ds, g, sel.lo);
      const std::uint32_t last = FirstRowFrom(ds, g, sel.hi);  // first row with day >= hi
      const std::uint32_t no_day = sel.include_no_day ? FirstRowFrom(ds, g, Dataset::kNoDayIndex)
                                                      : g.end;
      fn(g, first, last, no_day, g.end);
    };
    if (sel.all_groups) {
      for (const Group& g : ds.groups_) visit(g);
    } else {
      for (std::uint32_t i : sel.groups) visit(ds.groups_[i]);
    }
  }

  static Dashboard Compute(const Dataset& ds, const Query& q) {
    const Selection sel = Select(ds, q);
    Dashboard out;
    const std::uint32_t span = sel.empty ? 0 : sel.hi - sel.lo;
    std::vector<Totals> by_day(span);
    Totals no_day;
    std::vector<std::uint32_t> active_by_day(span, 0);
    std::uint64_t active_total = 0;

    if (!sel.empty) {
      if (sel.all_groups) {
        std::copy(ds.day_totals_.begin() + sel.lo, ds.day_totals_.begin() + sel.hi, by_day.begin());
        std::copy(ds.day_active_agents_.begin() + sel.lo, ds.day_active_agents_.begin() + sel.hi,
                  active_by_day.begin());
        if (sel.include_no_day) no_day = ds.no_day_totals_;
      } else {
        std::vector<std::uint32_t> stamp(span, 0);  // last agent counted per day
        ForEachGroupRange(ds, sel, [&](const Group& g, std::uint32_t a, std::uint32_t b,
                                       std::uint32_t c, std::uint32_t e) {
          AccumulateDays(ds, a, b, sel.lo, by_day);
          AccumulateNoDay(ds, c, e, no_day);
          const std::uint32_t agent = g.ids[Index(Dimension::kAgent)];
          for (std::uint32_t r = a; r < b; ++r) {
            const std::uint32_t d = ds.row_day_[r] - sel.lo;
            if (ds.row_active_[r] && stamp[d] != agent) {
              stamp[d] = agent;
              ++active_by_day[d];
            }
          }
        });
      }
      // Distinct active agents over the whole selection: precomputed for everything, else
      // one walk over the selected groups, which come sorted by agent.
      if (sel.all_groups && sel.include_no_day) {
        active_total = ds.active_agents_;
      } else {
        std::uint32_t last_agent = 0;
        ForEachGroupRange(ds, sel, [&](const Group& g, std::uint32_t a, std::uint32_t b,
                                       std::uint32_t c, std::uint32_t e) {
          const std::uint32_t agent = g.ids[Index(Dimension::kAgent)];
          if (agent == 0 || agent == last_agent) return;
          auto any_active = [&](std::uint32_t from, std::uint32_t to) {
            for (std::uint32_t r = from; r < to; ++r)
              if (ds.row_active_[r]) return true;
            return false;
          };
          if (any_active(a, b) || any_active(c, e)) {
            last_agent = agent;
            ++active_total;
          }
        });
      }
    }

    // Totals over the selection and the trend days.
    Totals total = no_day;
    for (std::uint32_t i = 0; i < span; ++i) {
      const Totals& t = by_day[i];
      if (t.rows == 0) continue;
      out.days.push_back(ds.days_[sel.lo + i]);
      total.rows += t.rows;
      for (std::size_t m = 0; m < kMeasureCount; ++m) {
        total.sum[m] += t.sum[m];
        total.count[m] += t.count[m];
      }
    }
    out.rows = total.rows;

    for (std::size_t k = 0; k < kKpiCount; ++k) {
      const KpiDef& def = kKpis[k];
      KpiResult& res = out.kpis[k];
      res.def = &def;
      res.available = Available(ds, def);
      if (!res.available) continue;
      res.value = Value(def, total, active_total);
      res.trend.reserve(out.days.size());
      for (std::uint32_t i = 0; i < span; ++i) {
        if (by_day[i].rows == 0) continue;
        const auto v = Value(def, by_day[i], active_by_day[i]);
        res.trend.push_back(v ? *v : std::numeric_limits<double>::quiet_NaN());
      }
    }
    return out;
  }

  static bool Available(const Dataset& ds, const KpiDef& def) {
    switch (def.aggregation) {
      case Aggregation::kDistinctActiveAgents:
        return ds.has_dimension(Dimension::kAgent);
      case Aggregation::kResolvedPct:
        return ds.has_measure(def.input) && def.second_input && ds.has_measure(*def.second_input);
      case Aggregation::kSum:
      case Aggregation::kMean:
        return ds.has_measure(def.input);
    }
    return false;
  }

  static std::optional<double> Value(const KpiDef& def, const Totals& t, std::uint64_t active) {
    const std::size_t m = Index(def.input);
    switch (def.aggregation) {
      case Aggregation::kSum:
        return t.sum[m];
      case Aggregation::kMean:
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

  static FilterChoices Choices(const Dataset& ds, const Query& q) {
    FilterChoices out;
    out.min_day = ds.min_day();
    out.max_day = ds.max_day();
    Selection dates;
    ResolveDates(ds, q.filter, dates);
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      if (!ds.dims_[d].present) continue;
      Allowed allowed;
      if (!ResolveNames(ds, q, static_cast<Dimension>(d), allowed) || dates.empty) continue;
      std::vector<bool> offered(ds.dims_[d].names.size(), false);
      for (const Group& g : ds.groups_) {
        if (offered[g.ids[d]] || !GroupAllowed(g, allowed)) continue;
        if (q.filter.HasDateRange() && FirstRowFrom(ds, g, dates.lo) >= FirstRowFrom(ds, g, dates.hi))
          continue;  // no row of this group inside the date range
        offered[g.ids[d]] = true;
      }
      for (std::size_t id = 1; id < offered.size(); ++id) {
        if (offered[id]) out.names[d].push_back(ds.dims_[d].names[id]);
      }
    }
    return out;
  }
};

Dashboard ComputeDashboard(const Dataset& data, const Query& query) {
  return EngineAccess::Compute(data, query);
}

FilterChoices ComputeChoices(const Dataset& data, const Query& query) {
  return EngineAccess::Choices(data, query);
}

}  // namespace keeta
