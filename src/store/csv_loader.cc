// The CSV loader. For each piece of input: validate UTF-8 (8 bytes at a time while the text
// is ASCII), then split rows (RFC 4180, 16 bytes at a time with SSE2) and convert each kept
// field straight into its column. Nothing is allocated per row: fields are views into the
// input (a reused scratch buffer holds the rare unescaped quoted field), names are interned
// through a string_view-keyed hash table, and the column vectors are reserved from an
// estimate of the row count.
//
// The parser consumes its input in pieces that end on row boundaries, so a file is read in
// fixed-size chunks into one reused buffer rather than mmap'd: a file truncated in place
// while it is being read (a data file rewritten under a running server) then gives a
// shorter file, never a SIGBUS, and no copy of the whole file is ever held.
//
// Choices where the spec is silent:
// - a lone CR ends a line, as LF and CRLF do (old Mac files; pandas does the same);
// - a line holding only spaces or tabs is blank; blank lines before the header are skipped;
// - spaces before an opening quote are allowed; text after a closing quote is kept;
// - a leading `+` on a number is allowed (pandas accepts it); `1e-999` underflows to 0;
// - a known column given twice: the first one is used, the second ignored.

#include "store/csv_loader.h"

#include "store/name_interner.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
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
#include <utility>
#include <vector>

#include <fmt/format.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace keeta {

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kReadChunk = std::size_t{1} << 20;

constexpr bool IsBlank(char c) { return c == ' ' || c == '\t'; }
constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

inline std::string_view Trim(std::string_view s) {
  const char* begin = s.data();
  const char* end = begin + s.size();
  while (begin < end && IsBlank(*begin)) ++begin;
  while (end > begin && IsBlank(end[-1])) --end;
  return {begin, static_cast<std::size_t>(end - begin)};
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != lower[i]) return false;
  }
  return true;
}

// Bytes that end an unquoted field.
struct FieldEndTable {
  bool ends[256] = {};
  constexpr FieldEndTable() {
    ends[static_cast<unsigned char>(',')] = true;
    ends[static_cast<unsigned char>('\n')] = true;
    ends[static_cast<unsigned char>('\r')] = true;
  }
};
constexpr FieldEndTable kFieldEnd;

bool EndsField(char c) { return kFieldEnd.ends[static_cast<unsigned char>(c)]; }

// The first byte in [q, end) that ends an unquoted field (`,`, LF, CR), or end.
inline const char* FindFieldEnd(const char* q, const char* end) {
#if defined(__SSE2__)
  // 16 bytes per step: most fields are found in one.
  const __m128i comma = _mm_set1_epi8(',');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  while (end - q >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                      _mm_cmpeq_epi8(v, cr));
    const int mask = _mm_movemask_epi8(hits);
    if (mask != 0) return q + __builtin_ctz(static_cast<unsigned>(mask));
    q += 16;
  }
#endif
  while (q < end && !EndsField(*q)) ++q;
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

// Empty, NaN, nan, NA, N/A, null, None, `-`, in any case.
bool IsMissingToken(std::string_view s) {
  if (s.size() > 4) return false;
  char lower[4];
  for (std::size_t i = 0; i < s.size(); ++i) lower[i] = AsciiLower(s[i]);
  const std::string_view t(lower, s.size());
  return t.empty() || t == "nan" || t == "na" || t == "n/a" || t == "null" || t == "none" ||
         t == "-";
}

