// The CSV loader. For each piece of input: validate UTF-8 (8 bytes at a time while the text
// is ASCII), then split rows (RFC 4180, 16 bytes at a time with SSE2) and convert each kept
// field straight into its column. Nothing is allocated per row: fields are views into the
// input (a reused scratch buffer holds the rare unescaped quoted field), names are interned
// through a string_view-keyed hash table, and the column vectors are reserved from an
// estimate of the row count.
//
// Spreadsheet dialects (csv_dialect.h) are decided once per file before the first row:
// the encoding from the byte-order mark (UTF-16 is decoded to UTF-8 as it is read; a file
// that proves not to be UTF-8 is read again as Windows-1252), the delimiter from the header
// line, and with it the decimal mark. The row loop is instantiated per (delimiter, decimal
// mark), so a plain comma file runs exactly the code it ran before; cells the fast number
// and day paths do not take fall back to the dialect rules, out of line.
//
// The parser consumes its input in pieces that end on row boundaries, so a file is read in
// fixed-size chunks into one reused buffer rather than mmap'd: a file truncated in place
// while it is being read (a data file rewritten under a running server) then gives a
// shorter file, never a SIGBUS, and no copy of the whole file is ever held.
//
// A big file is parsed on every core (FeedInput): after the header, the rest is cut into
// one range per thread at line breaks, each range parsed by its own parser, and the
// results joined in file order into the first parser (TableBuilder::Absorb), lines and
// examples shifted as if one parser had read it all. A cut is only a guess at a row
// boundary (a quoted field may hold a line break): it is proved when the range before it
// ends exactly there, and from the first range that does not (or that fails) the file is
// parsed serially, so the result is always the serial parser's, errors included.
//
// Choices where the spec is silent:
// - a lone CR ends a line, as LF and CRLF do (old Mac files; pandas does the same);
// - a line holding only spaces or tabs is blank; blank lines before the header are skipped;
// - spaces before an opening quote are allowed; text after a closing quote is kept;
// - a leading `+` on a number is allowed (pandas accepts it); `1e-999` underflows to 0;
// - a known column given twice: the first one is used, the second ignored;
// - a `|`-separated file keeps `.` as its decimal mark (the spec names `;` and tab only);
// - `--month-first` yields to the data: a first part above 12 still means day-first.

#include "store/csv_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "store/csv_dialect.h"
#include "store/name_interner.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace keeta {

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kReadChunk = std::size_t{1} << 20;
constexpr std::size_t kMaxExamples = 3;  // line numbers and values per note

constexpr bool IsBlank(char c) { return c == ' ' || c == '\t'; }
constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Called for nearly every cell: always inlined (GCC otherwise stops inlining it once the
// dialect rules add call sites, which costs ~7% of the parse).
[[gnu::always_inline]] inline std::string_view Trim(std::string_view s) {
  const char* begin = s.data();
  const char* end = begin + s.size();
  while (begin < end && IsBlank(*begin)) ++begin;
  while (end > begin && IsBlank(end[-1])) --end;
  return {begin, static_cast<std::size_t>(end - begin)};
}

// Bytes that end an unquoted field.
template <char kDelim>
constexpr bool EndsField(char c) {
  return c == kDelim || c == '\n' || c == '\r';
}

// The first byte in [q, end) that ends an unquoted field (the delimiter, LF, CR), or end.
template <char kDelim>
inline const char* FindFieldEnd(const char* q, const char* end) {
#if defined(__SSE2__)
  // 16 bytes per step: most fields are found in one.
  const __m128i delim = _mm_set1_epi8(kDelim);
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  while (end - q >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, delim), _mm_cmpeq_epi8(v, lf)),
                                      _mm_cmpeq_epi8(v, cr));
    const int mask = _mm_movemask_epi8(hits);
    if (mask != 0) return q + __builtin_ctz(static_cast<unsigned>(mask));
    q += 16;
  }
#endif
  while (q < end && !EndsField<kDelim>(*q)) ++q;
  return q;
}

// Physical line breaks in [p, end): LF, CRLF and a lone CR each count once.
std::size_t CountLineBreaks(const char* p, const char* end) {
  std::size_t n = 0;
  for (; p < end; ++p) {
    if (*p == '\n') {
      ++n;
    } else if (*p == '\r' && (p + 1 == end || p[1] != '\n')) {
      ++n;
    }
  }
  return n;
}

void AddExample(std::vector<CellExample>& examples, std::size_t line, std::string_view value) {
  if (examples.size() < kMaxExamples) examples.push_back({line, std::string(value)});
}

// ---------------------------------------------------------------------------------------
// UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
// NUL is rejected too: it never occurs in text.

struct Utf8Check {
  std::size_t valid;  // length of the valid prefix
  bool bad;           // stopped at an invalid byte (else: at the end, or at an incomplete
                      // sequence at the end when more input may follow)
};

// Skips 16-byte blocks made only of ASCII (no NUL) and well-formed two-byte sequences
// (Arabic, accented Latin) and returns the offset where that stops, always on a character
// boundary; the scalar loop takes over from there.
inline std::size_t SkipSimpleUtf8(const unsigned char* p, std::size_t i, std::size_t n) {
#if defined(__SSE2__)
  // As signed bytes: continuation 0x80..0xBF is -128..-65; a two-byte lead 0xC2..0xDF is
  // -62..-33.
  const __m128i zero = _mm_setzero_si128();
  const __m128i below_continuation = _mm_set1_epi8(-64);
  const __m128i below_lead = _mm_set1_epi8(-63);
  const __m128i above_lead = _mm_set1_epi8(-32);
  unsigned carry = 0;  // the previous block ended with a lead byte
  while (i + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    const auto high = static_cast<unsigned>(_mm_movemask_epi8(v));
    const auto nul = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)));
    if ((high | nul | carry) == 0) {
      i += 16;
      continue;
    }
    const auto continuation =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmplt_epi8(v, below_continuation)));
    const auto lead = static_cast<unsigned>(_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpgt_epi8(v, below_lead), _mm_cmplt_epi8(v, above_lead))));
    // Every high byte is a lead or a continuation, and continuations are exactly the
    // bytes after leads.
    if (nul != 0 || high != (continuation | lead) ||
        continuation != (((lead << 1) | carry) & 0xFFFFu)) {
      break;
    }
    carry = lead >> 15;
    i += 16;
  }
  return i - carry;  // back to an unfinished sequence's lead byte
#else
  (void)p;
  (void)n;
  return i;
#endif
}

Utf8Check CheckUtf8(const char* text, std::size_t n, bool at_eof) {
  const auto* p = reinterpret_cast<const unsigned char*>(text);
  std::size_t i = 0;
  while (i < n) {
    i = SkipSimpleUtf8(p, i, n);
    // At least one block's worth one character at a time, then back to the fast path.
    const std::size_t stop = std::min(n, i + 16);
    while (i < stop) {
      // 8 bytes at a time while all are in 0x01..0x7F. A byte outside that range sets its
      // own high bit in (w | (w - 0x01..01)); a borrow only starts at such a byte.
      while (i + 8 <= n) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        if (((w | (w - 0x0101010101010101ull)) & 0x8080808080808080ull) != 0) break;
        i += 8;
      }
      if (i >= n) break;
      const unsigned c = p[i];
      if (c >= 0x01 && c < 0x80) {
        ++i;
        continue;
      }
      std::size_t len;
      unsigned lo = 0x80;
      unsigned hi = 0xBF;  // allowed range of the first continuation byte
      if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;  // overlong
        if (c == 0xED) hi = 0x9F;  // surrogates
      } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;  // overlong
        if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
      } else {
        return {i, true};  // NUL, a stray continuation byte, C0/C1, F5..FF
      }
      const std::size_t avail = n - i;
      for (std::size_t k = 1; k < len && k < avail; ++k) {
        const unsigned b = p[i + k];
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return {i, true};
      }
      if (avail < len) return {i, at_eof};
      i += len;
    }
  }
  return {n, false};
}

// ---------------------------------------------------------------------------------------
// Numbers.

constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                             1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// The fast path of a number cell: [+-]digits[<decimal mark>digits] with at most 15 digits
// and perhaps a `%` right after. Both the integer and the power of ten are exact doubles,
// so one correctly rounded division gives the same value as a full decimal conversion
// (Clinger's fast path). False when the cell needs the general rules (ParseNumberCell).
template <char kDecimal>
inline bool ParseSimpleNumber(std::string_view raw, double* out) {
  const std::string_view cell = Trim(raw);
  if (cell.empty()) {
    *out = kMissing;
    return true;
  }
  const char* q = cell.data();
  const char* end = q + cell.size();
  if (end[-1] == '%') --end;  // `92%` is 92
  const bool negative = q < end && *q == '-';
  if (q < end && (*q == '-' || *q == '+')) ++q;
  std::uint64_t mantissa = 0;
  int digits = 0;
  int fraction_digits = 0;
  for (; q < end && IsDigit(*q); ++q, ++digits) mantissa = mantissa * 10 + (*q - '0');
  if (q < end && *q == kDecimal) {
    ++q;
    for (; q < end && IsDigit(*q); ++q, ++fraction_digits) mantissa = mantissa * 10 + (*q - '0');
    digits += fraction_digits;
  }
  if (q != end || digits == 0 || digits > 15) return false;
  double value = static_cast<double>(mantissa);
  if (fraction_digits > 0) value /= kPow10[fraction_digits];
  *out = negative ? -value : value;
  return true;
}

