// PostgreSQL through libpq: snapshot reads with COPY ... TO STDOUT (text format), change
// notifications with LISTEN, imports with COPY ... FROM STDIN.
#include <libpq-fe.h>

#include <bit>
#include <cctype>
#include <atomic>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "core/date.h"
#include "core/schema.h"
#include "store/sql/db_admin.h"
#include "store/sql/db_client.h"
#include "store/sql/import_text.h"

namespace keeta::sql {

namespace {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultCloser {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, ConnCloser>;
using PgResult = std::unique_ptr<PGresult, ResultCloser>;

std::string Trimmed(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  // libpq writes multi-line messages (a second line indented with a tab): one line here.
  std::string line;
  for (const char c : text) {
    if (c == '\n' || c == '\t') {
      if (!line.empty() && line.back() != ' ') line += ' ';
    } else {
      line += c;
    }
  }
  text = std::move(line);
  return text;
}

Error PgError(PGconn* conn, std::string_view doing, const DbUrl& url) {
  return Error{WithoutPassword(fmt::format("PostgreSQL {}: {}", doing, Trimmed(PQerrorMessage(conn))), url),
               "data"};
}

Result<Conn> Open(const DbUrl& url) {
  const std::string port = url.port ? std::to_string(*url.port) : std::string();
  // Days as YYYY-MM-DD, timestamps in UTC, floats in their shortest exact form, and a
  // ceiling on any one statement so a stuck query cannot hold the loader forever.
  const char* keywords[] = {"host", "port", "dbname", "user", "password", "connect_timeout",
                            "application_name", "client_encoding", "options", nullptr};
  const char* values[] = {url.host.empty() ? nullptr : url.host.c_str(),
                          port.empty() ? nullptr : port.c_str(),
                          url.database.c_str(),
                          url.user.empty() ? nullptr : url.user.c_str(),
                          url.password.empty() ? nullptr : url.password.c_str(),
                          "10",
                          "keeta",
                          "UTF8",
                          "-c DateStyle=ISO,YMD -c TimeZone=UTC -c extra_float_digits=1 "
                          "-c statement_timeout=300000",
                          nullptr};
  Conn conn(PQconnectdbParams(keywords, values, 0));
  if (!conn) return Error{"PostgreSQL: out of memory", "data"};
  if (PQstatus(conn.get()) != CONNECTION_OK) return PgError(conn.get(), "connection failed", url);
  // The server's notices (e.g. "table does not exist, skipping") are not for our output.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  return conn;
}

std::string Identifier(PGconn* conn, const std::string& name) {
  char* quoted = PQescapeIdentifier(conn, name.data(), name.size());
  std::string out = quoted == nullptr ? "\"\"" : quoted;
  PQfreemem(quoted);
  return out;
}

std::string QualifiedName(PGconn* conn, const DbUrl& url) {
  std::string name = url.schema.empty() ? "" : Identifier(conn, url.schema) + ".";
  return name + Identifier(conn, url.table);
}

// A statement without rows (or whose rows are ignored).
std::optional<Error> Exec(PGconn* conn, const std::string& sql, std::string_view doing, const DbUrl& url) {
  PgResult r(PQexec(conn, sql.c_str()));
  const ExecStatusType status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return PgError(conn, doing, url);
  return std::nullopt;
}

// A query with text parameters; its result, or an Error.
Result<PgResult> Query(PGconn* conn, const std::string& sql, const std::vector<std::string>& params,
                       std::string_view doing, const DbUrl& url) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  PgResult r(PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
                          values.data(), nullptr, nullptr, 0));
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return PgError(conn, doing, url);
  return r;
}

// Pushdown's view of a column type (OIDs from pg_type.h, stable since forever).
ColumnType TypeOf(Oid type) {
  switch (type) {
    case 20: case 21: case 23: case 700: case 701: case 1700:  // int8/2/4, float4/8, numeric
      return ColumnType::kNumber;
    case 1082: case 1114: case 1184:  // date, timestamp, timestamptz
      return ColumnType::kDate;
    default:
      return ColumnType::kText;
  }
}

std::optional<std::int64_t> ParseInt(const char* text) {
  if (text == nullptr || *text == '\0') return std::nullopt;
  std::int64_t v = 0;
  const std::string_view s(text);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Undoes COPY's text escapes of one field in place (the text only shrinks); its new end.
char* Unescape(char* begin, char* end) {
  char* out = begin;
  for (char* p = begin; p < end; ++p) {
    char c = *p;
    if (c != '\\' || p + 1 >= end) {
      *out++ = c;
      continue;
    }
    c = *++p;
    switch (c) {
      case 'b': *out++ = '\b'; break;
      case 'f': *out++ = '\f'; break;
      case 'n': *out++ = '\n'; break;
      case 'r': *out++ = '\r'; break;
      case 't': *out++ = '\t'; break;
      case 'v': *out++ = '\v'; break;
      case 'x': {
        int v = 0, n = 0;
        while (n < 2 && p + 1 < end && std::isxdigit(static_cast<unsigned char>(p[1]))) {
          const char h = *++p;
          v = v * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
          ++n;
        }
        *out++ = static_cast<char>(v);
        break;
      }
      default:
        if (c >= '0' && c <= '7') {
          int v = c - '0', n = 1;
          while (n < 3 && p + 1 < end && p[1] >= '0' && p[1] <= '7') {
            v = v * 8 + (*++p - '0');
            ++n;
          }
          *out++ = static_cast<char>(v);
        } else {
          *out++ = c;
        }
    }
  }
  return out;
}

// The bytes of a word that are a tab, a newline or a backslash, as 0x80 in each: exact per
// byte (no borrow crosses bytes), so the first one found is the first in the text.
std::uint64_t SpecialBytes(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kLow7 = 0x7f7f7f7f7f7f7f7full;
  auto zero = [](std::uint64_t x) { return ~(((x & kLow7) + kLow7) | x | kLow7); };
  return zero(word ^ (kOnes * '\t')) | zero(word ^ (kOnes * '\n')) | zero(word ^ (kOnes * '\\'));
}

// Position, in memory order, of the first byte SpecialBytes marked.
std::size_t FirstMarked(std::uint64_t marks) {
  if constexpr (std::endian::native == std::endian::little) {
    return static_cast<std::size_t>(std::countr_zero(marks)) / 8;
  } else {
    return static_cast<std::size_t>(std::countl_zero(marks)) / 8;
  }
}

// A buffer of whole COPY text rows, each ending in '\n', with readable bytes after its end
// so that the row splitter may load a word at any position before it.
// Thread-safety: none; CopyReader hands it between its threads under its mutex.
struct CopyChunk {
  static constexpr std::size_t kPadding = sizeof(std::uint64_t);
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  std::size_t capacity = 0;

  void Reserve(std::size_t bytes) {
    if (bytes <= capacity) return;
    auto bigger = std::make_unique<char[]>(bytes + kPadding);  // zeroed: the padding is defined
    if (size > 0) std::memcpy(bigger.get(), data.get(), size);
    data = std::move(bigger);
    capacity = bytes;
  }
};

// Decodes the rows of a chunk of COPY's text format in place — fields split by tabs, `\N`
// is NULL (an empty cell), backslash escapes undone — and calls `sink` per row.
void SplitCopyRows(CopyChunk& chunk, std::vector<std::string_view>& cells, const RowSink& sink) {
  char* p = chunk.data.get();
  char* const end = p + chunk.size;
  char* field = p;
  bool escaped = false;
  cells.clear();
  while (p < end) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    const std::uint64_t marks = SpecialBytes(word);
    if (marks == 0) {
      p += sizeof word;
      continue;
    }
    // The chunk ends in '\n', so the first mark is never past it.
    p += FirstMarked(marks);
    const char c = *p;
    if (c == '\\') {
      escaped = true;
      ++p;
      continue;
    }
    if (!escaped) {
      cells.emplace_back(field, static_cast<std::size_t>(p - field));
    } else if (p - field == 2 && field[1] == 'N') {
      cells.emplace_back();
    } else {
      cells.emplace_back(field, static_cast<std::size_t>(Unescape(field, p) - field));
    }
    escaped = false;
    field = ++p;
    if (c == '\n') {
      sink(cells);
      cells.clear();
    }
  }
}

// Reads the rows of a COPY ... TO STDOUT from libpq on a thread of its own into chunks that
// the caller parses, so that the server is drained as fast as it sends (as psql would)
// while the rows are parsed on the other core, and parsing works through large buffers.
// A bounded pool of chunks keeps the memory small when parsing is the slower side.
// Thread-safety: Next from one thread (the caller's); the reader thread alone uses the
// connection until Next returns nullptr, and is stopped and joined on destruction.
class CopyReader {
 public:
  explicit CopyReader(PGconn* conn)
      : conn_(conn), thread_([this](std::stop_token stop) { Run(stop); }) {}
  CopyReader(const CopyReader&) = delete;
  CopyReader& operator=(const CopyReader&) = delete;

