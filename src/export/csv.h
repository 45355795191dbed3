// The CSV exports (docs/api.md "Exports"): kpis.csv, trends.csv and rows.csv. UTF-8 with a
// byte-order mark (so Excel shows Arabic names), CRLF line ends, RFC 4180 quoting, numbers
// in the API's exact form, and text cells that a spreadsheet would run as a formula
// defused with a leading `'`. Pure functions of a computed dashboard (or the snapshot's
// rows) to bytes, shared by the HTTP routes and `keeta export`.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/dashboard.h"
#include "core/dataset.h"
#include "core/engine.h"
#include "core/query.h"

namespace keeta::exports {

// `id,label,unit,value`, one line per KPI in registry order; value empty when null.
std::string KpisCsv(const Dashboard& dashboard);

// `day` then the ten KPI ids; one line per trend point; empty cells for no value.
std::string TrendsCsv(const Dashboard& dashboard);

// Appends one text cell: quoted when it holds a comma, quote, CR or LF; prefixed with `'`
// when it begins with `=`, `+`, `-`, `@`, a tab or a CR.
void AppendCsvText(std::string& out, std::string_view text);

// rows.csv, written a piece at a time so a million rows never sit in memory at once:
// `day,agent,team_leader,supervisor` then the ten measure columns, the rows that pass the
// query's scope and filter in the snapshot's order (RowCursor), values as loaded.
// Thread-safety: one writer per thread; it keeps its snapshot alive.
class RowsCsvWriter {
 public:
  RowsCsvWriter(std::shared_ptr<const Dataset> data, const Query& query);

  // Replaces `chunk` with the next piece (the first one starts with the BOM and header),
  // about `chunk_bytes` long; returns false, leaving `chunk` empty, once all is written.
  bool Next(std::string& chunk, std::size_t chunk_bytes = kDefaultChunkBytes);

  static constexpr std::size_t kDefaultChunkBytes = 64 * 1024;

 private:
  RowCursor cursor_;
  bool header_written_ = false;
};

}  // namespace keeta::exports
