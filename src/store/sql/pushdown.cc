#include "store/sql/pushdown.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <condition_variable>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "core/date.h"
#include "core/kpi_totals.h"
#include "core/periods.h"
#include "core/rollup.h"
#include "core/schema.h"
#include "store/data_source.h"
#include "store/sql/db_client.h"
#include "store/sql/rollup.h"
#include "store/sql/sql_text.h"
#include "store/table_builder.h"

namespace keeta::sql {

namespace {

using Dialect = DbUrl::Kind;

// The SQL the question is asked in: expressions over the table's own columns, quoted.
// Every one of them is built from column names the table reported; values are parameters.
struct TableSql {
  Dialect dialect = Dialect::kPostgres;
  std::string table;                                            // quoted, qualified
  std::optional<std::string> day;                               // a date, NULL when none
  std::array<std::optional<std::string>, kDimensionCount> name;  // trimmed, "" when NULL
  std::array<std::optional<std::string>, kMeasureCount> raw;     // double, NULL = missing
  std::array<std::optional<std::string>, kMeasureCount> summed;  // double as summed (unchecked)
  std::array<std::optional<std::string>, kMeasureCount> value;   // summed after the CSAT scale
  // PostgreSQL only: `value` sums the plain doubles, without raw's per-row test, and a sum
  // read back as NaN or an infinity (a non-finite cell among the rows) sets
  // `saw_non_finite`, upon which the question is asked again per row (NumberCheck).
  bool unchecked = false;
  mutable bool saw_non_finite = false;  // one question, on one thread
  LoadReport report;  // the header's report: missing columns, unmatched headers
  bool rollup = false;  // the rollup table: measures are its sum/count columns (value[m] set
                        // only to say the table has the measure)

  SourceColumns Columns() const {
    SourceColumns c;
    for (std::size_t m = 0; m < kMeasureCount; ++m) c.measures[m] = value[m].has_value();
    c.agent = name[Index(Dimension::kAgent)].has_value();
    return c;
  }
};

// Spaces and tabs trimmed, as the CSV loader trims names; MySQL compares bytes (its
// default collations ignore case and trailing spaces, the contract does not).
std::string NameSql(Dialect dialect, const std::string& column) {
  if (dialect == Dialect::kPostgres) return fmt::format("btrim(COALESCE({}::text, ''), ' \t')", column);
  return fmt::format("CAST(REGEXP_REPLACE(COALESCE({}, ''), '^[ \t]+|[ \t]+$', '') AS BINARY)", column);
}

// A finite double or NULL (PostgreSQL's NaN and infinities are missing, as in a CSV cell).
std::string NumberSql(Dialect dialect, const std::string& column) {
  if (dialect == Dialect::kPostgres) {
    return fmt::format("(CASE WHEN {0}::float8 < 'Infinity'::float8 AND {0}::float8 > "
                       "'-Infinity'::float8 THEN {0}::float8 END)", column);
  }
  return fmt::format("CAST({} AS DOUBLE)", column);
}

// How sums treat PostgreSQL's NaN and infinities, which a CSV cell cannot hold and which
// therefore count as missing. Testing every cell costs about a fifth of a dashboard's
// time, and such cells are rare, so a question first sums the plain doubles: any such cell
// among its rows turns its sum non-finite, and only then is it asked again per cell.
enum class NumberCheck { kAfterSum, kPerRow };

std::string DateText(Dialect dialect, const std::string& expr) {
  return dialect == Dialect::kPostgres ? fmt::format("CAST({} AS text)", expr)
                                       : fmt::format("CAST({} AS CHAR)", expr);
}

std::string BucketSql(Dialect dialect, const std::string& day, Granularity g) {
  switch (g) {
    case Granularity::kDay: return day;
    case Granularity::kWeek:  // ISO weeks: the Monday
      return dialect == Dialect::kPostgres
                 ? fmt::format("({0} - (EXTRACT(ISODOW FROM {0})::int - 1))", day)
                 : fmt::format("DATE_SUB({0}, INTERVAL WEEKDAY({0}) DAY)", day);
    case Granularity::kMonth:
      return dialect == Dialect::kPostgres
                 ? fmt::format("CAST(date_trunc('month', {}) AS date)", day)
                 : fmt::format("DATE_SUB({0}, INTERVAL DAYOFMONTH({0}) - 1 DAY)", day);
  }
  return day;
}

Result<TableSql> ResolveColumns(const DbUrl& url, const std::vector<ColumnInfo>* columns,
                                const LoadOptions& load, NumberCheck check) {
  std::vector<std::string_view> header;
  for (const ColumnInfo& c : *columns) header.push_back(c.name);
  TableBuilder builder(load);
  if (std::optional<Error> error = builder.SetHeader(header, 0)) return *error;
  TableSql sql;
  sql.dialect = url.kind;
  sql.table = QuotedTable(url);
  sql.unchecked = url.kind == Dialect::kPostgres && check == NumberCheck::kAfterSum;
  for (const TableBuilder::Target& t : builder.targets()) {
    const ColumnInfo& column = (*columns)[t.field];
    const std::string quoted = Quote(url.kind, column.name);
    switch (t.kind) {
      case TableBuilder::Kind::kDay:
        if (column.type != ColumnType::kDate) {
          return Error{fmt::format("mode=pushdown needs a date or timestamp day column; "
                                   "'{}' holds text: leave mode=pushdown out (snapshot mode "
                                   "reads text days), or store the day as a date",
                                   column.name), "data"};
        }
        sql.day = fmt::format("CAST({} AS {})", quoted, url.kind == Dialect::kPostgres ? "date" : "DATE");
        break;
      case TableBuilder::Kind::kName:
        sql.name[t.index] = NameSql(url.kind, quoted);
        break;
      case TableBuilder::Kind::kMeasure: {
        if (column.type != ColumnType::kNumber) {
          return Error{fmt::format("mode=pushdown needs numeric measure columns; '{}' holds "
                                   "text: leave mode=pushdown out (snapshot mode reads text "
                                   "cells by the CSV rules), or store it as a number",
                                   column.name), "data"};
        }
        sql.raw[t.index] = NumberSql(url.kind, quoted);
        sql.summed[t.index] = sql.unchecked ? fmt::format("{}::float8", quoted) : *sql.raw[t.index];
        const bool rating = t.index == Index(Measure::kCsat) && load.csat_scale == 5;
        sql.value[t.index] = rating ? fmt::format("(({}) - 1) * 25", *sql.summed[t.index]) : sql.summed[t.index];
        break;
      }
    }
  }
  sql.report = builder.report();
  if (sql.report.missing_columns.size() == 1 + kDimensionCount + kMeasureCount) {
    return Error{"the table has none of the known columns (day, agent, team_leader, "
                 "supervisor, total_chats, ...): is it the right table?", "data"};
  }
  return sql;
}

// One statement and its parameters, numbered as the dialect wants them.
class Statement {
 public:
  explicit Statement(Dialect dialect) : dialect_(dialect) {}
  std::string Param(std::string value) {
    params_.push_back(std::move(value));
    return dialect_ == Dialect::kPostgres ? fmt::format("${}", params_.size()) : "?";
  }
  std::string NameParam(std::string value) {
    const std::string p = Param(std::move(value));
    return dialect_ == Dialect::kPostgres ? p : fmt::format("CAST({} AS BINARY)", p);
  }
  std::string DayParam(Day day) {
    const std::string p = Param(FormatDay(day));
    return dialect_ == Dialect::kPostgres ? p + "::date" : fmt::format("CAST({} AS DATE)", p);
  }
  std::string sql;
  const std::vector<std::string>& params() const { return params_; }
  std::vector<CellKind> kinds;

