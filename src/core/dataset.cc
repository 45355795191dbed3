#include "core/dataset.h"

#include "core/huge_pages.h"
#include "core/kpi_registry.h"
#include "core/periods.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <thread>
#include <unordered_map>

namespace keeta {

std::optional<std::uint32_t> Dataset::Dictionary::Find(std::string_view name) const {
  const auto it = std::lower_bound(names.begin(), names.end(), name,
                                   [](const std::string& a, std::string_view b) { return a < b; });
  if (it == names.end() || *it != name) return std::nullopt;
  return static_cast<std::uint32_t>(it - names.begin());
}

bool Dataset::HasName(Dimension d, std::string_view name) const {
  return !name.empty() && dims_[Index(d)].Find(name).has_value();
}

std::vector<std::string> Dataset::Names(Dimension d) const {
  const auto& names = dims_[Index(d)].names;
  // Id 0 is always "" (see Build); the rest are the sorted non-empty names.
  return std::vector<std::string>(names.begin() + 1, names.end());
}

std::optional<Day> Dataset::min_day() const {
  if (days_.empty()) return std::nullopt;
  return days_.front();
}

std::optional<Day> Dataset::max_day() const {
  if (days_.empty()) return std::nullopt;
  return days_.back();
}

namespace {

// Whether a measure feeds a mean KPI (the only ones that can be weighted by chats).
bool IsMeanInput(std::size_t m) {
  for (const KpiDef& kpi : kKpis) {
    if (kpi.aggregation == Aggregation::kMean && Index(kpi.input) == m) return true;
  }
  return false;
}

// Precomputed per-group totals cost sizeof(Totals) per group; below this many rows per
// group on average (names nearly unique per row) they would outweigh the data itself.
constexpr std::size_t kMinRowsPerGroupForTotals = 16;

bool WithGroupTotals(std::size_t groups, std::size_t rows) {
  return groups * kMinRowsPerGroupForTotals <= std::max<std::size_t>(rows, 1);
}

// Sorts a dimension's names and returns old code -> new id. The new dictionary always
// holds "" at id 0 (it sorts first), so "no name" has one id whether or not it occurs.
std::vector<std::uint32_t> SortDictionary(std::vector<std::string>& names) {
  std::vector<std::uint32_t> order(names.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return names[a] < names[b]; });
  std::vector<std::string> sorted;
  sorted.reserve(names.size() + 1);
  sorted.emplace_back();
  std::vector<std::uint32_t> remap(names.size());
  for (std::uint32_t old : order) {
    if (names[old] != sorted.back()) sorted.push_back(std::move(names[old]));
    remap[old] = static_cast<std::uint32_t>(sorted.size() - 1);
  }
  names = std::move(sorted);
  return remap;
}

struct TripleHash {
  std::size_t operator()(const std::array<std::uint32_t, kDimensionCount>& k) const {
    std::uint64_t h = k[0] * 0x9E3779B97F4A7C15ull;
    h ^= (h >> 29) + k[1] * 0xBF58476D1CE4E5B9ull;
    h ^= (h >> 31) + k[2] * 0x94D049BB133111EBull;
    return static_cast<std::size_t>(h ^ (h >> 32));
  }
};

// Stable counting sort of `perm` by key(row) in [0, buckets).
template <class Key>
void CountingSort(std::vector<std::uint32_t>& perm, std::size_t buckets, Key key) {
  std::vector<std::uint32_t> offsets(buckets + 1, 0);
  for (std::uint32_t r : perm) ++offsets[key(r) + 1];
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
  std::vector<std::uint32_t> out(perm.size());
  for (std::uint32_t r : perm) out[offsets[key(r)]++] = r;
  perm.swap(out);
}

// Runs fn(0..count-1) on up to hardware_concurrency threads. The gathers below are
// independent per column and bound by cache misses, so they scale with cores.
template <class Fn>
void ParallelFor(std::size_t count, Fn fn) {
  const std::size_t threads =
      std::min<std::size_t>(count, std::max(1u, std::thread::hardware_concurrency()));
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < count;) fn(i);
  };
  std::vector<std::jthread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
}

