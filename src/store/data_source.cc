#include "store/data_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string_view>
#include <fmt/format.h>
#include <optional>

#include "core/schema.h"
#include "store/bundled_sample.h"
#include "store/csv_loader.h"

namespace keeta {

std::time_t StampTime() {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
    long long seconds = 0;
    const std::string_view text(epoch);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec == std::errc() && end == text.data() + text.size() && seconds >= 0) {
      return static_cast<std::time_t>(seconds);
    }
  }
  return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
}

std::string Iso8601Utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string UtcNowIso8601() { return Iso8601Utc(StampTime()); }

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kKnownColumns = 1 + kDimensionCount + kMeasureCount;

// A CSV file, published by the complete-file rule (store/complete_file.h). Transient
// failures (out of descriptors, ...) are retried with backoff; other failures are
// reported once and retried when the file changes.
class CsvSource final : public DataSource {
 public:
  CsvSource(std::string path, CsvSourceOptions options)
      : path_(std::move(path)),
        options_(std::move(options)),
        label_(Label(path_, options_.label)),
        csv_(path_, options_.load, label_, /*appendable=*/!options_.one_shot),
        rule_(options_.timing) {}

  std::string Describe() const override { return path_; }

  bool MaybeChanged() override {
    if (!attempted_) return true;
    if (retry_at_) return Clock::now() >= *retry_at_;
    OpenOutcome opened = OpenRegularFile(path_, label_, options_.open);
    if (!opened.file) return opened.error.message != reported_error_;  // new failure
    const std::optional<FileLook> look = LookAt(*opened.file);
    if (!look) return false;
    append_stamp_.reset();
    if (!rule_.ReadyToLoad(*look, Clock::now())) return false;
    if (rule_.ready_as_append()) {
      // Early only if it really is an append; a rewrite that happens to be longer waits.
      if (!csv_.OnlyGrew()) {
        rule_.NotAnAppend();
        return false;
      }
      append_stamp_ = look->stamp;
    }
    return true;
  }

  Result<std::shared_ptr<const Dataset>> Load() override {
    attempted_ = true;
    OpenOutcome opened = OpenRegularFile(path_, label_, options_.open);
    if (!opened.file) {
      rule_.Forget();  // whatever comes back at this path is loaded, even the same version
      return Fail(opened.error);
    }
    const std::optional<FileLook> before = LookAt(*opened.file);
    if (!before) return Fail({fmt::format("cannot read '{}'", label_), true});
    if (append_stamp_ && before->stamp != *append_stamp_) {
      // Changed again since it was checked as an append: nothing to publish yet; the rule
      // looks at the new version as at any other.
      append_stamp_.reset();
      return std::shared_ptr<const Dataset>();
    }
    append_stamp_.reset();
    auto parsed = csv_.ReadNew();  // only the appended rows when the file just grew
    // What was read is the version looked at: unchanged, and still the file at the path.
    const std::optional<FileLook> after = LookAt(*opened.file);
    if (!after || after->stamp != before->stamp || StampAt(path_) != before->stamp) {
      // Written to while we read: the rule waits for it to settle again.
      rule_.Forget();
      return Fail({fmt::format("'{}' changed while it was being read; will load it once "
                               "it stops changing", label_), false});
    }
    rule_.Loaded(before->stamp);
    if (!parsed) return Fail({parsed.error().message, false});
    CsvTable& read = parsed->table;
    if (read.report.missing_columns.size() == kKnownColumns) {
      return Fail({fmt::format("'{}' has none of the known columns (day, agent, team_leader, "
                               "supervisor, total_chats, ...): is it the right file?", label_),
                   false});
    }
    reported_error_.clear();
    retry_at_.reset();
    backoff_ = options_.retry_min;
    read.report.source = label_;
    read.report.loaded_at = UtcNowIso8601();
    auto data = AppendOrBuild(last_, std::move(read), parsed->appended, [this] { return csv_.Whole(); });
    if (!data) return Fail({data.error().message, false});
    last_ = *data;
    return data;
  }

 private:
  // Records a failure; a content failure is not retried until the file changes (the rule
  // has its stamp as loaded), a transient one after the backoff.
  Error Fail(const FileError& error) {
    reported_error_ = error.message;
    if (error.transient) {
      retry_at_ = Clock::now() + backoff_;
      backoff_ = std::min(backoff_ * 2, options_.retry_max);
    } else {
      retry_at_.reset();
    }
    return Error{error.message, ""};
  }

  // The base name, or the path when it has none.
  static std::string Label(const std::string& path, const std::string& label) {
    if (!label.empty()) return label;
    std::string name = std::filesystem::path(path).filename().string();
    return name.empty() ? path : name;
  }

  const std::string path_;
  const CsvSourceOptions options_;
  const std::string label_;
  AppendableCsv csv_;
  std::shared_ptr<const Dataset> last_;  // the last snapshot loaded, for appends
  CompleteFileRule rule_;
  std::optional<FileStamp> append_stamp_;  // offered early as an append (MaybeChanged)
  bool attempted_ = false;
  std::string reported_error_;       // the last failure, "" after a success
  std::optional<Clock::time_point> retry_at_;  // a transient failure's next retry
  std::chrono::milliseconds backoff_ = options_.retry_min;
};

// The sample compiled into the binary: loaded once, never changes.
class BundledSampleSource final : public DataSource {
 public:
  explicit BundledSampleSource(LoadOptions options) : options_(std::move(options)) {}

  std::string Describe() const override { return std::string(kBundledSampleName); }

  bool MaybeChanged() override { return !loaded_; }

  Result<std::shared_ptr<const Dataset>> Load() override {
    loaded_ = true;
    auto parsed = ParseCsv(BundledSampleCsv(), kBundledSampleName, options_);
    if (!parsed) return parsed.error();
    parsed->report.loaded_at = UtcNowIso8601();
    return Dataset::Build(std::move(parsed->table), std::move(parsed->report));
  }

 private:
  LoadOptions options_;
  bool loaded_ = false;
};

}  // namespace

Result<std::shared_ptr<const Dataset>> AppendOrBuild(
    const std::shared_ptr<const Dataset>& last, CsvTable read, bool only_new_rows,
    const std::function<Result<CsvTable>()>& whole) {
  if (only_new_rows && last != nullptr && last->rows() + read.table.rows == read.report.rows_loaded) {
    if (auto data = Dataset::Append(last, std::move(read.table), read.report)) return data;
  }
  if (only_new_rows) {
    auto all = whole();
    if (!all) return all.error();
    all->report.source = read.report.source;
    all->report.loaded_at = read.report.loaded_at;
    read = std::move(*all);
  }
  return Dataset::Build(std::move(read.table), std::move(read.report));
}

CsvSourceOptions OneShotSourceOptions() {
  CsvSourceOptions options;
  options.one_shot = true;
  return options;
}

std::unique_ptr<DataSource> MakeCsvSource(std::string path, CsvSourceOptions options) {
  return std::make_unique<CsvSource>(std::move(path), std::move(options));
}

std::unique_ptr<DataSource> MakeBundledSampleSource(LoadOptions options) {
  return std::make_unique<BundledSampleSource>(std::move(options));
}

std::unique_ptr<DataSource> MakeDataSource(const std::string& data, const LoadOptions& options,
                                           CsvSourceOptions source_options) {
  if (data.empty()) return MakeBundledSampleSource(options);
  source_options.load = options;
  return MakeCsvSource(data, std::move(source_options));
}

}  // namespace keeta