 private:
  Dialect dialect_;
  std::vector<std::string> params_;
};

// The rows a part of a question reads: the scope, the name filters (but `skip`'s), and days.
struct Rows {
  bool dated = false;  // a date range applies (rows without a day are left out)
  std::optional<Day> from, to;
  std::optional<Dimension> skip;
};

Dimension ScopeDimension(AccessScope::Role role) {
  return role == AccessScope::Role::kSupervisor   ? Dimension::kSupervisor
         : role == AccessScope::Role::kTeamLeader ? Dimension::kTeamLeader
                                                  : Dimension::kAgent;
}

std::string Where(const TableSql& t, const Query& q, const Rows& rows, Statement& st) {
  std::vector<std::string> terms;
  auto names_in = [&](std::size_t d, const auto& values) {
    if (!t.name[d]) return std::string("1 = 0");  // no such column: nobody matches
    std::vector<std::string> params;
    for (const auto& v : values) params.push_back(st.NameParam(std::string(v)));
    return fmt::format("{} IN ({})", *t.name[d], fmt::join(params, ", "));
  };
  if (q.scope.role != AccessScope::Role::kAdmin) {
    const Dimension d = ScopeDimension(q.scope.role);
    terms.push_back(names_in(Index(d), std::vector<std::string>{q.scope.name}));
  }
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (rows.skip && Index(*rows.skip) == d) continue;
    if (!q.filter.names[d].empty()) terms.push_back(names_in(d, q.filter.names[d]));
  }
  if (rows.dated) {
    if (!t.day) {
      terms.emplace_back("1 = 0");
    } else {
      terms.push_back(fmt::format("{} IS NOT NULL", *t.day));
      if (rows.from) terms.push_back(fmt::format("{} >= {}", *t.day, st.DayParam(*rows.from)));
      if (rows.to) terms.push_back(fmt::format("{} <= {}", *t.day, st.DayParam(*rows.to)));
    }
  }
  if (terms.empty()) return "";
  return fmt::format(" WHERE {}", fmt::join(terms, " AND "));
}

// Which measures' weighted sums a question needs (mean inputs weighted by chats).
std::array<bool, kMeasureCount> Weighed(const TableSql& t, const Weighting& weighted) {
  std::array<bool, kMeasureCount> w{};
  if (!t.value[Index(Measure::kTotalChats)]) return w;
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    if (KpiWeighted(k, weighted) && t.value[Index(kKpis[k].input)]) w[Index(kKpis[k].input)] = true;
  }
  return w;
}

// When a row counts towards active agents (its agent non-empty, active_agents not 0), and
// its agent; nullopt without an agent column.
std::optional<std::pair<std::string, std::string>> ActiveSql(const TableSql& t) {
  const std::optional<std::string>& agent = t.name[Index(Dimension::kAgent)];
  if (!agent) return std::nullopt;
  // PostgreSQL's plain double gives the same test without raw's per-row check: NaN and
  // the infinities are missing there (active), and are not 0 here (active).
  const std::optional<std::string>& active = t.unchecked ? t.summed[Index(Measure::kActiveAgents)]
                                                         : t.raw[Index(Measure::kActiveAgents)];
  std::string when = fmt::format("{} <> ''", *agent);
  if (active) when += fmt::format(" AND ({0} IS NULL OR {0} <> 0)", *active);
  return std::pair{when, *agent};
}

// The totals' select list (KpiTotals in order, then `active`, the distinct active agents),
// and its kinds; with `zeros`, the same columns as constants (a part that only counts).
std::string TotalsSql(const TableSql& t, const std::array<bool, kMeasureCount>& weigh,
                      std::string_view active, std::vector<CellKind>* kinds, bool zeros = false) {
  std::vector<std::string> items;
  auto add = [&](std::string item, CellKind kind) {
    items.push_back(zeros ? "0" : std::move(item));
    if (kinds) kinds->push_back(kind);
  };
  if (t.rollup) {  // the rollup's own sums and counts, added up
    auto sum_of = [&](std::string_view prefix, std::string_view column) {
      return fmt::format("COALESCE(SUM({}), 0)", Quote(t.dialect, fmt::format("{}{}", prefix, column)));
    };
    add(sum_of("", kRollupRowsColumn), CellKind::kInteger);
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (!t.value[m]) continue;
      add(sum_of(kRollupSumPrefix, kMeasures[m].column), CellKind::kNumber);
      add(sum_of(kRollupCountPrefix, kMeasures[m].column), CellKind::kInteger);
      if (!weigh[m]) continue;
      add(sum_of(kRollupWeightedPrefix, kMeasures[m].column), CellKind::kNumber);
      add(sum_of(kRollupWeightPrefix, kMeasures[m].column), CellKind::kNumber);
    }
    items.emplace_back(active);
    if (kinds) kinds->push_back(CellKind::kInteger);
    return fmt::format("{}", fmt::join(items, ", "));
  }
  add("COUNT(*)", CellKind::kInteger);
  const std::optional<std::string>& chats = t.value[Index(Measure::kTotalChats)];
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (!t.value[m]) continue;
    const std::string& v = *t.value[m];
    add(fmt::format("COALESCE(SUM({}), 0)", v), CellKind::kNumber);
    add(fmt::format("COUNT({})", v), CellKind::kInteger);
    if (!weigh[m]) continue;
    const std::string both = fmt::format("{} IS NOT NULL AND {} > 0", v, *chats);
    add(fmt::format("COALESCE(SUM(CASE WHEN {} THEN {} * {} END), 0)", both, v, *chats), CellKind::kNumber);
    add(fmt::format("COALESCE(SUM(CASE WHEN {} THEN {} END), 0)", both, *chats), CellKind::kNumber);
  }
  items.emplace_back(active);
  if (kinds) kinds->push_back(CellKind::kInteger);
  return fmt::format("{}", fmt::join(items, ", "));
}

