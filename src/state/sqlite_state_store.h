// The StateStore in one SQLite file (`--state PATH`, default keeta-state.db): the schema is
// created and upgraded by numbered migrations recorded in `PRAGMA user_version`, so an old
// file opens in a newer Keeta and a newer file is refused by an older one. WAL mode and a
// busy timeout let the server and the CLI (`keeta users …`) use the file at the same time.
//
// Thread-safety: one connection behind a mutex; every method may be called from any thread.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "state/state_store.h"

namespace keeta::state {

// Opens (creating when missing) and migrates the state file. ":memory:" gives a private
// in-memory store (tests). The file is created readable by its owner only.
Result<std::unique_ptr<StateStore>> OpenSqliteStateStore(const std::string& path);

// The schema version this build writes (the number of migrations it knows).
int SqliteSchemaVersion();

}  // namespace keeta::state
