// The KPI engine. Every query is answered in two steps:
//   1. select: the scope and the name filters pick whole groups (rows sharing one
//      agent/team leader/supervisor triple); the date range becomes [lo, hi) in day indexes.
//   2. accumulate: per-day sums and counts of present values over the selected rows — read
//      straight from the precomputed per-day totals when no name filter applies — folded
//      into trend buckets, from which the registry's aggregations derive every card and
//      trend point. Distinct active agents are counted per bucket with one "last agent
//      seen" stamp per bucket: groups come sorted by agent.
// The previous period is a second, cheaper pass (totals only) over the same groups; a
// breakdown is one pass over the selected groups, accumulating per name id.
#include "core/engine.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace keeta {

struct EngineAccess {
  using Totals = Dataset::Totals;
  using Group = Dataset::Group;
  using Buckets = Dataset::Buckets;
  using Segment = Dataset::Segment;
  // A group's rows in one segment: [a, b) those with a day in range, [c, e) those without
  // a day (empty unless they count).
  struct Span {
    const Segment* seg;
    std::uint32_t segment;  // its index
    std::uint32_t a, b, c, e;
  };
  // A group's spans, one per segment that has rows of it, in row order.
  struct Spans {
    std::array<Span, Dataset::kMaxSegments> items;
    std::size_t size = 0;
    const Span* begin() const { return items.data(); }
    const Span* end() const { return items.data() + size; }
  };
  // Per measure: whether weighted sums must be accumulated.
  using MeasureMask = std::array<bool, kMeasureCount>;

  // The rows one query reads: selected groups (or all) and a day-index range.
  struct Selection {
    bool all_groups = true;            // no name constraint: every group
    std::vector<std::uint32_t> groups; // when !all_groups, ascending
    std::uint32_t lo = 0, hi = 0;      // day indexes [lo, hi)
    bool include_no_day = true;        // rows without a day (only when no date filter)
    bool no_names = false;             // the scope and name filters match nothing
    bool empty = false;                // nothing can match (no names, or reversed dates)
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

  // Day indexes [lo, hi) of the days in [from, to] (either end open when absent).
  static void DayRange(const Dataset& ds, std::optional<Day> from, std::optional<Day> to,
                       std::uint32_t& lo, std::uint32_t& hi) {
    lo = 0;
    hi = static_cast<std::uint32_t>(ds.days_.size());
    if (from)
      lo = static_cast<std::uint32_t>(
          std::lower_bound(ds.days_.begin(), ds.days_.end(), *from) - ds.days_.begin());
    if (to)
      hi = static_cast<std::uint32_t>(
          std::upper_bound(ds.days_.begin(), ds.days_.end(), *to) - ds.days_.begin());
    if (lo >= hi) hi = lo;
  }

  static void ResolveDates(const Dataset& ds, const Filter& f, Selection& sel) {
    sel.include_no_day = !f.HasDateRange();
    if (f.from && f.to && *f.from > *f.to) {
      sel.lo = sel.hi = 0;
      sel.empty = true;
      return;
    }
    DayRange(ds, f.from, f.to, sel.lo, sel.hi);
  }

  static Selection Select(const Dataset& ds, const Query& q) {
    Selection sel;
    ResolveDates(ds, q.filter, sel);
    Allowed allowed;
    if (!ResolveNames(ds, q, std::nullopt, allowed)) sel.no_names = sel.empty = true;
    const bool constrained = std::any_of(allowed.begin(), allowed.end(),
                                         [](const std::vector<bool>& a) { return !a.empty(); });
    if (constrained && !sel.no_names) {
      sel.all_groups = false;
      for (std::uint32_t i = 0; i < ds.groups_.size(); ++i) {
        if (GroupAllowed(ds.groups_[i], allowed)) sel.groups.push_back(i);
      }
    }
    return sel;
  }

  // First row of group g in seg whose day index is >= lo (rows are sorted by day, missing
  // last).
  static std::uint32_t FirstRowFrom(const Segment& seg, std::uint32_t g, std::uint32_t lo) {
    const auto begin = seg.row_day.begin() + seg.begin(g), end = seg.row_day.begin() + seg.end(g);
    return static_cast<std::uint32_t>(std::lower_bound(begin, end, lo) - seg.row_day.begin());
  }