  // The next chunk, or nullptr once the COPY ended; the one before goes back to the pool.
  CopyChunk* Next() {
    std::unique_lock lock(mutex_);
    if (current_.data) free_.push_back(std::move(current_));
    changed_.notify_all();
    changed_.wait(lock, [this] { return !full_.empty() || done_; });
    if (full_.empty()) return nullptr;
    current_ = std::move(full_.front());
    full_.pop_front();
    return &current_;
  }

  // After Next returned nullptr: whether the COPY failed (the connection says why).
  bool failed() const {
    std::lock_guard lock(mutex_);
    return failed_;
  }

 private:
  // Large enough that handing a chunk over is rare, small enough to stay in cache.
  static constexpr std::size_t kChunkBytes = 128 << 10;
  static constexpr std::size_t kChunks = 8;

  void Run(std::stop_token stop) {
    CopyChunk chunk;
    if (!Take(chunk, stop)) return;
    bool failed = false;
    for (;;) {
      char* buffer = nullptr;
      const int n = PQgetCopyData(conn_, &buffer, 0);
      if (n < 0) {
        failed = n != -1;
        break;
      }
      // libpq returns one row per call; a row is stored with its newline.
      const std::size_t size = static_cast<std::size_t>(n);
      const bool newline = size > 0 && buffer[size - 1] == '\n';
      const std::size_t stored = size + (newline ? 0 : 1);
      if (chunk.size + stored > chunk.capacity && chunk.size > 0) {
        Publish(chunk);
        if (!Take(chunk, stop)) {
          PQfreemem(buffer);
          return;
        }
      }
      chunk.Reserve(stored);
      std::memcpy(chunk.data.get() + chunk.size, buffer, size);
      if (!newline) chunk.data[chunk.size + size] = '\n';
      chunk.size += stored;
      PQfreemem(buffer);
    }
    if (chunk.size > 0) Publish(chunk);
    std::lock_guard lock(mutex_);
    done_ = true;
    failed_ = failed;
    changed_.notify_all();
  }