template <class T>
std::vector<T> Gather(const std::vector<T>& in, const std::vector<std::uint32_t>& perm) {
  std::vector<T> out;
  ReserveHuge(out, perm.size());
  out.resize(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) out[i] = in[perm[i]];
  return out;
}

}  // namespace

// The row-level work shared by Build and Append. Every accumulation adds rows one at a
// time in row order, so totals over rows split across segments equal those over one.
struct DatasetBuilder {
  using Totals = Dataset::Totals;
  using Segment = Dataset::Segment;
  using Group = Dataset::Group;
  using Weighable = std::array<bool, kMeasureCount>;
  static constexpr std::uint32_t kNoDayIndex = Dataset::kNoDayIndex;

  static Weighable WeighableMeasures(const Segment& seg) {
    Weighable w{};
    if (!seg.measures[Index(Measure::kTotalChats)]) return w;
    for (std::size_t m = 0; m < kMeasureCount; ++m) w[m] = seg.measures[m] && IsMeanInput(m);
    return w;
  }

  static void MarkActive(const std::vector<Group>& groups, Segment& seg) {
    seg.row_active.assign(seg.rows(), 0);
    const auto& active = seg.measures[Index(Measure::kActiveAgents)];
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].ids[Index(Dimension::kAgent)] == 0) continue;
      for (std::uint32_t r = seg.begin(g); r < seg.end(g); ++r) {
        const double v = active ? (*active)[r] : std::nan("");
        seg.row_active[r] = std::isnan(v) || v != 0.0;
      }
    }
  }

  // First row of group g in seg whose day index is >= day (kNoDayIndex: the no-day rows).
  static std::uint32_t FirstFrom(const Segment& seg, std::size_t g, std::uint32_t day) {
    const auto begin = seg.row_day.begin() + seg.begin(g), end = seg.row_day.begin() + seg.end(g);
    return static_cast<std::uint32_t>(std::lower_bound(begin, end, day) - seg.row_day.begin());
  }
  static std::uint32_t FirstNoDay(const Segment& seg, std::size_t g) {
    return FirstFrom(seg, g, kNoDayIndex);
  }

  // Adds rows [r0, r1) of seg to t, one after another.
  static void Continue(Totals& t, const Segment& seg, std::uint32_t r0, std::uint32_t r1,
                       const Weighable& weighable) {
    t.rows += r1 - r0;
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (!seg.measures[m]) continue;
      const double* v = seg.measures[m]->data();
      double sum = t.sum[m];
      std::uint64_t count = t.count[m];
      for (std::uint32_t r = r0; r < r1; ++r) {
        const bool present = !std::isnan(v[r]);
        sum += present ? v[r] : 0.0;
        count += present;
      }
      t.sum[m] = sum;
      t.count[m] = count;
      if (!weighable[m]) continue;
      const double* chats = seg.measures[Index(Measure::kTotalChats)]->data();
      double ws = t.weighted_sum[m], w = t.weight[m];
      for (std::uint32_t r = r0; r < r1; ++r) {
        if (std::isnan(v[r]) || !(chats[r] > 0)) continue;
        ws += v[r] * chats[r];
        w += chats[r];
      }
      t.weighted_sum[m] = ws;
      t.weight[m] = w;
    }
  }

  // Totals of the rows of days [lo, hi) (or without a day: lo = kNoDayIndex), over every
  // segment, in row order.
  static Totals TotalsOf(const Dataset& ds, std::uint32_t lo, std::uint32_t hi) {
    Totals t;
    const Weighable weighable = WeighableMeasures(*ds.segments_.front());
    for (std::size_t g = 0; g < ds.groups_.size(); ++g) {
      for (const auto& seg : ds.segments_) {
        const std::uint32_t a = FirstFrom(*seg, g, lo);
        const std::uint32_t b = lo == kNoDayIndex ? seg->end(g) : FirstFrom(*seg, g, hi);
        Continue(t, *seg, a, b, weighable);
      }
    }
    return t;
  }

  // Distinct active agents over the rows of days [lo, hi), every segment.
  static std::uint32_t ActiveOf(const Dataset& ds, std::uint32_t lo, std::uint32_t hi) {
    std::uint32_t count = 0, last = 0;
    for (std::size_t g = 0; g < ds.groups_.size(); ++g) {
      const std::uint32_t agent = ds.groups_[g].ids[Index(Dimension::kAgent)];
      if (agent == 0 || agent == last) continue;
      for (const auto& seg : ds.segments_) {
        const std::uint32_t b = FirstFrom(*seg, g, hi);
        std::uint32_t r = FirstFrom(*seg, g, lo);
        while (r < b && !seg->row_active[r]) ++r;
        if (r < b) {
          last = agent;
          ++count;
          break;
        }
      }
    }
    return count;
  }

  // One slot per data day, folded into ISO weeks and months (active agents left at 0).
  static void LayOutBuckets(Dataset& ds) {
    for (std::size_t b = 0; b < ds.buckets_.size(); ++b) {
      const Granularity granularity = b == 0 ? Granularity::kWeek : Granularity::kMonth;
      Dataset::Buckets& buckets = ds.buckets_[b];
      buckets.of_day.resize(ds.days_.size());
      for (std::size_t d = 0; d < ds.days_.size(); ++d) {
        const Day start = BucketStart(ds.days_[d], granularity);
        if (buckets.starts.empty() || buckets.starts.back() != start) {
          buckets.starts.push_back(start);
          buckets.first_day.push_back(static_cast<std::uint32_t>(d));
        }
        buckets.of_day[d] = static_cast<std::uint32_t>(buckets.starts.size() - 1);
      }
      buckets.first_day.push_back(static_cast<std::uint32_t>(ds.days_.size()));
      buckets.active_agents.assign(buckets.starts.size(), 0);
    }
  }

  // One segment holding the rows of `parts` in row order: per group, the rows with a day
  // of each part in turn, then their rows without a day.
  static std::shared_ptr<const Segment> Merge(
      const std::vector<std::shared_ptr<const Segment>>& parts, std::size_t groups,
      const std::array<bool, kMeasureCount>& has_measure) {
    auto merged = std::make_shared<Segment>();
    Segment& out = *merged;
    std::size_t rows = 0;
    for (const auto& p : parts) rows += p->rows();
    out.row_day.reserve(rows);
    out.row_active.reserve(rows);
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (has_measure[m]) out.measures[m].emplace().reserve(rows);
    }
    out.group_start.reserve(groups + 1);
    auto copy = [&](const Segment& p, std::uint32_t a, std::uint32_t b) {
      out.row_day.insert(out.row_day.end(), p.row_day.begin() + a, p.row_day.begin() + b);
      out.row_active.insert(out.row_active.end(), p.row_active.begin() + a, p.row_active.begin() + b);
      for (std::size_t m = 0; m < kMeasureCount; ++m) {
        if (!has_measure[m]) continue;
        out.measures[m]->insert(out.measures[m]->end(), p.measures[m]->begin() + a,
                                p.measures[m]->begin() + b);
      }
    };
    for (std::size_t g = 0; g < groups; ++g) {
      out.group_start.push_back(static_cast<std::uint32_t>(out.row_day.size()));
      for (const auto& p : parts) copy(*p, p->begin(g), FirstNoDay(*p, g));
      for (const auto& p : parts) copy(*p, FirstNoDay(*p, g), p->end(g));
    }
    out.group_start.push_back(static_cast<std::uint32_t>(out.row_day.size()));
    return merged;
  }

  // Keeps the segments few: a new segment at least half the size of the one before it is
  // merged into it (so sizes fall geometrically and each row is copied O(log n) times), and
  // everything is merged once the appended rows outweigh the first segment.
  static void Compact(Dataset& ds) {
    auto& segs = ds.segments_;
    auto merge_from = [&](std::size_t first) {
      std::vector<std::shared_ptr<const Segment>> parts(segs.begin() + static_cast<std::ptrdiff_t>(first), segs.end());
      segs.resize(first);
      segs.push_back(Merge(parts, ds.groups_.size(), ds.has_measure_));
    };
    while (segs.size() >= 3 && segs.back()->rows() * 2 >= segs[segs.size() - 2]->rows()) {
      merge_from(segs.size() - 2);
    }
    if (segs.size() > Dataset::kMaxSegments) merge_from(1);
    std::size_t appended = 0;
    for (std::size_t i = 1; i < segs.size(); ++i) appended += segs[i]->rows();
    if (segs.size() > 1 && appended >= segs.front()->rows()) merge_from(0);
  }
};