// COUNT(DISTINCT active agent) for a GROUP BY, or "0" without an agent column.
std::string DistinctActiveSql(const TableSql& t) {
  const auto active = ActiveSql(t);
  if (!active) return "0";
  return fmt::format("COUNT(DISTINCT CASE WHEN {} THEN {} END)", active->first, active->second);
}

// Reads a TotalsSql row from cells[at...]; returns the distinct active agents.
std::uint64_t ReadTotals(const TableSql& t, const std::array<bool, kMeasureCount>& weigh,
                         std::span<const Cell> cells, std::size_t at, KpiTotals& out) {
  out.rows = static_cast<std::uint64_t>(cells[at++].integer);
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (!t.value[m]) continue;
    out.sum[m] = cells[at++].number;
    out.count[m] = static_cast<std::uint64_t>(cells[at++].integer);
    if (t.unchecked && !std::isfinite(out.sum[m])) t.saw_non_finite = true;
    if (!weigh[m]) continue;
    out.weighted_sum[m] = cells[at++].number;
    out.weight[m] = cells[at++].number;
    if (t.unchecked && !std::isfinite(out.weighted_sum[m] + out.weight[m])) t.saw_non_finite = true;
  }
  return static_cast<std::uint64_t>(cells[at].integer);
}

// What a question needs to know of the whole table, read in the same transaction.
struct TableFacts {
  std::uint64_t rows = 0;
  std::optional<Day> first_day, last_day;
  std::array<bool, kMeasureCount> fractions{};  // percent columns whose values lie in [0, 1]
};

// Percent columns given as fractions are multiplied by 100 (the CSV path's whole-column
// rule); sums scale exactly as the rows would.
void ScaleFractions(const TableFacts& facts, KpiTotals& t) {
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (!facts.fractions[m]) continue;
    t.sum[m] *= 100.0;
    t.weighted_sum[m] *= 100.0;
  }
}

// Per trend bucket: its totals and its distinct active agents.
using BucketTotals = std::map<Day, std::pair<KpiTotals, std::uint64_t>>;

// Fills the cards from the buckets (those with rows are the trend's points) and `whole`'s
// totals of the selection and the previous period.
void FinishDashboard(Dashboard& out, const BucketTotals& buckets, DashboardTotals whole, const TableSql& t,
                     const DashboardOptions& opt) {
  std::vector<KpiTotals> slots;
  std::vector<std::uint64_t> slot_active;
  for (const auto& [day, totals_of] : buckets) {
    if (totals_of.first.rows == 0) continue;
    out.days.push_back(day);
    slots.push_back(totals_of.first);
    slot_active.push_back(totals_of.second);
  }
  whole.slots = slots;
  whole.slot_active = slot_active;
  FillCards(out, whole, t.Columns(), opt);
}

// Runs the filter choices' parts (each: a name column's index, one of its names) as one
// UNION ALL into out, each list sorted.
std::optional<Error> ReadChoices(DbClient& db, Statement& st, const std::vector<std::string>& parts,
                                 FilterChoices& out) {
  if (parts.empty()) return std::nullopt;
  st.sql = fmt::format("{}", fmt::join(parts, " UNION ALL "));
  auto read = db.Select(st.sql, st.params(), st.kinds, [&](std::span<const Cell> cells) {
    out.names[static_cast<std::size_t>(cells[0].integer)].emplace_back(cells[1].text);
  });
  if (read) return read;
  for (auto& names : out.names) std::sort(names.begin(), names.end());
  return std::nullopt;
}

// A breakdown by `by` before its entries: which KPIs the table can give, and how.
Breakdown NoEntries(const TableSql& t, Dimension by, const DashboardOptions& opt) {
  Breakdown out;
  out.by = by;
  const SourceColumns columns = t.Columns();
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    out.available[k] = KpiAvailable(kKpis[k], columns);
    out.weighted[k] = KpiWeighted(k, opt.weighted);
  }
  return out;
}

// ---- Answers from the rollup (store/sql/rollup.h) ----

// The rollup's tables as questions read them, and what it was built from.
struct RollupSql {
  TableSql rows;      // the rollup table: names, the bucket as the day, the measures present
  TableSql activity;  // the activity table: names only
  RollupMeta meta;
};

// The table's rollup when it is current (built from the table as it now is, under these
// columns and load options); nullopt otherwise, with `old` set when there is one.
Result<std::optional<RollupSql>> CurrentRollup(const DbUrl& url, const LoadOptions& load, DbClient& db,
                                               const std::vector<ColumnInfo>& columns, bool& old) {
  auto names = RollupNamesOf(url);
  if (!names) return std::optional<RollupSql>();
  auto meta = ReadRollupMeta(db, *names);
  if (!meta) return meta.error();
  old = meta->has_value();
  if (!*meta || (*meta)->built_changes != (*meta)->changes ||
      (*meta)->fingerprint != RollupFingerprint(columns, load)) {
    return std::optional<RollupSql>();
  }
  old = false;
  std::vector<std::string_view> header;
  for (const ColumnInfo& c : columns) header.push_back(c.name);
  TableBuilder builder(load);
  if (std::optional<Error> error = builder.SetHeader(header, 0)) return *error;
  RollupSql r;
  r.meta = std::move(**meta);
  r.rows.dialect = r.activity.dialect = url.kind;
  r.rows.rollup = true;
  r.rows.table = QuotedTable(names->rollup);
  r.activity.table = QuotedTable(names->activity);
  for (const TableBuilder::Target& t : builder.targets()) {
    switch (t.kind) {
      case TableBuilder::Kind::kDay: r.rows.day = Quote(url.kind, kRollupBucketColumn); break;
      case TableBuilder::Kind::kName:
        r.rows.name[t.index] = r.activity.name[t.index] = Quote(url.kind, kDimensionColumns[t.index]);
        break;
      case TableBuilder::Kind::kMeasure: r.rows.value[t.index] = ""; break;
    }
  }
  r.rows.report = builder.report();
  r.rows.report.scaled_percent_columns = r.meta.scaled_percent_columns;
  // What the build's read of the rows found (the rollup holds those rows), but for what
  // the header says anyway.
  const std::vector<std::string> from_header = r.rows.report.Warnings();
  for (const std::string& note : r.meta.notes) {
    if (std::find(from_header.begin(), from_header.end(), note) == from_header.end()) r.rows.report.notes.push_back(note);
  }
  return std::optional<RollupSql>(std::move(r));
}