  // Group g's spans of days [lo, hi), and of its rows without a day when include_no_day.
  static void GroupSpans(const Dataset& ds, std::uint32_t g, std::uint32_t lo, std::uint32_t hi,
                         bool include_no_day, Spans& spans) {
    spans.size = 0;
    for (std::uint32_t i = 0; i < ds.segments_.size(); ++i) {
      const Segment* seg = ds.segments_[i].get();
      if (seg->begin(g) == seg->end(g)) continue;
      const std::uint32_t first = FirstRowFrom(*seg, g, lo);
      const std::uint32_t last = FirstRowFrom(*seg, g, hi);  // first row with day >= hi
      const std::uint32_t no_day =
          include_no_day ? FirstRowFrom(*seg, g, Dataset::kNoDayIndex) : seg->end(g);
      spans.items[spans.size++] = Span{seg, i, first, last, no_day, seg->end(g)};
    }
  }

  // Adds rows [r0, r1) of seg, all with a day in [lo, hi), into per-day totals (index
  // day - lo).
  static void AccumulateDays(const Segment& seg, std::uint32_t r0, std::uint32_t r1,
                             std::uint32_t lo, const MeasureMask& weigh, Totals* by_day) {
    const std::uint32_t* day = seg.row_day.data();
    for (std::uint32_t r = r0; r < r1; ++r) ++by_day[day[r] - lo].rows;
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (!seg.measures[m]) continue;
      const double* v = seg.measures[m]->data();
      for (std::uint32_t r = r0; r < r1; ++r) {
        Totals& t = by_day[day[r] - lo];
        const bool present = !std::isnan(v[r]);
        t.sum[m] += present ? v[r] : 0.0;
        t.count[m] += present;
      }
      if (!weigh[m]) continue;
      const double* chats = seg.measures[Index(Measure::kTotalChats)]->data();
      for (std::uint32_t r = r0; r < r1; ++r) {
        if (std::isnan(v[r]) || !(chats[r] > 0)) continue;
        Totals& t = by_day[day[r] - lo];
        t.weighted_sum[m] += v[r] * chats[r];
        t.weight[m] += chats[r];
      }
    }
  }

