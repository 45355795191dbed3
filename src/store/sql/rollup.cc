#include "store/sql/rollup.h"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>

#include "core/load_report.h"
#include "core/rollup.h"
#include "core/schema.h"
#include "store/sql/db_admin.h"
#include "store/sql/db_source.h"
#include "store/sql/import_text.h"
#include "store/sql/sql_text.h"

namespace keeta::sql {

namespace {

using Dialect = DbUrl::Kind;
using Type = TableFill::Type;

constexpr std::size_t kMaxIdentifier = 63;  // PostgreSQL's limit (MySQL's is 64)
constexpr std::size_t kRowsPerChunk = 20000;

DbUrl Renamed(const DbUrl& url, std::string table) {
  DbUrl out = url;
  out.table = std::move(table);
  return out;
}

std::string Joined(const std::vector<std::string>& items, std::string_view by) {
  return fmt::format("{}", fmt::join(items, by));
}

std::vector<std::string> Split(std::string_view text, char by) {
  std::vector<std::string> items;
  for (std::string_view rest = text; !rest.empty();) {
    const std::size_t at = rest.find(by);
    items.emplace_back(rest.substr(0, at));
    rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + 1);
  }
  return items;
}

// Between the build's load notes in the meta row (a note may hold a comma or a newline).
constexpr char kNoteSeparator = '\x1e';

std::vector<TableFill::Column> RollupColumns() {
  std::vector<TableFill::Column> columns{{std::string(kRollupLevelColumn), Type::kInteger},
                                         {std::string(kRollupKindColumn), Type::kInteger},
                                         {std::string(kRollupBucketColumn), Type::kDate}};
  for (const std::string_view d : kDimensionColumns) columns.push_back({std::string(d), Type::kName});
  columns.push_back({std::string(kRollupRowsColumn), Type::kInteger});
  for (const MeasureInfo& m : kMeasures) {
    columns.push_back({fmt::format("{}{}", kRollupSumPrefix, m.column), Type::kNumber});
    columns.push_back({fmt::format("{}{}", kRollupCountPrefix, m.column), Type::kInteger});
    columns.push_back({fmt::format("{}{}", kRollupWeightedPrefix, m.column), Type::kNumber});
    columns.push_back({fmt::format("{}{}", kRollupWeightPrefix, m.column), Type::kNumber});
  }
  columns.push_back({std::string(kRollupActiveColumn), Type::kInteger});
  return columns;
}

std::vector<TableFill::Column> ActivityColumns() {
  std::vector<TableFill::Column> columns;
  for (const std::string_view d : kDimensionColumns) columns.push_back({std::string(d), Type::kName});
  columns.push_back({std::string(kActiveDaysColumn), Type::kDayFlags});
  columns.push_back({std::string(kPresentDaysColumn), Type::kDayFlags});
  columns.push_back({std::string(kUndatedActiveColumn), Type::kInteger});
  columns.push_back({std::string(kUndatedPresentColumn), Type::kInteger});
  return columns;
}

// The indexes a question reads the rollup by: its level and kind, the names it is narrowed
// by, then the days.
std::vector<std::vector<std::string>> RollupIndexes() {
  const std::string level(kRollupLevelColumn), kind(kRollupKindColumn), bucket(kRollupBucketColumn);
  std::vector<std::vector<std::string>> indexes{{level, kind, bucket}};
  for (const std::string_view d : kDimensionColumns) indexes.push_back({level, kind, std::string(d), bucket});
  return indexes;
}

void AppendRollupRow(std::string& out, const RollupRow& r) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{}\t{}\t", r.level, static_cast<int>(r.kind));
  if (r.bucket) out += FormatDay(*r.bucket); else out += "\\N";
  for (const std::string_view name : r.names) {
    out += '\t';
    AppendEscapedText(out, name);
  }
  fmt::format_to(it, "\t{}", r.totals.rows);
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    fmt::format_to(it, "\t{}\t{}\t{}\t{}", r.totals.sum[m], r.totals.count[m], r.totals.weighted_sum[m],
                   r.totals.weight[m]);
  }
  fmt::format_to(it, "\t{}\n", r.active);
}