// The coarsest level that keys every name the question narrows by (and `also`).
std::size_t RollupLevelFor(const Query& q, std::optional<Dimension> also = std::nullopt) {
  std::array<bool, kDimensionCount> needed{};
  if (q.scope.role != AccessScope::Role::kAdmin) needed[Index(ScopeDimension(q.scope.role))] = true;
  for (std::size_t d = 0; d < kDimensionCount; ++d) needed[d] = needed[d] || !q.filter.names[d].empty();
  if (also) needed[Index(*also)] = true;
  for (std::size_t level = 0; level < kRollupLevels.size(); ++level) {
    bool keyed = true;
    for (std::size_t d = 0; d < kDimensionCount; ++d) keyed = keyed && (!needed[d] || kRollupLevels[level].keyed[d]);
    if (keyed) return level;
  }
  return kFinestRollupLevel;
}

// Where() over the rollup's rows of one level and bucket kind (both Keeta's own numbers).
std::string RollupWhere(const RollupSql& r, const Query& q, const Rows& rows, Statement& st, std::size_t level,
                        Granularity kind) {
  const std::string where = Where(r.rows, q, rows, st);
  const std::string terms = fmt::format("{} = {} AND {} = {}", Quote(r.rows.dialect, kRollupLevelColumn), level,
                                        Quote(r.rows.dialect, kRollupKindColumn), static_cast<int>(kind));
  return where.empty() ? fmt::format(" WHERE {}", terms) : fmt::format("{} AND {}", where, terms);
}

// Whether an activity row has a '1' in `column` on a day of `range` (clamped to the
// rollup's days) when `dated` (no range then: no day); else on any day or in its rows
// without a day.
std::string DaysSql(const RollupSql& r, std::string_view column, std::string_view undated, bool dated,
                    const std::optional<Period>& range, Statement& st) {
  const bool pg = r.rows.dialect == Dialect::kPostgres;
  const std::string days = Quote(r.rows.dialect, column);
  if (!dated) {
    return fmt::format("({} > 0 OR {} = 1)", pg ? fmt::format("position(B'1' in {})", days) : fmt::format("LOCATE('1', {})", days),
                       Quote(r.rows.dialect, undated));
  }
  if (!range || !r.meta.first_day) return "1 = 0";
  const Day from = std::max(range->from, *r.meta.first_day), to = std::min(range->to, *r.meta.last_day);
  if (from > to) return "1 = 0";
  const std::string at = st.Param(std::to_string(from - *r.meta.first_day + 1));
  const std::string length = st.Param(std::to_string(to - from + 1));
  if (pg) return fmt::format("position(B'1' in substring({} from {}::int for {}::int)) > 0", days, at, length);
  return fmt::format("LOCATE('1', SUBSTRING({}, CAST({} AS SIGNED), CAST({} AS SIGNED))) > 0", days, at, length);
}

// COUNT(DISTINCT agent) over the activity rows active in `range` (DaysSql's rule).
std::string ActiveInSql(const RollupSql& r, bool dated, const std::optional<Period>& range, Statement& st) {
  const std::optional<std::string>& agent = r.activity.name[Index(Dimension::kAgent)];
  if (!agent) return "0";
  return fmt::format("COUNT(DISTINCT CASE WHEN {} THEN {} END)",
                     DaysSql(r, kActiveDaysColumn, kUndatedActiveColumn, dated, range, st), *agent);
}

// A trend bucket that the date range covers only in part: its start and the days covered.
struct EdgeBucket {
  Day start;
  Period days;
};

// The buckets of `period` read whole from the rollup's week or month rows (their starts,
// [first, last]; none when first > last), and the edge buckets it covers in part. A bucket
// counts as whole when the data has no day in the part the range leaves out.
void SplitPeriod(const Period& p, Granularity g, const RollupMeta& meta, Day& first, Day& last,
                 std::vector<EdgeBucket>& edges) {
  const Day head = BucketStart(p.from, g), tail = BucketStart(p.to, g);
  auto next = [&](Day start) { return BucketAtOrdinal(BucketOrdinal(start, g) + 1, g); };
  const bool cut_head = head < p.from && meta.first_day && p.from > *meta.first_day;
  const bool cut_tail = next(tail) - 1 > p.to && meta.last_day && p.to < *meta.last_day;
  first = cut_head ? next(head) : head;
  last = cut_tail ? BucketAtOrdinal(BucketOrdinal(tail, g) - 1, g) : tail;
  if (head == tail) {
    if (cut_head || cut_tail) edges.push_back({head, p});
    return;
  }
  if (cut_head) edges.push_back({head, Period{p.from, next(head) - 1}});
  if (cut_tail) edges.push_back({tail, Period{tail, p.to}});
}

