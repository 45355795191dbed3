// PushdownSource: a database table answered where it lives (mode=pushdown, docs/api.md
// "Data sources"): nothing is loaded; each dashboard, filter-choices or breakdown question
// is one aggregate statement the database runs — per trend bucket, the sums and counts of
// present values, the weighted sums and the distinct active agents — and core/kpi_totals.h
// turns those totals into the same numbers the in-memory engine gives (float sums may
// differ by rounding only). Every user value (names, dates) is a bound parameter; every
// identifier comes from the table's own columns, quoted; no SQL is built from a user's
// string. A small statement before each question reads the table-wide facts (rows, first
// and last day, the percent columns' range for the fraction rule), so a change in the
// table is seen by the next question.
//
// Pushdown reads typed columns: measures numeric, the day a date or timestamp. A text
// measure or day column is an error that says to use mode=snapshot (which applies the CSV
// cell rules to text) — see docs/server.md.
//
// Thread-safety: every method may be called from many threads at once; each question takes
// a connection from a bounded pool (waiting at most `wait` for one).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/dashboard.h"
#include "core/load_report.h"
#include "core/query.h"
#include "core/query_check.h"
#include "core/result.h"
#include "store/load_options.h"
#include "store/sql/db_url.h"

namespace keeta::sql {

struct PushdownOptions {
  std::size_t connections = 4;  // the pool's bound
  std::chrono::milliseconds wait{10000};  // for a free connection, then an error
};

// A dashboard answered by the database, with the report of the table it was read from.
template <class T>
struct Answered {
  T answer;
  LoadReport report;  // source, rows_loaded, missing and scaled columns; loaded_at = now
};

class PushdownSource {
 public:
  virtual ~PushdownSource() = default;
  virtual std::string Describe() const = 0;  // the URL without its password

  virtual Result<Answered<Dashboard>> ComputeDashboard(const Query& query,
                                                       const DashboardOptions& options) = 0;
  virtual Result<Answered<FilterChoices>> ComputeChoices(const Query& query) = 0;
  virtual Result<Answered<Breakdown>> ComputeBreakdown(const Query& query,
                                                       const BreakdownRequest& request,
                                                       const DashboardOptions& options) = 0;
};

// What in `query` cannot match (core/query_check.h), from the names the database holds in
// the query's scope; a question of its own only when a name is filtered on.
Result<std::vector<QueryWarning>> CheckQuery(PushdownSource& source, const Query& query);

// Connects lazily: a database that is down makes each question an Error until it is up.
std::unique_ptr<PushdownSource> MakePushdownSource(DbUrl url, LoadOptions load,
                                                   std::string label = {},
                                                   PushdownOptions options = {});

}  // namespace keeta::sql