// ---------------------------------------------------------------------------------------
// The parser proper.

// A field of the row being split: a view into the input, or into scratch_ when unescaped.
struct FieldRef {
  const char* data;
  std::size_t size;
  std::size_t scratch_offset;  // kInInput when `data` is valid
};
constexpr std::size_t kInInput = std::numeric_limits<std::size_t>::max();

// `a/b/YYYY` days wait for the file's day-first decision as a provisional value below
// every real day (and above kNoDay): kSlashBase - (year * 10000 + a * 100 + b).
constexpr Day kSlashBase = -100'000'000;
constexpr Day EncodeSlash(int year, int first, int second) {
  return kSlashBase - (year * 10000 + first * 100 + second);
}
constexpr bool IsSlash(Day d) { return d <= kSlashBase && d != kNoDay; }

// CsvParser: splits the bytes of one CSV document, fed in pieces, into rows for a
// TableBuilder. Decides the delimiter (and with it the decimal mark) from the header line.
// Thread-safety: none; one parser per load.
class CsvParser {
 public:
  CsvParser(std::string_view source, std::size_t size_hint, const LoadOptions& options,
            Encoding encoding)
      : source_(source), size_hint_(size_hint), options_(options), encoding_(encoding),
        builder_(options) {
    if (options.delimiter) delimiter_ = *options.delimiter;
  }
  CsvParser(const CsvParser&) = delete;
  CsvParser& operator=(const CsvParser&) = delete;

  // Parses the whole lines at the start of [data, data + size) and returns how many bytes
  // they took. With at_eof the input ends there and everything is consumed.
  Result<std::size_t> Feed(const char* data, std::size_t size, bool at_eof);

  // After the last Feed: applies whole-column rules and hands over the result.
  Result<CsvTable> Finish();
  // The rows fed since the last Release, leaving the parser ready for more
  // (TableBuilder::Release); only when CanRelease().
  Result<CsvTable> Release();
  bool CanRelease() const { return builder_.CanRelease(); }
  std::size_t rows() const { return builder_.rows(); }
  bool has_header() const { return have_header_; }
  // A parser for rows further on in the same input, after this one took its header: the
  // same columns, delimiter and options, counting lines from 1 (Absorb shifts them), with
  // room reserved for about `bytes` of rows.
  std::unique_ptr<CsvParser> ForRange(std::size_t bytes) const;
  // Appends the rows `range` parsed (the bytes right after the ones this parser took), as
  // if this parser had been fed them itself.
  void Absorb(CsvParser&& range);

  // After Feed failed because the bytes are not UTF-8 (and hold no NUL): where, for the
  // note of the parser that reads them again as Windows-1252.
  const std::optional<CellExample>& not_utf8() const { return not_utf8_; }
  void AddNote(std::string note) { builder_.report().notes.push_back(std::move(note)); }

 private:
  enum class Split { kRow, kBlank, kNeedMore, kEnd, kError };

  Error MakeError(const std::string& what) const {
    return Error{source_.empty() ? what : fmt::format("{}: {}", source_, what), ""};
  }

  // Finds the header line and picks the delimiter; false when the line is not complete yet.
  bool DecideDelimiter(const char* p, const char* end, bool at_eof);
  template <char kDelim, char kDecimal>
  Result<std::size_t> FeedRows(const char* begin, const char* p, const char* end, bool at_eof);
  template <char kDelim>
  Split SplitRow(const char*& p, const char* end, bool at_eof);
  std::string_view FieldAt(std::size_t i) const {
    const FieldRef& f = fields_[i];
    if (f.scratch_offset == kInInput) return {f.data, f.size};
    return {scratch_.data() + f.scratch_offset, f.size};
  }
  std::optional<Error> TakeHeader(const char* rest, const char* end);
  template <char kDecimal>
  [[gnu::always_inline]] inline void TakeRow();
  void TakeOddRow();

  std::string source_;
  std::size_t size_hint_;
  LoadOptions options_;
  Encoding encoding_;
  bool bom_checked_ = false;
  bool have_header_ = false;
  char delimiter_ = 0;  // 0 until decided
  std::size_t line_ = 1;  // physical line of the first unconsumed byte
  std::optional<CellExample> not_utf8_;

  // The row being split.
  std::vector<FieldRef> fields_;
  std::size_t field_count_ = 0;  // fields in the row (may exceed fields_.size())
  std::size_t row_line_breaks_ = 0;
  std::size_t row_line_ = 0;  // line the row starts on
  std::string scratch_;
  std::string error_;

  std::size_t header_fields_ = 0;
  std::vector<std::string> header_;  // for ForRange
  std::size_t row_bytes_ = 0;        // a row's average size in the first piece (0: unknown)
  // Rows to reserve room for in `bytes` of input: a little over what the average predicts.
  std::size_t RowsIn(std::size_t bytes) const {
    return row_bytes_ > 0 ? bytes / row_bytes_ + bytes / row_bytes_ / 16 + 16 : 0;
  }
  TableBuilder builder_;
};

// Splits one line (or a blank one) starting at p into fields_. On kRow/kBlank p moves past
// the line end; on kNeedMore the line does not end inside [p, end) and p is unchanged.
template <char kDelim>
CsvParser::Split CsvParser::SplitRow(const char*& p, const char* end, bool at_eof) {
  const char* q = p;
  {
    const char* s = q;
    while (s < end && IsBlank(*s)) ++s;
    if (s == end) {
      if (!at_eof) return Split::kNeedMore;
      if (s == q) return Split::kEnd;
      p = end;
      return Split::kBlank;
    }
    if (*s == '\n') {
      p = s + 1;
      return Split::kBlank;
    }
    if (*s == '\r') {
      if (s + 1 == end && !at_eof) return Split::kNeedMore;
      p = s + 1 + (s + 1 < end && s[1] == '\n' ? 1 : 0);
      return Split::kBlank;
    }
  }

  field_count_ = 0;
  row_line_breaks_ = 0;
  scratch_.clear();
  for (;;) {
    // The field, as plain values (see below).
    const char* field_data = q;
    std::size_t field_size = 0;
    std::size_t field_offset = kInInput;
    const char* s = q;
    while (s < end && IsBlank(*s) && *s != kDelim) ++s;
    if (s < end && *s == '"') {
      const char* content = s + 1;
      const char* close = nullptr;
      bool doubled = false;
      for (const char* r = content;;) {
        const auto* quote = static_cast<const char*>(std::memchr(r, '"', end - r));
        if (quote == nullptr) {
          if (!at_eof) return Split::kNeedMore;
          error_ = fmt::format("unterminated quoted field starting at line {}",
                               line_ + CountLineBreaks(p, s));
          return Split::kError;
        }
        if (quote + 1 == end && !at_eof) return Split::kNeedMore;  // maybe a doubled quote
        if (quote + 1 < end && quote[1] == '"') {
          doubled = true;
          r = quote + 2;
          continue;
        }
        close = quote;
        break;
      }
      row_line_breaks_ += CountLineBreaks(content, close);
      // Anything between the closing quote and the delimiter is kept, as pandas does.
      const char* after = close + 1;
      q = after;
      while (q < end && !EndsField<kDelim>(*q)) ++q;
      const bool trailing_text = !Trim(std::string_view(after, q - after)).empty();
      if (doubled || trailing_text) {
        field_offset = scratch_.size();
        for (const char* c = content; c < close; ++c) {
          scratch_.push_back(*c);
          if (*c == '"') ++c;  // the second of a doubled pair
        }
        if (trailing_text) scratch_.append(after, q - after);
        field_size = scratch_.size() - field_offset;
      } else {
        field_data = content;
        field_size = static_cast<std::size_t>(close - content);
      }
    } else {
      q = FindFieldEnd<kDelim>(q, end);
      field_size = static_cast<std::size_t>(q - field_data);
    }

    if (field_count_ < fields_.size()) {
      // Stored member by member from plain values: a FieldRef built on the stack was copied
      // with one 16-byte load of two 8-byte stores, which the CPU cannot forward (perf put
      // half the splitter's samples there; the serial parse is ~5% faster without it).
      FieldRef& stored = fields_[field_count_];
      stored.data = field_data;
      stored.size = field_size;
      stored.scratch_offset = field_offset;
    } else if (!have_header_) {
      fields_.push_back({field_data, field_size, field_offset});  // the header keeps every field
    }
    ++field_count_;

    if (q == end) {
      if (!at_eof) return Split::kNeedMore;
      p = end;
      return Split::kRow;
    }
    if (*q == kDelim) {
      ++q;
      continue;
    }
    if (*q == '\n') {
      p = q + 1;
      return Split::kRow;
    }
    // CR: alone or as CRLF.
    if (q + 1 == end) {
      if (!at_eof) return Split::kNeedMore;
      p = end;
      return Split::kRow;
    }
    p = q + 1 + (q[1] == '\n' ? 1 : 0);
    return Split::kRow;
  }
}