// Parses a numeric cell. Returns NaN for a missing or invalid one; *invalid is set for a
// cell that is neither a finite number nor a missing token.
double ParseNumber(std::string_view raw, bool* invalid) {
  const std::string_view cell = Trim(raw);
  if (cell.empty()) return kMissing;
  const char* p = cell.data();
  const char* end = p + cell.size();
  if (end[-1] == '%') --end;  // `92%` is 92

  // Fast path: [+-]digits[.digits] with at most 15 digits. Both the integer and the power
  // of ten are exact doubles, so one correctly rounded division gives the same value as
  // a full decimal conversion (Clinger's fast path).
  {
    const char* q = p;
    const bool negative = q < end && *q == '-';
    if (q < end && (*q == '-' || *q == '+')) ++q;
    std::uint64_t mantissa = 0;
    int digits = 0;
    int fraction_digits = 0;
    for (; q < end && IsDigit(*q); ++q, ++digits) mantissa = mantissa * 10 + (*q - '0');
    if (q < end && *q == '.') {
      ++q;
      for (; q < end && IsDigit(*q); ++q, ++fraction_digits) {
        mantissa = mantissa * 10 + (*q - '0');
      }
      digits += fraction_digits;
    }
    if (q == end && digits > 0 && digits <= 15) {
      double value = static_cast<double>(mantissa);
      if (fraction_digits > 0) value /= kPow10[fraction_digits];
      return negative ? -value : value;
    }
  }

  // General path: exponents, long mantissas, junk.
  const char* start = p;
  if (start + 1 < end && *start == '+' && (IsDigit(start[1]) || start[1] == '.')) ++start;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(start, end, value);
  if (ptr == end && start < end) {
    if (ec == std::errc() && std::isfinite(value)) return value;
    if (ec == std::errc::result_out_of_range && end - start < 64) {
      // from_chars reports underflow (1e-999) as out of range too; strtod says which.
      char copy[64];
      std::memcpy(copy, start, static_cast<std::size_t>(end - start));
      copy[end - start] = '\0';
      const double v = std::strtod(copy, nullptr);
      if (std::isfinite(v)) return v;
    }
  }
  if (!IsMissingToken(cell)) *invalid = true;
  return kMissing;
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

// CsvParser: turns the bytes of one CSV document, fed in pieces, into a CsvTable.
// Thread-safety: none; one parser per load.
class CsvParser {
 public:
  CsvParser(std::string_view source, std::size_t size_hint)
      : source_(source), size_hint_(size_hint) {}
  CsvParser(const CsvParser&) = delete;
  CsvParser& operator=(const CsvParser&) = delete;

  // Parses the whole lines at the start of [data, data + size) and returns how many bytes
  // they took. With at_eof the input ends there and everything is consumed.
  Result<std::size_t> Feed(const char* data, std::size_t size, bool at_eof);

  // After the last Feed: applies whole-column rules and hands over the result.
  Result<CsvTable> Finish();
  // The same for the rows fed so far, leaving the parser ready for more (a copy).
  Result<CsvTable> Snapshot() const;

 private:
  enum class Split { kRow, kBlank, kNeedMore, kEnd, kError };

  Error MakeError(const std::string& what) const {
    return Error{source_.empty() ? what : fmt::format("{}: {}", source_, what), ""};
  }

  Split SplitRow(const char*& p, const char* end, bool at_eof);
  std::string_view FieldAt(std::size_t i) const {
    const FieldRef& f = fields_[i];
    if (f.scratch_offset == kInInput) return {f.data, f.size};
    return {scratch_.data() + f.scratch_offset, f.size};
  }
  void TakeHeader(const char* rest, const char* end);
  void TakeRow();

  std::string source_;
  std::size_t size_hint_;
  bool bom_checked_ = false;
  bool have_header_ = false;
  std::size_t line_ = 1;  // physical line of the first unconsumed byte

  // The row being split.
  std::vector<FieldRef> fields_;
  std::size_t field_count_ = 0;  // fields in the row (may exceed fields_.size())
  std::size_t row_line_breaks_ = 0;
  std::string scratch_;
  std::string error_;

  std::size_t header_fields_ = 0;
  TableBuilder builder_;
};

// Splits one line (or a blank one) starting at p into fields_. On kRow/kBlank p moves past
// the line end; on kNeedMore the line does not end inside [p, end) and p is unchanged.
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
    FieldRef field{q, 0, kInInput};
    const char* s = q;
    while (s < end && IsBlank(*s)) ++s;
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
      while (q < end && !EndsField(*q)) ++q;
      const bool trailing_text = !Trim(std::string_view(after, q - after)).empty();
      if (doubled || trailing_text) {
        field.scratch_offset = scratch_.size();
        for (const char* c = content; c < close; ++c) {
          scratch_.push_back(*c);
          if (*c == '"') ++c;  // the second of a doubled pair
        }
        if (trailing_text) scratch_.append(after, q - after);
        field.size = scratch_.size() - field.scratch_offset;
      } else {
        field.data = content;
        field.size = static_cast<std::size_t>(close - content);
      }
    } else {
      q = FindFieldEnd(q, end);
      field.size = static_cast<std::size_t>(q - field.data);
    }

    if (field_count_ < fields_.size()) {
      fields_[field_count_] = field;
    } else if (!have_header_) {
      fields_.push_back(field);  // the header keeps every field
    }
    ++field_count_;

    if (q == end) {
      if (!at_eof) return Split::kNeedMore;
      p = end;
      return Split::kRow;
    }
    if (*q == ',') {
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

  const Utf8Check utf8 = CheckUtf8(p, static_cast<std::size_t>(end - p), at_eof);
  if (utf8.bad) {
    const bool utf16 = line_ == 1 && p == begin && size >= 2 &&
                       ((begin[0] == '\xFF' && begin[1] == '\xFE') ||
                        (begin[0] == '\xFE' && begin[1] == '\xFF'));
    return MakeError(fmt::format("not UTF-8 text at line {}{}",
                                 line_ + CountLineBreaks(p, p + utf8.valid),
                                 utf16 ? " (looks like UTF-16)" : ""));
  }

  for (;;) {
    const Split split = SplitRow(p, end, at_eof);
    switch (split) {
      case Split::kNeedMore:
      case Split::kEnd:
        return static_cast<std::size_t>(p - begin);
      case Split::kError:
        return MakeError(error_);
      case Split::kBlank:
        ++line_;
        ++builder_.report().blank_lines;
        break;
      case Split::kRow:
        line_ += 1 + row_line_breaks_;
        if (have_header_) {
          TakeRow();
        } else {
          TakeHeader(p, end);
        }
        break;
    }
  }
}

