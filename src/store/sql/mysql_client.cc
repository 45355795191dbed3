// MySQL and MariaDB through MariaDB Connector/C: snapshot reads as one streamed result
// (mysql_use_result: rows arrive as they are read, none held in full), change checks on a
// timer, imports with LOAD DATA LOCAL INFILE fed from memory.
#include <mysql.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/schema.h"
#include "store/sql/db_admin.h"
#include "store/sql/db_client.h"
#include "store/sql/import_text.h"

namespace keeta::sql {

namespace {

struct MysqlCloser {
  void operator()(MYSQL* m) const { mysql_close(m); }
};
struct ResCloser {
  void operator()(MYSQL_RES* r) const { mysql_free_result(r); }
};
using Mysql = std::unique_ptr<MYSQL, MysqlCloser>;
using MysqlResult = std::unique_ptr<MYSQL_RES, ResCloser>;

Error MyError(MYSQL* m, std::string_view doing, const DbUrl& url) {
  return Error{WithoutPassword(fmt::format("MySQL {}: {}", doing, mysql_error(m)), url), "data"};
}

std::string Identifier(std::string_view name) {
  std::string out = "`";
  for (const char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string QualifiedName(const DbUrl& url) {
  return Identifier(url.schema.empty() ? url.database : url.schema) + "." + Identifier(url.table);
}

Result<Mysql> Open(const DbUrl& url, bool local_infile = false) {
  Mysql m(mysql_init(nullptr));
  if (!m) return Error{"MySQL: out of memory", "data"};
  // A ceiling on connecting and on any one answer, so a stuck server cannot hold the
  // loader forever (as PostgreSQL's statement_timeout).
  const unsigned connect_timeout = 10, read_timeout = 300;
  mysql_options(m.get(), MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_options(m.get(), MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_options(m.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const unsigned infile = local_infile ? 1 : 0;
  mysql_options(m.get(), MYSQL_OPT_LOCAL_INFILE, &infile);
  const char* host = url.host.empty() ? nullptr : url.host.c_str();
  if (mysql_real_connect(m.get(), host, url.user.empty() ? nullptr : url.user.c_str(),
                         url.password.empty() ? nullptr : url.password.c_str(), url.database.c_str(),
                         url.port.value_or(0), nullptr, 0) == nullptr) {
    return MyError(m.get(), "connection failed", url);
  }
  // Timestamps in UTC, so a day is the calendar date as stored.
  if (mysql_query(m.get(), "SET time_zone = '+00:00'") != 0) return MyError(m.get(), "session set-up", url);
  return m;
}

struct StmtCloser {
  void operator()(MYSQL_STMT* s) const { mysql_stmt_close(s); }
};

// Pushdown's view of a column type.
ColumnType TypeOf(enum_field_types type) {
  switch (type) {
    case MYSQL_TYPE_TINY: case MYSQL_TYPE_SHORT: case MYSQL_TYPE_INT24: case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG: case MYSQL_TYPE_FLOAT: case MYSQL_TYPE_DOUBLE:
    case MYSQL_TYPE_DECIMAL: case MYSQL_TYPE_NEWDECIMAL: case MYSQL_TYPE_YEAR:
      return ColumnType::kNumber;
    case MYSQL_TYPE_DATE: case MYSQL_TYPE_NEWDATE: case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
      return ColumnType::kDate;
    default:
      return ColumnType::kText;
  }
}

std::optional<Error> Exec(MYSQL* m, const std::string& sql, std::string_view doing, const DbUrl& url) {
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) return MyError(m, doing, url);
  MysqlResult r(mysql_store_result(m));  // drain any rows
  return std::nullopt;
}

std::optional<std::int64_t> ParseInt(const char* text, unsigned long size) {
  if (text == nullptr || size == 0) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text, text + size, v);
  if (ec != std::errc() || end != text + size) return std::nullopt;
  return v;
}

class MySqlClient final : public DbClient {
 public:
  explicit MySqlClient(DbUrl url) : url_(std::move(url)), table_(QualifiedName(url_)) {}

  std::optional<Error> Connect() override {
    if (m_ && mysql_ping(m_.get()) == 0) return std::nullopt;
    Disconnect();
    auto m = Open(url_);
    if (!m) return m.error();
    m_ = std::move(*m);
    return std::nullopt;
  }

  void Disconnect() override { m_.reset(); }

  std::optional<Error> BeginRead() override {
    if (auto e = Connect()) return e;
    if (auto e = Exec(m_.get(), "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", "read", url_)) return e;
    return Exec(m_.get(), "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", "read", url_);
  }

  void EndRead() override {
    if (m_) Exec(m_.get(), "COMMIT", "read", url_);
  }

  Result<std::vector<std::string>> Columns() override {
    if (auto e = Connect()) return *e;
    const std::string sql = fmt::format("SELECT * FROM {} LIMIT 0", table_);
    if (mysql_real_query(m_.get(), sql.data(), sql.size()) != 0) return MyError(m_.get(), "reading the table's columns", url_);
    MysqlResult r(mysql_store_result(m_.get()));
    if (!r) return MyError(m_.get(), "reading the table's columns", url_);
    std::vector<std::string> names;
    const unsigned n = mysql_num_fields(r.get());
    MYSQL_FIELD* fields = mysql_fetch_fields(r.get());
    for (unsigned i = 0; i < n; ++i) names.emplace_back(fields[i].name, fields[i].name_length);
    return names;
  }

  Result<std::vector<ColumnInfo>> DescribeColumns() override {
    if (auto e = Connect()) return *e;
    const std::string sql = fmt::format("SELECT * FROM {} LIMIT 0", table_);
    if (mysql_real_query(m_.get(), sql.data(), sql.size()) != 0) return MyError(m_.get(), "reading the table's columns", url_);
    MysqlResult r(mysql_store_result(m_.get()));
    if (!r) return MyError(m_.get(), "reading the table's columns", url_);
    std::vector<ColumnInfo> columns;
    const unsigned n = mysql_num_fields(r.get());
    MYSQL_FIELD* fields = mysql_fetch_fields(r.get());
    for (unsigned i = 0; i < n; ++i) {
      columns.push_back({std::string(fields[i].name, fields[i].name_length), TypeOf(fields[i].type)});
    }
    return columns;
  }

  // A prepared statement: the parameters travel apart from the SQL text.
  std::optional<Error> Select(const std::string& sql, const std::vector<std::string>& params,
                              std::span<const CellKind> kinds, const CellSink& sink) override {
    if (auto e = Connect()) return e;
    const std::unique_ptr<MYSQL_STMT, StmtCloser> stmt(mysql_stmt_init(m_.get()));
    if (!stmt) return MyError(m_.get(), "answering a question", url_);
    auto fail = [&] {
      return Error{WithoutPassword(fmt::format("MySQL answering a question: {}", mysql_stmt_error(stmt.get())), url_),
                   "data"};
    };
    if (mysql_stmt_prepare(stmt.get(), sql.data(), sql.size()) != 0) return fail();
    std::vector<MYSQL_BIND> in(params.size());
    std::vector<unsigned long> in_length(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      in_length[i] = params[i].size();
      in[i].buffer_type = MYSQL_TYPE_STRING;
      in[i].buffer = const_cast<char*>(params[i].data());
      in[i].buffer_length = in_length[i];
      in[i].length = &in_length[i];
    }
    if (!params.empty() && mysql_stmt_bind_param(stmt.get(), in.data()) != 0) return fail();
    if (mysql_stmt_execute(stmt.get()) != 0) return fail();
    if (mysql_stmt_field_count(stmt.get()) != kinds.size()) {
      return Error{"MySQL answered with an unexpected shape", "data"};
    }
    const std::size_t n = kinds.size();
    std::vector<MYSQL_BIND> out(n);
    std::vector<unsigned long> length(n);
    std::vector<my_bool> is_null(n), error(n);
    std::vector<std::string> text(n);
    std::vector<Cell> cells(n);
    for (std::size_t i = 0; i < n; ++i) {
      out[i].length = &length[i];
      out[i].is_null = &is_null[i];
      out[i].error = &error[i];
      switch (kinds[i]) {
        case CellKind::kText:
          text[i].resize(256);
          out[i].buffer_type = MYSQL_TYPE_STRING;
          out[i].buffer = text[i].data();
          out[i].buffer_length = text[i].size();
          break;
        case CellKind::kInteger:
          out[i].buffer_type = MYSQL_TYPE_LONGLONG;
          out[i].buffer = &cells[i].integer;
          break;
        case CellKind::kNumber:
          out[i].buffer_type = MYSQL_TYPE_DOUBLE;
          out[i].buffer = &cells[i].number;
          break;
      }
    }
    if (mysql_stmt_bind_result(stmt.get(), out.data()) != 0) return fail();
    if (mysql_stmt_store_result(stmt.get()) != 0) return fail();
    for (;;) {
      const int fetched = mysql_stmt_fetch(stmt.get());
      if (fetched == MYSQL_NO_DATA) break;
      if (fetched == 1) return fail();
      for (std::size_t i = 0; i < n; ++i) {
        cells[i].null = is_null[i] != 0;
        if (kinds[i] != CellKind::kText || cells[i].null) continue;
        if (length[i] > text[i].size()) {  // a long name: fetch it whole
          std::string whole(length[i], '\0');
          MYSQL_BIND again{};
          again.buffer_type = MYSQL_TYPE_STRING;
          again.buffer = whole.data();
          again.buffer_length = whole.size();
          unsigned long got = 0;
          again.length = &got;
          if (mysql_stmt_fetch_column(stmt.get(), &again, static_cast<unsigned>(i), 0) != 0) return fail();
          text[i] = std::move(whole);
          // The bound buffer moved with the string: bind the bigger one for later rows.
          out[i].buffer = text[i].data();
          out[i].buffer_length = text[i].size();
          if (mysql_stmt_bind_result(stmt.get(), out.data()) != 0) return fail();
        }
        cells[i].text = std::string_view(text[i].data(), length[i]);
      }
      sink(cells);
    }
    return std::nullopt;
  }

  std::uint64_t EstimateRows() override { return 0; }

  Result<TableState> State(bool count_rows) override {
    if (auto e = Connect()) return *e;
    const std::string sql = fmt::format("SELECT {}, {} FROM {}", count_rows ? "COUNT(*)" : "0",
                                        url_.key.empty() ? std::string("NULL") : fmt::format("MAX({})", Identifier(url_.key)),
                                        table_);
    if (mysql_real_query(m_.get(), sql.data(), sql.size()) != 0) return MyError(m_.get(), "counting rows", url_);
    MysqlResult r(mysql_store_result(m_.get()));
    MYSQL_ROW row = r ? mysql_fetch_row(r.get()) : nullptr;
    if (row == nullptr) return MyError(m_.get(), "counting rows", url_);
    const unsigned long* lengths = mysql_fetch_lengths(r.get());
    TableState state;
    state.rows = static_cast<std::uint64_t>(ParseInt(row[0], lengths[0]).value_or(0));
    if (row[1] != nullptr) state.max_key = ParseInt(row[1], lengths[1]);
    return state;
  }

  std::optional<Error> ReadRows(const KeyRange& range, const RowSink& sink) override {
    if (auto e = Connect()) return e;
    std::string where;
    if (range.after || range.upto) {
      const std::string key = Identifier(url_.key);
      std::vector<std::string> parts;
      if (range.after) parts.push_back(fmt::format("{} > {}", key, *range.after));
      if (range.upto) parts.push_back(fmt::format("{} <= {}", key, *range.upto));
      where = fmt::format(" WHERE {}", fmt::join(parts, " AND "));
    }
    const std::string sql = fmt::format("SELECT * FROM {}{}", table_, where);
    if (mysql_real_query(m_.get(), sql.data(), sql.size()) != 0) return MyError(m_.get(), "reading the table", url_);
    MysqlResult r(mysql_use_result(m_.get()));
    if (!r) return MyError(m_.get(), "reading the table", url_);
    const unsigned n = mysql_num_fields(r.get());
    std::vector<std::string_view> cells(n);
    while (MYSQL_ROW row = mysql_fetch_row(r.get())) {
      const unsigned long* lengths = mysql_fetch_lengths(r.get());
      for (unsigned i = 0; i < n; ++i) {
        cells[i] = row[i] == nullptr ? std::string_view() : std::string_view(row[i], lengths[i]);
      }
      sink(cells);
    }
    if (mysql_errno(m_.get()) != 0) return MyError(m_.get(), "reading the table", url_);
    return std::nullopt;
  }

  Result<std::string> ChangeToken(std::optional<std::int64_t> upto) override {
    if (auto e = Connect()) return *e;
    // The whole table: its checksum (a scan: MySQL offers nothing cheaper that sees
    // updates), and its row count for a view, which has none. Rows up to a key: their
    // count and a checksum of their cells.
    std::string sql;
    if (upto) {
      auto columns = Columns();
      if (!columns) return columns.error();
      std::vector<std::string> cells;
      for (const std::string& c : *columns) cells.push_back(fmt::format("COALESCE({}, 0x00)", Identifier(c)));
      sql = fmt::format("SELECT COUNT(*), BIT_XOR(CRC32(CONCAT_WS(0x1f, {}))) FROM {} WHERE {} <= {}",
                        fmt::join(cells, ", "), table_, Identifier(url_.key), *upto);
    } else {
      sql = fmt::format("CHECKSUM TABLE {}", table_);
    }
    if (mysql_real_query(m_.get(), sql.data(), sql.size()) != 0) return MyError(m_.get(), "checking for changes", url_);
    MysqlResult r(mysql_store_result(m_.get()));
    MYSQL_ROW row = r ? mysql_fetch_row(r.get()) : nullptr;
    if (row == nullptr) return MyError(m_.get(), "checking for changes", url_);
    std::string token;
    for (unsigned i = 0; i < mysql_num_fields(r.get()); ++i) {
      token += row[i] == nullptr ? "null" : row[i];
      token += ':';
    }
    if (!upto && row[1] == nullptr) {  // a view: no checksum
      r.reset();
      auto state = State(/*count_rows=*/true);
      if (!state) return state.error();
      token += std::to_string(state->rows);
    }
    return token;
  }

  bool Listening() override { return false; }
  Result<Notified> Notifications() override { return Notified{}; }
  int NotificationFd() const override { return -1; }

 private:
  const DbUrl url_;
  const std::string table_;
  Mysql m_;
};

// The bytes LOAD DATA LOCAL INFILE reads, served from memory by the infile callbacks.
struct InfileData {
  const std::string* bytes;
  std::size_t at = 0;
};

int InfileInit(void** ptr, const char*, void* userdata) {
  *ptr = userdata;
  return 0;
}
int InfileRead(void* ptr, char* buf, unsigned int size) {
  auto* data = static_cast<InfileData*>(ptr);
  const std::size_t n = std::min<std::size_t>(size, data->bytes->size() - data->at);
  std::memcpy(buf, data->bytes->data() + data->at, n);
  data->at += n;
  return static_cast<int>(n);
}
void InfileEnd(void*) {}
int InfileError(void*, char* buf, unsigned int size) {
  std::snprintf(buf, size, "keeta import data");
  return 1;
}

// LOAD DATA LOCAL INFILE fed by a TableFill, a chunk at a time.
struct InfileStream {
  TableFill* table;
  std::string chunk;
  std::size_t at = 0;
  bool more = true;
};
int StreamInit(void** ptr, const char*, void* userdata) {
  *ptr = userdata;
  return 0;
}
int StreamRead(void* ptr, char* buf, unsigned int size) {
  auto* s = static_cast<InfileStream*>(ptr);
  while (s->at == s->chunk.size() && s->more) {
    s->chunk.clear();
    s->at = 0;
    s->more = s->table->next(s->chunk);
  }
  const std::size_t n = std::min<std::size_t>(size, s->chunk.size() - s->at);
  std::memcpy(buf, s->chunk.data() + s->at, n);
  s->at += n;
  return static_cast<int>(n);
}

// A statement with text parameters and no rows to read, prepared.
std::optional<Error> ExecParams(MYSQL* m, const SqlStatement& st, std::string_view doing, const DbUrl& url) {
  if (st.params.empty()) return Exec(m, st.sql, doing, url);
  const std::unique_ptr<MYSQL_STMT, StmtCloser> stmt(mysql_stmt_init(m));
  if (!stmt) return MyError(m, doing, url);
  auto fail = [&] {
    return Error{WithoutPassword(fmt::format("MySQL {}: {}", doing, mysql_stmt_error(stmt.get())), url), "data"};
  };
  if (mysql_stmt_prepare(stmt.get(), st.sql.data(), st.sql.size()) != 0) return fail();
  std::vector<MYSQL_BIND> in(st.params.size());
  std::vector<unsigned long> length(st.params.size());
  for (std::size_t i = 0; i < st.params.size(); ++i) {
    length[i] = st.params[i].size();
    in[i].buffer_type = MYSQL_TYPE_STRING;
    in[i].buffer = const_cast<char*>(st.params[i].data());
    in[i].buffer_length = length[i];
    in[i].length = &length[i];
  }
  if (mysql_stmt_bind_param(stmt.get(), in.data()) != 0 || mysql_stmt_execute(stmt.get()) != 0) return fail();
  return std::nullopt;
}

const char* MyType(TableFill::Type type) {
  switch (type) {
    case TableFill::Type::kInteger: return "BIGINT";
    case TableFill::Type::kNumber: return "DOUBLE";
    case TableFill::Type::kDate: return "DATE";
    case TableFill::Type::kName: return "VARCHAR(255)";
    case TableFill::Type::kDayFlags: return "MEDIUMBLOB";  // bytes: SUBSTRING counts no characters
  }
  return "MEDIUMBLOB";
}

}  // namespace

std::unique_ptr<DbClient> MakeMySqlClient(const DbUrl& url) { return std::make_unique<MySqlClient>(url); }

namespace mysql {

Result<std::uint64_t> Import(const DbUrl& url, const ParsedTable& table, bool replace) {
  auto opened = Open(url, /*local_infile=*/true);
  if (!opened) return opened.error();
  MYSQL* m = opened->get();
  const std::string name = QualifiedName(url);
  std::vector<std::string> columns, names;
  for (const ImportColumn& c : ImportColumns(table)) {
    const char* type = c.kind == ImportColumn::Kind::kDate   ? "DATE"
                       : c.kind == ImportColumn::Kind::kText ? "VARCHAR(255)"
                                                             : "DOUBLE";
    columns.push_back(fmt::format("{} {}", Identifier(c.name), type));
    names.push_back(Identifier(c.name));
  }
  if (replace) {
    if (auto e = Exec(m, fmt::format("DROP TABLE IF EXISTS {}", name), "dropping the old table", url)) return *e;
  }
  if (auto e = Exec(m, fmt::format("CREATE TABLE {} ({}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
                                   name, fmt::join(columns, ", ")),
                    "creating the table (use --replace to replace one that exists)", url)) {
    return *e;
  }
  std::string bytes;
  for (std::size_t row = 0; row < table.rows; ++row) AppendRowText(table, row, bytes);
  InfileData data{&bytes};
  mysql_set_local_infile_handler(m, InfileInit, InfileRead, InfileEnd, InfileError, &data);
  const std::string load = fmt::format(
      "LOAD DATA LOCAL INFILE 'keeta-import' INTO TABLE {} CHARACTER SET utf8mb4 "
      "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ({})",
      name, fmt::join(names, ", "));
  if (auto e = Exec(m, "START TRANSACTION", "import", url)) return *e;
  if (auto e = Exec(m, load, "import (LOAD DATA LOCAL INFILE; the server needs local_infile=ON)", url)) return *e;
  const my_ulonglong written = mysql_affected_rows(m);
  if (auto e = Exec(m, "COMMIT", "import", url)) return *e;
  if (written != static_cast<my_ulonglong>(table.rows)) {
    return Error{fmt::format("MySQL import: {} of {} rows written", written, table.rows), "data"};
  }
  return static_cast<std::uint64_t>(table.rows);
}

std::optional<Error> RunStatements(const DbUrl& url, const std::vector<SqlStatement>& statements) {
  auto opened = Open(url);
  if (!opened) return opened.error();
  for (const SqlStatement& st : statements) {
    if (auto e = ExecParams(opened->get(), st, "setting up", url)) return e;
  }
  return std::nullopt;
}

std::optional<Error> ReplaceTables(const DbUrl& url, std::vector<TableFill>& tables, const SqlStatement& finish,
                                   const std::atomic<bool>* stop) {
  auto stopped = [&] { return stop != nullptr && stop->load(); };
  const Error cancelled{"the rollup build was stopped", "data"};
  auto opened = Open(url, /*local_infile=*/true);
  if (!opened) return opened.error();
  MYSQL* m = opened->get();
  const std::string doing = "writing the rollup";
  const std::string schema = url.schema.empty() ? url.database : url.schema;
  auto qualified = [&](const std::string& name) { return Identifier(schema) + "." + Identifier(name); };
  std::vector<std::string> renames, old_tables;
  for (TableFill& t : tables) {
    const std::string fresh = qualified(t.name + "__new");
    std::vector<std::string> columns;
    for (const TableFill::Column& c : t.columns) columns.push_back(fmt::format("{} {}", Identifier(c.name), MyType(c.type)));
    for (const std::vector<std::string>& index : t.indexes) {
      std::vector<std::string> keys;
      for (const std::string& c : index) keys.push_back(Identifier(c));
      columns.push_back(fmt::format("INDEX ({})", fmt::join(keys, ", ")));
    }
    std::vector<std::string> names;
    for (const TableFill::Column& c : t.columns) names.push_back(Identifier(c.name));
    if (auto e = Exec(m, fmt::format("DROP TABLE IF EXISTS {}", fresh), doing, url)) return e;
    if (auto e = Exec(m, fmt::format("CREATE TABLE {} ({}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", fresh,
                                     fmt::join(columns, ", ")), doing, url)) {
      return e;
    }
    InfileStream stream;
    stream.table = &t;
    mysql_set_local_infile_handler(m, StreamInit, StreamRead, InfileEnd, InfileError, &stream);
    const std::string load = fmt::format(
        "LOAD DATA LOCAL INFILE 'keeta-rollup' INTO TABLE {} CHARACTER SET utf8mb4 "
        "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ({})",
        fresh, fmt::join(names, ", "));
    if (auto e = Exec(m, "START TRANSACTION", doing, url)) return e;
    if (auto e = Exec(m, load, "writing the rollup (LOAD DATA LOCAL INFILE; the server needs local_infile=ON)", url)) return e;
    if (auto e = Exec(m, "COMMIT", doing, url)) return e;
    // A table there already is swapped out by the same RENAME that swaps the new one in.
    const std::string probe = fmt::format("SELECT 1 FROM {} LIMIT 0", qualified(t.name));
    if (mysql_real_query(m, probe.data(), probe.size()) == 0) {
      MysqlResult drained(mysql_store_result(m));
      if (auto e = Exec(m, fmt::format("DROP TABLE IF EXISTS {}", qualified(t.name + "__old")), doing, url)) return e;
      renames.push_back(fmt::format("{} TO {}", qualified(t.name), qualified(t.name + "__old")));
      old_tables.push_back(qualified(t.name + "__old"));
    }
    renames.push_back(fmt::format("{} TO {}", fresh, qualified(t.name)));
  }
  if (stopped()) {
    for (const TableFill& t : tables) Exec(m, fmt::format("DROP TABLE IF EXISTS {}", qualified(t.name + "__new")), doing, url);
    return cancelled;
  }
  if (auto e = Exec(m, fmt::format("RENAME TABLE {}", fmt::join(renames, ", ")), doing, url)) return e;
  for (const std::string& old : old_tables) {
    if (auto e = Exec(m, fmt::format("DROP TABLE {}", old), doing, url)) return e;
  }
  return ExecParams(m, finish, doing, url);
}

}  // namespace mysql

}  // namespace keeta::sql
