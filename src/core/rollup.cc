#include "core/rollup.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace keeta {

namespace {

constexpr std::uint32_t kNotKeyed = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t kNoBucket = std::numeric_limits<std::int64_t>::min();
constexpr std::size_t kAgent = Index(Dimension::kAgent);
constexpr std::size_t kTeamLeader = Index(Dimension::kTeamLeader);
constexpr std::size_t kSupervisor = Index(Dimension::kSupervisor);

// A coarse row's identity: level, bucket kind, its keyed names' ids, bucket.
struct CoarseKey {
  std::uint8_t level = 0;
  std::uint8_t kind = 0;
  std::uint32_t agent = kNotKeyed;
  std::uint32_t team_leader = kNotKeyed;
  std::uint32_t supervisor = kNotKeyed;
  std::int64_t bucket = kNoBucket;
  bool operator==(const CoarseKey&) const = default;
};
struct CoarseKeyHash {
  std::size_t operator()(const CoarseKey& k) const {
    std::uint64_t h = (std::uint64_t{k.level} << 8 | k.kind) * 0x9E3779B97F4A7C15ull;
    h ^= (std::uint64_t{k.team_leader} << 32 | k.supervisor) + 0x7F4A7C159E3779B9ull + (h << 6) + (h >> 2);
    h ^= std::uint64_t{k.agent} + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h ^= static_cast<std::uint64_t>(k.bucket) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return static_cast<std::size_t>(h);
  }
};

// The engine's rule: a row counts towards active agents when its agent is named and its
// active_agents cell is missing or not 0.
bool IsActive(const RowView& row) {
  const double v = row.values[Index(Measure::kActiveAgents)];
  return !row.names[kAgent].empty() && (std::isnan(v) || v != 0.0);
}

// Adds one row as the engine does: present values summed and counted; for means, value *
// chats and chats over rows where both are present and chats > 0.
void AddRow(KpiTotals& t, const RowView& row, bool weigh) {
  ++t.rows;
  const double chats = row.values[Index(Measure::kTotalChats)];
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    const double v = row.values[m];
    if (std::isnan(v)) continue;
    t.sum[m] += v;
    ++t.count[m];
    if (weigh && chats > 0) {
      t.weighted_sum[m] += v * chats;
      t.weight[m] += chats;
    }
  }
}

}  // namespace

