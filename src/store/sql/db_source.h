// Data sources over a database table (docs/api.md "Data sources", docs/kpis.md "Sources
// other than CSV"), and MakeAnySource, which picks a file or a database from `--data`.
//
// Snapshot mode reads the table into the same immutable Dataset a CSV file becomes: the
// cells go through the CSV path's TableBuilder, so the same rows give the same numbers.
// It stays fresh by itself: PostgreSQL notifications after `keeta db setup` (otherwise a
// cheap change check at every look), MySQL a change check at every look. With `key=COLUMN`
// (an integer that only grows), a change that only added rows reads only those rows.
// The database being down is a transient failure: retried with backoff, the last good
// snapshot kept (the holder marks it stale). No message holds the password.
// Thread-safety: a source is used by one thread at a time (DataSource's rule).
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "store/data_source.h"
#include "store/sql/db_url.h"

namespace keeta::sql {

std::unique_ptr<DataSource> MakeDbSource(DbUrl url, const LoadOptions& load,
                                         const CsvSourceOptions& source_options);

// `--data` as given: empty = the bundled sample, a database URL = MakeDbSource, anything
// else a CSV file. A malformed URL or mode=pushdown (a store/sql/pushdown.h source, which
// is not a DataSource: nothing is loaded) is an Error.
Result<std::unique_ptr<DataSource>> MakeAnySource(const std::string& data,
                                                  const LoadOptions& load,
                                                  CsvSourceOptions source_options = {});

}  // namespace keeta::sql
