// DataSource: where a dataset comes from (a CSV file today; PostgreSQL/MySQL later).
// A source loads a full immutable snapshot; callers swap it into a DatasetHolder.
// Thread-safety: a source is used by one thread at a time (the loader/reloader).
#pragma once

#include <memory>
#include <string>

#include "core/dataset.h"
#include "core/result.h"

namespace keeta {

class DataSource {
 public:
  virtual ~DataSource() = default;

  // For logs and the page footer, e.g. the file path.
  virtual std::string Describe() const = 0;

  // Cheap check whether the data may have changed since the last Load (file size/mtime).
  // True before the first Load.
  virtual bool MaybeChanged() = 0;

  // Loads a fresh snapshot. On error nothing changes for whoever holds the last one.
  virtual Result<std::shared_ptr<const Dataset>> Load() = 0;
};

// A CSV file on disk.
std::unique_ptr<DataSource> MakeCsvSource(std::string path);

// Current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (stamped into LoadReport::loaded_at).
std::string UtcNowIso8601();

}  // namespace keeta
