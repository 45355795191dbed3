// The rollup `keeta db setup --rollup` keeps beside a table (core/rollup.h says what it
// holds; docs/api.md "Rollup"), as three tables named after it, in its schema:
//   <table>_keeta_rollup    level x bucket x names: the sums and the distinct active agents
//   <table>_keeta_activity  per (agent, team leader, supervisor): its active days, its days
//   <table>_keeta_meta      one row: the change count that triggers on the table keep, and
//                           what the rollup was built from
// A pushed-down question reads the rollup only while it is current: built when the change
// count was what it is now, from the same columns under the same load options. Otherwise
// it reads the table, as without a rollup; no answer is ever stale.
// Thread-safety: stateless functions, each opening its own connections; RollupKeeper below.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "store/load_options.h"
#include "store/sql/db_client.h"
#include "store/sql/db_url.h"

namespace keeta::sql {

struct RollupNames {
  DbUrl rollup, activity, meta;  // the table's URL with each table's name
};
// An Error when a name would be longer than the databases allow (63 characters).
Result<RollupNames> RollupNamesOf(const DbUrl& url);

// The rollup table's columns (besides agent, team_leader, supervisor); per measure its
// sum, count, weighted sum and weight are "<prefix><measure column>".
inline constexpr std::string_view kRollupLevelColumn = "rollup_level";
inline constexpr std::string_view kRollupKindColumn = "bucket_kind";  // 0 day, 1 week, 2 month
inline constexpr std::string_view kRollupBucketColumn = "bucket";
inline constexpr std::string_view kRollupRowsColumn = "row_count";
inline constexpr std::string_view kRollupActiveColumn = "active_agents";
inline constexpr std::string_view kRollupSumPrefix = "sum_";
inline constexpr std::string_view kRollupCountPrefix = "count_";
inline constexpr std::string_view kRollupWeightedPrefix = "weighted_";
inline constexpr std::string_view kRollupWeightPrefix = "weight_";
// The activity table's columns (besides the names).
inline constexpr std::string_view kActiveDaysColumn = "active_days";
inline constexpr std::string_view kPresentDaysColumn = "present_days";
inline constexpr std::string_view kUndatedActiveColumn = "undated_active";
inline constexpr std::string_view kUndatedPresentColumn = "undated_present";

// What a rollup was built from.
struct RollupMeta {
  std::int64_t changes = 0;                   // now
  std::optional<std::int64_t> built_changes;  // when it was built (none: never built)
  std::string built_at;                       // UTC, ISO 8601
  std::uint64_t source_rows = 0;
  std::optional<Day> first_day, last_day;
  std::vector<std::string> scaled_percent_columns;
  std::string fingerprint;
  std::uint32_t split = 0;  // core/rollup.h RollupSplitBit
  std::vector<std::string> notes;  // the build's load report (invalid cells, days, rules)
};

// The text that names the columns (with their types) and load options a rollup is built
// under: a rollup built under other ones is not read.
std::string RollupFingerprint(const std::vector<ColumnInfo>& columns, const LoadOptions& load);

// The rollup's meta row as the current read sees it; nullopt when the table has no rollup
// (or one of its three tables is gone).
Result<std::optional<RollupMeta>> ReadRollupMeta(DbClient& db, const RollupNames& names);

struct RollupBuilt {
  std::uint64_t source_rows = 0;
  std::uint64_t rollup_rows = 0;
  std::uint64_t triples = 0;
};

// Reads the table as snapshot mode does, writes its rollup in place of the old one, and
// installs the triggers that count the table's changes (PostgreSQL: one statement trigger;
// MySQL: one row trigger per INSERT, UPDATE and DELETE; TRUNCATE fires none there).
// `stop` turning true abandons the build (the old rollup stays).
Result<RollupBuilt> BuildRollup(const DbUrl& url, const LoadOptions& load,
                                const std::atomic<bool>* stop = nullptr);

// Keeps a table's rollup current while `keeta serve` answers it in pushdown mode. Every
// `interval` it reads the rollup's meta row (one small query); when the table changed
// since the rollup was built, it builds it again, one build at a time and, after a build
// that took T, not again before 4 T have passed (so rebuilding a big, busy table takes at
// most a fifth of the time). Meanwhile questions read the table. A table without a rollup
// is left alone until one is set up.
// Thread-safety: owns one thread; the destructor stops it, abandoning a build in progress.
class RollupKeeper {
 public:
  using Log = std::function<void(bool failed, const std::string& line)>;
  RollupKeeper(DbUrl url, LoadOptions load, std::chrono::milliseconds interval, Log log);
  ~RollupKeeper();
  RollupKeeper(const RollupKeeper&) = delete;
  RollupKeeper& operator=(const RollupKeeper&) = delete;

 private:
  void Loop();
  const DbUrl url_;
  const LoadOptions load_;
  const std::chrono::milliseconds interval_;
  const Log log_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace keeta::sql
