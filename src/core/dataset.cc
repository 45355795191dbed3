#include "core/dataset.h"

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

void Dataset::Totals::Add(const Totals& other) {
  rows += other.rows;
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    sum[m] += other.sum[m];
    count[m] += other.count[m];
    weighted_sum[m] += other.weighted_sum[m];
    weight[m] += other.weight[m];
  }
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
  std::vector<T> out(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) out[i] = in[perm[i]];
  return out;
}

}  // namespace

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
  {
    std::vector<std::uint32_t> size(keys.size(), 0);
    for (std::uint32_t g : row_group) ++size[g];
    std::uint32_t begin = 0;
    for (std::uint32_t i = 0; i < keys.size(); ++i) {
      ds->groups_[i] = Group{keys[group_order[i]], begin, begin + size[i]};
      begin += size[i];
    }
  }
  // Reorder every column into (group, day) order; columns are independent.
  ParallelFor(kMeasureCount + 1, [&](std::size_t m) {
    if (m == kMeasureCount) {
      ds->row_day_ = Gather(day_index, perm);
      std::vector<std::uint32_t>().swap(day_index);
      return;
    }
    auto& col = table.measures[m];
    if (!col || col->size() != n) return;
    ds->measures_[m] = Gather(*col, perm);
    std::vector<double>().swap(*col);
  });
  std::vector<std::uint32_t>().swap(row_group);

  // 5. Active flag: a non-empty agent on a row whose active_agents is not 0 (missing or
  //    absent counts as active).
  ds->row_active_.assign(n, 0);
  {
    const auto& active = ds->measures_[Index(Measure::kActiveAgents)];
    for (const Group& g : ds->groups_) {
      if (g.ids[Index(Dimension::kAgent)] == 0) continue;
      for (std::uint32_t r = g.begin; r < g.end; ++r) {
        const double v = active ? (*active)[r] : std::nan("");
        ds->row_active_[r] = std::isnan(v) || v != 0.0;
      }
    }
  }

  // 6. Per-day totals over all rows, for unfiltered views; per-group totals, for
  //    breakdowns without a date range.
  ds->day_totals_.assign(ds->days_.size(), Totals{});
  const bool with_group_totals =
      ds->groups_.size() * kMinRowsPerGroupForTotals <= std::max<std::size_t>(n, 1);
  if (with_group_totals) ds->group_totals_.assign(ds->groups_.size(), Totals{});
  const auto& chats_column = ds->measures_[Index(Measure::kTotalChats)];
  ParallelFor(kMeasureCount, [&](std::size_t m) {
    if (!ds->measures_[m]) return;
    // Accumulate privately (slot days_.size() = no day), publish once: threads sharing
    // the Totals cache lines row by row would thrash.
    const std::size_t days = ds->days_.size();
    std::vector<double> sum(days + 1, 0.0);
    std::vector<std::uint64_t> count(days + 1, 0);
    const double* v = ds->measures_[m]->data();
    for (std::size_t r = 0; r < n; ++r) {
      const std::uint32_t d = ds->row_day_[r];
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
        const std::uint32_t d = ds->row_day_[r];
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
    if (!with_group_totals) return;
    const double* chats = weighable ? chats_column->data() : nullptr;
    for (std::size_t g = 0; g < ds->groups_.size(); ++g) {
      double s = 0, ws = 0, w = 0;
      std::uint64_t c = 0;
      for (std::uint32_t r = ds->groups_[g].begin; r < ds->groups_[g].end; ++r) {
        const bool present = !std::isnan(v[r]);
        s += present ? v[r] : 0.0;
        c += present;
        if (chats != nullptr && present && chats[r] > 0) {
          ws += v[r] * chats[r];
          w += chats[r];
        }
      }
      Totals& t = ds->group_totals_[g];
      t.sum[m] = s;
      t.count[m] = c;
      t.weighted_sum[m] = ws;
      t.weight[m] = w;
    }
  });
  if (with_group_totals) {
    for (std::size_t g = 0; g < ds->groups_.size(); ++g) {
      ds->group_totals_[g].rows = ds->groups_[g].end - ds->groups_[g].begin;
    }
  }
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint32_t d = ds->row_day_[r];
    ++(d == kNoDayIndex ? ds->no_day_totals_ : ds->day_totals_[d]).rows;
  }
  // 7. Week and month buckets over the days.
  for (std::size_t b = 0; b < ds->buckets_.size(); ++b) {
    const Granularity granularity = b == 0 ? Granularity::kWeek : Granularity::kMonth;
    Buckets& buckets = ds->buckets_[b];
    buckets.of_day.resize(ds->days_.size());
    for (std::size_t d = 0; d < ds->days_.size(); ++d) {
      const Day start = BucketStart(ds->days_[d], granularity);
      if (buckets.starts.empty() || buckets.starts.back() != start) {
        buckets.starts.push_back(start);
        buckets.first_day.push_back(static_cast<std::uint32_t>(d));
      }
      buckets.of_day[d] = static_cast<std::uint32_t>(buckets.starts.size() - 1);
    }
    buckets.first_day.push_back(static_cast<std::uint32_t>(ds->days_.size()));
    buckets.active_agents.assign(buckets.starts.size(), 0);
  }

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
    for (std::size_t gi = 0; gi < ds->groups_.size(); ++gi) {
      const Group& g = ds->groups_[gi];
      const std::uint32_t agent = g.ids[Index(Dimension::kAgent)];
      for (std::uint32_t r = g.begin; r < g.end; ++r) {
        if (!ds->row_active_[r]) continue;
        ds->group_active_[gi] = 1;
        if (last_counted != agent) {  // agent ids of active rows are never 0
          last_counted = agent;
          ++ds->active_agents_;
        }
        const std::uint32_t d = ds->row_day_[r];
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