bool CsvParser::DecideDelimiter(const char* p, const char* end, bool at_eof) {
  // The first non-blank line, up to a line break outside quotes.
  const char* s = p;
  while (s < end && (IsBlank(*s) || *s == '\n' || *s == '\r')) ++s;
  const char* start = s;
  bool quoted = false;
  while (s < end && (quoted || (*s != '\n' && *s != '\r'))) {
    if (*s == '"') quoted = !quoted;
    ++s;
  }
  if (s == end && !at_eof) return false;
  const std::string_view header(start, static_cast<std::size_t>(s - start));
  const DelimiterChoice choice = DetectDelimiter(header, options_);
  delimiter_ = choice.delimiter;
  if (delimiter_ != ',') {
    AddNote(fmt::format("delimiter '{}' detected from the header on line {}: {}",
                                        DelimiterName(delimiter_),
                                        line_ + CountLineBreaks(p, start), choice.why));
  }
  return true;
}

Result<std::size_t> CsvParser::Feed(const char* data, std::size_t size, bool at_eof) {
  const char* const begin = data;
  const char* const end = data + size;
  const char* p = begin;

  if (!bom_checked_) {
    static constexpr char kBom[] = "\xEF\xBB\xBF";
    if (size < 3 && !at_eof && std::memcmp(p, kBom, size) == 0) return std::size_t{0};
    bom_checked_ = true;
    if (size >= 3 && std::memcmp(p, kBom, 3) == 0) p += 3;
  }

  // Decoded text (UTF-16, Windows-1252) is valid UTF-8 by construction.
  if (encoding_ == Encoding::kUtf8) {
    const Utf8Check utf8 = CheckUtf8(p, static_cast<std::size_t>(end - p), at_eof);
    if (utf8.bad) {
      const std::size_t line = line_ + CountLineBreaks(p, p + utf8.valid);
      const auto byte = static_cast<unsigned char>(p[utf8.valid]);
      if (byte == 0) {
        return MakeError(fmt::format(
            "NUL byte at line {}: not a text file (a UTF-16 file needs its byte-order mark)",
            line));
      }
      not_utf8_ = CellExample{line, fmt::format("byte 0x{:02X}", byte)};
      return MakeError(fmt::format("not UTF-8 text at line {}", line));
    }
  }

  if (delimiter_ == 0 && !DecideDelimiter(p, end, at_eof)) {
    return static_cast<std::size_t>(p - begin);
  }
  if (!have_header_) builder_.SetDecimalMark(delimiter_ == ';' || delimiter_ == '\t' ? ',' : '.');
  switch (delimiter_) {
    case ';': return FeedRows<';', ','>(begin, p, end, at_eof);
    case '\t': return FeedRows<'\t', ','>(begin, p, end, at_eof);
    case '|': return FeedRows<'|', '.'>(begin, p, end, at_eof);
    default: return FeedRows<',', '.'>(begin, p, end, at_eof);
  }
}

template <char kDelim, char kDecimal>
Result<std::size_t> CsvParser::FeedRows(const char* begin, const char* p, const char* end,
                                        bool at_eof) {
  for (;;) {
    const Split split = SplitRow<kDelim>(p, end, at_eof);
    switch (split) {
      case Split::kNeedMore:
      case Split::kEnd:
        return static_cast<std::size_t>(p - begin);
      case Split::kError:
        return MakeError(error_);
      case Split::kBlank:
        if (have_header_) AddExample(builder_.report().blank_line_examples, line_, "");
        ++line_;
        ++builder_.report().blank_lines;
        break;
      case Split::kRow:
        row_line_ = line_;
        line_ += 1 + row_line_breaks_;
        if (have_header_) {
          TakeRow<kDecimal>();
        } else if (std::optional<Error> error = TakeHeader(p, end)) {
          return *error;
        }
        break;
    }
  }
}

std::optional<Error> CsvParser::TakeHeader(const char* rest, const char* end) {
  have_header_ = true;
  // Blank lines before the header are not data; don't report them.
  builder_.report().blank_lines = 0;
  header_fields_ = field_count_;
  builder_.report().header_fields = field_count_;

  std::vector<std::string_view> header;
  header.reserve(field_count_);
  for (std::size_t i = 0; i < field_count_; ++i) header.push_back(FieldAt(i));
  header_.assign(header.begin(), header.end());

  // Estimate the row count from the lines seen so far in this piece, to reserve once.
  std::size_t estimate = 0;
  if (size_hint_ > 0) {
    const std::size_t sample = std::min<std::size_t>(static_cast<std::size_t>(end - rest),
                                                      std::size_t{1} << 16);
    std::size_t lines = 0;
    for (std::size_t i = 0; i < sample; ++i) lines += rest[i] == '\n' ? 1 : 0;
    if (lines > 0) {
      // A full row takes at least one byte per header field (delimiters and the line end).
      row_bytes_ = std::max<std::size_t>({sample / lines, header_fields_, 1});
      estimate = RowsIn(size_hint_);
    }
  }
  if (std::optional<Error> error = builder_.SetHeader(header, estimate, row_line_)) {
    return MakeError(error->message);
  }

  // Rows only need the fields up to the last known column.
  fields_.assign(builder_.fields_needed(), FieldRef{nullptr, 0, kInInput});
  return std::nullopt;
}

[[gnu::noinline]] void CsvParser::TakeOddRow() {
  LoadReport& report = builder_.report();
  const std::string fields = fmt::format("{} field{}", field_count_, field_count_ == 1 ? "" : "s");
  if (field_count_ < header_fields_) {
    ++report.short_rows;
    AddExample(report.short_row_examples, row_line_, fields);
  } else {
    ++report.long_rows;
    AddExample(report.long_row_examples, row_line_, fields);
  }
}

template <char kDecimal>
inline void CsvParser::TakeRow() {
  if (field_count_ != header_fields_) [[unlikely]] TakeOddRow();
  builder_.BeginRow(row_line_);
  for (const TableBuilder::Target& t : builder_.targets()) {
    builder_.CellWith<kDecimal>(t, t.field < field_count_ ? FieldAt(t.field) : std::string_view());
  }
}

std::unique_ptr<CsvParser> CsvParser::ForRange(std::size_t bytes) const {
  auto range = std::make_unique<CsvParser>(source_, bytes, options_, Encoding::kUtf8);
  range->bom_checked_ = true;
  range->have_header_ = true;
  range->delimiter_ = delimiter_;
  range->header_fields_ = header_fields_;
  range->header_ = header_;
  range->row_bytes_ = row_bytes_;
  range->builder_.SetDecimalMark(builder_.decimal_mark());
  const std::vector<std::string_view> header(header_.begin(), header_.end());
  const std::size_t estimate = RowsIn(bytes);
  // The header was matched once already: the same names cannot fail now.
  (void)range->builder_.SetHeader(header, estimate);
  range->fields_.assign(range->builder_.fields_needed(), FieldRef{nullptr, 0, kInInput});
  return range;
}

void CsvParser::Absorb(CsvParser&& range) {
  const std::size_t line_offset = line_ - 1;
  builder_.Absorb(std::move(range.builder_), line_offset);
  line_ += range.line_ - 1;
}

Result<CsvTable> CsvParser::Finish() {
  if (!have_header_) return MakeError("empty file: no header line");
  return builder_.Finish(source_);
}