void CsvParser::TakeHeader(const char* rest, const char* end) {
  have_header_ = true;
  // Blank lines before the header are not data; don't report them.
  builder_.report().blank_lines = 0;
  header_fields_ = field_count_;

  std::vector<std::string_view> header;
  header.reserve(field_count_);
  for (std::size_t i = 0; i < field_count_; ++i) header.push_back(FieldAt(i));

  // Estimate the row count from the lines seen so far in this piece, to reserve once.
  std::size_t estimate = 0;
  if (size_hint_ > 0) {
    const std::size_t sample = std::min<std::size_t>(static_cast<std::size_t>(end - rest),
                                                      std::size_t{1} << 16);
    std::size_t lines = 0;
    for (std::size_t i = 0; i < sample; ++i) lines += rest[i] == '\n' ? 1 : 0;
    if (lines > 0) {
      // A full row takes at least one byte per header field (commas and the line end).
      const std::size_t average = std::max<std::size_t>({sample / lines, header_fields_, 1});
      estimate = size_hint_ / average + size_hint_ / average / 16 + 16;
    }
  }
  builder_.SetHeader(header, estimate);

  // Rows only need the fields up to the last known column.
  fields_.assign(builder_.fields_needed(), FieldRef{nullptr, 0, kInInput});
}

void CsvParser::TakeRow() {
  if (field_count_ < header_fields_) {
    ++builder_.report().short_rows;
  } else if (field_count_ > header_fields_) {
    ++builder_.report().long_rows;
  }
  builder_.BeginRow();
  for (const TableBuilder::Target& t : builder_.targets()) {
    builder_.Cell(t, t.field < field_count_ ? FieldAt(t.field) : std::string_view());
  }
}

Result<CsvTable> CsvParser::Finish() {
  if (!have_header_) return MakeError("empty file: no header line");
  return builder_.Finish(source_);
}

Result<CsvTable> CsvParser::Snapshot() const {
  if (!have_header_) return MakeError("empty file: no header line");
  return builder_.Copy(source_);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// TableBuilder (store/table_builder.h): the cell rules, shared with the SQL sources.

TableBuilder::TableBuilder() {
  for (std::size_t d = 0; d < kDimensionCount; ++d) interners_.emplace_back(&table_.names[d]);
}

void TableBuilder::SetHeader(const std::vector<std::string_view>& header,
                             std::size_t row_estimate) {
  bool day_taken = false;
  std::array<bool, kDimensionCount> dim_taken{};
  std::array<bool, kMeasureCount> measure_taken{};
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string_view name = Trim(header[i]);
    if (EqualsIgnoreCase(name, kDayColumn)) {
      if (!day_taken) targets_.push_back({i, Kind::kDay, 0});
      day_taken = true;
      continue;
    }
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      if (EqualsIgnoreCase(name, kDimensionColumns[d])) {
        if (!dim_taken[d]) targets_.push_back({i, Kind::kName, d});
        dim_taken[d] = true;
      }
    }
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (EqualsIgnoreCase(name, kMeasures[m].column)) {
        if (!measure_taken[m]) targets_.push_back({i, Kind::kMeasure, m});
        measure_taken[m] = true;
      }
    }
  }

  // Missing columns, in schema order.
  if (!day_taken) report_.missing_columns.emplace_back(kDayColumn);
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (!dim_taken[d]) report_.missing_columns.emplace_back(kDimensionColumns[d]);
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (!measure_taken[m]) report_.missing_columns.emplace_back(kMeasures[m].column);
  }

  table_.has_day = day_taken;
  if (day_taken) table_.day.reserve(row_estimate);
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    table_.names[d].present = dim_taken[d];
    if (!dim_taken[d]) continue;
    table_.names[d].codes.reserve(row_estimate);
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (!measure_taken[m]) continue;
    table_.measures[m].emplace();
    table_.measures[m]->reserve(row_estimate);
  }
}