void AppendTriple(std::string& out, const RollupTriple& t) {
  for (const std::string_view name : t.names) {
    AppendEscapedText(out, name);
    out += '\t';
  }
  fmt::format_to(std::back_inserter(out), "{}\t{}\t{}\t{}\n", t.active_days, t.present_days,
                 t.undated_active ? 1 : 0, t.undated_present ? 1 : 0);
}

// The meta table (made once, kept across rebuilds: its change count must survive them),
// and the triggers that count the table's changes in it.
std::vector<SqlStatement> SetupStatements(const DbUrl& url, const RollupNames& names) {
  const Dialect d = url.kind;
  const std::string table = QuotedTable(url), meta = QuotedTable(names.meta);
  std::vector<SqlStatement> out;
  if (d == Dialect::kPostgres) {
    const std::string fn = QuotedTable(Renamed(url, url.table + "_keeta_count"));
    out.push_back({fmt::format("CREATE TABLE IF NOT EXISTS {} (changes bigint NOT NULL, built_changes bigint, "
                               "built_at text, source_rows bigint, first_day date, last_day date, "
                               "scaled text, fingerprint text, split bigint, notes text)", meta), {}});
    out.push_back({fmt::format("INSERT INTO {0} (changes) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {0})", meta), {}});
    out.push_back({fmt::format("CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $keeta$ "
                               "BEGIN UPDATE {} SET changes = changes + 1; RETURN NULL; END $keeta$", fn, meta), {}});
    out.push_back({fmt::format("DROP TRIGGER IF EXISTS keeta_count ON {}", table), {}});
    out.push_back({fmt::format("CREATE TRIGGER keeta_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {} "
                               "FOR EACH STATEMENT EXECUTE FUNCTION {}()", table, fn), {}});
    return out;
  }
  out.push_back({fmt::format("CREATE TABLE IF NOT EXISTS {} (changes BIGINT NOT NULL, built_changes BIGINT, "
                             "built_at VARCHAR(40), source_rows BIGINT, first_day DATE, last_day DATE, "
                             "scaled TEXT, fingerprint MEDIUMTEXT, split BIGINT, notes MEDIUMTEXT) "
                             "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", meta), {}});
  out.push_back({fmt::format("INSERT INTO {0} (changes) SELECT 0 FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM {0})", meta), {}});
  for (const char* op : {"INSERT", "UPDATE", "DELETE"}) {
    const std::string trigger = QuotedTable(Renamed(url, fmt::format("{}_keeta_{}", url.table, op)));
    out.push_back({fmt::format("DROP TRIGGER IF EXISTS {}", trigger), {}});
    out.push_back({fmt::format("CREATE TRIGGER {} AFTER {} ON {} FOR EACH ROW UPDATE {} SET changes = changes + 1",
                               trigger, op, table, meta), {}});
  }
  return out;
}

SqlStatement FinishStatement(const DbUrl& url, const RollupNames& names, std::int64_t changes,
                             const RollupSummary& summary, const LoadReport& report,
                             const std::string& fingerprint) {
  const bool pg = url.kind == Dialect::kPostgres;
  int n = 0;
  auto p = [&] { return pg ? fmt::format("${}", ++n) : std::string("?"); };
  auto integer = [&] { return pg ? p() + "::bigint" : fmt::format("CAST({} AS SIGNED)", p()); };
  auto date = [&] { return fmt::format("CAST(NULLIF({}, '') AS {})", p(), pg ? "date" : "DATE"); };
  SqlStatement st;
  // Each placeholder is made in the order the values are pushed below.
  const std::string built_changes = integer(), built_at = p(), rows = integer(), first = date(), last = date(),
                    scaled = p(), print = p(), split = integer(), notes = p();
  st.sql = fmt::format("UPDATE {} SET built_changes = {}, built_at = {}, source_rows = {}, first_day = {}, "
                       "last_day = {}, scaled = {}, fingerprint = {}, split = {}, notes = {}",
                       QuotedTable(names.meta), built_changes, built_at, rows, first, last, scaled, print, split,
                       notes);
  st.params = {std::to_string(changes),
               UtcNowIso8601(),
               std::to_string(summary.rows),
               summary.first_day ? FormatDay(*summary.first_day) : std::string(),
               summary.last_day ? FormatDay(*summary.last_day) : std::string(),
               Joined(report.scaled_percent_columns, ","),
               fingerprint,
               std::to_string(summary.split),
               Joined(report.Warnings(), std::string_view(&kNoteSeparator, 1))};
  return st;
}