Result<CsvTable> CsvParser::Release() {
  if (!have_header_) return MakeError("empty file: no header line");
  return builder_.Release(source_);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// TableBuilder (store/table_builder.h): the cell rules, shared with the SQL sources.

TableBuilder::TableBuilder(LoadOptions options) : options_(std::move(options)) {
  for (std::size_t d = 0; d < kDimensionCount; ++d) interners_.emplace_back(&table_.names[d]);
}

std::optional<Error> TableBuilder::SetHeader(const std::vector<std::string_view>& header,
                                             std::size_t row_estimate, std::size_t line) {
  report_.header_line = line;
  std::vector<std::string> names(header.begin(), header.end());
  const HeaderMatch match = MatchHeader(names, options_);
  if (!match.unmapped.empty()) {
    std::vector<std::string> quoted;
    for (const std::string& n : names) quoted.push_back(fmt::format("'{}'", Trim(n)));
    return Error{fmt::format("--column {}: no such header{} (the header has {})",
                             match.unmapped.front(),
                             line > 0 ? fmt::format(" on line {}", line) : std::string(),
                             fmt::join(quoted, ", ")),
                 "column"};
  }
  report_.unmatched_headers = match.unmatched;
  if (!match.renamed.empty()) {
    report_.notes.push_back(fmt::format("headers{} read by name rules: {}",
                                        line > 0 ? fmt::format(" on line {}", line) : std::string(),
                                        fmt::join(match.renamed, ", ")));
  }

  std::array<bool, kKnownColumnCount> taken{};
  for (std::size_t i = 0; i < match.fields.size(); ++i) {
    if (!match.fields[i]) continue;
    const ColumnId column = *match.fields[i];
    taken[Slot(column)] = true;
    switch (column.kind) {
      case ColumnId::Kind::kDay: targets_.push_back({i, Kind::kDay, 0, {}}); break;
      case ColumnId::Kind::kName: targets_.push_back({i, Kind::kName, column.index, {}}); break;
      case ColumnId::Kind::kMeasure:
        targets_.push_back({i, Kind::kMeasure, column.index, kMeasures[column.index].kind});
        report_.expected[column.index] = ExpectedNumber(kMeasures[column.index].kind, decimal_);
        break;
    }
  }
  const bool day_taken = taken[0];
  auto dim_taken = [&](std::size_t d) { return taken[1 + d]; };
  auto measure_taken = [&](std::size_t m) { return taken[1 + kDimensionCount + m]; };

  // Missing columns, in schema order.
  if (!day_taken) report_.missing_columns.emplace_back(kDayColumn);
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (!dim_taken(d)) report_.missing_columns.emplace_back(kDimensionColumns[d]);
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (!measure_taken(m)) report_.missing_columns.emplace_back(kMeasures[m].column);
  }

  table_.has_day = day_taken;
  if (day_taken) table_.day.reserve(row_estimate);
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    table_.names[d].present = dim_taken(d);
    if (!dim_taken(d)) continue;
    table_.names[d].codes.reserve(row_estimate);
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (!measure_taken(m)) continue;
    table_.measures[m].emplace();
    table_.measures[m]->reserve(row_estimate);
  }
  return std::nullopt;
}

std::size_t TableBuilder::fields_needed() const {
  std::size_t keep = 0;
  for (const Target& t : targets_) keep = std::max(keep, t.field + 1);
  return keep;
}

inline Day TableBuilder::ParseDay(std::string_view cell) {
  if (cell.empty()) return kNoDay;
  if (cell.size() == last_day_size_ && cell.size() <= sizeof(last_day_text_) &&
      std::memcmp(cell.data(), last_day_text_, cell.size()) == 0) {
    return last_day_;
  }
  const std::optional<Day> day = ParseCsvDay(cell);
  last_day_ = day ? *day : ParseOtherDay(cell);
  if (cell.size() <= sizeof(last_day_text_)) {
    std::memcpy(last_day_text_, cell.data(), cell.size());
    last_day_size_ = cell.size();
  } else {
    last_day_size_ = std::numeric_limits<std::size_t>::max();
  }
  return last_day_;
}

// The spreadsheet day forms (not YYYY-MM-DD); a/b/YYYY votes on the day-first decision.
[[gnu::noinline]] Day TableBuilder::ParseOtherDay(std::string_view cell) {
  const DialectDay parsed = ParseDialectDay(cell);
  const std::string_view text = Trim(cell);
  switch (parsed.kind) {
    case DialectDay::Kind::kInvalid: return kNoDay;
    case DialectDay::Kind::kDay:
      if (!other_day_example_) other_day_example_ = CellExample{row_line_, std::string(text)};
      return parsed.day;
    case DialectDay::Kind::kSlash: break;
  }
  if (parsed.first < 1 || parsed.second < 1 || parsed.first > 31 || parsed.second > 31) {
    return kNoDay;
  }
  slash_days_ = true;
  std::optional<CellExample>* evidence = &ambiguous_day_;
  if (parsed.first > 12 && parsed.second <= 12) evidence = &day_first_evidence_;
  if (parsed.second > 12 && parsed.first <= 12) evidence = &month_first_evidence_;
  if (parsed.first > 12 && parsed.second > 12) return kNoDay;  // a day in neither order
  if (!*evidence) *evidence = CellExample{row_line_, std::string(text)};
  return EncodeSlash(parsed.year, parsed.first, parsed.second);
}

// A number cell the fast path did not take: every other rule, and the report's examples.
[[gnu::noinline]] double TableBuilder::ParseOtherNumber(const Target& t, std::string_view cell) {
  CellStatus status = CellStatus::kNumber;
  const double value = ParseNumberCell(cell, decimal_, t.measure_kind, &status);
  if (status == CellStatus::kInvalid) {
    ++invalid_[t.index];
    AddExample(report_.invalid_examples[t.index], row_line_, Trim(cell));
  } else if (status == CellStatus::kDuration) {
    if (durations_[t.index]++ == 0) {
      duration_example_[t.index] = CellExample{row_line_, std::string(Trim(cell))};
    }
  }
  return value;
}

template <char kDecimal>
void TableBuilder::CellWith(const Target& t, std::string_view cell) {
  switch (t.kind) {
    case Kind::kDay: {
      const Day day = ParseDay(cell);
      if (day == kNoDay) [[unlikely]] {
        ++report_.missing_days;
        AddExample(report_.missing_day_examples, row_line_, Trim(cell));
      }
      table_.day.push_back(day);
      break;
    }
    case Kind::kName:
      table_.names[t.index].codes.push_back(interners_[t.index].Intern(Trim(cell)));
      break;
    case Kind::kMeasure: {
      double value;
      if (!ParseSimpleNumber<kDecimal>(cell, &value)) value = ParseOtherNumber(t, cell);
      if constexpr (kDecimal == ',') {
        if (!decimal_comma_example_ && cell.find(',') != std::string_view::npos &&
            !std::isnan(value)) {
          decimal_comma_example_ = CellExample{row_line_, std::string(Trim(cell))};
        }
      }
      table_.measures[t.index]->push_back(value);
      break;
    }
  }
}

void TableBuilder::Cell(const Target& t, std::string_view cell) {
  if (decimal_ == ',') {
    CellWith<','>(t, cell);
  } else {
    CellWith<'.'>(t, cell);
  }
}

void TableBuilder::Absorb(TableBuilder&& next, std::size_t line_offset) {
  const std::size_t first_row = rows();
  auto shifted = [&](CellExample& example) {
    return CellExample{example.line + line_offset, std::move(example.value)};
  };
  auto add_examples = [&](std::vector<CellExample>& into, std::vector<CellExample>& from) {
    for (CellExample& example : from) {
      if (into.size() >= kMaxExamples) break;
      into.push_back(shifted(example));
    }
  };
  auto keep_first = [&](std::optional<CellExample>& into, std::optional<CellExample>& from) {
    if (!into && from) into = shifted(*from);
  };

  ParsedTable& rows = next.table_;
  if (table_.has_day) table_.day.insert(table_.day.end(), rows.day.begin(), rows.day.end());
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (!table_.names[d].present) continue;
    // The next builder's names are in their first row's order: interned in that order,
    // the new ones get the codes a single builder would have given them.
    std::vector<std::uint32_t> code_of(rows.names[d].names.size());
    for (std::size_t c = 0; c < code_of.size(); ++c) {
      code_of[c] = interners_[d].Intern(rows.names[d].names[c]);
    }
    std::vector<std::uint32_t>& codes = table_.names[d].codes;
    codes.reserve(codes.size() + rows.names[d].codes.size());
    for (const std::uint32_t c : rows.names[d].codes) codes.push_back(code_of[c]);
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (!table_.measures[m]) continue;
    table_.measures[m]->insert(table_.measures[m]->end(), rows.measures[m]->begin(),
                               rows.measures[m]->end());
    invalid_[m] += next.invalid_[m];
    add_examples(report_.invalid_examples[m], next.report_.invalid_examples[m]);
    if (durations_[m] == 0 && next.durations_[m] > 0) {
      duration_example_[m] = shifted(*next.duration_example_[m]);
    }
    durations_[m] += next.durations_[m];
  }
  table_.rows += rows.rows;

  LoadReport& r = next.report_;
  report_.missing_days += r.missing_days;
  add_examples(report_.missing_day_examples, r.missing_day_examples);
  report_.blank_lines += r.blank_lines;
  add_examples(report_.blank_line_examples, r.blank_line_examples);
  report_.short_rows += r.short_rows;
  add_examples(report_.short_row_examples, r.short_row_examples);
  report_.long_rows += r.long_rows;
  add_examples(report_.long_row_examples, r.long_row_examples);

  keep_first(decimal_comma_example_, next.decimal_comma_example_);
  keep_first(other_day_example_, next.other_day_example_);
  slash_days_ = slash_days_ || next.slash_days_;
  keep_first(day_first_evidence_, next.day_first_evidence_);
  keep_first(month_first_evidence_, next.month_first_evidence_);
  keep_first(ambiguous_day_, next.ambiguous_day_);

  // Row -> line jumps: the next builder's first row jumps from its own start (line 0), so
  // that one is kept only if this builder's next row would not have been on its line.
  for (const auto& [row, line] : next.line_jumps_) {
    const std::pair<std::size_t, std::size_t> jump{first_row + row, line + line_offset};
    if (row == 0 && jump.second == next_row_line_) continue;
    line_jumps_.push_back(jump);
  }
  if (rows.rows > 0) {
    next_row_line_ = next.next_row_line_ + line_offset;
    row_line_ = next.row_line_ + line_offset;
    std::memcpy(last_day_text_, next.last_day_text_, sizeof last_day_text_);
    last_day_size_ = next.last_day_size_;
    last_day_ = next.last_day_;
  }
}