Result<Dashboard> RollupDashboard(DbClient& db, const RollupSql& r, const Query& q, const DashboardOptions& opt) {
  const TableSql& t = r.rows;
  const Dialect dialect = t.dialect;
  Dashboard out;
  out.granularity = opt.granularity;
  out.period = FilterPeriod(q.filter, r.meta.first_day, r.meta.last_day);
  out.previous = PreviousPeriod(q.filter, r.meta.first_day, r.meta.last_day);
  const std::size_t level = RollupLevelFor(q);
  const Granularity g = opt.granularity;
  const auto weigh = Weighed(t, opt.weighted);
  const bool has_agent = t.name[Index(Dimension::kAgent)].has_value();
  const std::string agent = Quote(dialect, kDimensionColumns[Index(Dimension::kAgent)]);
  const std::string active_rows = Quote(dialect, kRollupActiveColumn);
  const Rows current{q.filter.HasDateRange(), q.filter.from, q.filter.to, std::nullopt};
  const Rows current_dated{true, q.filter.from, q.filter.to, std::nullopt};

  // 0: sums per day (and of the rows without a day); 2: the previous period's sums;
  // 3: active agents per trend bucket — level 3 counts them from its day rows, levels 0-2
  // read their week or month rows for the buckets the range covers whole (with, in the
  // rows slot, how many keys were active: several only add up when the level is not split).
  Statement st(dialect);
  st.kinds = {CellKind::kInteger, CellKind::kText};
  const std::string sums = TotalsSql(t, weigh, "0", &st.kinds);
  const std::string zeros = TotalsSql(t, weigh, "", nullptr, /*zeros=*/true);
  const std::string zeros_after_rows = zeros.substr(3);  // "0, " is the rows slot
  const std::string bucket = Quote(dialect, kRollupBucketColumn);
  std::vector<std::string> parts;
  parts.push_back(fmt::format("SELECT 0, {}, {} FROM {}{} GROUP BY {}", DateText(dialect, bucket), sums, t.table,
                              RollupWhere(r, q, current, st, level, Granularity::kDay), bucket));
  if (out.previous) {
    const Rows previous{true, out.previous->from, out.previous->to, std::nullopt};
    parts.push_back(fmt::format("SELECT 2, NULL, {} FROM {}{}", sums, t.table,
                                RollupWhere(r, q, previous, st, level, Granularity::kDay)));
  }
  // Level 3's distinct active agents per trend bucket, from its day rows: exact for any
  // names and range.
  auto distinct_from_finest = [&](Statement& into) {
    return fmt::format("SELECT 3, {}, {}COUNT(DISTINCT CASE WHEN {} > 0 THEN {} END) FROM {}{} GROUP BY 2",
                       DateText(dialect, BucketSql(dialect, bucket, g)), zeros, active_rows, agent, t.table,
                       RollupWhere(r, q, current_dated, into, kFinestRollupLevel, Granularity::kDay));
  };
  // Levels 0-2: the stored distinct active agents of their `kind` rows, summed over the
  // keys, with how many keys were active in the rows slot.
  auto keyed_actives = [&](const Rows& rows, Granularity kind) {
    return fmt::format("SELECT 3, {}, COUNT(CASE WHEN {} > 0 THEN 1 END), {}COALESCE(SUM({}), 0) FROM {}{} GROUP BY {}",
                       DateText(dialect, bucket), active_rows, zeros_after_rows, active_rows, t.table,
                       RollupWhere(r, q, rows, st, level, kind), bucket);
  };
  std::vector<EdgeBucket> edges;
  if (has_agent && t.day) {
    if (level == kFinestRollupLevel) {
      parts.push_back(distinct_from_finest(st));
    } else if (g == Granularity::kDay) {
      parts.push_back(keyed_actives(current_dated, Granularity::kDay));
    } else {
      Rows whole{true, std::nullopt, std::nullopt, std::nullopt};
      if (out.period) {
        Day first = 0, last = 0;
        SplitPeriod(*out.period, g, r.meta, first, last, edges);
        whole = Rows{true, first, last, std::nullopt};
      }
      if (!whole.from || *whole.from <= *whole.to) parts.push_back(keyed_actives(whole, g));
    }
  }
  st.sql = fmt::format("{}", fmt::join(parts, " UNION ALL "));
  BucketTotals buckets;
  KpiTotals total, previous;
  bool several_keys = false;
  auto read = db.Select(st.sql, st.params(), st.kinds, [&](std::span<const Cell> cells) {
    KpiTotals totals_read;
    const std::uint64_t distinct = ReadTotals(t, weigh, cells, 2, totals_read);
    const std::optional<Day> day = cells[1].null ? std::nullopt : ParseIsoDay(cells[1].text);
    switch (cells[0].integer) {
      case 0:
        total.Add(totals_read);
        if (day) buckets[BucketStart(*day, g)].first.Add(totals_read);
        break;
      case 2: previous = totals_read; break;
      default:
        if (!day) break;
        buckets[*day].second = distinct;
        several_keys = several_keys || (level != kFinestRollupLevel && totals_read.rows > 1);
        break;
    }
  });
  if (read) return *read;

  // The distinct active agents of the whole selection, of the previous period and of the
  // edge buckets: one pass over the activity rows.
  std::uint64_t active_total = 0, previous_active = 0;
  if (has_agent) {
    Statement act(dialect);
    std::vector<std::string> items{ActiveInSql(r, q.filter.HasDateRange(), out.period, act)};
    if (out.previous) items.push_back(ActiveInSql(r, true, out.previous, act));
    for (const EdgeBucket& e : edges) items.push_back(ActiveInSql(r, true, e.days, act));
    act.kinds.assign(items.size(), CellKind::kInteger);
    act.sql = fmt::format("SELECT {} FROM {}{}", fmt::join(items, ", "), r.activity.table,
                          Where(r.activity, q, Rows{}, act));
    auto counted = db.Select(act.sql, act.params(), act.kinds, [&](std::span<const Cell> cells) {
      std::size_t at = 0;
      active_total = static_cast<std::uint64_t>(cells[at++].integer);
      if (out.previous) previous_active = static_cast<std::uint64_t>(cells[at++].integer);
      for (const EdgeBucket& e : edges) buckets[e.start].second = static_cast<std::uint64_t>(cells[at++].integer);
    });
    if (counted) return *counted;
  }
  // Several keys of a split level may share an agent in a bucket: level 3 counts them.
  if (several_keys && (r.meta.split & RollupSplitBit(level, g)) != 0) {
    Statement again(dialect);
    again.kinds = {CellKind::kInteger, CellKind::kText};
    TotalsSql(t, weigh, "", &again.kinds);
    again.sql = distinct_from_finest(again);
    auto recount = db.Select(again.sql, again.params(), again.kinds, [&](std::span<const Cell> cells) {
      KpiTotals unused;
      const std::uint64_t distinct = ReadTotals(t, weigh, cells, 2, unused);
      if (const std::optional<Day> day = ParseIsoDay(cells[1].text)) buckets[*day].second = distinct;
    });
    if (recount) return *recount;
  }
  FinishDashboard(out, buckets, DashboardTotals{{}, {}, total, active_total, previous, previous_active}, t, opt);
  return out;
}