// The integer a one-row, one-column statement answers.
Result<std::int64_t> SelectInteger(DbClient& db, const std::string& sql, const std::vector<std::string>& params) {
  std::int64_t value = 0;
  static constexpr CellKind kInteger[] = {CellKind::kInteger};
  if (auto e = db.Select(sql, params, kInteger, [&](std::span<const Cell> c) { value = c[0].integer; })) return *e;
  return value;
}

// Whether all three of the rollup's tables are there (one dropped by hand: no rollup).
Result<bool> RollupTablesExist(DbClient& db, const RollupNames& names) {
  const std::vector<const DbUrl*> tables = {&names.rollup, &names.activity, &names.meta};
  Result<std::int64_t> found = std::int64_t{0};
  if (names.meta.kind == Dialect::kPostgres) {
    std::vector<std::string> quoted;
    for (const DbUrl* t : tables) quoted.push_back(QuotedTable(*t));
    found = SelectInteger(db, "SELECT (CASE WHEN to_regclass($1) IS NULL THEN 0 ELSE 1 END) + (CASE WHEN "
                              "to_regclass($2) IS NULL THEN 0 ELSE 1 END) + (CASE WHEN to_regclass($3) IS NULL "
                              "THEN 0 ELSE 1 END)", quoted);
  } else {
    found = SelectInteger(db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                              "COALESCE(NULLIF(?, ''), DATABASE()) AND table_name IN (?, ?, ?)",
                          {names.meta.schema, names.rollup.table, names.activity.table, names.meta.table});
  }
  if (!found) return found.error();
  return *found == static_cast<std::int64_t>(tables.size());
}

// Whether the URL names a view (whose changes no trigger on it sees) rather than a table.
Result<bool> IsView(DbClient& db, const DbUrl& url) {
  auto view = url.kind == Dialect::kPostgres
                  ? SelectInteger(db, "SELECT CASE WHEN relkind IN ('r', 'p') THEN 0 ELSE 1 END FROM pg_class "
                                      "WHERE oid = to_regclass($1)", {QuotedTable(url)})
                  : SelectInteger(db, "SELECT CASE WHEN table_type = 'VIEW' THEN 1 ELSE 0 END FROM "
                                      "information_schema.tables WHERE table_schema = COALESCE(NULLIF(?, ''), "
                                      "DATABASE()) AND table_name = ?", {url.schema, url.table});
  if (!view) return view.error();
  return *view != 0;
}

}  // namespace

Result<RollupNames> RollupNamesOf(const DbUrl& url) {
  const std::string longest = url.table + "_keeta_activity";
  if (longest.size() > kMaxIdentifier) {
    return Error{fmt::format("table name '{}' is too long for its rollup tables' names ({} characters at most)",
                             url.table, kMaxIdentifier - (longest.size() - url.table.size())), "data"};
  }
  return RollupNames{Renamed(url, url.table + "_keeta_rollup"), Renamed(url, longest),
                     Renamed(url, url.table + "_keeta_meta")};
}

