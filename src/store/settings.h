// Settings: what an administrator decides for everyone — a target per KPI and which mean
// KPIs are weighted by chats by default — and where they are kept.
//
// SettingsStore is the one seam between the server/CLI and the storage: today a JSON file
// (`--settings PATH`, default keeta-settings.json); once the accounts state store has a
// settings table, an implementation over it replaces OpenSettingsFile in one place.
// Thread-safety: every SettingsStore method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/dashboard.h"
#include "core/result.h"
#include "core/targets.h"

namespace keeta {

struct Settings {
  Targets targets{};
  Weighting weighted{};  // per KPI; only mean KPIs may be set
  bool operator==(const Settings&) const = default;
};

// {"targets": {"csat": {"op": ">=", "value": 85}, ...}, "weighted": ["csat", ...]}.
// Unknown KPI ids, bad ops, non-finite values and weighting a non-mean KPI are errors.
Result<Settings> ParseSettingsJson(std::string_view text);
std::string SettingsToJson(const Settings& settings);

class SettingsStore {
 public:
  // Immutable settings and a version that changes whenever they do (for cache keys).
  struct Snapshot {
    std::shared_ptr<const Settings> settings;
    std::uint64_t version = 0;
  };

  virtual ~SettingsStore() = default;
  // The current settings. Picks up changes made by other processes (e.g. `keeta targets
  // set` while a server runs) within about a second; a store that became unreadable keeps
  // its last good settings (see last_error).
  virtual Snapshot Current() = 0;
  // Read, change, write back. Returns the new snapshot or why it could not be saved.
  virtual Result<Snapshot> Update(const std::function<void(Settings&)>& change) = 0;
  virtual std::string Describe() const = 0;
  virtual std::string last_error() const = 0;  // "" when the last read succeeded
};

// Where `serve` and the CLI look when --settings is not given (the working directory).
inline constexpr const char* kDefaultSettingsPath = "keeta-settings.json";

// A JSON file; a missing file means default settings (nothing set). Fails when the file
// exists but cannot be read or parsed.
Result<std::shared_ptr<SettingsStore>> OpenSettingsFile(std::string path);
// Settings held in memory only (tests, and servers without a settings file).
std::shared_ptr<SettingsStore> MakeMemorySettings(Settings initial = {});

}  // namespace keeta