std::size_t TableBuilder::LineOfRow(std::size_t row) const {
  auto it = std::upper_bound(line_jumps_.begin(), line_jumps_.end(), row,
                             [](std::size_t r, const auto& jump) { return r < jump.first; });
  if (it == line_jumps_.begin()) return 0;
  --it;
  return it->second + (row - it->first);
}

// Decides once for the file whether `a/b/YYYY` is day-first and turns the provisional
// values into days.
std::optional<Error> TableBuilder::ResolveSlashDays(ParsedTable& table, LoadReport& report) const {
  if (!slash_days_) return std::nullopt;
  if (day_first_evidence_ && month_first_evidence_) {
    return Error{fmt::format(
        "days conflict: '{}' on line {} is day-first (DD/MM/YYYY) but '{}' on line {} is "
        "month-first (MM/DD/YYYY); one file must use one order",
        day_first_evidence_->value, day_first_evidence_->line, month_first_evidence_->value,
        month_first_evidence_->line), ""};
  }
  bool month_first = options_.month_first;
  if (day_first_evidence_) {
    month_first = false;
    report.notes.push_back(fmt::format(
        "days a/b/YYYY read day-first (DD/MM/YYYY): '{}' on line {} has a first part above 12{}",
        day_first_evidence_->value, day_first_evidence_->line,
        options_.month_first ? "; --month-first ignored" : ""));
  } else if (month_first_evidence_) {
    month_first = true;
    report.notes.push_back(fmt::format(
        "days a/b/YYYY read month-first (MM/DD/YYYY): '{}' on line {} has a second part above 12",
        month_first_evidence_->value, month_first_evidence_->line));
  } else if (ambiguous_day_) {
    report.notes.push_back(
        month_first
            ? fmt::format("days a/b/YYYY are ambiguous (no part above 12, e.g. '{}' on line {}): "
                          "read month-first as --month-first says",
                          ambiguous_day_->value, ambiguous_day_->line)
            : fmt::format("days a/b/YYYY are ambiguous (no part above 12, e.g. '{}' on line {}): "
                          "read day-first (DD/MM/YYYY); use --month-first if they are MM/DD/YYYY",
                          ambiguous_day_->value, ambiguous_day_->line));
  }
  std::vector<CellExample> bad;
  for (std::size_t r = 0; r < table.day.size(); ++r) {
    Day& d = table.day[r];
    if (!IsSlash(d)) continue;
    const int code = kSlashBase - d;
    const int year = code / 10000;
    const int first = code / 100 % 100;
    const int second = code % 100;
    const std::optional<Day> day =
        month_first ? DayFromCivil(year, first, second) : DayFromCivil(year, second, first);
    d = day ? *day : kNoDay;
    if (!day) {
      ++report.missing_days;
      AddExample(bad, LineOfRow(r), fmt::format("{:02}/{:02}/{:04}", first, second, year));
    }
  }
  if (!bad.empty()) {
    auto& examples = report.missing_day_examples;
    examples.insert(examples.end(), bad.begin(), bad.end());
    std::sort(examples.begin(), examples.end(),
              [](const CellExample& a, const CellExample& b) { return a.line < b.line; });
    if (examples.size() > kMaxExamples) examples.resize(kMaxExamples);
  }
  return std::nullopt;
}

// Percent columns given as fractions, and the CSAT 1–5 rating: whole-column rules, decided
// from facts gathered over the rows. A column's scan stops once its facts are settled, so
// it is cheap unless a rule holds.
TableBuilder::ScaleFacts TableBuilder::FactsOf(const ParsedTable& table, std::size_t first_row) const {
  ScaleFacts facts;
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (kMeasures[m].kind != MeasureKind::kPercent || !table.measures[m]) continue;
    const bool csat = m == Index(Measure::kCsat);
    const bool rating_scale = csat && options_.csat_scale == 5;
    const std::vector<double>& values = *table.measures[m];
    ColumnFacts& f = facts[m];
    for (std::size_t r = 0; r < values.size(); ++r) {
      const double v = values[r];
      if (std::isnan(v)) continue;
      f.present = true;
      if (f.first_values.size() < kMaxExamples) {
        f.first_values.push_back({LineOfRow(first_row + r), fmt::format("{}", v)});
      }
      if (v < 0.0 || v > 1.0) f.fractions = false;
      if (v > 1.0) f.above_one = true;
      if (v < 1.0 || v > 5.0) {
        f.rating = false;
        if (rating_scale) AddExample(f.outside_rating, LineOfRow(first_row + r), fmt::format("{}", v));
      }
      const bool settled = !f.fractions && f.first_values.size() == kMaxExamples &&
                           (!csat || (!f.rating && f.above_one)) &&
                           (!rating_scale || f.outside_rating.size() == kMaxExamples);
      if (settled) break;
    }
  }
  return facts;
}

void TableBuilder::MergeFacts(ScaleFacts& into, const ScaleFacts& later) {
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    ColumnFacts& a = into[m];
    const ColumnFacts& b = later[m];
    a.present = a.present || b.present;
    a.fractions = a.fractions && b.fractions;
    a.rating = a.rating && b.rating;
    a.above_one = a.above_one || b.above_one;
    for (const CellExample& e : b.first_values) AddExample(a.first_values, e.line, e.value);
    for (const CellExample& e : b.outside_rating) AddExample(a.outside_rating, e.line, e.value);
  }
}

TableBuilder::ScalePlan TableBuilder::PlanScales(const ScaleFacts& facts) const {
  ScalePlan plan;
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    const ColumnFacts& f = facts[m];
    if (kMeasures[m].kind != MeasureKind::kPercent || !f.present) continue;
    const bool csat = m == Index(Measure::kCsat);
    if (csat && options_.csat_scale == 5) continue;
    if (f.fractions) {
      plan.fractions[m] = true;
      continue;
    }
    if (csat) plan.csat_rating = f.rating && f.above_one;
  }
  return plan;
}

void TableBuilder::ApplyScales(const ScalePlan& plan, const ScaleFacts& facts, ParsedTable& out,
                               LoadReport& report) const {
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (kMeasures[m].kind != MeasureKind::kPercent || !out.measures[m]) continue;
    const ColumnFacts& f = facts[m];
    std::vector<double>& scaled = *out.measures[m];
    if (m == Index(Measure::kCsat) && options_.csat_scale == 5) {
      for (double& v : scaled) v = (v - 1.0) * 25.0;  // NaN stays NaN
      std::string note = fmt::format(
          "column 'csat' read as a 1–5 rating (--csat-scale 5): 1..5 mapped to 0..100 %{}",
          f.first_values.empty() ? "" : ", e.g. " + DescribeExamples(f.first_values));
      if (!f.outside_rating.empty()) {
        note += fmt::format("; values outside 1–5 mapped the same way: {}; expected 1 to 5",
                            DescribeExamples(f.outside_rating));
      }
      report.notes.push_back(std::move(note));
      continue;
    }
    if (plan.fractions[m]) {
      report.scaled_examples[m] = f.first_values;
      for (double& v : scaled) v *= 100.0;  // NaN stays NaN
      report.scaled_percent_columns.emplace_back(kMeasures[m].column);
      continue;
    }
    if (m == Index(Measure::kCsat) && plan.csat_rating) {
      report.notes.push_back(fmt::format(
          "column 'csat' looks like a 1–5 rating (every value within 1–5, e.g. {}): shown as "
          "given, not as a percent; expected 0–100 %, or use --csat-scale 5 to map 1..5 to 0..100 %",
          DescribeExamples(f.first_values)));
    }
  }
}

void TableBuilder::AddBuilderNotes(LoadReport& report) const {
  if (other_day_example_) {
    report.notes.push_back(fmt::format("days in spreadsheet forms read, e.g. {}",
                                       DescribeExamples({*other_day_example_})));
  }
  if (decimal_comma_example_) {
    report.notes.push_back(fmt::format(
        "numbers read with a decimal comma (the file is ';'- or tab-separated), e.g. {}",
        DescribeExamples({*decimal_comma_example_})));
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (durations_[m] == 0) continue;
    report.notes.push_back(fmt::format(
        "column '{}': {} duration{} converted to {}, e.g. {}", kMeasures[m].column,
        durations_[m], durations_[m] == 1 ? "" : "s",
        kMeasures[m].kind == MeasureKind::kMinutes ? "minutes" : "seconds",
        DescribeExamples({*duration_example_[m]})));
  }
  report.invalid_cells = invalid_;
}

// For a builder that never released rows: `table` is every row.
Result<CsvTable> TableBuilder::Complete(ParsedTable table, LoadReport report,
                                        const ScaleFacts& facts, std::string_view source) const {
  if (std::optional<Error> error = ResolveSlashDays(table, report)) {
    return Error{source.empty() ? error->message : fmt::format("{}: {}", source, error->message),
                 ""};
  }
  ApplyScales(PlanScales(facts), facts, table, report);
  AddBuilderNotes(report);
  report.source = source;
  report.rows_loaded = table.rows;
  return CsvTable{std::move(table), std::move(report)};
}