Result<FilterChoices> RollupChoices(DbClient& db, const RollupSql& r, const Query& q) {
  FilterChoices out;
  out.min_day = r.meta.first_day;
  out.max_day = r.meta.last_day;
  const std::optional<Period> period = FilterPeriod(q.filter, r.meta.first_day, r.meta.last_day);
  Statement st(r.rows.dialect);
  st.kinds = {CellKind::kInteger, CellKind::kText};
  std::vector<std::string> parts;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    const std::optional<std::string>& name = r.activity.name[d];
    if (!name) continue;
    std::string where = Where(r.activity, q, Rows{false, std::nullopt, std::nullopt, static_cast<Dimension>(d)}, st);
    where += fmt::format("{} {} <> ''", where.empty() ? " WHERE" : " AND", *name);
    if (q.filter.HasDateRange()) {
      where += fmt::format(" AND {}", DaysSql(r, kPresentDaysColumn, kUndatedPresentColumn, true, period, st));
    }
    parts.push_back(fmt::format("SELECT {}, {} FROM {}{} GROUP BY 2", d, *name, r.activity.table, where));
  }
  if (auto e = ReadChoices(db, st, parts, out)) return *e;
  return out;
}

Result<Breakdown> RollupBreakdown(DbClient& db, const RollupSql& r, const Query& q, const BreakdownRequest& req,
                                  const DashboardOptions& opt) {
  const TableSql& t = r.rows;
  Breakdown out = NoEntries(t, req.by, opt);
  const std::optional<std::string>& by = t.name[Index(req.by)];
  if (!by) return out;
  const auto weigh = Weighed(t, opt.weighted);
  const std::size_t level = RollupLevelFor(q, req.by);
  const std::optional<Period> period = FilterPeriod(q.filter, r.meta.first_day, r.meta.last_day);
  Statement st(t.dialect);
  st.kinds = {CellKind::kText};
  const std::string totals = TotalsSql(t, weigh, "0", &st.kinds);
  // The sums per name: the months the range covers whole from the month rows, the days of
  // the months it cuts from the day rows; without a range, every month and the rows
  // without a day.
  std::vector<std::string> parts;
  auto part = [&](const Rows& rows, Granularity kind, std::string_view more = "") {
    parts.push_back(fmt::format("SELECT {0}, {1} FROM {2}{3} AND {0} <> ''{4} GROUP BY {0}", *by, totals, t.table,
                                RollupWhere(r, q, rows, st, level, kind), more));
  };
  if (!q.filter.HasDateRange()) {
    part(Rows{}, Granularity::kMonth);
    part(Rows{}, Granularity::kDay, fmt::format(" AND {} IS NULL", Quote(t.dialect, kRollupBucketColumn)));
  } else if (!period) {
    part(Rows{true, q.filter.from, q.filter.to, std::nullopt}, Granularity::kDay);
  } else {
    Day first = 0, last = 0;
    std::vector<EdgeBucket> edges;
    SplitPeriod(*period, Granularity::kMonth, r.meta, first, last, edges);
    if (first <= last) part(Rows{true, first, last, std::nullopt}, Granularity::kMonth);
    for (const EdgeBucket& e : edges) part(Rows{true, e.days.from, e.days.to, std::nullopt}, Granularity::kDay);
  }
  st.sql = fmt::format("{}", fmt::join(parts, " UNION ALL "));
  std::map<std::string, KpiTotals, std::less<>> sums;
  auto read = db.Select(st.sql, st.params(), st.kinds, [&](std::span<const Cell> cells) {
    if (!NameMatchesSearch(cells[0].text, req.search)) return;
    KpiTotals part_read;
    ReadTotals(t, weigh, cells, 1, part_read);
    sums[std::string(cells[0].text)].Add(part_read);
  });
  if (read) return *read;
  std::map<std::string, std::uint64_t, std::less<>> active;
  if (r.activity.name[Index(Dimension::kAgent)]) {
    Statement act(t.dialect);
    act.kinds = {CellKind::kText, CellKind::kInteger};
    const std::string count = ActiveInSql(r, q.filter.HasDateRange(), period, act);
    std::string names = Where(r.activity, q, Rows{}, act);
    names += fmt::format("{} {} <> ''", names.empty() ? " WHERE" : " AND", *by);
    act.sql = fmt::format("SELECT {}, {} FROM {}{} GROUP BY 1", *by, count, r.activity.table, names);
    auto counted = db.Select(act.sql, act.params(), act.kinds, [&](std::span<const Cell> cells) {
      active[std::string(cells[0].text)] = static_cast<std::uint64_t>(cells[1].integer);
    });
    if (counted) return *counted;
  }
  std::vector<BreakdownEntry> entries;
  for (const auto& [name, totals_of] : sums) {
    const auto it = active.find(name);
    entries.push_back(MakeBreakdownEntry(out, name, totals_of, it == active.end() ? 0 : it->second));
  }
  FinishBreakdown(out, std::move(entries), req);
  return out;
}

class Pushdown final : public PushdownSource {
 public:
  Pushdown(DbUrl url, LoadOptions load, std::string label, PushdownOptions options)
      : url_(std::move(url)),
        load_(std::move(load)),
        label_(label.empty() ? url_.Label() : std::move(label)),
        options_(options) {}

  std::string Describe() const override { return url_.Redacted(); }

