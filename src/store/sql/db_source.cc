#include "store/sql/db_source.h"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <optional>
#include <string_view>
#include <vector>

#include "core/schema.h"
#include "store/sql/db_client.h"
#include "store/table_builder.h"

namespace keeta::sql {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kKnownColumns = 1 + kDimensionCount + kMeasureCount;

// Rows read for an increment, held until the read proves the change was only additions.
class RowBuffer {
 public:
  void Add(const std::vector<std::string_view>& cells) {
    for (std::string_view c : cells) {
      offsets_.push_back(text_.size());
      text_.append(c);
    }
    offsets_.push_back(text_.size());
    row_ends_.push_back(offsets_.size());
    ++rows_;
  }
  std::size_t rows() const { return rows_; }
  // Calls fn(cells) per buffered row.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    std::vector<std::string_view> cells;
    std::size_t at = 0;
    for (const std::size_t end : row_ends_) {
      cells.clear();
      for (std::size_t i = at; i + 1 < end; ++i) {
        cells.emplace_back(text_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
      }
      at = end;
      fn(cells);
    }
  }

 private:
  std::string text_;
  std::vector<std::size_t> offsets_;   // cell starts, and one end after each row's last
  std::vector<std::size_t> row_ends_;  // per row: one past its last offset
  std::size_t rows_ = 0;
};

class DbSnapshotSource final : public DataSource {
 public:
  DbSnapshotSource(DbUrl url, LoadOptions load, CsvSourceOptions options)
      : url_(std::move(url)),
        load_(std::move(load)),
        options_(std::move(options)),
        label_(options_.label.empty() ? url_.Label() : options_.label),
        client_(MakeDbClient(url_)) {}

  std::string Describe() const override { return url_.Redacted(); }

  int ChangeFd() const override { return client_->NotificationFd(); }

  bool MaybeChanged() override {
    if (!attempted_) return true;
    if (retry_at_) return Clock::now() >= *retry_at_;
    if (client_->Listening()) {
      auto notified = client_->Notifications();
      if (!notified) return Transient(notified.error()), true;
      if (notified->any) {
        notified_ = true;
        only_inserts_ = only_inserts_ && notified->only_inserts;
      }
      return notified_;
    }
    auto token = client_->ChangeToken();
    if (!token) return Transient(token.error()), true;
    return *token != token_;
  }

  Result<std::shared_ptr<const Dataset>> Load() override {
    attempted_ = true;
    if (std::optional<Error> error = client_->Connect()) return Fail(*error);
    // Listening before the read, so a change committed after its snapshot is notified.
    if (!options_.one_shot) client_->Listening();
    if (std::optional<Error> error = client_->BeginRead()) return Fail(*error);
    auto loaded = Read();
    client_->EndRead();
    if (!loaded) return Fail(loaded.error());
    retry_at_.reset();
    backoff_ = options_.retry_min;
    notified_ = false;
    only_inserts_ = true;
    return loaded;
  }

