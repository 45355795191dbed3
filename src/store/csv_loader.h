// The CSV loader: bytes of one CSV file -> ParsedTable + LoadReport, per the "Input" rules
// of docs/kpis.md (BOM, CRLF, RFC 4180 quoting, header matching, junk cells, percent
// fractions, day with a time part, short/long rows, blank lines) and its "Files from
// spreadsheets and other tools" rules (csv_dialect.h), steered by LoadOptions. Never throws on bad
// input: an unreadable file is an Error naming the line and what is wrong.
// Thread-safety: stateless functions; safe from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/load_options.h"
#include "store/table_builder.h"

namespace keeta {

// Both functions below, and AppendableCsv, parse a big input on every core (see
// LoadOptions::parse_threads): the rows after the header are cut at line breaks into one
// range per thread, and the ranges joined in file order. The result is always the serial
// parser's, errors included: a cut that proves not to be a row boundary (a quoted field
// holding a line break) makes the rest of the input parse serially.

// Parses a whole CSV document held in memory. `source` names it in messages and the report.
Result<CsvTable> ParseCsv(std::string_view bytes, std::string_view source,
                          const LoadOptions& options = {});

// Reads and parses a file, read in 1 MiB pieces with pread (not mmap: a file rewritten in
// place while mapped would crash the server with SIGBUS); no copy of the whole file is kept.
// The encoding is taken from the byte-order mark; a file that proves not to be UTF-8 is
// read a second time, as Windows-1252.
Result<CsvTable> ReadCsvFile(const std::string& path, const LoadOptions& options = {});

// Ranges parsed by another thread and joined, since the process started: a diagnostic for
// tests and benchmarks (that a parse was in fact spread over the cores).
std::uint64_t ParallelRangesJoined();

// A CSV file read so that rows appended to it later cost only their own parsing: after a
// read that ended on a line break the parser keeps its state, and the next read, if the
// file only grew (its first and last previously read 64 KiB unchanged), parses just the new
// bytes. Anything else (a rewrite, a shrink, a last line without its line break yet, a bad
// tail) reads the whole file anew, so Read always returns what ReadCsvFile would (the
// differential test checks this). The rows themselves are handed over, not kept: what is
// kept is the names, the report, and what the whole-file rules need to decide on later
// rows (TableBuilder::Release), a few kilobytes. A file in UTF-16 or Windows-1252, or with
// `a/b/YYYY` days, is read in full every time.
// Thread-safety: none; one thread at a time.
struct CsvRead {
  CsvTable table;
  bool appended = false;  // `table` holds only the rows after the last read's
};

class AppendableCsv {
 public:
  // `source` names the file in messages and the report (default: the path). Not
  // `appendable`: every Read reads the whole file and keeps nothing (a one-shot load).
  explicit AppendableCsv(std::string path, LoadOptions options = {}, std::string source = {},
                         bool appendable = true);
  ~AppendableCsv();
  AppendableCsv(const AppendableCsv&) = delete;
  AppendableCsv& operator=(const AppendableCsv&) = delete;

  // Every row of the file (after an append, read again in full: see Whole).
  Result<CsvTable> Read();
  // Read, but when the file only grew, only the new rows (with the report for the whole
  // file), `appended` set: what Dataset::Append adds to the last read's snapshot. The whole
  // table instead when the new rows change a whole-file decision (TableBuilder::CanRelease).
  Result<CsvRead> ReadNew();
  // Every row the last read covered, as Read would return them: those bytes read again
  // (the rows are not kept), for when the new rows cannot join the last snapshot.
  Result<CsvTable> Whole();
  // Whether the next Read may take the append path.
  bool can_append() const;
  // Whether the file now only extends what the last Read took: more bytes after it, and
  // its first and last 64 KiB as they were (the next Read then parses just the new bytes).
  bool OnlyGrew() const;

 private:
  static constexpr std::uint64_t kCheckBytes = 64 * 1024;
  struct State;
  // The file from its start, up to `limit` bytes.
  Result<CsvTable> ReadAll(std::uint64_t limit);
  Result<CsvRead> ReadAppended();
  bool OldBytesUnchanged(int fd, std::uint64_t size) const;

  std::string path_;
  std::string source_;
  LoadOptions options_;
  bool appendable_;
  std::unique_ptr<State> state_;  // null: the next Read reads everything
};

}  // namespace keeta