  // An empty chunk from the pool (or a new one while the pool is not full); false when
  // the reader is asked to stop.
  bool Take(CopyChunk& chunk, std::stop_token stop) {
    std::unique_lock lock(mutex_);
    if (free_.empty() && made_ < kChunks) {
      ++made_;
      lock.unlock();
      chunk = CopyChunk{};
      chunk.Reserve(kChunkBytes);
      return true;
    }
    if (!changed_.wait(lock, stop, [this] { return !free_.empty(); })) return false;
    chunk = std::move(free_.back());
    free_.pop_back();
    chunk.size = 0;
    return true;
  }

  void Publish(CopyChunk& chunk) {
    std::lock_guard lock(mutex_);
    full_.push_back(std::move(chunk));
    changed_.notify_all();
  }

  PGconn* const conn_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<CopyChunk> full_;   // read, waiting for the parser
  std::vector<CopyChunk> free_;  // parsed, waiting for the reader
  CopyChunk current_;            // the parser's
  std::size_t made_ = 0;
  bool done_ = false;
  bool failed_ = false;
  std::jthread thread_;  // last: started once the rest exists, joined before it goes
};

class PostgresClient final : public DbClient {
 public:
  explicit PostgresClient(DbUrl url) : url_(std::move(url)) {}

  std::optional<Error> Connect() override {
    if (conn_ && PQstatus(conn_.get()) == CONNECTION_OK) return std::nullopt;
    Disconnect();
    auto conn = Open(url_);
    if (!conn) return conn.error();
    conn_ = std::move(*conn);
    table_ = QualifiedName(conn_.get(), url_);
    // The regclass text names the relation for catalog look-ups as a parameter.
    regclass_ = url_.schema.empty() ? Identifier(conn_.get(), url_.table) : table_;
    // A view has no row versions to watch (ChangeToken); a missing table is said here.
    auto kind = Query(conn_.get(), "SELECT relkind FROM pg_class WHERE oid = to_regclass($1)",
                      {regclass_}, "looking up the table", url_);
    if (!kind) return kind.error();
    if (PQntuples(kind->get()) != 1) {
      Error missing{fmt::format("PostgreSQL: no table or view {} in database {}", url_.QualifiedTable(),
                                url_.database), "data"};
      Disconnect();
      return missing;
    }
    view_ = std::string_view(PQgetvalue(kind->get(), 0, 0)) != "r" &&
            std::string_view(PQgetvalue(kind->get(), 0, 0)) != "p";
    return std::nullopt;
  }

