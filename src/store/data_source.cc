#include "store/data_source.h"

#include <sys/stat.h>

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string_view>
#include <fmt/format.h>

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

// A CSV file; change detection by (inode, size, mtime) so an atomic rename is seen too.
class CsvSource final : public DataSource {
 public:
  CsvSource(std::string path, LoadOptions options)
      : path_(path), csv_(std::move(path), std::move(options)) {}

  std::string Describe() const override { return path_; }

  bool MaybeChanged() override {
    const Stamp now = Current();
    return !loaded_ || now != last_;
  }

  Result<std::shared_ptr<const Dataset>> Load() override {
    const Stamp before = Current();
    auto parsed = csv_.Read();  // only the appended rows when the file just grew
    // Stamp what we read even on failure, so a broken file is not re-parsed every poll.
    last_ = before;
    loaded_ = true;
    if (!parsed) return parsed.error();
    parsed->report.source = path_;
    parsed->report.loaded_at = UtcNowIso8601();
    return Dataset::Build(std::move(parsed->table), std::move(parsed->report));
  }

 private:
  struct Stamp {
    ino_t inode = 0;
    off_t size = -1;
    std::int64_t mtime_ns = 0;
    bool operator!=(const Stamp& o) const {
      return inode != o.inode || size != o.size || mtime_ns != o.mtime_ns;
    }
  };
  Stamp Current() const {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return {};
    return {st.st_ino, st.st_size,
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
  }

  std::string path_;
  AppendableCsv csv_;
  Stamp last_;
  bool loaded_ = false;
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

std::unique_ptr<DataSource> MakeCsvSource(std::string path, LoadOptions options) {
  return std::make_unique<CsvSource>(std::move(path), std::move(options));
}

std::unique_ptr<DataSource> MakeBundledSampleSource(LoadOptions options) {
  return std::make_unique<BundledSampleSource>(std::move(options));
}

std::unique_ptr<DataSource> MakeDataSource(const std::string& data, const LoadOptions& options) {
  if (data.empty()) return MakeBundledSampleSource(options);
  return MakeCsvSource(data, options);
}

}  // namespace keeta