std::shared_ptr<const Dataset> Dataset::Build(ParsedTable table, LoadReport report) {
  std::shared_ptr<Dataset> ds(new Dataset());
  const std::size_t n = table.rows;
  ds->row_count_ = n;
  ds->report_ = std::move(report);
  ds->report_.rows_loaded = n;
  ds->has_day_ = table.has_day;

  // 1. Dictionaries in sorted order; per-row ids.
  std::array<std::vector<std::uint32_t>, kDimensionCount> ids;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    NameColumn& col = table.names[d];
    Dictionary& dict = ds->dims_[d];
    dict.present = col.present;
    if (!col.present || col.codes.size() != n) {
      dict.names = {std::string()};
      ids[d].assign(n, 0);
      continue;
    }
    const std::vector<std::uint32_t> remap = SortDictionary(col.names);
    dict.names = std::move(col.names);
    ids[d] = std::move(col.codes);
    for (auto& code : ids[d]) code = remap[code];
  }

  // 2. Distinct days and each row's day index (missing days last: kNoDayIndex).
  std::vector<std::uint32_t> day_index(n, kNoDayIndex);
  if (table.has_day && table.day.size() == n) {
    Day lo = std::numeric_limits<Day>::max(), hi = std::numeric_limits<Day>::min();
    for (Day d : table.day) {
      if (d == kNoDay) continue;
      lo = std::min(lo, d);
      hi = std::max(hi, d);
    }
    if (lo <= hi) {
      // Dense lookup over the span (at most ~3.7M days for years 0000-9999).
      std::vector<std::uint32_t> slot(static_cast<std::size_t>(hi - lo) + 1, 0);
      for (Day d : table.day)
        if (d != kNoDay) slot[static_cast<std::size_t>(d - lo)] = 1;
      for (std::size_t i = 0; i < slot.size(); ++i) {
        if (slot[i]) {
          slot[i] = static_cast<std::uint32_t>(ds->days_.size());
          ds->days_.push_back(lo + static_cast<Day>(i));
        }
      }
      for (std::size_t r = 0; r < n; ++r) {
        const Day d = table.day[r];
        if (d != kNoDay) day_index[r] = slot[static_cast<std::size_t>(d - lo)];
      }
    }
    std::vector<Day>().swap(table.day);
  }

  // 3. Groups: distinct (agent, team leader, supervisor) triples, sorted by ids.
  std::vector<std::uint32_t> row_group(n);
  std::vector<std::array<std::uint32_t, kDimensionCount>> keys;
  {
    std::unordered_map<std::array<std::uint32_t, kDimensionCount>, std::uint32_t, TripleHash>
        seen;
    std::array<std::uint32_t, kDimensionCount> last{};
    std::uint32_t last_group = 0;
    bool have_last = false;
    for (std::size_t r = 0; r < n; ++r) {
      const std::array<std::uint32_t, kDimensionCount> key{ids[0][r], ids[1][r], ids[2][r]};
      if (!have_last || key != last) {
        auto [it, inserted] = seen.try_emplace(key, static_cast<std::uint32_t>(keys.size()));
        if (inserted) keys.push_back(key);
        last = key;
        last_group = it->second;
        have_last = true;
      }
      row_group[r] = last_group;
    }
  }
  std::vector<std::uint32_t> group_order(keys.size());
  std::iota(group_order.begin(), group_order.end(), 0u);
  std::sort(group_order.begin(), group_order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
  std::vector<std::uint32_t> group_rank(keys.size());
  for (std::uint32_t i = 0; i < group_order.size(); ++i) group_rank[group_order[i]] = i;
  for (auto& g : row_group) g = group_rank[g];

  // 4. Row order: by group, then day (missing last). Two stable counting sorts.
  std::vector<std::uint32_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0u);
  const std::size_t day_buckets = ds->days_.size() + 1;
  CountingSort(perm, day_buckets, [&](std::uint32_t r) {
    return day_index[r] == kNoDayIndex ? ds->days_.size() : day_index[r];
  });
  CountingSort(perm, keys.size(), [&](std::uint32_t r) { return row_group[r]; });

  // Group boundaries from the group sizes (rows are now group-major).
  ds->groups_.resize(keys.size());
  for (std::uint32_t i = 0; i < keys.size(); ++i) ds->groups_[i] = Group{keys[group_order[i]]};
  auto segment = std::make_shared<Segment>();
  Segment& seg = *segment;
  seg.group_start.assign(keys.size() + 1, 0);
  for (std::uint32_t g : row_group) ++seg.group_start[g + 1];
  std::partial_sum(seg.group_start.begin(), seg.group_start.end(), seg.group_start.begin());
  // Reorder every column into (group, day) order; columns are independent.
  ParallelFor(kMeasureCount + 1, [&](std::size_t m) {
    if (m == kMeasureCount) {
      seg.row_day = Gather(day_index, perm);
      std::vector<std::uint32_t>().swap(day_index);
      return;
    }
    auto& col = table.measures[m];
    if (!col || col->size() != n) return;
    seg.measures[m] = Gather(*col, perm);
    std::vector<double>().swap(*col);
  });
  std::vector<std::uint32_t>().swap(row_group);
  for (std::size_t m = 0; m < kMeasureCount; ++m) ds->has_measure_[m] = seg.measures[m].has_value();

  // 5. Active flag: a non-empty agent on a row whose active_agents is not 0 (missing or
  //    absent counts as active).
  DatasetBuilder::MarkActive(ds->groups_, seg);

  // 6. Per-day totals over all rows, for unfiltered views; per-group totals, for
  //    breakdowns without a date range.
  ds->day_totals_.assign(ds->days_.size(), Totals{});
  const bool with_group_totals = WithGroupTotals(ds->groups_.size(), n);
  const auto& chats_column = seg.measures[Index(Measure::kTotalChats)];
  ParallelFor(kMeasureCount, [&](std::size_t m) {
    if (!seg.measures[m]) return;
    // Accumulate privately (slot days_.size() = no day), publish once: threads sharing
    // the Totals cache lines row by row would thrash.
    const std::size_t days = ds->days_.size();
    std::vector<double> sum(days + 1, 0.0);
    std::vector<std::uint64_t> count(days + 1, 0);
    const double* v = seg.measures[m]->data();
    for (std::size_t r = 0; r < n; ++r) {
      const std::uint32_t d = seg.row_day[r];
      const std::size_t slot = d == kNoDayIndex ? days : d;
      const bool present = !std::isnan(v[r]);
      sum[slot] += present ? v[r] : 0.0;
      count[slot] += present;
    }
    std::vector<double> weighted_sum, weight;
    const bool weighable = IsMeanInput(m) && chats_column.has_value();
    if (weighable) {
      weighted_sum.assign(days + 1, 0.0);
      weight.assign(days + 1, 0.0);
      const double* chats = chats_column->data();
      for (std::size_t r = 0; r < n; ++r) {
        if (std::isnan(v[r]) || !(chats[r] > 0)) continue;
        const std::uint32_t d = seg.row_day[r];
        const std::size_t slot = d == kNoDayIndex ? days : d;
        weighted_sum[slot] += v[r] * chats[r];
        weight[slot] += chats[r];
      }
    }
    for (std::size_t d = 0; d <= days; ++d) {
      Totals& t = d == days ? ds->no_day_totals_ : ds->day_totals_[d];
      t.sum[m] = sum[d];
      t.count[m] = count[d];
      if (weighable) {
        t.weighted_sum[m] = weighted_sum[d];
        t.weight[m] = weight[d];
      }
    }
  });
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint32_t d = seg.row_day[r];
    ++(d == kNoDayIndex ? ds->no_day_totals_ : ds->day_totals_[d]).rows;
  }
  if (with_group_totals) {
    ds->group_totals_.assign(ds->groups_.size(), Totals{});
    ds->group_dated_totals_.assign(ds->groups_.size(), Totals{});
    const DatasetBuilder::Weighable weighable = DatasetBuilder::WeighableMeasures(seg);
    ParallelFor(ds->groups_.size(), [&](std::size_t g) {
      Totals t;
      const std::uint32_t dated_end = DatasetBuilder::FirstNoDay(seg, g);
      DatasetBuilder::Continue(t, seg, seg.begin(g), dated_end, weighable);
      ds->group_dated_totals_[g] = t;
      DatasetBuilder::Continue(t, seg, dated_end, seg.end(g), weighable);
      ds->group_totals_[g] = t;
    });
  }
  ds->segments_.push_back(std::move(segment));
  // 7. Week and month buckets over the days.
  DatasetBuilder::LayOutBuckets(*ds);

  // Distinct active agents per day, week and month: groups are sorted by agent, so one
  // "last agent seen" stamp per slot deduplicates an agent's rows across its groups.
  ds->day_active_agents_.assign(ds->days_.size(), 0);
  ds->group_active_.assign(ds->groups_.size(), 0);
  {
    std::vector<std::uint32_t> stamp(ds->days_.size(), 0);
    std::array<std::vector<std::uint32_t>, 2> bucket_stamp;
    for (std::size_t b = 0; b < bucket_stamp.size(); ++b) {
      bucket_stamp[b].assign(ds->buckets_[b].starts.size(), 0);
    }
    std::uint32_t last_counted = 0;
    const Segment& seg = *ds->segments_.front();
    for (std::size_t gi = 0; gi < ds->groups_.size(); ++gi) {
      const Group& g = ds->groups_[gi];
      const std::uint32_t agent = g.ids[Index(Dimension::kAgent)];
      for (std::uint32_t r = seg.begin(gi); r < seg.end(gi); ++r) {
        if (!seg.row_active[r]) continue;
        ds->group_active_[gi] = 1;
        if (last_counted != agent) {  // agent ids of active rows are never 0
          last_counted = agent;
          ++ds->active_agents_;
        }
        const std::uint32_t d = seg.row_day[r];
        if (d == kNoDayIndex || stamp[d] == agent) continue;
        stamp[d] = agent;
        ++ds->day_active_agents_[d];
        for (std::size_t b = 0; b < bucket_stamp.size(); ++b) {
          const std::uint32_t bucket = ds->buckets_[b].of_day[d];
          if (bucket_stamp[b][bucket] == agent) continue;
          bucket_stamp[b][bucket] = agent;
          ++ds->buckets_[b].active_agents[bucket];
        }
      }
    }
  }
  return ds;
}

}  // namespace keeta