  // Adds a group's rows in its spans — those with a day ([a, b)) or those without
  // ([c, e)) — into one total, as one run over them: the same sums whatever the segments.
  static void AccumulateRows(const Spans& spans, bool dated, const MeasureMask& weigh,
                             Totals& t) {
    for (const Span& s : spans) t.rows += dated ? s.b - s.a : s.e - s.c;
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (spans.size == 0 || !spans.items[0].seg->measures[m]) continue;
      double sum = 0;
      std::uint64_t count = 0;
      for (const Span& s : spans) {
        const double* v = s.seg->measures[m]->data();
        const std::uint32_t r0 = dated ? s.a : s.c, r1 = dated ? s.b : s.e;
        for (std::uint32_t r = r0; r < r1; ++r) {
          const bool present = !std::isnan(v[r]);
          sum += present ? v[r] : 0.0;
          count += present;
        }
      }
      t.sum[m] += sum;
      t.count[m] += count;
      if (!weigh[m]) continue;
      for (const Span& s : spans) {
        const double* v = s.seg->measures[m]->data();
        const double* chats = s.seg->measures[Index(Measure::kTotalChats)]->data();
        const std::uint32_t r0 = dated ? s.a : s.c, r1 = dated ? s.b : s.e;
        for (std::uint32_t r = r0; r < r1; ++r) {
          if (std::isnan(v[r]) || !(chats[r] > 0)) continue;
          t.weighted_sum[m] += v[r] * chats[r];
          t.weight[m] += chats[r];
        }
      }
    }
  }

  static bool AnyActive(const Segment& seg, std::uint32_t r0, std::uint32_t r1) {
    for (std::uint32_t r = r0; r < r1; ++r)
      if (seg.row_active[r]) return true;
    return false;
  }
  static bool AnyActive(const Spans& spans) {
    for (const Span& s : spans) {
      if (AnyActive(*s.seg, s.a, s.b) || AnyActive(*s.seg, s.c, s.e)) return true;
    }
    return false;
  }

  // Visits each selected group (with its index) with its spans of days [lo, hi) and of
  // rows without a day (empty unless include_no_day).
  template <class Fn>
  static void ForEachGroupRange(const Dataset& ds, const Selection& sel, std::uint32_t lo,
                                std::uint32_t hi, bool include_no_day, Fn&& fn) {
    Spans spans;
    auto visit = [&](std::uint32_t index) {
      GroupSpans(ds, index, lo, hi, include_no_day, spans);
      fn(index, ds.groups_[index], static_cast<const Spans&>(spans));
    };
    if (sel.all_groups) {
      for (std::uint32_t i = 0; i < ds.groups_.size(); ++i) visit(i);
    } else {
      for (std::uint32_t i : sel.groups) visit(i);
    }
  }

  // Distinct active agents among the selected groups' rows with a day in [lo, hi) (and
  // rows without a day when include_no_day). Groups of one agent are adjacent.
  static std::uint64_t CountActive(const Dataset& ds, const Selection& sel, std::uint32_t lo,
                                   std::uint32_t hi, bool include_no_day) {
    std::uint64_t count = 0;
    std::uint32_t last_agent = 0;
    ForEachGroupRange(ds, sel, lo, hi, include_no_day,
                      [&](std::uint32_t, const Group& g, const Spans& spans) {
                        const std::uint32_t agent = g.ids[Index(Dimension::kAgent)];
                        if (agent == 0 || agent == last_agent) return;
                        if (AnyActive(spans)) {
                          last_agent = agent;
                          ++count;
                        }
                      });
    return count;
  }

  static MeasureMask WeighMask(const Dataset& ds, const Weighting& weighted) {
    MeasureMask mask{};
    if (!ds.has_measure_[Index(Measure::kTotalChats)]) return mask;
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      if (weighted[k] && kKpis[k].aggregation == Aggregation::kMean) mask[Index(kKpis[k].input)] = true;
    }
    return mask;
  }

  static Dashboard Compute(const Dataset& ds, const Query& q, const DashboardOptions& opt) {
    const Selection sel = Select(ds, q);
    const MeasureMask weigh = WeighMask(ds, opt.weighted);
    Dashboard out;
    out.granularity = opt.granularity;
    const std::uint32_t lo = sel.lo;
    const std::uint32_t span = sel.empty ? 0 : sel.hi - sel.lo;

    // Bucket of each day in [lo, hi), and each bucket's label.
    const Buckets* buckets =
        opt.granularity == Granularity::kDay
            ? nullptr
            : &ds.buckets_[opt.granularity == Granularity::kWeek ? 0 : 1];
    const std::uint32_t first_bucket = buckets && span ? buckets->of_day[lo] : 0;
    const std::uint32_t bucket_count =
        !buckets ? span : (span ? buckets->of_day[sel.hi - 1] - first_bucket + 1 : 0);
    std::vector<std::uint32_t> slot_of(span);
    for (std::uint32_t i = 0; i < span; ++i) {
      slot_of[i] = buckets ? buckets->of_day[lo + i] - first_bucket : i;
    }

    // 1. Per-day totals over [lo, hi) and distinct active agents per bucket.
    std::vector<Totals> local_days;
    const Totals* by_day = nullptr;
    Totals no_day;
    std::vector<std::uint64_t> active_by_bucket(bucket_count, 0);
    std::uint64_t active_total = 0;
    if (!sel.empty) {
      if (sel.all_groups) {
        by_day = ds.day_totals_.data() + lo;
        if (sel.include_no_day) no_day = ds.no_day_totals_;
        for (std::uint32_t b = 0; b < bucket_count; ++b) {
          if (!buckets) {
            active_by_bucket[b] = ds.day_active_agents_[lo + b];
            continue;
          }
          const std::uint32_t d0 = buckets->first_day[first_bucket + b];
          const std::uint32_t d1 = buckets->first_day[first_bucket + b + 1];
          active_by_bucket[b] = d0 >= lo && d1 <= sel.hi
                                    ? buckets->active_agents[first_bucket + b]
                                    : CountActive(ds, sel, std::max(d0, lo),
                                                  std::min(d1, sel.hi), false);
        }
      } else {
        local_days.assign(span, Totals{});
        by_day = local_days.data();
        std::vector<std::uint32_t> stamp(bucket_count, 0);  // last agent counted per bucket
        ForEachGroupRange(ds, sel, lo, sel.hi, sel.include_no_day,
                          [&](std::uint32_t, const Group& g, const Spans& spans) {
                            for (const Span& s : spans) {
                              AccumulateDays(*s.seg, s.a, s.b, lo, weigh, local_days.data());
                            }
                            AccumulateRows(spans, false, weigh, no_day);
                            const std::uint32_t agent = g.ids[Index(Dimension::kAgent)];
                            for (const Span& s : spans) {
                              for (std::uint32_t r = s.a; r < s.b; ++r) {
                                if (!s.seg->row_active[r]) continue;
                                const std::uint32_t slot = slot_of[s.seg->row_day[r] - lo];
                                if (stamp[slot] == agent) continue;
                                stamp[slot] = agent;
                                ++active_by_bucket[slot];
                              }
                            }
                          });
      }
      active_total = sel.all_groups && sel.include_no_day
                         ? ds.active_agents_
                         : CountActive(ds, sel, lo, sel.hi, sel.include_no_day);
    }

    // 2. Bucket totals (the day totals themselves for daily trends) and the overall total.
    std::vector<Totals> local_buckets;
    const Totals* by_bucket = by_day;
    if (buckets && span) {
      local_buckets.assign(bucket_count, Totals{});
      for (std::uint32_t i = 0; i < span; ++i) local_buckets[slot_of[i]].Add(by_day[i]);
      by_bucket = local_buckets.data();
    }
    Totals total = no_day;
    for (std::uint32_t i = 0; i < span; ++i) total.Add(by_day[i]);
    for (std::uint32_t b = 0; b < bucket_count; ++b) {
      if (by_bucket[b].rows == 0) continue;
      out.days.push_back(buckets ? buckets->starts[first_bucket + b] : ds.days_[lo + b]);
    }

    // 3. The previous period: totals only, over the same groups.
    Totals previous;
    std::uint64_t previous_active = 0;
    out.period = FilterPeriod(q.filter, ds.min_day(), ds.max_day());
    out.previous = PreviousPeriod(q.filter, ds.min_day(), ds.max_day());
    if (out.previous && !sel.no_names) {
      std::uint32_t plo = 0, phi = 0;
      DayRange(ds, out.previous->from, out.previous->to, plo, phi);
      if (sel.all_groups) {
        for (std::uint32_t d = plo; d < phi; ++d) previous.Add(ds.day_totals_[d]);
      } else {
        Spans spans;
        for (std::uint32_t index : sel.groups) {
          GroupSpans(ds, index, plo, phi, false, spans);
          AccumulateRows(spans, true, weigh, previous);
        }
      }
      previous_active = CountActive(ds, sel, plo, phi, false);
    }

    // 4. Cards, trends, comparison, targets.
    FillCards(out,
              DashboardTotals{std::span<const Totals>(by_bucket, by_bucket ? bucket_count : 0),
                              active_by_bucket, total, active_total, previous, previous_active},
              Columns(ds), opt);
    return out;
  }

  // The row ranges a query reads, in group order: the in-range rows then the no-day rows of
  // each selected group.
  static void RowRanges(const Dataset& ds, const Query& q, std::vector<RowCursor::Range>& out) {
    const Selection sel = Select(ds, q);
    if (sel.empty) return;
    ForEachGroupRange(ds, sel, sel.lo, sel.hi, sel.include_no_day,
                      [&](std::uint32_t index, const Group&, const Spans& spans) {
      for (const Span& s : spans) {
        if (s.a < s.b) out.push_back({index, s.segment, s.a, s.b});
      }
      for (const Span& s : spans) {
        if (s.c < s.e) out.push_back({index, s.segment, s.c, s.e});
      }
    });
  }

  static bool NextRow(RowCursor& cursor, RowView& row) {
    const Dataset& ds = *cursor.data_;
    while (cursor.range_ < cursor.ranges_.size() &&
           cursor.row_ >= cursor.ranges_[cursor.range_].end) {
      if (++cursor.range_ < cursor.ranges_.size()) cursor.row_ = cursor.ranges_[cursor.range_].begin;
    }
    if (cursor.range_ >= cursor.ranges_.size()) return false;
    const std::uint32_t r = cursor.row_++;
    const Group& g = ds.groups_[cursor.ranges_[cursor.range_].group];
    const Segment& seg = *ds.segments_[cursor.ranges_[cursor.range_].segment];
    const std::uint32_t day = seg.row_day[r];
    row.day = day == Dataset::kNoDayIndex ? std::nullopt : std::optional<Day>(ds.days_[day]);
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      row.names[d] = ds.dims_[d].present ? std::string_view(ds.dims_[d].names[g.ids[d]])
                                         : std::string_view();
    }
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      row.values[m] = seg.measures[m] ? (*seg.measures[m])[r]
                                      : std::numeric_limits<double>::quiet_NaN();
    }
    return true;
  }

  static SourceColumns Columns(const Dataset& ds) {
    SourceColumns columns;
    columns.measures = ds.has_measure_;
    columns.agent = ds.has_dimension(Dimension::kAgent);
    return columns;
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
      Spans spans;
      for (std::uint32_t i = 0; i < ds.groups_.size(); ++i) {
        const Group& g = ds.groups_[i];
        if (offered[g.ids[d]] || !GroupAllowed(g, allowed)) continue;
        if (q.filter.HasDateRange()) {
          GroupSpans(ds, i, dates.lo, dates.hi, false, spans);
          if (std::none_of(spans.begin(), spans.end(), [](const Span& s) { return s.a < s.b; }))
            continue;  // no row of this group inside the date range
        }
        offered[g.ids[d]] = true;
      }
      for (std::size_t id = 1; id < offered.size(); ++id) {
        if (offered[id]) out.names[d].push_back(ds.dims_[d].names[id]);
      }
    }
    return out;
  }

  static Breakdown ComputeBreakdown(const Dataset& ds, const Query& q,
                                    const BreakdownRequest& req, const DashboardOptions& opt) {
    Breakdown out;
    out.by = req.by;
    const SourceColumns columns = Columns(ds);
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      out.available[k] = KpiAvailable(kKpis[k], columns);
      out.weighted[k] = KpiWeighted(k, opt.weighted);
    }
    const Selection sel = Select(ds, q);
    const std::size_t dim = Index(req.by);
    if (sel.empty || !ds.dims_[dim].present) return out;
    const MeasureMask weigh = WeighMask(ds, opt.weighted);

    // Totals and distinct active agents per name id, in one pass over the selected groups.
    const std::size_t ids = ds.dims_[dim].names.size();
    std::vector<Totals> totals(ids);
    std::vector<std::uint64_t> active(ids, 0);
    std::vector<std::uint32_t> stamp(ids, 0);  // last agent counted per name
    const bool whole_groups = sel.include_no_day && !ds.group_totals_.empty();
    ForEachGroupRange(ds, sel, sel.lo, sel.hi, sel.include_no_day,
                      [&](std::uint32_t index, const Group& g, const Spans& spans) {
                        const std::uint32_t id = g.ids[dim];
                        if (id == 0) return;  // rows without a name are in no entry
                        bool any_active = false;
                        if (whole_groups) {
                          totals[id].Add(ds.group_totals_[index]);
                          any_active = ds.group_active_[index] != 0;
                        } else {
                          AccumulateRows(spans, true, weigh, totals[id]);
                          AccumulateRows(spans, false, weigh, totals[id]);
                          any_active = AnyActive(spans);
                        }
                        const std::uint32_t agent = g.ids[Index(Dimension::kAgent)];
                        if (any_active && stamp[id] != agent) {
                          stamp[id] = agent;
                          ++active[id];
                        }
                      });

    // Entries matching the search; ids are in name order, so this list is sorted by name.
    std::vector<BreakdownEntry> entries;
    for (std::size_t id = 1; id < ids; ++id) {
      if (totals[id].rows == 0) continue;
      const std::string& name = ds.dims_[dim].names[id];
      if (!NameMatchesSearch(name, req.search)) continue;
      entries.push_back(MakeBreakdownEntry(out, name, totals[id], active[id]));
    }
    FinishBreakdown(out, std::move(entries), req);
    return out;
  }
};

Dashboard ComputeDashboard(const Dataset& data, const Query& query,
                           const DashboardOptions& options) {
  return EngineAccess::Compute(data, query, options);
}

FilterChoices ComputeChoices(const Dataset& data, const Query& query) {
  return EngineAccess::Choices(data, query);
}

Breakdown ComputeBreakdown(const Dataset& data, const Query& query,
                           const BreakdownRequest& request, const DashboardOptions& options) {
  return EngineAccess::ComputeBreakdown(data, query, request, options);
}

RowCursor::RowCursor(std::shared_ptr<const Dataset> data, const Query& query)
    : data_(std::move(data)) {
  EngineAccess::RowRanges(*data_, query, ranges_);
  if (!ranges_.empty()) row_ = ranges_.front().begin;
}

bool RowCursor::Next(RowView& row) { return EngineAccess::NextRow(*this, row); }

}  // namespace keeta