std::string RollupFingerprint(const std::vector<ColumnInfo>& columns, const LoadOptions& load) {
  std::string out = fmt::format("rollup 1; csat_scale={}; month_first={}; columns=", load.csat_scale,
                                load.month_first ? 1 : 0);
  for (const auto& [column, header] : load.columns) out += fmt::format("{}={}|", column, header);
  out += "; header=";
  for (const ColumnInfo& c : columns) {
    out += fmt::format("{}:{}|", c.name, c.type == ColumnType::kNumber ? "number" : c.type == ColumnType::kDate ? "date" : "text");
  }
  return out;
}

Result<std::optional<RollupMeta>> ReadRollupMeta(DbClient& db, const RollupNames& names) {
  auto exists = RollupTablesExist(db, names);
  if (!exists) return exists.error();
  if (!*exists) return std::optional<RollupMeta>();
  const bool pg = names.meta.kind == Dialect::kPostgres;
  const char* text = pg ? "text" : "CHAR";
  const std::string sql = fmt::format(
      "SELECT changes, built_changes, built_at, source_rows, CAST(first_day AS {0}), CAST(last_day AS {0}), "
      "scaled, fingerprint, split, notes FROM {1}", text, QuotedTable(names.meta));
  static constexpr CellKind kinds[] = {CellKind::kInteger, CellKind::kInteger, CellKind::kText,
                                       CellKind::kInteger, CellKind::kText,    CellKind::kText,
                                       CellKind::kText,    CellKind::kText,    CellKind::kInteger,
                                       CellKind::kText};
  std::optional<RollupMeta> meta;
  auto read = db.Select(sql, {}, kinds, [&](std::span<const Cell> c) {
    RollupMeta m;
    m.changes = c[0].integer;
    if (!c[1].null) m.built_changes = c[1].integer;
    m.built_at = std::string(c[2].text);
    m.source_rows = static_cast<std::uint64_t>(c[3].integer);
    if (!c[4].null) m.first_day = ParseIsoDay(c[4].text);
    if (!c[5].null) m.last_day = ParseIsoDay(c[5].text);
    m.scaled_percent_columns = Split(c[6].text, ',');
    m.fingerprint = std::string(c[7].text);
    m.split = static_cast<std::uint32_t>(c[8].integer);
    m.notes = Split(c[9].text, kNoteSeparator);
    meta = std::move(m);
  });
  if (read) return *read;
  return meta;
}