  Result<Answered<Dashboard>> ComputeDashboard(const Query& q, const DashboardOptions& opt) override {
    return Ask<Dashboard>([&](DbClient& db, const TableSql& t, const TableFacts& facts) -> Result<Dashboard> {
      Dashboard out;
      out.granularity = opt.granularity;
      out.period = FilterPeriod(q.filter, facts.first_day, facts.last_day);
      out.previous = PreviousPeriod(q.filter, facts.first_day, facts.last_day);
      const auto weigh = Weighed(t, opt.weighted);
      Statement st(t.dialect);
      st.kinds = {CellKind::kInteger, CellKind::kText};
      // Sums by hash aggregation (parallel in PostgreSQL) apart from the distinct counts,
      // which need a sort: 0 sums per trend bucket (rows without a day in a NULL bucket),
      // 3 active agents per bucket, 1 over the whole selection; 2 and 4 the same for the
      // previous period. The total's sums are the buckets' sums.
      const std::string sums = TotalsSql(t, weigh, "0", &st.kinds);
      const std::string zeros = TotalsSql(t, weigh, "", nullptr, /*zeros=*/true);
      const auto active = ActiveSql(t);
      const Rows current{q.filter.HasDateRange(), q.filter.from, q.filter.to, std::nullopt};
      std::vector<std::string> parts;
      auto distinct_agents = [&](int part, const Rows& rows) {
        if (!active) return;
        std::string where = Where(t, q, rows, st);
        where += fmt::format("{} {}", where.empty() ? " WHERE" : " AND", active->first);
        parts.push_back(fmt::format("SELECT {}, NULL, {}COUNT(*) FROM (SELECT DISTINCT {} FROM {}{}) d",
                                    part, zeros, active->second, t.table, where));
      };
      if (t.day) {
        const std::string bucket = DateText(t.dialect, BucketSql(t.dialect, *t.day, opt.granularity));
        parts.push_back(fmt::format("SELECT 0, {}, {} FROM {}{} GROUP BY 2", bucket, sums, t.table,
                                    Where(t, q, current, st)));
        if (active) {
          parts.push_back(fmt::format("SELECT 3, {}, {}{} FROM {}{} GROUP BY 2", bucket, zeros,
                                      DistinctActiveSql(t), t.table, Where(t, q, current, st)));
        }
      } else {
        parts.push_back(fmt::format("SELECT 0, NULL, {} FROM {}{}", sums, t.table, Where(t, q, current, st)));
      }
      distinct_agents(1, current);
      if (out.previous) {
        const Rows previous{true, out.previous->from, out.previous->to, std::nullopt};
        parts.push_back(fmt::format("SELECT 2, NULL, {} FROM {}{}", sums, t.table, Where(t, q, previous, st)));
        distinct_agents(4, previous);
      }
      st.sql = fmt::format("{}", fmt::join(parts, " UNION ALL "));
      BucketTotals buckets;
      KpiTotals total, previous;
      std::uint64_t active_total = 0, previous_active = 0;
      auto read = db.Select(st.sql, st.params(), st.kinds, [&](std::span<const Cell> cells) {
        KpiTotals totals_read;
        const std::uint64_t distinct = ReadTotals(t, weigh, cells, 2, totals_read);
        ScaleFractions(facts, totals_read);
        const std::optional<Day> day = cells[1].null ? std::nullopt : ParseIsoDay(cells[1].text);
        switch (cells[0].integer) {
          case 0:
            total.Add(totals_read);
            if (day && totals_read.rows > 0) buckets[*day].first = totals_read;
            break;
          case 3:
            if (day) buckets[*day].second = distinct;
            break;
          case 1: active_total = distinct; break;
          case 2: previous = totals_read; break;
          default: previous_active = distinct; break;
        }
      });
      if (read) return *read;
      FinishDashboard(out, buckets, DashboardTotals{{}, {}, total, active_total, previous, previous_active}, t, opt);
      return out;
    }, [&](DbClient& db, const RollupSql& r) { return RollupDashboard(db, r, q, opt); });
  }

  Result<Answered<FilterChoices>> ComputeChoices(const Query& q) override {
    return Ask<FilterChoices>([&](DbClient& db, const TableSql& t, const TableFacts& facts) -> Result<FilterChoices> {
      FilterChoices out;
      out.min_day = facts.first_day;
      out.max_day = facts.last_day;
      Statement st(t.dialect);
      st.kinds = {CellKind::kInteger, CellKind::kText};
      std::vector<std::string> parts;
      for (std::size_t d = 0; d < kDimensionCount; ++d) {
        if (!t.name[d]) continue;
        const Rows rows{q.filter.HasDateRange(), q.filter.from, q.filter.to, static_cast<Dimension>(d)};
        std::string where = Where(t, q, rows, st);
        where += fmt::format("{} {} <> ''", where.empty() ? " WHERE" : " AND", *t.name[d]);
        parts.push_back(fmt::format("SELECT {}, {} FROM {}{} GROUP BY 2", d, *t.name[d], t.table, where));
      }
      if (auto e = ReadChoices(db, st, parts, out)) return *e;
      return out;
    }, [&](DbClient& db, const RollupSql& r) { return RollupChoices(db, r, q); });
  }

  Result<Answered<Breakdown>> ComputeBreakdown(const Query& q, const BreakdownRequest& req,
                                               const DashboardOptions& opt) override {
    return Ask<Breakdown>([&](DbClient& db, const TableSql& t, const TableFacts& facts) -> Result<Breakdown> {
      Breakdown out = NoEntries(t, req.by, opt);
      const std::optional<std::string>& by = t.name[Index(req.by)];
      if (!by) return out;
      const auto weigh = Weighed(t, opt.weighted);
      Statement st(t.dialect);
      st.kinds = {CellKind::kText};
      const std::string totals = TotalsSql(t, weigh, DistinctActiveSql(t), &st.kinds);
      std::string where =
          Where(t, q, Rows{q.filter.HasDateRange(), q.filter.from, q.filter.to, std::nullopt}, st);
      where += fmt::format("{} {} <> ''", where.empty() ? " WHERE" : " AND", *by);
      st.sql = fmt::format("SELECT {}, {} FROM {}{} GROUP BY 1", *by, totals, t.table, where);
      std::vector<BreakdownEntry> entries;
      auto read = db.Select(st.sql, st.params(), st.kinds, [&](std::span<const Cell> cells) {
        if (!NameMatchesSearch(cells[0].text, req.search)) return;
        KpiTotals totals_read;
        const std::uint64_t distinct = ReadTotals(t, weigh, cells, 1, totals_read);
        ScaleFractions(facts, totals_read);
        entries.push_back(MakeBreakdownEntry(out, cells[0].text, totals_read, distinct));
      });
      if (read) return *read;
      std::sort(entries.begin(), entries.end(),
                [](const BreakdownEntry& a, const BreakdownEntry& b) { return a.name < b.name; });
      FinishBreakdown(out, std::move(entries), req);
      return out;
    }, [&](DbClient& db, const RollupSql& r) { return RollupBreakdown(db, r, q, req, opt); });
  }