RollupBuilder::RollupBuilder(std::shared_ptr<const Dataset> data)
    : data_(std::move(data)), fine_(data_, Query{}) {
  summary_.first_day = data_->min_day();
  summary_.last_day = data_->max_day();
  summary_.rows = data_->rows();
  const std::size_t span =
      summary_.first_day ? static_cast<std::size_t>(*summary_.last_day - *summary_.first_day + 1) : 0;
  const bool weigh = data_->has_measure(Measure::kTotalChats);

  std::unordered_map<std::string_view, std::uint32_t> ids[kDimensionCount];
  std::vector<std::string_view> names[kDimensionCount];
  auto id_of = [&](std::size_t d, std::string_view name) {
    const auto [it, added] = ids[d].emplace(name, static_cast<std::uint32_t>(names[d].size()));
    if (added) names[d].push_back(name);
    return it->second;
  };
  std::unordered_map<CoarseKey, KpiTotals, CoarseKeyHash> sums;
  std::unordered_map<CoarseKey, std::uint64_t, CoarseKeyHash> active;
  // The current agent's active (level, kind, key, bucket)s. The cursor gives an agent's
  // rows one after another (rows are ordered by agent first), so each agent is counted
  // once per key and bucket when the next agent starts.
  std::unordered_set<CoarseKey, CoarseKeyHash> agent_active;
  using Key = std::array<std::uint32_t, kDimensionCount>;
  std::unordered_map<CoarseKey, Key, CoarseKeyHash> agent_key;
  auto finish_agent = [&] {
    for (const CoarseKey& k : agent_active) {
      ++active[k];
      CoarseKey bucket = k;
      bucket.agent = bucket.team_leader = bucket.supervisor = kNotKeyed;
      const Key names{k.agent, k.team_leader, k.supervisor};
      const auto [it, first] = agent_key.emplace(bucket, names);
      if (!first && it->second != names) {
        summary_.split |= RollupSplitBit(k.level, static_cast<Granularity>(k.kind));
      }
    }
    agent_active.clear();
    agent_key.clear();
  };

  RowCursor cursor(data_, Query{});
  RowView row;
  std::optional<std::string_view> agent;
  RollupTriple* triple = nullptr;
  while (cursor.Next(row)) {
    if (!agent || *agent != row.names[kAgent]) {
      finish_agent();
      agent = row.names[kAgent];
    }
    if (triple == nullptr || triple->names != row.names) {
      triples_.push_back(RollupTriple{row.names, std::string(span, '0'), std::string(span, '0')});
      triple = &triples_.back();
    }
    const bool is_active = IsActive(row);
    const Key ids_of_row{id_of(kAgent, row.names[kAgent]), id_of(kTeamLeader, row.names[kTeamLeader]),
                         id_of(kSupervisor, row.names[kSupervisor])};
    for (std::size_t level = 0; level < kRollupLevels.size(); ++level) {
      CoarseKey key;
      key.level = static_cast<std::uint8_t>(level);
      if (kRollupLevels[level].keyed[kAgent]) key.agent = ids_of_row[kAgent];
      if (kRollupLevels[level].keyed[kTeamLeader]) key.team_leader = ids_of_row[kTeamLeader];
      if (kRollupLevels[level].keyed[kSupervisor]) key.supervisor = ids_of_row[kSupervisor];
      for (const Granularity kind : {Granularity::kDay, Granularity::kWeek, Granularity::kMonth}) {
        // Level 3's days are the second pass's (NextFineRows); rows without a day are in
        // the day buckets only.
        const bool fine_days = level == kFinestRollupLevel && kind == Granularity::kDay;
        if (!kRollupLevels[level].kinds[static_cast<std::size_t>(kind)] || fine_days) continue;
        if (!row.day && kind != Granularity::kDay) continue;
        key.kind = static_cast<std::uint8_t>(kind);
        key.bucket = row.day ? BucketStart(*row.day, kind) : kNoBucket;
        AddRow(sums[key], row, weigh);
        if (is_active && row.day) agent_active.insert(key);
      }
    }
    if (row.day) {
      const auto at = static_cast<std::size_t>(*row.day - *summary_.first_day);
      triple->present_days[at] = '1';
      if (is_active) triple->active_days[at] = '1';
    } else {
      triple->undated_present = true;
      triple->undated_active = triple->undated_active || is_active;
    }
  }
  finish_agent();

  auto row_of = [&](const CoarseKey& k) {
    RollupRow r;
    r.level = k.level;
    r.kind = static_cast<Granularity>(k.kind);
    if (k.bucket != kNoBucket) r.bucket = static_cast<Day>(k.bucket);
    if (k.agent != kNotKeyed) r.names[kAgent] = names[kAgent][k.agent];
    if (k.team_leader != kNotKeyed) r.names[kTeamLeader] = names[kTeamLeader][k.team_leader];
    if (k.supervisor != kNotKeyed) r.names[kSupervisor] = names[kSupervisor][k.supervisor];
    return r;
  };
  coarse_.reserve(sums.size());
  for (const auto& [key, totals] : sums) {
    RollupRow r = row_of(key);
    r.totals = totals;
    if (const auto it = active.find(key); it != active.end()) r.active = it->second;
    coarse_.push_back(r);
  }
  std::sort(coarse_.begin(), coarse_.end(), [](const RollupRow& a, const RollupRow& b) {
    return std::tie(a.level, a.kind, a.names, a.bucket) < std::tie(b.level, b.kind, b.names, b.bucket);
  });
}

bool RollupBuilder::NextFineRows(std::vector<RollupRow>& out, std::size_t max) {
  out.clear();
  const bool weigh = data_->has_measure(Measure::kTotalChats);
  RowView row;
  while (!fine_done_ && out.size() < max) {
    if (!fine_.Next(row)) {
      fine_done_ = true;
      break;
    }
    if (pending_ && (pending_->names != row.names || pending_->bucket != row.day)) {
      out.push_back(*pending_);
      pending_.reset();
    }
    if (!pending_) {
      pending_.emplace();
      pending_->level = static_cast<std::uint8_t>(kFinestRollupLevel);
      pending_->bucket = row.day;
      pending_->names = row.names;
    }
    AddRow(pending_->totals, row, weigh);
    if (row.day && IsActive(row)) pending_->active = 1;
  }
  if (fine_done_ && pending_) {
    out.push_back(*pending_);
    pending_.reset();
  }
  return !out.empty();
}

}  // namespace keeta
