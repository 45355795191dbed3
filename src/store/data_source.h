// DataSource: where a dataset comes from (a CSV file today; PostgreSQL/MySQL later).
// A source loads a full immutable snapshot; callers swap it into a DatasetHolder.
// Thread-safety: a source is used by one thread at a time (the loader/reloader).
#pragma once

#include <ctime>
#include <memory>
#include <string>

#include "core/dataset.h"
#include "core/result.h"
#include "store/load_options.h"

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

// A CSV file on disk, read with `options` (delimiter, day order, column mapping...).
std::unique_ptr<DataSource> MakeCsvSource(std::string path, LoadOptions options = {});

// The sample data compiled into the binary (store/bundled_sample.h): what `serve` and
// `kpis` show without --data, from any working directory.
std::unique_ptr<DataSource> MakeBundledSampleSource(LoadOptions options = {});

// `--data` as given: empty means the bundled sample, anything else a CSV path.
std::unique_ptr<DataSource> MakeDataSource(const std::string& data, const LoadOptions& options);

// The time stamped on what Keeta makes (load times, export reports): SOURCE_DATE_EPOCH
// when it is set to a number of seconds (reproducible output), else the clock.
std::time_t StampTime();

// `YYYY-MM-DDTHH:MM:SSZ`.
std::string Iso8601Utc(std::time_t t);

// Iso8601Utc(StampTime()), stamped into LoadReport::loaded_at.
std::string UtcNowIso8601();

}  // namespace keeta