 private:
  // A connection from the pool for one question; back to the pool when done.
  class Lease {
   public:
    Lease(Pushdown& owner, std::unique_ptr<DbClient> client) : owner_(owner), client_(std::move(client)) {}
    ~Lease() { owner_.Return(std::move(client_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    DbClient& operator*() { return *client_; }

   private:
    Pushdown& owner_;
    std::unique_ptr<DbClient> client_;
  };

  Result<std::unique_ptr<DbClient>> Borrow() {
    std::unique_lock lock(mu_);
    const bool free = freed_.wait_for(lock, options_.wait, [&] {
      return !idle_.empty() || open_ < std::max<std::size_t>(options_.connections, 1);
    });
    if (!free) {
      return Error{fmt::format("{}: all {} database connections are busy; try again shortly",
                               label_, options_.connections), "data"};
    }
    if (!idle_.empty()) {
      auto client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
    ++open_;
    return MakeDbClient(url_);
  }

  void Return(std::unique_ptr<DbClient> client) {
    {
      std::lock_guard lock(mu_);
      idle_.push_back(std::move(client));
    }
    freed_.notify_one();
  }

  // Runs `question` in one read-only transaction, after reading the columns and facts; or
  // `from_rollup` when the table has a current rollup.
  template <class T, class Fn, class RollupFn>
  Result<Answered<T>> Ask(Fn&& question, RollupFn&& from_rollup) {
    auto borrowed = Borrow();
    if (!borrowed) return borrowed.error();
    Lease db(*this, std::move(*borrowed));
    // Every failure opens the connection anew next time (the server may have restarted).
    auto fail = [&](const Error& e) {
      (*db).Disconnect();
      return Error{WithoutPassword(fmt::format("{}: {}", label_, e.message), url_), "data"};
    };
    if (std::optional<Error> error = (*db).BeginRead()) return fail(*error);
    auto answered = [&]() -> Result<Answered<T>> {
      auto columns = (*db).DescribeColumns();
      if (!columns) return columns.error();
      bool old_rollup = false;
      auto rollup = CurrentRollup(url_, load_, *db, *columns, old_rollup);
      if (!rollup) return rollup.error();
      if (*rollup) {
        auto answer = from_rollup(*db, **rollup);
        if (!answer) return answer.error();
        Answered<T> out{std::move(*answer), RollupReport(**rollup)};
        return out;
      }
      auto t = ResolveColumns(url_, &*columns, load_, NumberCheck::kAfterSum);
      if (!t && old_rollup) {  // only a current rollup reads text columns
        return Error{t.error().message + "; or bring its rollup up to date (keeta db setup --rollup, or a "
                     "running keeta serve in pushdown mode does it)", "data"};
      }
      if (!t) return t.error();
      auto facts = Facts(*db, *t);
      if (!facts) return facts.error();
      auto answer = question(*db, *t, *facts);
      if (answer && t->saw_non_finite) {
        auto checked = ResolveColumns(url_, &*columns, load_, NumberCheck::kPerRow);
        if (!checked) return checked.error();
        answer = question(*db, *checked, *facts);
      }
      if (!answer) return answer.error();
      Answered<T> out{std::move(*answer), Report(*t, *facts)};
      return out;
    }();
    (*db).EndRead();
    if (!answered) return fail(answered.error());
    return answered;
  }

  Result<TableFacts> Facts(DbClient& db, const TableSql& t) {
    Statement st(t.dialect);
    std::vector<std::string> items{"COUNT(*)"};
    st.kinds = {CellKind::kInteger};
    if (t.day) {
      items.push_back(DateText(t.dialect, fmt::format("MIN({})", *t.day)));
      items.push_back(DateText(t.dialect, fmt::format("MAX({})", *t.day)));
      st.kinds.insert(st.kinds.end(), {CellKind::kText, CellKind::kText});
    }
    std::vector<std::size_t> percents;
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (kMeasures[m].kind != MeasureKind::kPercent || !t.raw[m]) continue;
      if (m == Index(Measure::kCsat) && load_.csat_scale == 5) continue;  // a rating, not fractions
      percents.push_back(m);
      items.push_back(fmt::format("MIN({})", *t.raw[m]));
      items.push_back(fmt::format("MAX({})", *t.raw[m]));
      st.kinds.insert(st.kinds.end(), {CellKind::kNumber, CellKind::kNumber});
    }
    st.sql = fmt::format("SELECT {} FROM {}", fmt::join(items, ", "), t.table);
    TableFacts facts;
    auto read = db.Select(st.sql, st.params(), st.kinds, [&](std::span<const Cell> cells) {
      std::size_t at = 0;
      facts.rows = static_cast<std::uint64_t>(cells[at++].integer);
      if (t.day) {
        facts.first_day = ParseIsoDay(cells[at++].text);
        facts.last_day = ParseIsoDay(cells[at++].text);
      }
      for (const std::size_t m : percents) {
        const Cell& lo = cells[at++];
        const Cell& hi = cells[at++];
        facts.fractions[m] = !lo.null && !hi.null && lo.number >= 0.0 && hi.number <= 1.0;
      }
    });
    if (read) return *read;
    return facts;
  }

  LoadReport RollupReport(const RollupSql& r) const {
    LoadReport report = r.rows.report;
    report.source = label_;
    report.rows_loaded = r.meta.source_rows;
    report.loaded_at = UtcNowIso8601();
    return report;
  }

  LoadReport Report(const TableSql& t, const TableFacts& facts) const {
    LoadReport report = t.report;
    report.source = label_;
    report.rows_loaded = facts.rows;
    report.loaded_at = UtcNowIso8601();
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (facts.fractions[m]) report.scaled_percent_columns.emplace_back(kMeasures[m].column);
    }
    return report;
  }

  const DbUrl url_;
  const LoadOptions load_;
  const std::string label_;
  const PushdownOptions options_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<DbClient>> idle_;
  std::size_t open_ = 0;  // connections made (idle or lent)
};

}  // namespace

Result<std::vector<QueryWarning>> CheckQuery(PushdownSource& source, const Query& query) {
  const bool names = std::any_of(query.filter.names.begin(), query.filter.names.end(),
                                 [](const auto& n) { return !n.empty(); });
  if (!names) return CheckQueryAgainst(query, nullptr, {});
  auto visible = source.ComputeChoices(Query{Filter{}, query.scope});
  if (!visible) return visible.error();
  std::array<bool, kDimensionCount> present{};
  const auto& missing = visible->report.missing_columns;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    present[d] = std::find(missing.begin(), missing.end(), kNameParams[d]) == missing.end();
  }
  return CheckQueryAgainst(query, &visible->answer, present);
}

std::unique_ptr<PushdownSource> MakePushdownSource(DbUrl url, LoadOptions load, std::string label,
                                                   PushdownOptions options) {
  return std::make_unique<Pushdown>(std::move(url), std::move(load), std::move(label), options);
}

}  // namespace keeta::sql