std::size_t TableBuilder::fields_needed() const {
  std::size_t keep = 0;
  for (const Target& t : targets_) keep = std::max(keep, t.field + 1);
  return keep;
}

Day TableBuilder::ParseDay(std::string_view cell) {
  if (cell.empty()) return kNoDay;
  if (cell.size() == last_day_size_ && cell.size() <= sizeof(last_day_text_) &&
      std::memcmp(cell.data(), last_day_text_, cell.size()) == 0) {
    return last_day_;
  }
  const std::optional<Day> day = ParseCsvDay(cell);
  last_day_ = day ? *day : kNoDay;
  if (cell.size() <= sizeof(last_day_text_)) {
    std::memcpy(last_day_text_, cell.data(), cell.size());
    last_day_size_ = cell.size();
  } else {
    last_day_size_ = std::numeric_limits<std::size_t>::max();
  }
  return last_day_;
}

void TableBuilder::Cell(const Target& t, std::string_view cell) {
  switch (t.kind) {
    case Kind::kDay: {
      const Day day = ParseDay(cell);
      if (day == kNoDay) ++report_.missing_days;
      table_.day.push_back(day);
      break;
    }
    case Kind::kName:
      table_.names[t.index].codes.push_back(interners_[t.index].Intern(Trim(cell)));
      break;
    case Kind::kMeasure: {
      bool invalid = false;
      table_.measures[t.index]->push_back(ParseNumber(cell, &invalid));
      invalid_[t.index] += invalid ? 1 : 0;
      break;
    }
  }
}

CsvTable TableBuilder::Complete(ParsedTable table, LoadReport report,
                                const std::array<std::size_t, kMeasureCount>& invalid,
                                std::string_view source) {
  // Percent columns given as fractions: every present value within [0, 1].
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (kMeasures[m].kind != MeasureKind::kPercent || !table.measures[m]) continue;
    std::vector<double>& values = *table.measures[m];
    bool any_present = false;
    bool all_fractions = true;
    for (const double v : values) {
      if (std::isnan(v)) continue;
      any_present = true;
      if (v < 0.0 || v > 1.0) {
        all_fractions = false;
        break;
      }
    }
    if (!any_present || !all_fractions) continue;
    for (double& v : values) v *= 100.0;  // NaN stays NaN
    report.scaled_percent_columns.emplace_back(kMeasures[m].column);
  }

  report.source = source;
  report.rows_loaded = table.rows;
  report.invalid_cells = invalid;
  return CsvTable{std::move(table), std::move(report)};
}

CsvTable TableBuilder::Finish(std::string_view source) {
  return Complete(std::move(table_), std::move(report_), invalid_, source);
}

CsvTable TableBuilder::Copy(std::string_view source) const {
  return Complete(table_, report_, invalid_, source);
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

// Opens `path` for reading: the descriptor and the file's size (0 when not a regular file).
Result<std::pair<int, std::size_t>> OpenForReading(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{fmt::format("cannot open '{}': {}", path, ErrnoText(errno)), ""};
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    const int err = S_ISDIR(st.st_mode) ? EISDIR : errno;
    ::close(fd);
    return Error{fmt::format("cannot open '{}': {}", path, ErrnoText(err)), ""};
  }
  return std::pair{fd, S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) : 0};
}

// What FeedLines read: bytes taken by whole lines, and what followed the last line break.
struct FedLines {
  std::uint64_t consumed = 0;
  std::string rest;
};