Result<CsvTable> TableBuilder::Finish(std::string_view source) {
  const ScaleFacts facts = FactsOf(table_, 0);
  ParsedTable table = std::move(table_);
  LoadReport report = std::move(report_);
  return Complete(std::move(table), std::move(report), facts, source);
}

Result<CsvTable> TableBuilder::Copy(std::string_view source) {
  const ScaleFacts facts = FactsOf(table_, 0);
  copied_plan_ = PlanScales(facts);
  return Complete(table_, report_, facts, source);
}

std::optional<CsvTable> TableBuilder::CopyTail(std::size_t first_row, std::string_view source) {
  // `a/b/YYYY` days are decided once for the whole file; a later row may change that.
  if (slash_days_ || first_row > table_.rows) return std::nullopt;
  const ScaleFacts facts = FactsOf(table_, 0);
  const ScalePlan plan = PlanScales(facts);
  if (plan != copied_plan_) return std::nullopt;
  const auto from = static_cast<std::ptrdiff_t>(first_row);
  ParsedTable tail;
  tail.rows = table_.rows - first_row;
  tail.has_day = table_.has_day;
  if (table_.has_day) tail.day.assign(table_.day.begin() + from, table_.day.end());
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    const NameColumn& names = table_.names[d];
    tail.names[d].present = names.present;
    if (!names.present) continue;
    tail.names[d].names = names.names;
    tail.names[d].codes.assign(names.codes.begin() + from, names.codes.end());
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (table_.measures[m]) tail.measures[m].emplace(table_.measures[m]->begin() + from, table_.measures[m]->end());
  }
  LoadReport report = report_;
  ApplyScales(plan, facts, tail, report);
  AddBuilderNotes(report);
  report.source = source;
  report.rows_loaded = table_.rows;
  return CsvTable{std::move(tail), std::move(report)};
}

bool TableBuilder::CanRelease() const {
  if (slash_days_) return false;
  if (released_rows_ == 0) return true;
  ScaleFacts facts = released_facts_;
  MergeFacts(facts, FactsOf(table_, released_rows_));
  return PlanScales(facts) == copied_plan_;
}

Result<CsvTable> TableBuilder::Release(std::string_view source) {
  ScaleFacts facts = released_facts_;
  MergeFacts(facts, FactsOf(table_, released_rows_));
  const ScalePlan plan = PlanScales(facts);
  ParsedTable out;
  out.rows = table_.rows;
  out.has_day = table_.has_day;
  out.day = std::exchange(table_.day, {});
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    out.names[d].present = table_.names[d].present;
    if (!table_.names[d].present) continue;
    out.names[d].names = table_.names[d].names;  // the interners keep theirs
    out.names[d].codes = std::exchange(table_.names[d].codes, {});
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (table_.measures[m]) out.measures[m] = std::exchange(*table_.measures[m], {});
  }
  released_rows_ += table_.rows;
  table_.rows = 0;
  released_facts_ = std::move(facts);
  copied_plan_ = plan;
  LoadReport report = report_;
  ApplyScales(plan, released_facts_, out, report);
  AddBuilderNotes(report);
  report.source = source;
  report.rows_loaded = released_rows_;
  return CsvTable{std::move(out), std::move(report)};
}

namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// Closes a file descriptor on scope exit.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() { ::close(fd_); }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;

 private:
  int fd_;
};

// A file too big for memory is an error like any other unreadable file.
Error OutOfMemory(std::string_view source) {
  return Error{fmt::format("{}: too large to load: out of memory", source), ""};
}

// The note of a file read as something other than UTF-8.
std::string EncodingNote(Encoding encoding, const std::optional<CellExample>& not_utf8) {
  if (encoding == Encoding::kWindows1252 && not_utf8) {
    return fmt::format("read as Windows-1252: {} on line {} is not UTF-8 (expected UTF-8 text)",
                       not_utf8->value, not_utf8->line);
  }
  return fmt::format("decoded from {} (byte-order mark on line 1)", EncodingName(encoding));
}

// Reads from fd until `capacity` bytes are in buf or the file ends.
Result<std::size_t> ReadSome(int fd, char* buf, std::size_t filled, std::size_t capacity,
                             bool* eof, const std::string& path) {
  while (!*eof && filled < capacity) {
    const ssize_t n = ::read(fd, buf + filled, capacity - filled);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{fmt::format("cannot read '{}': {}", path, ErrnoText(errno)), ""};
    }
    if (n == 0) {
      *eof = true;
    } else {
      filled += static_cast<std::size_t>(n);
    }
  }
  return filled;
}

// A file in another encoding: each piece read is decoded to UTF-8, then parsed.
Result<std::size_t> ReadDecoded(int fd, Encoding encoding, CsvParser& parser,
                                const std::string& path) {
  std::unique_ptr<char[]> raw(new char[kReadChunk]);
  std::size_t filled = 0;
  bool eof = false;
  bool first = true;
  TextDecoder decoder(encoding);
  std::string text;
  while (true) {
    Result<std::size_t> got = ReadSome(fd, raw.get(), filled, kReadChunk, &eof, path);
    if (!got) return got.error();
    filled = *got;
    std::size_t skip = 0;
    if (first) {
      // The byte-order mark is not text (a UTF-8 one read again as Windows-1252 neither).
      const std::string_view start(raw.get(), std::min<std::size_t>(filled, 3));
      skip = encoding == Encoding::kWindows1252 ? BomSize(Encoding::kUtf8, start)
                                                : BomSize(encoding, start);
      first = false;
    }
    Result<std::size_t> decoded = decoder.Decode(raw.get() + skip, filled - skip, eof, text);
    if (!decoded) return Error{fmt::format("{}: {}", path, decoded.error().message), ""};
    const std::size_t used = skip + *decoded;
    std::memmove(raw.get(), raw.get() + used, filled - used);
    filled -= used;
    const bool last = eof && filled == 0;
    Result<std::size_t> consumed = parser.Feed(text.data(), text.size(), last);
    if (!consumed) return consumed.error();
    text.erase(0, *consumed);
    if (last) return std::size_t{0};
  }
}

// Opens `path` for reading: the descriptor and the file's size. Only a regular file: a FIFO
// or a device would block a reader forever (opened without blocking to find out).
// `source` names the file in messages.
Result<std::pair<int, std::size_t>> OpenForReading(const std::string& path,
                                                   std::string_view source) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Error{fmt::format("cannot open '{}': {}", source, ErrnoText(errno)), ""};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = st.st_mode == 0 ? errno : EISDIR;  // fstat failed, or not a file
    ::close(fd);
    if (st.st_mode == 0 || S_ISDIR(st.st_mode)) {
      return Error{fmt::format("cannot open '{}': {}", source, ErrnoText(err)), ""};
    }
    return Error{fmt::format("cannot read '{}': not a regular file", source), ""};
  }
  return std::pair{fd, static_cast<std::size_t>(st.st_size)};
}

// What FeedInput read: bytes taken by whole lines, and what followed the last line break.
struct FedLines {
  std::uint64_t consumed = 0;
  std::string rest;
};

// The bytes a parse reads: an open file (read at offsets, so that several threads can read
// it at once) or a document in memory.
class Input {
 public:
  Input(int fd, const std::string& path) : fd_(fd), path_(&path) {}
  explicit Input(std::string_view bytes) : bytes_(bytes) {}