  void Disconnect() override {
    conn_.reset();
    listen_.reset();
    listen_checked_ = false;
    in_read_ = false;
  }

  std::optional<Error> BeginRead() override {
    if (auto e = Connect()) return e;
    if (auto e = Exec(conn_.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "read", url_)) return e;
    in_read_ = true;
    return std::nullopt;
  }

  void EndRead() override {
    if (conn_ && in_read_) PgResult(PQexec(conn_.get(), "COMMIT"));
    in_read_ = false;
  }

  Result<std::vector<std::string>> Columns() override {
    if (auto e = Connect()) return *e;
    PgResult r(PQexec(conn_.get(), fmt::format("SELECT * FROM {} LIMIT 0", table_).c_str()));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return PgError(conn_.get(), "reading the table's columns", url_);
    std::vector<std::string> names;
    for (int i = 0; i < PQnfields(r.get()); ++i) names.emplace_back(PQfname(r.get(), i));
    return names;
  }

  Result<std::vector<ColumnInfo>> DescribeColumns() override {
    if (auto e = Connect()) return *e;
    PgResult r(PQexec(conn_.get(), fmt::format("SELECT * FROM {} LIMIT 0", table_).c_str()));
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) return PgError(conn_.get(), "reading the table's columns", url_);
    std::vector<ColumnInfo> columns;
    for (int i = 0; i < PQnfields(r.get()); ++i) columns.push_back({PQfname(r.get(), i), TypeOf(PQftype(r.get(), i))});
    return columns;
  }

  std::optional<Error> Select(const std::string& sql, const std::vector<std::string>& params,
                              std::span<const CellKind> kinds, const CellSink& sink) override {
    if (auto e = Connect()) return e;
    auto r = Query(conn_.get(), sql, params, "answering a question", url_);
    if (!r) return r.error();
    if (PQnfields(r->get()) != static_cast<int>(kinds.size())) {
      return Error{"PostgreSQL answered with an unexpected shape", "data"};
    }
    std::vector<Cell> cells(kinds.size());
    for (int row = 0; row < PQntuples(r->get()); ++row) {
      for (std::size_t i = 0; i < kinds.size(); ++i) {
        const int col = static_cast<int>(i);
        Cell& cell = cells[i];
        cell = Cell{};
        if (PQgetisnull(r->get(), row, col)) continue;
        cell.null = false;
        cell.text = std::string_view(PQgetvalue(r->get(), row, col),
                                     static_cast<std::size_t>(PQgetlength(r->get(), row, col)));
        if (kinds[i] == CellKind::kInteger) {
          std::from_chars(cell.text.data(), cell.text.data() + cell.text.size(), cell.integer);
        } else if (kinds[i] == CellKind::kNumber) {
          std::from_chars(cell.text.data(), cell.text.data() + cell.text.size(), cell.number);
        }
      }
      sink(cells);
    }
    return std::nullopt;
  }

  std::uint64_t EstimateRows() override {
    if (Connect()) return 0;
    auto r = Query(conn_.get(), "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = $1::regclass",
                   {regclass_}, "estimating rows", url_);
    if (!r || PQntuples(r->get()) != 1) return 0;
    const auto v = ParseInt(PQgetvalue(r->get(), 0, 0));
    return v && *v > 0 ? static_cast<std::uint64_t>(*v) : 0;
  }

