#include "store/settings.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

namespace keeta {
namespace {

using Json = nlohmann::json;

std::optional<std::size_t> KpiIndex(std::string_view id) {
  const KpiDef* def = FindKpi(id);
  if (def == nullptr) return std::nullopt;
  return static_cast<std::size_t>(def - kKpis.data());
}

Result<Settings> FromJson(const Json& doc) {
  Settings out;
  if (!doc.is_object()) return Error{"settings: expected a JSON object", ""};
  for (const auto& [key, value] : doc.items()) {
    if (key == "targets") {
      if (!value.is_object()) return Error{"settings: 'targets' must be an object", "targets"};
      for (const auto& [id, target] : value.items()) {
        const auto k = KpiIndex(id);
        if (!k) return Error{fmt::format("settings: unknown KPI '{}' in targets", id), "targets"};
        if (target.is_null()) continue;
        if (!target.is_object() || !target.contains("op") || !target.contains("value") ||
            !target["op"].is_string() || !target["value"].is_number()) {
          return Error{fmt::format("settings: target of '{}' must be {{\"op\": \">=\", \"value\": N}}", id),
                       "targets"};
        }
        const auto op = ParseTargetOp(target["op"].get<std::string>());
        const double v = target["value"].get<double>();
        if (!op) return Error{fmt::format("settings: target of '{}': op must be >=, <=, > or <", id), "targets"};
        if (!std::isfinite(v)) return Error{fmt::format("settings: target of '{}' is not finite", id), "targets"};
        out.targets[*k] = Target{*op, v};
      }
    } else if (key == "weighted") {
      if (!value.is_array()) return Error{"settings: 'weighted' must be a list of KPI ids", "weighted"};
      for (const auto& id : value) {
        const auto k = id.is_string() ? KpiIndex(id.get<std::string>()) : std::nullopt;
        if (!k) return Error{fmt::format("settings: unknown KPI {} in weighted", id.dump()), "weighted"};
        if (kKpis[*k].aggregation != Aggregation::kMean) {
          return Error{fmt::format("settings: '{}' is not a mean and cannot be weighted", kKpis[*k].id),
                       "weighted"};
        }
        out.weighted[*k] = true;
      }
    } else {
      return Error{fmt::format("settings: unknown key '{}'", key), key};
    }
  }
  return out;
}

class MemorySettings : public SettingsStore {
 public:
  explicit MemorySettings(Settings initial)
      : current_{std::make_shared<const Settings>(std::move(initial)), 1} {}
  Snapshot Current() override {
    std::lock_guard lock(mu_);
    return current_;
  }
  Result<Snapshot> Update(const std::function<void(Settings&)>& change) override {
    std::lock_guard lock(mu_);
    Settings next = *current_.settings;
    change(next);
    current_ = {std::make_shared<const Settings>(std::move(next)), current_.version + 1};
    return current_;
  }
  std::string Describe() const override { return "(in memory)"; }
  std::string last_error() const override { return ""; }

 private:
  mutable std::mutex mu_;
  Snapshot current_;
};

// The file is re-read when its size or modification time changes, checked at most once
// per kRecheck so that requests pay one clock read, not a stat.
class FileSettings : public SettingsStore {
 public:
  static constexpr std::chrono::milliseconds kRecheck{1000};

  explicit FileSettings(std::string path) : path_(std::move(path)) {}

  Result<Snapshot> Open() {
    std::lock_guard lock(mu_);
    auto loaded = ReadLocked();
    if (!loaded) return loaded.error();
    current_ = {std::make_shared<const Settings>(std::move(*loaded)), 1};
    next_check_ = Now() + kRecheck.count();
    return current_;
  }

  Snapshot Current() override {
    if (Now() >= next_check_.load(std::memory_order_relaxed)) {
      std::lock_guard lock(mu_);
      next_check_ = Now() + kRecheck.count();
      if (ChangedLocked()) {
        auto loaded = ReadLocked();
        if (loaded) {
          error_.clear();
          if (*loaded != *current_.settings) {
            current_ = {std::make_shared<const Settings>(std::move(*loaded)), current_.version + 1};
          }
        } else {
          error_ = loaded.error().message;  // keep the last good settings
        }
      }
    }
    std::lock_guard lock(mu_);
    return current_;
  }

  Result<Snapshot> Update(const std::function<void(Settings&)>& change) override {
    std::lock_guard lock(mu_);
    auto loaded = ReadLocked();  // start from what is on disk now
    if (!loaded) return loaded.error();
    Settings next = std::move(*loaded);
    change(next);
    // Write a sibling file, then rename over: readers never see half a file.
    const std::string tmp = path_ + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << SettingsToJson(next) << '\n';
      out.flush();
      if (!out) return Error{fmt::format("cannot write settings file '{}'", tmp), "settings"};
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path_, ec);
    if (ec) return Error{fmt::format("cannot replace settings file '{}': {}", path_, ec.message()), "settings"};
    ChangedLocked();  // remember the new stamp
    current_ = {std::make_shared<const Settings>(std::move(next)), current_.version + 1};
    return current_;
  }

  std::string Describe() const override { return path_; }
  std::string last_error() const override {
    std::lock_guard lock(mu_);
    return error_;
  }

 private:
  static std::int64_t Now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  // Whether size or mtime differ from the last look (and records the new ones).
  bool ChangedLocked() {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path_, ec);
    std::uintmax_t size = 0;
    std::filesystem::file_time_type mtime{};
    if (exists) {
      size = std::filesystem::file_size(path_, ec);
      mtime = std::filesystem::last_write_time(path_, ec);
    }
    const bool changed = exists != exists_ || size != size_ || mtime != mtime_;
    exists_ = exists;
    size_ = size;
    mtime_ = mtime;
    return changed;
  }

  Result<Settings> ReadLocked() {
    ChangedLocked();
    if (!exists_) return Settings{};
    std::ifstream in(path_, std::ios::binary);
    if (!in) return Error{fmt::format("cannot read settings file '{}'", path_), "settings"};
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = ParseSettingsJson(text.str());
    if (!parsed) return Error{fmt::format("{}: {}", path_, parsed.error().message), "settings"};
    return parsed;
  }

  const std::string path_;
  mutable std::mutex mu_;
  Snapshot current_;
  std::string error_;
  std::atomic<std::int64_t> next_check_{0};
  bool exists_ = false;
  std::uintmax_t size_ = 0;
  std::filesystem::file_time_type mtime_{};
};

}  // namespace

Result<Settings> ParseSettingsJson(std::string_view text) {
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error{"settings: not valid JSON", ""};
  return FromJson(doc);
}

std::string SettingsToJson(const Settings& settings) {
  Json doc = Json::object();
  Json targets = Json::object();
  Json weighted = Json::array();
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    if (const auto& t = settings.targets[k]) {
      targets[std::string(kKpis[k].id)] = {{"op", std::string(TargetOpText(t->op))},
                                           {"value", t->value}};
    }
    if (settings.weighted[k]) weighted.push_back(std::string(kKpis[k].id));
  }
  doc["targets"] = std::move(targets);
  doc["weighted"] = std::move(weighted);
  return doc.dump(2);
}

Result<std::shared_ptr<SettingsStore>> OpenSettingsFile(std::string path) {
  auto store = std::make_shared<FileSettings>(std::move(path));
  auto opened = store->Open();
  if (!opened) return opened.error();
  return std::shared_ptr<SettingsStore>(std::move(store));
}

std::shared_ptr<SettingsStore> MakeMemorySettings(Settings initial) {
  return std::make_shared<MemorySettings>(std::move(initial));
}

}  // namespace keeta