  bool in_memory() const { return fd_ < 0; }
  std::string_view bytes() const { return bytes_; }
  // The size now (a file may still grow: bytes past it are read too, serially).
  std::uint64_t size() const {
    if (in_memory()) return bytes_.size();
    struct stat st {};
    return ::fstat(fd_, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  }
  // Up to `n` bytes at `offset` into buf; fewer only at the end of the input.
  Result<std::size_t> ReadAt(std::uint64_t offset, char* buf, std::size_t n) const {
    if (in_memory()) {
      if (offset >= bytes_.size()) return std::size_t{0};
      const std::size_t got = std::min<std::size_t>(n, bytes_.size() - offset);
      std::memcpy(buf, bytes_.data() + offset, got);
      return got;
    }
    std::size_t got = 0;
    while (got < n) {
      const ssize_t r = ::pread(fd_, buf + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0) {
        if (errno == EINTR) continue;
        return Error{fmt::format("cannot read '{}': {}", *path_, ErrnoText(errno)), ""};
      }
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    return got;
  }

 private:
  int fd_ = -1;
  const std::string* path_ = nullptr;
  std::string_view bytes_;
};

constexpr std::uint64_t kToTheEnd = std::numeric_limits<std::uint64_t>::max();

// Feeds bytes [begin, end) of the input (to its end with kToTheEnd) to the parser; the
// bytes after the last complete line are returned unparsed. A file is read in pieces
// through one reused buffer (it only grows for a line longer than itself).
Result<FedLines> FeedRange(CsvParser& parser, const Input& input, std::uint64_t begin,
                           std::uint64_t end) {
  FedLines fed;
  if (input.in_memory()) {
    const std::string_view all = input.bytes();
    const std::size_t from = std::min<std::uint64_t>(begin, all.size());
    const std::size_t to = std::min<std::uint64_t>(end, all.size());
    Result<std::size_t> consumed = parser.Feed(all.data() + from, to - from, /*at_eof=*/false);
    if (!consumed) return consumed.error();
    fed.consumed = *consumed;
    fed.rest.assign(all.data() + from + *consumed, to - from - *consumed);
    return fed;
  }
  std::unique_ptr<char[]> buffer(new char[kReadChunk]);
  std::size_t capacity = kReadChunk;
  std::size_t filled = 0;
  std::uint64_t offset = begin;  // of the next byte to read
  bool eof = false;
  while (!eof) {
    while (!eof && filled < capacity) {
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(capacity - filled, end - offset));
      Result<std::size_t> got = input.ReadAt(offset, buffer.get() + filled, want);
      if (!got) return got.error();
      filled += *got;
      offset += *got;
      eof = *got < want || offset == end;
    }
    Result<std::size_t> consumed = parser.Feed(buffer.get(), filled, /*at_eof=*/false);
    if (!consumed) return consumed.error();
    const std::size_t used = *consumed;
    fed.consumed += used;
    if (used == 0 && filled == capacity && !eof) {
      std::unique_ptr<char[]> bigger(new char[capacity * 2]);
      std::memcpy(bigger.get(), buffer.get(), filled);
      buffer = std::move(bigger);
      capacity *= 2;
      continue;
    }
    std::memmove(buffer.get(), buffer.get() + used, filled - used);
    filled -= used;
  }
  fed.rest.assign(buffer.get(), filled);
  return fed;
}

// The offset just past the first LF at or after `from` and before `limit`, or nullopt:
// where a range may start (a guess; see FeedInput).
std::optional<std::uint64_t> LineStartAfter(const Input& input, std::uint64_t from,
                                            std::uint64_t limit) {
  char window[4096];
  while (from < limit) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof window, limit - from));
    Result<std::size_t> got = input.ReadAt(from, window, want);
    if (!got || *got == 0) return std::nullopt;
    if (const void* lf = std::memchr(window, '\n', *got)) {
      return from + static_cast<std::uint64_t>(static_cast<const char*>(lf) - window) + 1;
    }
    from += *got;
  }
  return std::nullopt;
}

std::atomic<std::uint64_t> ranges_joined{0};  // ParallelRangesJoined

// One range of a parallel parse and what became of it.
struct ParsedRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::unique_ptr<CsvParser> parser;  // null for the first range (the caller's parser)
  std::optional<Result<FedLines>> fed;  // unset: the thread failed (out of memory)
};

// Feeds the input from `begin` to its end to the parser, as FeedRange does, using every
// core on a big input (the file's comment says how; the result is the serial one).
Result<FedLines> FeedInput(CsvParser& parser, const Input& input, std::uint64_t begin,
                           const LoadOptions& options, std::uint64_t end = kToTheEnd) {
  const unsigned cores = options.parse_threads > 0 ? options.parse_threads
                                                   : std::max(1u, std::thread::hardware_concurrency());
  const std::uint64_t piece = std::max<std::uint64_t>(options.parse_piece_bytes, 1);
  const std::uint64_t size = std::min(input.size(), end);
  if (cores < 2 || size <= begin || (size - begin) / piece < 2) {
    return FeedRange(parser, input, begin, end);
  }

  std::uint64_t at = begin;  // bytes before it are parsed
  if (!parser.has_header()) {
    // The serial parser checks its first piece's text before it takes the header: where
    // that piece is not UTF-8, its error comes first, so parse serially.
    if (input.in_memory()) {
      const std::string_view all = input.bytes().substr(begin, size - begin);
      if (CheckUtf8(all.data(), all.size(), /*at_eof=*/false).bad) {
        return FeedRange(parser, input, begin, end);
      }
    } else {
      std::unique_ptr<char[]> first(new char[kReadChunk]);
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kReadChunk, size - begin));
      Result<std::size_t> got = input.ReadAt(begin, first.get(), want);
      if (!got || CheckUtf8(first.get(), *got, /*at_eof=*/false).bad) {
        return FeedRange(parser, input, begin, end);
      }
    }
    // The header (and the rows up to a line break) first: the ranges need its columns.
    const std::uint64_t header_bytes = std::min<std::uint64_t>(piece, kReadChunk / 16);
    const std::optional<std::uint64_t> cut = LineStartAfter(input, begin + header_bytes, size);
    if (!cut) return FeedRange(parser, input, begin, end);
    Result<FedLines> head = FeedRange(parser, input, begin, *cut);
    if (!head) return head;
    at = begin + head->consumed;
    if (!parser.has_header() || at != *cut) {
      Result<FedLines> rest = FeedRange(parser, input, at, end);
      if (!rest) return rest;
      rest->consumed += at - begin;
      return rest;
    }
  }

  // Cut [at, size) into one range per thread, each starting after a line break.
  const std::uint64_t count = std::min<std::uint64_t>(cores, std::max<std::uint64_t>((size - at) / piece, 1));
  std::vector<ParsedRange> ranges;
  ranges.push_back({at, size, nullptr, std::nullopt});
  for (std::uint64_t i = 1; i < count; ++i) {
    const std::uint64_t nominal = at + (size - at) * i / count;
    const std::optional<std::uint64_t> cut = LineStartAfter(input, std::max(nominal, ranges.back().begin + 1), size);
    if (!cut || *cut >= size) break;
    ranges.back().end = *cut;
    ranges.push_back({*cut, size, nullptr, std::nullopt});
  }
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    ranges[i].parser = parser.ForRange(static_cast<std::size_t>(ranges[i].end - ranges[i].begin));
  }
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < ranges.size(); ++i) {
      threads.emplace_back([&input, &range = ranges[i]] {
        try {
          range.fed = FeedRange(*range.parser, input, range.begin, range.end);
        } catch (const std::bad_alloc&) {
          range.fed.reset();  // parsed again serially, where running out shows as an error
        }
      });
    }
    ranges[0].fed = FeedRange(parser, input, ranges[0].begin, ranges[0].end);
  }  // the threads join here

  // Join the ranges in order while each one starts where the one before it ended.
  for (ParsedRange& range : ranges) {
    if (range.begin != at || !range.fed) break;
    Result<FedLines>& result = *range.fed;
    if (!result) {
      if (range.parser == nullptr) return result.error();  // the serial parser's own error
      break;
    }
    if (range.parser != nullptr) {
      parser.Absorb(std::move(*range.parser));
      ranges_joined.fetch_add(1, std::memory_order_relaxed);
    }
    at = range.begin + result->consumed;
    if (at != range.end) break;
  }
  // The rest (after a cut that was not a row boundary, or bytes the file gained), serially.
  Result<FedLines> rest = FeedRange(parser, input, at, end);
  if (!rest) return rest;
  rest->consumed += at - begin;
  return rest;
}

// The encoding named by the file's byte-order mark (UTF-8 when it has none, or when the
// file cannot be read at an offset), peeked without moving the file offset.
Encoding PeekEncoding(int fd) {
  char head[2] = {};
  const ssize_t peeked = ::pread(fd, head, sizeof head, 0);
  return EncodingFromBom(
      std::string_view(head, static_cast<std::size_t>(std::max<ssize_t>(peeked, 0))));
}

// A file in another encoding than UTF-8 (read in full, decoded as it is read); for a file
// that proved not to be UTF-8, `not_utf8` says where.
Result<CsvTable> ReadOtherEncoding(int fd, std::size_t size_hint, Encoding encoding,
                                   const std::optional<CellExample>& not_utf8,
                                   const std::string& path, const LoadOptions& options) {
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    return Error{fmt::format("cannot read '{}': {}", path, ErrnoText(errno)), ""};
  }
  CsvParser parser(path, size_hint, options, encoding);
  parser.AddNote(EncodingNote(encoding, not_utf8));
  Result<std::size_t> read = ReadDecoded(fd, encoding, parser, path);
  if (!read) return read.error();
  return parser.Finish();
}

// The whole input read as UTF-8: the table or the error; nullopt when the bytes proved not
// to be UTF-8 (and hold no NUL), parser.not_utf8() saying where, for a read as Windows-1252.
std::optional<Result<CsvTable>> ReadAsUtf8(CsvParser& parser, const Input& input,
                                           const LoadOptions& options) {
  Result<FedLines> fed = FeedInput(parser, input, 0, options);
  if (fed) {
    Result<std::size_t> last = parser.Feed(fed->rest.data(), fed->rest.size(), /*at_eof=*/true);
    if (last) return parser.Finish();
    if (!parser.not_utf8()) return Result<CsvTable>(last.error());
  } else if (!parser.not_utf8()) {
    return Result<CsvTable>(fed.error());
  }
  return std::nullopt;
}