// Feeds `fd`, from its current offset to its end, to the parser, in pieces through one
// reused buffer (it only grows for a line longer than itself); the bytes after the last
// complete line are returned unparsed.
Result<FedLines> FeedLines(CsvParser& parser, int fd, const std::string& path) {
  std::unique_ptr<char[]> buffer(new char[kReadChunk]);
  std::size_t capacity = kReadChunk;
  std::size_t filled = 0;
  FedLines fed;
  bool eof = false;
  while (!eof) {
    while (!eof && filled < capacity) {
      const ssize_t n = ::read(fd, buffer.get() + filled, capacity - filled);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error{fmt::format("cannot read '{}': {}", path, ErrnoText(errno)), ""};
      }
      if (n == 0) {
        eof = true;
      } else {
        filled += static_cast<std::size_t>(n);
      }
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

Result<CsvTable> ReadFile(const std::string& path) {
  auto opened = OpenForReading(path);
  if (!opened) return opened.error();
  const auto [fd, size_hint] = *opened;
  FdCloser closer(fd);
#ifdef POSIX_FADV_SEQUENTIAL
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  CsvParser parser(path, size_hint);
  auto fed = FeedLines(parser, fd, path);
  if (!fed) return fed.error();
  Result<std::size_t> last = parser.Feed(fed->rest.data(), fed->rest.size(), /*at_eof=*/true);
  if (!last) return last.error();
  return parser.Finish();
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

}  // namespace

Result<CsvTable> ParseCsv(std::string_view bytes, std::string_view source) {
  try {
    CsvParser parser(source, bytes.size());
    Result<std::size_t> fed = parser.Feed(bytes.data(), bytes.size(), /*at_eof=*/true);
    if (!fed) return fed.error();
    return parser.Finish();
  } catch (const std::bad_alloc&) {
    return OutOfMemory(source);
  }
}

Result<CsvTable> ReadCsvFile(const std::string& path) {
  try {
    return ReadFile(path);
  } catch (const std::bad_alloc&) {
    return OutOfMemory(path);
  }
}

// ---------------------------------------------------------------------------------------
// AppendableCsv (csv_loader.h).

struct AppendableCsv::State {
  explicit State(const std::string& path, std::size_t size_hint) : parser(path, size_hint) {}
  CsvParser parser;
  std::uint64_t offset = 0;  // bytes parsed: the file's size at the last read
  std::string head;          // the file's first bytes and the last ones before `offset`,
  std::string tail;          // to tell an append from a rewrite
};

AppendableCsv::AppendableCsv(std::string path) : path_(std::move(path)) {}
AppendableCsv::~AppendableCsv() = default;

bool AppendableCsv::can_append() const { return state_ != nullptr; }

Result<CsvTable> AppendableCsv::Read() {
  try {
    if (state_ != nullptr) {
      auto appended = ReadAppended();
      if (appended) return appended;
      state_.reset();  // not an append after all, or a bad tail: read everything anew
    }
    return ReadAll();
  } catch (const std::bad_alloc&) {
    state_.reset();
    return OutOfMemory(path_);
  }
}

Result<CsvTable> AppendableCsv::ReadAll() {
  auto opened = OpenForReading(path_);
  if (!opened) return opened.error();
  const auto [fd, size_hint] = *opened;
  FdCloser closer(fd);
  auto state = std::make_unique<State>(path_, size_hint);
  auto fed = FeedLines(state->parser, fd, path_);
  if (!fed) return fed.error();
  if (!fed->rest.empty()) {
    // The last line has no line break: parse it as the file's end (as ReadCsvFile does);
    // the parser is then finished, and a later change is read in full.
    Result<std::size_t> last = state->parser.Feed(fed->rest.data(), fed->rest.size(), true);
    if (!last) return last.error();
    return state->parser.Finish();
  }
  state->offset = fed->consumed;
  Result<CsvTable> table = state->parser.Snapshot();
  if (!table) return table;
  state->head = ReadAt(fd, 0, std::min<std::uint64_t>(kCheckBytes, state->offset));
  const std::uint64_t tail_start = state->offset - std::min<std::uint64_t>(kCheckBytes, state->offset);
  state->tail = ReadAt(fd, tail_start, static_cast<std::size_t>(state->offset - tail_start));
  state_ = std::move(state);
  return table;
}

Result<CsvTable> AppendableCsv::ReadAppended() {
  auto opened = OpenForReading(path_);
  if (!opened) return opened.error();
  const auto [fd, size] = *opened;
  FdCloser closer(fd);
  State& state = *state_;
  if (size <= state.offset) return Error{"not an append", ""};
  // The old bytes must still be there: the same first and last bytes as when read.
  if (ReadAt(fd, 0, state.head.size()) != state.head ||
      ReadAt(fd, state.offset - state.tail.size(), state.tail.size()) != state.tail) {
    return Error{"not an append", ""};
  }
  if (::lseek(fd, static_cast<off_t>(state.offset), SEEK_SET) < 0) {
    return Error{fmt::format("cannot read '{}': {}", path_, ErrnoText(errno)), ""};
  }
  auto fed = FeedLines(state.parser, fd, path_);
  if (!fed) return fed.error();
  // A last line still being written (no line break yet) is not a complete append.
  if (!fed->rest.empty()) return Error{"an incomplete line at the end", ""};
  const std::uint64_t end = state.offset + fed->consumed;
  const std::uint64_t tail_start = end - std::min<std::uint64_t>(kCheckBytes, end);
  state.tail = ReadAt(fd, tail_start, static_cast<std::size_t>(end - tail_start));
  state.offset = end;
  return state.parser.Snapshot();
}

}  // namespace keeta
