// The "Files from spreadsheets and other tools" rules of docs/kpis.md, as functions the
// CSV parser calls (and a chunked or parallel parser can call the same way): encodings,
// delimiter detection, header normalisation and aliases, number and duration cells, and
// the day forms other than YYYY-MM-DD. Every decision that can be made once per file
// (encoding, delimiter, decimal mark, column kinds) is made here from the start of the
// file; only the per-cell fallbacks run per cell, and only for cells the fast path of
// csv_loader.cc does not take.
// Thread-safety: stateless functions and plain value types; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "core/schema.h"
#include "store/load_options.h"

namespace keeta {

// ---- known columns -----------------------------------------------------------------------

// One of the 14 known columns: the day, a name column or a measure.
struct ColumnId {
  enum class Kind : std::uint8_t { kDay, kName, kMeasure };
  Kind kind;
  std::size_t index;  // Dimension or Measure index (0 for the day)
  bool operator==(const ColumnId&) const = default;
};
inline constexpr std::size_t kKnownColumnCount = 1 + kDimensionCount + kMeasureCount;
// 0 = day, then the dimensions, then the measures (schema order).
constexpr std::size_t Slot(ColumnId c) {
  return c.kind == ColumnId::Kind::kDay    ? 0
         : c.kind == ColumnId::Kind::kName ? 1 + c.index
                                           : 1 + kDimensionCount + c.index;
}
std::string_view CanonicalName(ColumnId column);

// Lower-cased, trimmed, runs of spaces, `_`, `-` and `.` as one `_`, a trailing unit
// (`%`, `(%)`, `(sec)`, `(s)`, `(min)`...) dropped: "Avg. Response Time (sec)" ->
// "avg_response_time".
std::string NormaliseHeader(std::string_view header);

// The known column a normalised header names, directly or through an alias.
std::optional<ColumnId> ColumnForHeader(std::string_view normalised);

// How the fields of a header line map to known columns.
struct HeaderMatch {
  std::vector<std::optional<ColumnId>> fields;  // per header field
  std::size_t known = 0;                        // fields that map to a column
  std::vector<std::string> unmatched;           // header texts that map to nothing
  std::vector<std::string> renamed;             // "'Total Chats' as total_chats"
  std::vector<std::string> unmapped;            // --column mappings whose header is absent
};
// An explicit mapping (options.columns) wins; then the first field naming each column.
HeaderMatch MatchHeader(const std::vector<std::string>& fields, const LoadOptions& options);

// ---- delimiter ---------------------------------------------------------------------------

inline constexpr char kDelimiters[] = {',', ';', '\t', '|'};

// The fields of one header line split by `delimiter` (RFC 4180 quotes honoured).
std::vector<std::string> SplitHeaderLine(std::string_view line, char delimiter);

struct DelimiterChoice {
  char delimiter = ',';
  std::string why;  // for the load report, e.g. "splits the header into 14 known columns"
};
// The delimiter that splits the header line into the most known columns (ties: the most
// fields, then the order of kDelimiters).
DelimiterChoice DetectDelimiter(std::string_view header_line, const LoadOptions& options);

// ---- encodings ---------------------------------------------------------------------------

enum class Encoding : std::uint8_t { kUtf8, kUtf16Le, kUtf16Be, kWindows1252 };
std::string_view EncodingName(Encoding encoding);

// From the byte-order mark: UTF-16 LE/BE, else UTF-8 (a file that then proves not to be
// UTF-8 is re-read as Windows-1252 by the loader).
Encoding EncodingFromBom(std::string_view start);
std::size_t BomSize(Encoding encoding, std::string_view start);

// Converts UTF-16 or Windows-1252 bytes to UTF-8, a piece at a time. A NUL character is an
// error (never text); so is an unpaired UTF-16 surrogate.
class TextDecoder {
 public:
  explicit TextDecoder(Encoding encoding) : encoding_(encoding) {}
  // Appends the UTF-8 of the whole characters at the start of [in, in + n) to out and
  // returns how many bytes they took (all of them when at_eof).
  Result<std::size_t> Decode(const char* in, std::size_t n, bool at_eof, std::string& out);

 private:
  Encoding encoding_;
  std::size_t line_ = 1;  // for messages
};

// ---- cells -------------------------------------------------------------------------------

enum class CellStatus : std::uint8_t { kNumber, kMissing, kInvalid, kDuration };

// Every form of a number cell (the loader's fast path takes the plain ones first):
// missing tokens, `%` (`92 %`), thousands groups (`,` when `decimal` is `.`; `.` or a space
// when it is `,`), exponents, and `HH:MM:SS` / `MM:SS` in a seconds or minutes column.
// Returns NaN for a missing or invalid cell.
double ParseNumberCell(std::string_view cell, char decimal, MeasureKind kind, CellStatus* status);

// Missing tokens: empty, NaN, nan, NA, N/A, null, None, `-` (any case).
bool IsMissingToken(std::string_view trimmed);

// What a cell of this kind should look like, for notes ("a number like 32,5").
std::string ExpectedNumber(MeasureKind kind, char decimal);

// A day cell in a form other than YYYY-MM-DD / YYYY/MM/DD: `DD.MM.YYYY`, `DD-MM-YYYY`,
// `DD Mon YYYY`, `DD-Mon-YYYY` (kDay), or `a/b/YYYY` (kSlash: which part is the day is
// decided once per file). An optional time after a space or `T` is ignored.
struct DialectDay {
  enum class Kind : std::uint8_t { kInvalid, kDay, kSlash };
  Kind kind = Kind::kInvalid;
  Day day = 0;                        // kDay
  int first = 0, second = 0, year = 0;  // kSlash
};
DialectDay ParseDialectDay(std::string_view cell);

}  // namespace keeta