// `source` names the file in messages and the report.
Result<CsvTable> ReadFile(const std::string& path, const std::string& source,
                          const LoadOptions& options) {
  auto opened = OpenForReading(path, source);
  if (!opened) return opened.error();
  const auto [fd, size_hint] = *opened;
  FdCloser closer(fd);
#ifdef POSIX_FADV_SEQUENTIAL
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  const Encoding encoding = PeekEncoding(fd);
  if (encoding != Encoding::kUtf8) {
    return ReadOtherEncoding(fd, size_hint, encoding, std::nullopt, source, options);
  }
  std::optional<CellExample> not_utf8;
  {
    CsvParser parser(source, size_hint, options, Encoding::kUtf8);
    if (auto read = ReadAsUtf8(parser, Input(fd, source), options)) return std::move(*read);
    not_utf8 = parser.not_utf8();
  }
  // Not UTF-8 and no NUL so far: read it again, as Windows-1252.
  return ReadOtherEncoding(fd, size_hint, Encoding::kWindows1252, not_utf8, source, options);
}

// Bytes [offset, offset + size) of an open file; shorter when the file is.
std::string ReadAt(int fd, std::uint64_t offset, std::size_t size) {
  std::string out(size, '\0');
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::pread(fd, out.data() + got, size - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

// In memory: the same steps as ReadFile.
Result<CsvTable> Parse(std::string_view bytes, std::string_view source, const LoadOptions& options) {
  Encoding encoding = EncodingFromBom(bytes);
  std::optional<CellExample> not_utf8;
  if (encoding == Encoding::kUtf8) {
    CsvParser parser(source, bytes.size(), options, Encoding::kUtf8);
    if (auto read = ReadAsUtf8(parser, Input(bytes), options)) return std::move(*read);
    not_utf8 = parser.not_utf8();
    encoding = Encoding::kWindows1252;
  }
  const std::size_t skip = encoding == Encoding::kWindows1252
                               ? BomSize(Encoding::kUtf8, bytes)
                               : BomSize(encoding, bytes);
  std::string text;
  TextDecoder decoder(encoding);
  Result<std::size_t> decoded =
      decoder.Decode(bytes.data() + skip, bytes.size() - skip, /*at_eof=*/true, text);
  if (!decoded) {
    return Error{source.empty() ? decoded.error().message
                                : fmt::format("{}: {}", source, decoded.error().message),
                 ""};
  }
  CsvParser parser(source, text.size(), options, encoding);
  parser.AddNote(EncodingNote(encoding, not_utf8));
  Result<std::size_t> fed = parser.Feed(text.data(), text.size(), /*at_eof=*/true);
  if (!fed) return fed.error();
  return parser.Finish();
}

}  // namespace

Result<CsvTable> ParseCsv(std::string_view bytes, std::string_view source,
                          const LoadOptions& options) {
  try {
    return Parse(bytes, source, options);
  } catch (const std::bad_alloc&) {
    return OutOfMemory(source);
  }
}

std::uint64_t ParallelRangesJoined() { return ranges_joined.load(std::memory_order_relaxed); }

Result<CsvTable> ReadCsvFile(const std::string& path, const LoadOptions& options) {
  try {
    return ReadFile(path, path, options);
  } catch (const std::bad_alloc&) {
    return OutOfMemory(path);
  }
}

// ---------------------------------------------------------------------------------------
// AppendableCsv (csv_loader.h).

struct AppendableCsv::State {
  State(const std::string& path, std::size_t size_hint, const LoadOptions& options)
      : parser(path, size_hint, options, Encoding::kUtf8) {}
  CsvParser parser;
  std::uint64_t offset = 0;  // bytes parsed: the file's size at the last read
  std::string head;          // the file's first bytes and the last ones before `offset`,
  std::string tail;          // to tell an append from a rewrite
};

AppendableCsv::AppendableCsv(std::string path, LoadOptions options, std::string source,
                             bool appendable)
    : path_(std::move(path)),
      source_(source.empty() ? path_ : std::move(source)),
      options_(std::move(options)),
      appendable_(appendable) {}
AppendableCsv::~AppendableCsv() = default;

bool AppendableCsv::can_append() const { return state_ != nullptr; }

Result<CsvTable> AppendableCsv::Read() {
  auto read = ReadNew();
  if (!read) return read.error();
  if (read->appended) return Whole();
  return std::move(read->table);
}

Result<CsvRead> AppendableCsv::ReadNew() {
  try {
    if (state_ != nullptr) {
      auto appended = ReadAppended();
      if (appended) return appended;
      state_.reset();  // not an append after all, or a bad tail: read everything anew
    }
    auto all = ReadAll(kToTheEnd);
    if (!all) return all.error();
    return CsvRead{std::move(*all), false};
  } catch (const std::bad_alloc&) {
    state_.reset();
    return OutOfMemory(source_);
  }
}

Result<CsvTable> AppendableCsv::Whole() {
  if (state_ == nullptr) return Error{fmt::format("'{}' has not been read", source_), ""};
  // The rows handed over are not kept: read again the bytes the last read covered.
  const std::uint64_t offset = state_->offset;
  state_.reset();
  try {
    return ReadAll(offset);
  } catch (const std::bad_alloc&) {
    state_.reset();
    return OutOfMemory(source_);
  }
}

Result<CsvTable> AppendableCsv::ReadAll(std::uint64_t limit) {
  auto opened = OpenForReading(path_, source_);
  if (!opened) return opened.error();
  const auto [fd, size_hint] = *opened;
  FdCloser closer(fd);
  // Files in other encodings are read in full every time (no append path).
  if (PeekEncoding(fd) != Encoding::kUtf8) return ReadFile(path_, source_, options_);
  auto state = std::make_unique<State>(source_, size_hint, options_);
  auto fed = FeedInput(state->parser, Input(fd, source_), 0, options_, limit);
  if (!fed) {
    if (state->parser.not_utf8()) return ReadFile(path_, source_, options_);
    return fed.error();
  }
  if (limit != kToTheEnd && (fed->consumed != limit || !fed->rest.empty())) {
    // Whole() found other bytes than the last read took: the file changed since.
    return Error{fmt::format("'{}' changed while it was being read; will load it once it "
                             "stops changing", source_), ""};
  }
  if (!fed->rest.empty() || !appendable_ || !state->parser.CanRelease()) {
    // The last line has no line break: parse it as the file's end (as ReadCsvFile does);
    // the parser is then finished, and a later change is read in full. So is a one-shot
    // load, and a file with `a/b/YYYY` days (decided once over every row).
    Result<std::size_t> last = state->parser.Feed(fed->rest.data(), fed->rest.size(), true);
    if (!last) {
      if (state->parser.not_utf8()) return ReadFile(path_, source_, options_);
      return last.error();
    }
    return state->parser.Finish();
  }
  state->offset = fed->consumed;
  Result<CsvTable> table = state->parser.Release();
  if (!table) return table;
  state->head = ReadAt(fd, 0, std::min<std::uint64_t>(kCheckBytes, state->offset));
  const std::uint64_t tail_start = state->offset - std::min<std::uint64_t>(kCheckBytes, state->offset);
  state->tail = ReadAt(fd, tail_start, static_cast<std::size_t>(state->offset - tail_start));
  state_ = std::move(state);
  return table;
}

bool AppendableCsv::OldBytesUnchanged(int fd, std::uint64_t size) const {
  const State& state = *state_;
  if (size <= state.offset) return false;
  // The old bytes must still be there: the same first and last bytes as when read.
  return ReadAt(fd, 0, state.head.size()) == state.head &&
         ReadAt(fd, state.offset - state.tail.size(), state.tail.size()) == state.tail;
}

bool AppendableCsv::OnlyGrew() const {
  if (state_ == nullptr) return false;
  auto opened = OpenForReading(path_, source_);
  if (!opened) return false;
  const auto [fd, size] = *opened;
  FdCloser closer(fd);
  return OldBytesUnchanged(fd, size);
}

Result<CsvRead> AppendableCsv::ReadAppended() {
  auto opened = OpenForReading(path_, source_);
  if (!opened) return opened.error();
  const auto [fd, size] = *opened;
  FdCloser closer(fd);
  State& state = *state_;
  if (!OldBytesUnchanged(fd, size)) return Error{"not an append", ""};
  auto fed = FeedInput(state.parser, Input(fd, source_), state.offset, options_);
  if (!fed) return fed.error();
  // A last line still being written (no line break yet) is not a complete append.
  if (!fed->rest.empty()) return Error{"an incomplete line at the end", ""};
  if (!state.parser.CanRelease()) return Error{"a whole-file decision changed", ""};
  const std::uint64_t end = state.offset + fed->consumed;
  const std::uint64_t tail_start = end - std::min<std::uint64_t>(kCheckBytes, end);
  state.tail = ReadAt(fd, tail_start, static_cast<std::size_t>(end - tail_start));
  state.offset = end;
  auto rows = state.parser.Release();
  if (!rows) return rows.error();
  return CsvRead{std::move(*rows), true};
}

}  // namespace keeta