  Result<TableState> State(bool count_rows) override {
    if (auto e = Connect()) return *e;
    const std::string sql = fmt::format(
        "SELECT {}, {} FROM {}", count_rows ? "count(*)" : "0",
        url_.key.empty() ? std::string("NULL") : fmt::format("max({})::bigint", Identifier(conn_.get(), url_.key)),
        table_);
    auto r = Query(conn_.get(), sql, {}, "counting rows", url_);
    if (!r) return r.error();
    TableState state;
    state.rows = static_cast<std::uint64_t>(ParseInt(PQgetvalue(r->get(), 0, 0)).value_or(0));
    if (!PQgetisnull(r->get(), 0, 1)) state.max_key = ParseInt(PQgetvalue(r->get(), 0, 1));
    return state;
  }

  std::optional<Error> ReadRows(const KeyRange& range, const RowSink& sink) override {
    if (auto e = Connect()) return e;
    std::string where;
    if (range.after || range.upto) {
      const std::string key = Identifier(conn_.get(), url_.key);
      std::vector<std::string> parts;
      if (range.after) parts.push_back(fmt::format("{} > {}", key, *range.after));
      if (range.upto) parts.push_back(fmt::format("{} <= {}", key, *range.upto));
      where = fmt::format(" WHERE {}", fmt::join(parts, " AND "));
    }
    const std::string sql = fmt::format("COPY (SELECT * FROM {}{}) TO STDOUT", table_, where);
    PgResult started(PQexec(conn_.get(), sql.c_str()));
    if (PQresultStatus(started.get()) != PGRES_COPY_OUT) return PgError(conn_.get(), "reading the table", url_);
    {
      CopyReader reader(conn_.get());
      std::vector<std::string_view> cells;
      while (CopyChunk* chunk = reader.Next()) SplitCopyRows(*chunk, cells, sink);
      if (reader.failed()) return PgError(conn_.get(), "reading the table", url_);
    }
    PgResult done(PQgetResult(conn_.get()));
    if (PQresultStatus(done.get()) != PGRES_COMMAND_OK) return PgError(conn_.get(), "reading the table", url_);
    while (PGresult* extra = PQgetResult(conn_.get())) PQclear(extra);
    return std::nullopt;
  }

  Result<std::string> ChangeToken(std::optional<std::int64_t> upto) override {
    if (auto e = Connect()) return *e;
    const std::string where =
        upto ? fmt::format(" WHERE {} <= {}", Identifier(conn_.get(), url_.key), *upto) : std::string();
    // Rows and the newest row version: an insert, update or delete changes one of them.
    // A view has no row versions; its row count is all there is to see.
    const std::string sql =
        view_ ? fmt::format("SELECT count(*)::text FROM {}{}", table_, where)
              : fmt::format("SELECT count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text FROM {}{}",
                            table_, where);
    auto r = Query(conn_.get(), sql, {}, "checking for changes", url_);
    if (!r) return r.error();
    return std::string(PQgetvalue(r->get(), 0, 0));
  }

  bool Listening() override {
    if (listen_checked_) return listen_ != nullptr;
    if (Connect()) return false;
    listen_checked_ = true;
    auto r = Query(conn_.get(),
                   "SELECT n.nspname, c.relname, EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid "
                   "AND t.tgname = $2) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE c.oid = $1::regclass",
                   {regclass_, kTriggerName}, "looking for the change trigger", url_);
    if (!r || PQntuples(r->get()) != 1 || std::string_view(PQgetvalue(r->get(), 0, 2)) != "t") return false;
    payload_prefix_ = fmt::format("{}.{}:", PQgetvalue(r->get(), 0, 0), PQgetvalue(r->get(), 0, 1));
    auto listen = Open(url_);
    if (!listen) return false;
    if (Exec(listen->get(), fmt::format("LISTEN {}", kChangeChannel), "listening", url_)) return false;
    listen_ = std::move(*listen);
    return true;
  }