Result<RollupBuilt> BuildRollup(const DbUrl& given, const LoadOptions& load, const std::atomic<bool>* stop) {
  auto stopped = [&] { return stop != nullptr && stop->load(); };
  DbUrl url = given;
  url.mode = DbUrl::Mode::kSnapshot;
  auto names = RollupNamesOf(url);
  if (!names) return names.error();
  {
    const std::unique_ptr<DbClient> db = MakeDbClient(url);
    auto columns = db->DescribeColumns();  // says clearly when there is no such table
    if (!columns) return columns.error();
    auto view = IsView(*db, url);
    if (!view) return view.error();
    if (*view) {
      return Error{fmt::format("{} is a view: no trigger on it sees its tables change, so its rollup could "
                               "go stale; roll up the table itself, or read the view in snapshot mode",
                               url.QualifiedTable()), "data"};
    }
  }
  if (auto e = RunStatements(url, SetupStatements(url, *names))) return *e;

  // The change count before the rows are read: a change made meanwhile leaves the rollup
  // marked as older than the table (read again later), never as newer.
  std::vector<ColumnInfo> columns;
  std::int64_t changes = 0;
  {
    const std::unique_ptr<DbClient> db = MakeDbClient(url);
    auto described = db->DescribeColumns();
    if (!described) return described.error();
    columns = std::move(*described);
    auto counted = SelectInteger(*db, fmt::format("SELECT changes FROM {}", QuotedTable(names->meta)), {});
    if (!counted) return counted.error();
    changes = *counted;
  }
  CsvSourceOptions source_options;
  source_options.load = load;
  auto data = MakeDbSource(url, load, source_options)->Load();
  if (!data) return data.error();
  if (stopped()) return Error{"the rollup build was stopped", "data"};
  RollupBuilder builder(*data);

  RollupBuilt built;
  built.source_rows = (*data)->rows();
  built.triples = builder.triples().size();
  std::size_t coarse_at = 0;
  std::vector<RollupRow> fine;
  TableFill rollup{names->rollup.table, RollupColumns(), RollupIndexes(), [&](std::string& chunk) {
    const auto& coarse = builder.coarse_rows();
    if (stopped()) return false;
    if (coarse_at < coarse.size()) {
      for (std::size_t n = 0; n < kRowsPerChunk && coarse_at < coarse.size(); ++n, ++built.rollup_rows) {
        AppendRollupRow(chunk, coarse[coarse_at++]);
      }
      return true;
    }
    if (!builder.NextFineRows(fine, kRowsPerChunk)) return false;
    for (const RollupRow& r : fine) AppendRollupRow(chunk, r);
    built.rollup_rows += fine.size();
    return true;
  }};
  std::size_t triple_at = 0;
  TableFill activity{names->activity.table, ActivityColumns(), {}, [&](std::string& chunk) {
    const auto& triples = builder.triples();
    for (std::size_t n = 0; n < kRowsPerChunk && triple_at < triples.size(); ++n) AppendTriple(chunk, triples[triple_at++]);
    return triple_at < triples.size();
  }};
  std::vector<TableFill> tables;
  tables.push_back(std::move(rollup));
  tables.push_back(std::move(activity));
  const SqlStatement finish = FinishStatement(url, *names, changes, builder.summary(), (*data)->report(),
                                              RollupFingerprint(columns, load));
  if (url.kind == Dialect::kMySql) {
    // MySQL swaps the tables in before `finish` records what they hold: until then the
    // old meta row must not vouch for them.
    const SqlStatement unvouched{fmt::format("UPDATE {} SET built_changes = NULL", QuotedTable(names->meta)), {}};
    if (auto e = RunStatements(url, {unvouched})) return *e;
  }
  if (auto e = ReplaceTables(url, tables, finish, stop)) return *e;
  return built;
}

RollupKeeper::RollupKeeper(DbUrl url, LoadOptions load, std::chrono::milliseconds interval, Log log)
    : url_(std::move(url)), load_(std::move(load)), interval_(std::max(interval, std::chrono::milliseconds(100))),
      log_(std::move(log)), thread_([this] { Loop(); }) {}

RollupKeeper::~RollupKeeper() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void RollupKeeper::Loop() {
  using Clock = std::chrono::steady_clock;
  auto names = RollupNamesOf(url_);
  if (!names) return;
  const std::unique_ptr<DbClient> db = MakeDbClient(url_);
  Clock::time_point not_before = Clock::now();
  bool said_failure = false;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, interval_, [this] { return stop_.load(); })) return;
    }
    if (Clock::now() < not_before) continue;
    auto meta = ReadRollupMeta(*db, *names);
    if (!meta) db->Disconnect();  // the database may be down: asked again next time
    if (!meta || !*meta || (*meta)->built_changes == (*meta)->changes) continue;
    const auto started = Clock::now();
    auto built = BuildRollup(url_, load_, &stop_);
    const auto took = Clock::now() - started;
    // A failure is tried again after a minute at least, not at every look.
    not_before = Clock::now() + std::max<Clock::duration>(4 * took, built ? Clock::duration{} : std::chrono::minutes(1));
    if (stop_) return;
    const double seconds = std::chrono::duration<double>(took).count();
    if (built) {
      said_failure = false;
      log_(false, fmt::format("rollup of {} rebuilt after a change in {:.1f} s ({} rows)", url_.QualifiedTable(),
                              seconds, built->source_rows));
    } else if (!said_failure) {  // once, not at every try
      said_failure = true;
      log_(true, fmt::format("rollup of {} not rebuilt (questions read the table meanwhile): {}",
                             url_.QualifiedTable(), built.error().message));
    }
  }
}

}  // namespace keeta::sql
