// DataSource: where a dataset comes from (a CSV file; a PostgreSQL or MySQL table, store/sql).
// A source loads a full immutable snapshot; callers swap it into a DatasetHolder.
// Thread-safety: a source is used by one thread at a time (the loader/reloader).
#pragma once

#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <string>

#include "core/dataset.h"
#include "core/result.h"
#include "store/complete_file.h"
#include "store/load_options.h"
#include "store/table_builder.h"

namespace keeta {

class DataSource {
 public:
  virtual ~DataSource() = default;

  // For logs, e.g. the file path.
  virtual std::string Describe() const = 0;

  // Cheap check whether Load should run now: true when a new, complete version of the data
  // is there (for files: store/complete_file.h), when a retry of a transient failure is
  // due, or when there is a new failure to report. True before the first Load.
  virtual bool MaybeChanged() = 0;

  // Loads a fresh snapshot. On error nothing changes for whoever holds the last one. After
  // a first successful Load it may also return null: what MaybeChanged offered changed
  // again before it was read, so there is nothing new to publish yet.
  virtual Result<std::shared_ptr<const Dataset>> Load() = 0;

  // A descriptor that turns readable when the data may have changed (a database's change
  // notifications), so the reloader can wait on it instead of looking on a timer; -1: none.
  virtual int ChangeFd() const { return -1; }
};

struct CsvSourceOptions {
  LoadOptions load;  // delimiter, day order, column mapping...
  // How pages and the API name the file (LoadReport::source, messages); "" = its base
  // name, so that a server never shows where its files live.
  std::string label;
  OpenFunction open = SystemOpen();
  CompleteFileRule::Timing timing;  // when a changed file counts as complete
  // Transient failures are retried after retry_min, doubling up to retry_max.
  std::chrono::milliseconds retry_min{500};
  std::chrono::milliseconds retry_max{30000};
  // Loaded once and never looked at again (`keeta kpis`, `keeta export`): nothing is kept
  // or read for later looks (the parsed rows for appends, a table's change token, its
  // change notifications).
  bool one_shot = false;
};

// The options of a one-shot load: the defaults, with one_shot set.
CsvSourceOptions OneShotSourceOptions();

// The snapshot after a read. When `only_new_rows` (the read took just the rows after those
// of `last`), they join `last` as a segment (Dataset::Append) if they fit its layout; else
// every row is indexed anew: `read` itself, or `whole()` when `read` held only new rows
// (stamped with `read`'s source and load time).
Result<std::shared_ptr<const Dataset>> AppendOrBuild(
    const std::shared_ptr<const Dataset>& last, CsvTable read, bool only_new_rows,
    const std::function<Result<CsvTable>()>& whole);

// A CSV file on disk, read with `options.load`. A file none of whose header names is a
// known column is a load error (it is the wrong file, not an empty dataset).
std::unique_ptr<DataSource> MakeCsvSource(std::string path, CsvSourceOptions options = {});

// The sample data compiled into the binary (store/bundled_sample.h): what `serve` and
// `kpis` show without --data, from any working directory.
std::unique_ptr<DataSource> MakeBundledSampleSource(LoadOptions options = {});

// `--data` as given: empty means the bundled sample, anything else a CSV path read with
// `options` and `source_options` (label, complete-file rule, retries).
std::unique_ptr<DataSource> MakeDataSource(const std::string& data, const LoadOptions& options,
                                           CsvSourceOptions source_options = {});

// The time stamped on what Keeta makes (load times, export reports): SOURCE_DATE_EPOCH
// when it is set to a number of seconds (reproducible output), else the clock.
std::time_t StampTime();

// `YYYY-MM-DDTHH:MM:SSZ`.
std::string Iso8601Utc(std::time_t t);

// Iso8601Utc(StampTime()), stamped into LoadReport::loaded_at.
std::string UtcNowIso8601();

}  // namespace keeta