namespace keeta {

std::shared_ptr<const Dataset> Dataset::Append(const std::shared_ptr<const Dataset>& previous,
                                               ParsedTable table, LoadReport report) {
  using B = DatasetBuilder;
  const Dataset& prev = *previous;
  const std::size_t n = table.rows;
  const std::size_t total_rows = prev.row_count_ + n;
  // The same columns, and the per-group totals Build would keep (or not) for all the rows.
  if (table.has_day != prev.has_day_ || (table.has_day && table.day.size() != n)) return nullptr;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    const NameColumn& col = table.names[d];
    if (col.present != prev.dims_[d].present || (col.present && col.codes.size() != n)) return nullptr;
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    const auto& col = table.measures[m];
    if (col.has_value() != prev.has_measure_[m] || (col && col->size() != n)) return nullptr;
  }
  if (WithGroupTotals(prev.groups_.size(), total_rows) != !prev.group_totals_.empty()) return nullptr;

  // Each row's group among previous's: every name and triple must be known.
  std::array<std::vector<std::uint32_t>, kDimensionCount> remap;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (!table.names[d].present) continue;
    for (const std::string& name : table.names[d].names) {
      const auto id = prev.dims_[d].Find(name);
      if (!id) return nullptr;
      remap[d].push_back(*id);
    }
  }
  auto id_of = [&](std::size_t d, std::size_t r) {
    return table.names[d].present ? remap[d][table.names[d].codes[r]] : 0u;
  };
  std::vector<std::uint32_t> row_group(n);
  {
    std::array<std::uint32_t, kDimensionCount> last{};
    std::uint32_t last_group = 0;
    bool have_last = false;
    for (std::size_t r = 0; r < n; ++r) {
      const std::array<std::uint32_t, kDimensionCount> key{id_of(0, r), id_of(1, r), id_of(2, r)};
      if (!have_last || key != last) {
        const auto it = std::lower_bound(prev.groups_.begin(), prev.groups_.end(), key,
                                         [](const Group& g, const auto& k) { return g.ids < k; });
        if (it == prev.groups_.end() || it->ids != key) return nullptr;
        last = key;
        last_group = static_cast<std::uint32_t>(it - prev.groups_.begin());
        have_last = true;
      }
      row_group[r] = last_group;
    }
  }

  // Days: on or after previous's last day, so previous's day indexes stay as they are.
  std::shared_ptr<Dataset> ds(new Dataset());
  ds->days_ = prev.days_;
  std::vector<std::uint32_t> day_index(n, kNoDayIndex);
  if (table.has_day) {
    std::vector<Day> added;
    for (const Day d : table.day) {
      if (d == kNoDay) continue;
      if (!prev.days_.empty() && d < prev.days_.back()) return nullptr;
      if (prev.days_.empty() || d > prev.days_.back()) added.push_back(d);
    }
    std::sort(added.begin(), added.end());
    added.erase(std::unique(added.begin(), added.end()), added.end());
    ds->days_.insert(ds->days_.end(), added.begin(), added.end());
    for (std::size_t r = 0; r < n; ++r) {
      const Day d = table.day[r];
      if (d == kNoDay) continue;
      day_index[r] = static_cast<std::uint32_t>(
          std::lower_bound(ds->days_.begin() + static_cast<std::ptrdiff_t>(prev.days_.empty() ? 0 : prev.days_.size() - 1),
                           ds->days_.end(), d) - ds->days_.begin());
    }
  }
  ds->report_ = std::move(report);
  ds->report_.rows_loaded = total_rows;
  ds->row_count_ = total_rows;
  ds->has_day_ = prev.has_day_;
  ds->dims_ = prev.dims_;
  ds->groups_ = prev.groups_;
  ds->has_measure_ = prev.has_measure_;
  ds->segments_ = prev.segments_;
  const std::size_t groups = ds->groups_.size();
  const std::size_t days = ds->days_.size();
  const std::size_t old_days = prev.days_.size();

  // The new rows' segment, laid out as Build lays out its one.
  auto segment = std::make_shared<Segment>();
  Segment& seg = *segment;
  {
    std::vector<std::uint32_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0u);
    CountingSort(perm, days + 1, [&](std::uint32_t r) {
      return day_index[r] == kNoDayIndex ? days : day_index[r];
    });
    CountingSort(perm, groups, [&](std::uint32_t r) { return row_group[r]; });
    seg.group_start.assign(groups + 1, 0);
    for (std::uint32_t g : row_group) ++seg.group_start[g + 1];
    std::partial_sum(seg.group_start.begin(), seg.group_start.end(), seg.group_start.begin());
    seg.row_day = Gather(day_index, perm);
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (table.measures[m]) seg.measures[m] = Gather(*table.measures[m], perm);
    }
    B::MarkActive(ds->groups_, seg);
  }
  if (n > 0) ds->segments_.push_back(segment);

  // Totals per day: a new day's rows are all in the new segment, in row order; previous's
  // last day and the rows without a day may be in several, so they are summed anew.
  const B::Weighable weighable = B::WeighableMeasures(seg);
  ds->day_totals_ = prev.day_totals_;
  ds->day_totals_.resize(days);
  ds->day_active_agents_ = prev.day_active_agents_;
  ds->day_active_agents_.resize(days, 0);
  bool last_day_touched = false, no_day_touched = false;
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::uint32_t r = seg.begin(g); r < seg.end(g); ++r) {
      const std::uint32_t d = seg.row_day[r];
      if (d == kNoDayIndex) {
        no_day_touched = true;
      } else if (d < old_days) {
        last_day_touched = true;
      } else {
        B::Continue(ds->day_totals_[d], seg, r, r + 1, weighable);
      }
    }
  }
  if (last_day_touched) {
    ds->day_totals_[old_days - 1] = B::TotalsOf(*ds, static_cast<std::uint32_t>(old_days - 1),
                                                static_cast<std::uint32_t>(old_days));
    ds->day_active_agents_[old_days - 1] =
        B::ActiveOf(*ds, static_cast<std::uint32_t>(old_days - 1), static_cast<std::uint32_t>(old_days));
  }
  ds->no_day_totals_ = no_day_touched ? B::TotalsOf(*ds, kNoDayIndex, kNoDayIndex) : prev.no_day_totals_;
  {
    std::vector<std::uint32_t> stamp(days, 0);
    for (std::size_t g = 0; g < groups; ++g) {
      const std::uint32_t agent = ds->groups_[g].ids[Index(Dimension::kAgent)];
      for (std::uint32_t r = seg.begin(g); r < seg.end(g); ++r) {
        const std::uint32_t d = seg.row_day[r];
        if (!seg.row_active[r] || d == kNoDayIndex || d < old_days || stamp[d] == agent) continue;
        stamp[d] = agent;
        ++ds->day_active_agents_[d];
      }
    }
  }

  // Week and month buckets: those before the first day the new rows touch keep their
  // counts of active agents; the rest are counted anew.
  const std::uint32_t first_touched = last_day_touched ? static_cast<std::uint32_t>(old_days - 1)
                                                       : static_cast<std::uint32_t>(old_days);
  B::LayOutBuckets(*ds);
  for (std::size_t b = 0; b < ds->buckets_.size(); ++b) {
    Buckets& buckets = ds->buckets_[b];
    const Buckets& before = prev.buckets_[b];
    for (std::size_t i = 0; i < buckets.starts.size(); ++i) {
      const std::uint32_t d0 = buckets.first_day[i], d1 = buckets.first_day[i + 1];
      buckets.active_agents[i] = d1 <= first_touched && i < before.active_agents.size()
                                     ? before.active_agents[i]
                                     : B::ActiveOf(*ds, d0, d1);
    }
  }

  // Active groups and agents: previous's, and those the new rows make active.
  ds->group_active_ = prev.group_active_;
  std::vector<std::uint8_t> agent_active(ds->dims_[Index(Dimension::kAgent)].names.size(), 0);
  for (std::size_t g = 0; g < groups; ++g) {
    if (prev.group_active_[g]) agent_active[ds->groups_[g].ids[Index(Dimension::kAgent)]] = 1;
  }
  ds->active_agents_ = prev.active_agents_;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::uint32_t agent = ds->groups_[g].ids[Index(Dimension::kAgent)];
    for (std::uint32_t r = seg.begin(g); r < seg.end(g); ++r) {
      if (!seg.row_active[r]) continue;
      ds->group_active_[g] = 1;
      if (!agent_active[agent]) {
        agent_active[agent] = 1;
        ++ds->active_agents_;
      }
      break;
    }
  }

  // Per-group totals: the rows with a day continue previous's; the rows without follow all.
  if (!prev.group_totals_.empty()) {
    ds->group_totals_ = prev.group_totals_;
    ds->group_dated_totals_ = prev.group_dated_totals_;
    for (std::size_t g = 0; g < groups; ++g) {
      if (seg.begin(g) == seg.end(g)) continue;
      Totals& dated = ds->group_dated_totals_[g];
      B::Continue(dated, seg, seg.begin(g), B::FirstNoDay(seg, g), weighable);
      Totals t = dated;
      for (const auto& part : ds->segments_) {
        B::Continue(t, *part, B::FirstNoDay(*part, g), part->end(g), weighable);
      }
      ds->group_totals_[g] = t;
    }
  }
  B::Compact(*ds);
  return ds;
}

}  // namespace keeta