 private:
  // One consistent read: the new rows only when that is safe, else the whole table.
  Result<std::shared_ptr<const Dataset>> Read() {
    // With notifications nothing is compared between looks, so no change token is read;
    // without them each look compares the token, and key mode also the row count. A
    // one-shot load has no later looks.
    const bool listening = !options_.one_shot && client_->Listening();
    const bool compare = !listening && !options_.one_shot;
    std::string token;
    if (compare) {
      auto read_token = client_->ChangeToken();
      if (!read_token) return read_token.error();
      token = std::move(*read_token);
    }
    TableState state;
    if (!url_.key.empty()) {
      auto read_state = client_->State(/*count_rows=*/compare);
      if (!read_state) return read_state.error();
      state = *read_state;
    }
    // Only new rows when the rows up to the last key are as they were: a notification said
    // only inserts, or their change token is the one the last read saw and the count grew
    // by exactly the rows read.
    bool append = builder_ != nullptr && !url_.key.empty() && only_inserts_ && last_.max_key &&
                  state.max_key && *state.max_key > *last_.max_key;
    const bool trust_notification = listening && notified_;
    if (append && !trust_notification) {
      auto old_rows = client_->ChangeToken(last_.max_key);
      if (!old_rows) return old_rows.error();
      append = !base_token_.empty() && *old_rows == base_token_;
    }
    bool appended = false;
    const std::size_t first_new_row = builder_ != nullptr ? builder_->rows() : 0;
    if (append) {
      RowBuffer rows;
      auto read = client_->ReadRows({last_.max_key, state.max_key},
                                    [&rows](const std::vector<std::string_view>& cells) { rows.Add(cells); });
      if (read) return *read;
      if (trust_notification || last_.rows + rows.rows() == state.rows) {
        rows.ForEach([this](const std::vector<std::string_view>& cells) { AddRow(cells); });
        appended = true;
      }
    }
    if (!appended) {
      auto columns = client_->Columns();
      if (!columns) return columns.error();
      builder_ = std::make_unique<TableBuilder>(load_);
      std::vector<std::string_view> header(columns->begin(), columns->end());
      if (std::optional<Error> error = builder_->SetHeader(header, client_->EstimateRows())) {
        builder_.reset();
        return *error;
      }
      if (builder_->report().missing_columns.size() == kKnownColumns) {
        builder_.reset();
        return Error{fmt::format("{} has none of the known columns (day, agent, team_leader, "
                                 "supervisor, total_chats, ...): is it the right table?",
                                 label_), "data"};
      }
      auto read = client_->ReadRows({}, [this](const std::vector<std::string_view>& cells) { AddRow(cells); });
      if (read) {
        builder_.reset();
        return *read;
      }
    }
    // New rows join the last snapshot as a segment when they fit its layout
    // (Dataset::Append); key mode keeps the builder for the next increment; otherwise it
    // is handed over.
    std::optional<CsvTable> tail;
    if (appended && last_data_ != nullptr) tail = builder_->CopyTail(first_new_row, label_);
    const bool only_new_rows = tail.has_value();
    const bool keep_builder = !url_.key.empty() && !options_.one_shot;
    Result<CsvTable> table = tail ? std::move(*tail)
                             : keep_builder ? builder_->Copy(label_)
                                            : builder_->Finish(label_);
    if (!keep_builder) builder_.reset();
    if (!table) {
      builder_.reset();
      return table.error();
    }
    if (keep_builder && compare) {
      auto base = client_->ChangeToken(state.max_key);
      if (!base) {  // the builder is ahead of what was published: read it all next time
        builder_.reset();
        return base.error();
      }
      base_token_ = std::move(*base);
    }
    token_ = std::move(token);
    last_ = state;
    last_.rows = table->report.rows_loaded;
    table->report.source = label_;
    table->report.loaded_at = UtcNowIso8601();
    auto data = AppendOrBuild(last_data_, std::move(*table), only_new_rows,
                              [this] { return builder_->Copy(label_); });
    if (!data) return data.error();
    last_data_ = keep_builder ? *data : nullptr;
    return data;
  }

  void AddRow(const std::vector<std::string_view>& cells) {
    builder_->BeginRow(builder_->rows() + 1);
    for (const TableBuilder::Target& t : builder_->targets()) {
      builder_->Cell(t, t.field < cells.size() ? cells[t.field] : std::string_view());
    }
  }

  void Transient(const Error& error) {
    client_->Disconnect();
    retry_at_ = Clock::now() + backoff_;
    backoff_ = std::min(backoff_ * 2, options_.retry_max);
    last_error_ = error.message;
  }

  // Every database failure is retried with backoff (a server restarting, a table being
  // replaced); the connection is opened anew.
  Error Fail(const Error& error) {
    Transient(error);
    return Error{WithoutPassword(fmt::format("{}: {}", label_, error.message), url_), "data"};
  }

  const DbUrl url_;
  const LoadOptions load_;
  const CsvSourceOptions options_;
  const std::string label_;
  std::unique_ptr<DbClient> client_;
  std::unique_ptr<TableBuilder> builder_;  // key mode: the rows so far, for increments
  std::shared_ptr<const Dataset> last_data_;  // key mode: the last snapshot, for increments
  TableState last_;                        // what the last successful read saw
  std::string token_;
  std::string base_token_;  // key mode: the token of the rows up to last_.max_key
  bool attempted_ = false;
  bool notified_ = false;      // a notification since the last load
  bool only_inserts_ = true;   // ... and all of them were inserts
  std::string last_error_;
  std::optional<Clock::time_point> retry_at_;
  std::chrono::milliseconds backoff_ = options_.retry_min;
};

}  // namespace

std::unique_ptr<DataSource> MakeDbSource(DbUrl url, const LoadOptions& load,
                                         const CsvSourceOptions& source_options) {
  return std::make_unique<DbSnapshotSource>(std::move(url), load, source_options);
}

Result<std::unique_ptr<DataSource>> MakeAnySource(const std::string& data, const LoadOptions& load,
                                                  CsvSourceOptions source_options) {
  if (!IsDbUrl(data)) return MakeDataSource(data, load, std::move(source_options));
  auto url = ParseDbUrl(data);
  if (!url) return url.error();
  if (url->mode == DbUrl::Mode::kPushdown) {
    return Error{"mode=pushdown loads no rows, and this command writes from loaded rows: "
                 "leave mode=pushdown out (mode=snapshot)", "data"};
  }
  return MakeDbSource(std::move(*url), load, source_options);
}

}  // namespace keeta::sql
