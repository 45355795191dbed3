// The CSV loader: bytes of one CSV file -> ParsedTable + LoadReport, per the "Input" rules
// of docs/kpis.md (BOM, CRLF, RFC 4180 quoting, header matching, junk cells, percent
// fractions, day with a time part, short/long rows, blank lines). Never throws on bad
// input: an unreadable file is an Error naming the line and what is wrong.
// Thread-safety: stateless functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "store/table_builder.h"

namespace keeta {

// Parses a whole CSV document held in memory. `source` names it in messages and the report.
Result<CsvTable> ParseCsv(std::string_view bytes, std::string_view source);

// Reads and parses a file, read in 1 MiB pieces (not mmap: a file rewritten in place
// while mapped would crash the server with SIGBUS); no copy of the whole file is kept.
Result<CsvTable> ReadCsvFile(const std::string& path);

}  // namespace keeta