  Result<Notified> Notifications() override {
    Notified out;
    if (!listen_) return out;
    if (PQconsumeInput(listen_.get()) == 0) {
      Error e = PgError(listen_.get(), "notification connection lost", url_);
      Disconnect();
      return e;
    }
    while (PGnotify* n = PQnotifies(listen_.get())) {
      const std::string_view payload = n->extra == nullptr ? "" : n->extra;
      if (payload.starts_with(payload_prefix_)) {
        out.any = true;
        if (payload.substr(payload_prefix_.size()) != "INSERT") out.only_inserts = false;
      }
      PQfreemem(n);
    }
    return out;
  }

  int NotificationFd() const override { return listen_ ? PQsocket(listen_.get()) : -1; }

 private:
  const DbUrl url_;
  Conn conn_;
  Conn listen_;
  bool listen_checked_ = false;
  bool in_read_ = false;
  bool view_ = false;
  std::string table_;
  std::string regclass_;
  std::string payload_prefix_;
};

}  // namespace

std::unique_ptr<DbClient> MakePostgresClient(const DbUrl& url) {
  return std::make_unique<PostgresClient>(url);
}

namespace pg {

Result<std::uint64_t> Import(const DbUrl& url, const ParsedTable& table, bool replace) {
  auto opened = Open(url);
  if (!opened) return opened.error();
  PGconn* conn = opened->get();
  const std::string name = QualifiedName(conn, url);
  std::vector<std::string> columns;
  for (const ImportColumn& c : ImportColumns(table)) {
    const char* type = c.kind == ImportColumn::Kind::kDate   ? "date"
                       : c.kind == ImportColumn::Kind::kText ? "text"
                                                             : "double precision";
    columns.push_back(fmt::format("{} {}", Identifier(conn, std::string(c.name)), type));
  }
  if (auto e = Exec(conn, "BEGIN", "import", url)) return *e;
  if (replace) {
    if (auto e = Exec(conn, fmt::format("DROP TABLE IF EXISTS {}", name), "dropping the old table", url)) return *e;
  }
  if (auto e = Exec(conn, fmt::format("CREATE TABLE {} ({})", name, fmt::join(columns, ", ")),
                    "creating the table (use --replace to replace one that exists)", url)) {
    return *e;
  }
  PgResult started(PQexec(conn, fmt::format("COPY {} FROM STDIN", name).c_str()));
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) return PgError(conn, "import", url);
  std::string buffer;
  for (std::size_t row = 0; row < table.rows; ++row) {
    AppendRowText(table, row, buffer);
    if (buffer.size() > (1u << 20) || row + 1 == table.rows) {
      if (PQputCopyData(conn, buffer.data(), static_cast<int>(buffer.size())) != 1) return PgError(conn, "import", url);
      buffer.clear();
    }
  }
  if (PQputCopyEnd(conn, nullptr) != 1) return PgError(conn, "import", url);
  PgResult done(PQgetResult(conn));
  if (PQresultStatus(done.get()) != PGRES_COMMAND_OK) return PgError(conn, "import", url);
  while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
  if (auto e = Exec(conn, "COMMIT", "import", url)) return *e;
  return static_cast<std::uint64_t>(table.rows);
}

namespace {

// A statement with text parameters and no rows to read.
std::optional<Error> ExecParams(PGconn* conn, const SqlStatement& st, std::string_view doing, const DbUrl& url) {
  std::vector<const char*> values;
  for (const std::string& p : st.params) values.push_back(p.c_str());
  PgResult r(PQexecParams(conn, st.sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                          nullptr, nullptr, 0));
  const ExecStatusType status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return PgError(conn, doing, url);
  return std::nullopt;
}

const char* PgType(TableFill::Type type) {
  switch (type) {
    case TableFill::Type::kInteger: return "bigint";
    case TableFill::Type::kNumber: return "double precision";
    case TableFill::Type::kDate: return "date";
    case TableFill::Type::kName: return "text";
    case TableFill::Type::kDayFlags: return "bit varying";  // one bit a day: small rows, no TOAST
  }
  return "text";
}

// Fills one table in the open transaction: dropped, created, copied in, indexed, analysed.
std::optional<Error> FillTable(PGconn* conn, const DbUrl& url, TableFill& t) {
  DbUrl at = url;
  at.table = t.name;
  const std::string name = QualifiedName(conn, at);
  std::vector<std::string> columns;
  for (const TableFill::Column& c : t.columns) {
    columns.push_back(fmt::format("{} {}", Identifier(conn, c.name), PgType(c.type)));
  }
  const std::string doing = fmt::format("writing {}", t.name);
  if (auto e = Exec(conn, fmt::format("DROP TABLE IF EXISTS {}", name), doing, url)) return e;
  if (auto e = Exec(conn, fmt::format("CREATE TABLE {} ({})", name, fmt::join(columns, ", ")), doing, url)) return e;
  PgResult started(PQexec(conn, fmt::format("COPY {} FROM STDIN", name).c_str()));
  if (PQresultStatus(started.get()) != PGRES_COPY_IN) return PgError(conn, doing, url);
  std::string chunk;
  for (bool more = true; more;) {
    chunk.clear();
    more = t.next(chunk);
    if (!chunk.empty() && PQputCopyData(conn, chunk.data(), static_cast<int>(chunk.size())) != 1) {
      return PgError(conn, doing, url);
    }
  }
  if (PQputCopyEnd(conn, nullptr) != 1) return PgError(conn, doing, url);
  PgResult done(PQgetResult(conn));
  if (PQresultStatus(done.get()) != PGRES_COMMAND_OK) return PgError(conn, doing, url);
  while (PGresult* extra = PQgetResult(conn)) PQclear(extra);
  for (const std::vector<std::string>& index : t.indexes) {
    std::vector<std::string> keys;
    for (const std::string& c : index) keys.push_back(Identifier(conn, c));
    if (auto e = Exec(conn, fmt::format("CREATE INDEX ON {} ({})", name, fmt::join(keys, ", ")), doing, url)) return e;
  }
  return Exec(conn, fmt::format("ANALYZE {}", name), doing, url);
}

}  // namespace

std::optional<Error> RunStatements(const DbUrl& url, const std::vector<SqlStatement>& statements) {
  auto opened = Open(url);
  if (!opened) return opened.error();
  PGconn* conn = opened->get();
  if (auto e = Exec(conn, "BEGIN", "setting up", url)) return e;
  for (const SqlStatement& st : statements) {
    if (auto e = ExecParams(conn, st, "setting up", url)) return e;
  }
  return Exec(conn, "COMMIT", "setting up", url);
}

std::optional<Error> ReplaceTables(const DbUrl& url, std::vector<TableFill>& tables, const SqlStatement& finish,
                                   const std::atomic<bool>* stop) {
  auto stopped = [&] { return stop != nullptr && stop->load(); };
  const Error cancelled{"the rollup build was stopped", "data"};
  auto opened = Open(url);
  if (!opened) return opened.error();
  PGconn* conn = opened->get();
  // Building a large rollup takes longer than a question may.
  if (auto e = Exec(conn, "BEGIN; SET LOCAL statement_timeout = 0", "writing the rollup", url)) return e;
  for (TableFill& t : tables) {
    if (auto e = FillTable(conn, url, t)) return e;
  }
  // Closing the connection without COMMIT rolls everything back.
  if (stopped()) return cancelled;
  if (auto e = ExecParams(conn, finish, "writing the rollup", url)) return e;
  return Exec(conn, "COMMIT", "writing the rollup", url);
}

std::optional<Error> SetupNotifications(const DbUrl& url) {
  auto opened = Open(url);
  if (!opened) return opened.error();
  PGconn* conn = opened->get();
  const std::string name = QualifiedName(conn, url);
  const std::string sql = fmt::format(
      "BEGIN;"
      "CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $keeta$ BEGIN "
      "PERFORM pg_notify('{channel}', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME || ':' || TG_OP); "
      "RETURN NULL; END $keeta$;"
      "DROP TRIGGER IF EXISTS {trigger} ON {table};"
      "CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
      "FOR EACH STATEMENT EXECUTE FUNCTION {fn}();"
      "COMMIT;",
      fmt::arg("fn", kTriggerName), fmt::arg("channel", kChangeChannel), fmt::arg("trigger", kTriggerName),
      fmt::arg("table", name));
  return Exec(conn, sql, "installing the change trigger", url);
}

}  // namespace pg

}  // namespace keeta::sql
