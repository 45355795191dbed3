#include "store/csv_dialect.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

#include <fmt/format.h>

namespace keeta {

namespace {

constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

constexpr bool IsBlank(char c) { return c == ' ' || c == '\t'; }
constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Normalised header -> known column. Canonical names first, then the aliases of the spec.
struct Alias {
  std::string_view name;
  ColumnId column;
};
constexpr ColumnId kDayCol{ColumnId::Kind::kDay, 0};
constexpr ColumnId NameCol(Dimension d) { return {ColumnId::Kind::kName, Index(d)}; }
constexpr ColumnId MeasureCol(Measure m) { return {ColumnId::Kind::kMeasure, Index(m)}; }

constexpr Alias kAliases[] = {
    {"date", kDayCol},
    {"report_date", kDayCol},
    {"agent_name", NameCol(Dimension::kAgent)},
    {"team_lead", NameCol(Dimension::kTeamLeader)},
    {"tl", NameCol(Dimension::kTeamLeader)},
    {"chats", MeasureCol(Measure::kTotalChats)},
    {"chats_handled", MeasureCol(Measure::kTotalChats)},
    {"csat_score", MeasureCol(Measure::kCsat)},
    {"customer_satisfaction", MeasureCol(Measure::kCsat)},
    {"first_response_time", MeasureCol(Measure::kAvgResponseTime)},
    {"avg_first_response", MeasureCol(Measure::kAvgResponseTime)},
    {"resolved_tickets", MeasureCol(Measure::kResolved)},
    {"pending_tickets", MeasureCol(Measure::kPending)},
    {"open_tickets", MeasureCol(Measure::kPending)},
    {"chat_duration", MeasureCol(Measure::kAvgChatDuration)},
    {"avg_handle_time", MeasureCol(Measure::kAvgChatDuration)},
    {"conversion_rate", MeasureCol(Measure::kSalesConversion)},
    {"queue_time", MeasureCol(Measure::kAvgQueueTime)},
    {"avg_wait_time", MeasureCol(Measure::kAvgQueueTime)},
};

// Units a header may end with; dropped before matching.
constexpr std::string_view kUnitSuffixes[] = {"(%)",   "(sec)", "(secs)", "(seconds)", "(s)",
                                              "(min)", "(mins)", "(minutes)", "%"};

bool IsHeaderSeparator(char c) { return c == ' ' || c == '\t' || c == '_' || c == '-' || c == '.'; }

// ---- encodings --------------------------------------------------------------------------

void AppendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Windows-1252 bytes 0x80..0x9F; the five unassigned ones map to the C1 control of the same
// value, as WHATWG's decoder does.
constexpr std::uint16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

// ---- numbers ----------------------------------------------------------------------------

// A thousands separator at s[i] for this decimal mark, and its length in bytes.
std::size_t GroupSeparatorAt(std::string_view s, std::size_t i, char decimal) {
  if (decimal == '.') return s[i] == ',' ? 1 : 0;
  if (s[i] == '.' || s[i] == ' ') return 1;
  if (s.substr(i, 2) == "\xC2\xA0") return 2;      // no-break space
  if (s.substr(i, 3) == "\xE2\x80\xAF") return 3;  // narrow no-break space
  return 0;
}

// `[h:]mm:ss[.frac]` -> seconds; nullopt when not of that form.
std::optional<double> ParseDurationSeconds(std::string_view s, char decimal) {
  std::array<std::string_view, 3> parts;
  std::size_t count = 0;
  while (true) {
    const std::size_t colon = s.find(':');
    if (count == 3) return std::nullopt;
    parts[count++] = s.substr(0, colon);
    if (colon == std::string_view::npos) break;
    s.remove_prefix(colon + 1);
  }
  if (count < 2) return std::nullopt;
  auto digits = [](std::string_view p, std::size_t min, std::size_t max) -> std::optional<long> {
    if (p.size() < min || p.size() > max) return std::nullopt;
    long v = 0;
    for (const char c : p) {
      if (!IsDigit(c)) return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  // Seconds: two digits, below 60, optionally a fraction.
  std::string_view sec = parts[count - 1];
  double fraction = 0;
  if (const std::size_t mark = sec.find_first_of(decimal == ',' ? ",." : "."); mark != sec.npos) {
    const std::string_view frac = sec.substr(mark + 1);
    if (frac.empty() || frac.size() > 9) return std::nullopt;
    const auto f = digits(frac, 1, 9);
    if (!f) return std::nullopt;
    fraction = static_cast<double>(*f) / std::pow(10.0, static_cast<double>(frac.size()));
    sec = sec.substr(0, mark);
  }
  const auto seconds = digits(sec, 2, 2);
  if (!seconds || *seconds >= 60) return std::nullopt;
  long minutes = 0;
  long hours = 0;
  if (count == 3) {
    const auto h = digits(parts[0], 1, 6);
    const auto m = digits(parts[1], 2, 2);
    if (!h || !m || *m >= 60) return std::nullopt;
    hours = *h;
    minutes = *m;
  } else {
    const auto m = digits(parts[0], 1, 6);
    if (!m) return std::nullopt;
    minutes = *m;
  }
  return static_cast<double>(hours * 3600 + minutes * 60 + *seconds) + fraction;
}

// Plain number text (sign, grouped digits, decimal mark, exponent) -> value.
std::optional<double> ParseGroupedNumber(std::string_view s, char decimal) {
  char buf[96];
  std::size_t n = 0;
  std::size_t i = 0;
  auto put = [&](char c) {
    if (n < sizeof buf) buf[n] = c;
    ++n;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') put('-');
    ++i;
  }
  // Integer part, perhaps grouped: 1-3 digits, then groups of exactly 3.
  std::size_t digits = 0;
  std::size_t group = 0;
  bool grouped = false;
  std::string_view separator;
  while (i < s.size()) {
    if (IsDigit(s[i])) {
      put(s[i++]);
      ++digits;
      ++group;
      continue;
    }
    const std::size_t sep = GroupSeparatorAt(s, i, decimal);
    if (sep == 0) break;
    const std::string_view this_sep = s.substr(i, sep);
    if ((!grouped && (group == 0 || group > 3)) || (grouped && group != 3) ||
        (grouped && this_sep != separator)) {
      return std::nullopt;
    }
    grouped = true;
    separator = this_sep;
    group = 0;
    i += sep;
  }
  if (grouped && group != 3) return std::nullopt;
  if (i < s.size() && s[i] == decimal) {
    put('.');
    ++i;
    while (i < s.size() && IsDigit(s[i])) {
      put(s[i++]);
      ++digits;
    }
  }
  if (digits == 0) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    put('e');
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) put(s[i++]);
    std::size_t exp_digits = 0;
    while (i < s.size() && IsDigit(s[i])) {
      put(s[i++]);
      ++exp_digits;
    }
    if (exp_digits == 0) return std::nullopt;
  }
  if (i != s.size() || n >= sizeof buf) return std::nullopt;
  buf[n] = '\0';
  double value = 0;
  const auto [ptr, ec] = std::from_chars(buf, buf + n, value);
  if (ptr != buf + n) return std::nullopt;
  if (ec == std::errc() && std::isfinite(value)) return value;
  if (ec == std::errc::result_out_of_range) {
    // from_chars reports underflow (1e-999) as out of range too; strtod says which.
    const double v = std::strtod(buf, nullptr);
    if (std::isfinite(v)) return v;
  }
  return std::nullopt;
}

// ---- days -------------------------------------------------------------------------------

constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};

// 1-2 digits at s[i]; advances i.
std::optional<int> SmallNumber(std::string_view s, std::size_t& i) {
  int v = 0;
  std::size_t start = i;
  while (i < s.size() && IsDigit(s[i]) && i - start < 2) v = v * 10 + (s[i++] - '0');
  if (i == start || (i < s.size() && IsDigit(s[i]))) return std::nullopt;
  return v;
}

}  // namespace

// ---- known columns ----------------------------------------------------------------------

std::string_view CanonicalName(ColumnId column) {
  switch (column.kind) {
    case ColumnId::Kind::kDay: return kDayColumn;
    case ColumnId::Kind::kName: return kDimensionColumns[column.index];
    case ColumnId::Kind::kMeasure: return kMeasures[column.index].column;
  }
  return {};
}

std::string NormaliseHeader(std::string_view header) {
  std::string lower;
  lower.reserve(header.size());
  for (const char c : Trim(header)) lower.push_back(AsciiLower(c));
  std::string_view s = lower;
  for (const std::string_view unit : kUnitSuffixes) {
    if (s.size() > unit.size() && s.ends_with(unit)) {
      s.remove_suffix(unit.size());
      break;
    }
  }
  std::string out;
  out.reserve(s.size());
  bool separator = false;
  for (const char c : s) {
    if (IsHeaderSeparator(c)) {
      separator = true;
      continue;
    }
    if (separator && !out.empty()) out.push_back('_');
    separator = false;
    out.push_back(c);
  }
  return out;
}

std::optional<ColumnId> ColumnForHeader(std::string_view normalised) {
  if (normalised == kDayColumn) return kDayCol;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    if (normalised == kDimensionColumns[d]) return ColumnId{ColumnId::Kind::kName, d};
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    if (normalised == kMeasures[m].column) return ColumnId{ColumnId::Kind::kMeasure, m};
  }
  for (const Alias& alias : kAliases) {
    if (normalised == alias.name) return alias.column;
  }
  return std::nullopt;
}

HeaderMatch MatchHeader(const std::vector<std::string>& fields, const LoadOptions& options) {
  HeaderMatch match;
  match.fields.assign(fields.size(), std::nullopt);
  std::array<bool, kKnownColumnCount> taken{};
  std::vector<std::string> normalised;
  normalised.reserve(fields.size());
  for (const std::string& f : fields) normalised.push_back(NormaliseHeader(f));

  for (const auto& [column_name, header] : options.columns) {
    const std::optional<ColumnId> column = ColumnForHeader(NormaliseHeader(column_name));
    const std::string wanted = NormaliseHeader(header);
    std::size_t found = fields.size();
    for (std::size_t i = 0; i < fields.size() && found == fields.size(); ++i) {
      if (match.fields[i]) continue;
      if (EqualsIgnoreCase(Trim(fields[i]), Trim(header)) || normalised[i] == wanted) found = i;
    }
    if (!column || found == fields.size() || taken[Slot(*column)]) {
      match.unmapped.push_back(fmt::format("{}={}", column_name, header));
      continue;
    }
    match.fields[found] = column;
    taken[Slot(*column)] = true;
    ++match.known;
    match.renamed.push_back(fmt::format("'{}' as {} (--column)", Trim(fields[found]),
                                        CanonicalName(*column)));
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (match.fields[i]) continue;
    const std::optional<ColumnId> column = ColumnForHeader(normalised[i]);
    if (!column) {
      if (!normalised[i].empty()) match.unmatched.emplace_back(Trim(fields[i]));
      continue;
    }
    if (taken[Slot(*column)]) continue;  // a column given twice: the first one is used
    match.fields[i] = column;
    taken[Slot(*column)] = true;
    ++match.known;
    const std::string_view raw = Trim(fields[i]);
    if (!EqualsIgnoreCase(raw, CanonicalName(*column))) {
      match.renamed.push_back(fmt::format("'{}' as {}", raw, CanonicalName(*column)));
    }
  }
  return match;
}

// ---- delimiter --------------------------------------------------------------------------

std::vector<std::string> SplitHeaderLine(std::string_view line, char delimiter) {
  std::vector<std::string> fields;
  std::string field;
  std::size_t i = 0;
  while (true) {
    field.clear();
    std::size_t s = i;
    while (s < line.size() && IsBlank(line[s]) && line[s] != delimiter) ++s;
    if (s < line.size() && line[s] == '"') {
      i = s + 1;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(line[i++]);
      }
      while (i < line.size() && line[i] != delimiter) field.push_back(line[i++]);
    } else {
      while (i < line.size() && line[i] != delimiter) field.push_back(line[i++]);
    }
    fields.push_back(field);
    if (i >= line.size()) break;
    ++i;  // the delimiter
  }
  return fields;
}

DelimiterChoice DetectDelimiter(std::string_view header_line, const LoadOptions& options) {
  struct Score {
    char delimiter;
    std::size_t known;
    std::size_t fields;
  };
  std::vector<Score> scores;
  for (const char d : kDelimiters) {
    const std::vector<std::string> fields = SplitHeaderLine(header_line, d);
    scores.push_back({d, MatchHeader(fields, options).known, fields.size()});
  }
  const Score best = *std::max_element(scores.begin(), scores.end(), [](const Score& a, const Score& b) {
    return a.known != b.known ? a.known < b.known : a.fields < b.fields;
  });  // max_element keeps the first of equals: kDelimiters order breaks the last ties
  DelimiterChoice choice{best.delimiter, {}};
  std::vector<std::string> others;
  for (const Score& s : scores) {
    if (s.delimiter == best.delimiter) continue;
    others.push_back(fmt::format("'{}' {}", DelimiterName(s.delimiter), s.known));
  }
  choice.why = fmt::format("it splits the header into {} known column{} ({} field{}; {})",
                           best.known, best.known == 1 ? "" : "s", best.fields,
                           best.fields == 1 ? "" : "s", fmt::join(others, ", "));
  return choice;
}

// ---- encodings --------------------------------------------------------------------------

std::string_view EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8: return "UTF-8";
    case Encoding::kUtf16Le: return "UTF-16 LE";
    case Encoding::kUtf16Be: return "UTF-16 BE";
    case Encoding::kWindows1252: return "Windows-1252";
  }
  return "?";
}

Encoding EncodingFromBom(std::string_view start) {
  if (start.starts_with("\xFF\xFE")) return Encoding::kUtf16Le;
  if (start.starts_with("\xFE\xFF")) return Encoding::kUtf16Be;
  return Encoding::kUtf8;
}

std::size_t BomSize(Encoding encoding, std::string_view start) {
  switch (encoding) {
    case Encoding::kUtf16Le:
    case Encoding::kUtf16Be: return 2;
    case Encoding::kUtf8: return start.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    case Encoding::kWindows1252: return 0;
  }
  return 0;
}

Result<std::size_t> TextDecoder::Decode(const char* in, std::size_t n, bool at_eof,
                                        std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(in);
  std::size_t i = 0;
  auto nul = [&] {
    return Error{fmt::format("NUL {} at line {}: not a text file",
                             encoding_ == Encoding::kWindows1252 ? "byte" : "character", line_),
                 ""};
  };
  if (encoding_ == Encoding::kWindows1252) {
    for (; i < n; ++i) {
      const unsigned c = p[i];
      if (c < 0x80) {
        if (c == 0) return nul();
        line_ += c == '\n' ? 1 : 0;
        out.push_back(static_cast<char>(c));
      } else {
        AppendUtf8(out, c < 0xA0 ? kCp1252High[c - 0x80] : c);
      }
    }
    return i;
  }
  const bool little = encoding_ == Encoding::kUtf16Le;
  auto unit = [&](std::size_t at) -> std::uint32_t {
    return little ? (p[at] | (p[at + 1] << 8)) : ((p[at] << 8) | p[at + 1]);
  };
  while (i + 2 <= n) {
    const std::uint32_t u = unit(i);
    if (u == 0) return nul();
    if (u >= 0xDC00 && u <= 0xDFFF) {
      return Error{fmt::format("invalid UTF-16 at line {}: a lone low surrogate", line_), ""};
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 4 > n) {
        if (!at_eof) return i;
        return Error{fmt::format("invalid UTF-16 at line {}: the file ends inside a character",
                                 line_), ""};
      }
      const std::uint32_t low = unit(i + 2);
      if (low < 0xDC00 || low > 0xDFFF) {
        return Error{fmt::format("invalid UTF-16 at line {}: an unpaired surrogate", line_), ""};
      }
      AppendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
      i += 4;
      continue;
    }
    line_ += u == '\n' ? 1 : 0;
    AppendUtf8(out, u);
    i += 2;
  }
  if (i < n && at_eof) {
    return Error{fmt::format("invalid UTF-16 at line {}: an odd number of bytes", line_), ""};
  }
  return i;
}

// ---- cells ------------------------------------------------------------------------------

bool IsMissingToken(std::string_view s) {
  if (s.size() > 4) return false;
  char lower[4];
  for (std::size_t i = 0; i < s.size(); ++i) lower[i] = AsciiLower(s[i]);
  const std::string_view t(lower, s.size());
  return t.empty() || t == "nan" || t == "na" || t == "n/a" || t == "null" || t == "none" ||
         t == "-";
}

double ParseNumberCell(std::string_view raw, char decimal, MeasureKind kind, CellStatus* status) {
  std::string_view s = Trim(raw);
  if (IsMissingToken(s)) {
    *status = CellStatus::kMissing;
    return kMissing;
  }
  if (s.ends_with('%')) s = Trim(s.substr(0, s.size() - 1));  // `92%`, `92 %`
  const bool time_column = kind == MeasureKind::kSeconds || kind == MeasureKind::kMinutes;
  if (time_column && s.find(':') != std::string_view::npos) {
    if (const std::optional<double> seconds = ParseDurationSeconds(s, decimal)) {
      *status = CellStatus::kDuration;
      return kind == MeasureKind::kMinutes ? *seconds / 60.0 : *seconds;
    }
  } else if (const std::optional<double> value = ParseGroupedNumber(s, decimal)) {
    *status = CellStatus::kNumber;
    return *value;
  }
  *status = CellStatus::kInvalid;
  return kMissing;
}

std::string ExpectedNumber(MeasureKind kind, char decimal) {
  const bool comma = decimal == ',';
  switch (kind) {
    case MeasureKind::kCount:
      return comma ? "a number like 1234 or 1.234" : "a number like 1234 or 1,234";
    case MeasureKind::kPercent:
      return comma ? "a number like 92,5 or 92,5%" : "a number like 92.5 or 92.5%";
    case MeasureKind::kSeconds:
      return comma ? "seconds like 32,5 or a duration like 00:00:32"
                   : "seconds like 32.5 or a duration like 00:00:32";
    case MeasureKind::kMinutes:
      return comma ? "minutes like 6,5 or a duration like 00:06:30"
                   : "minutes like 6.5 or a duration like 00:06:30";
  }
  return "a number";
}

DialectDay ParseDialectDay(std::string_view cell) {
  const std::string_view s = Trim(cell);
  DialectDay out;
  std::size_t i = 0;
  const std::optional<int> first = SmallNumber(s, i);
  if (!first || i >= s.size()) return out;
  const char sep = s[i++];
  if (sep != '/' && sep != '.' && sep != '-' && sep != ' ') return out;
  int month = 0;
  std::optional<int> second;
  if (i < s.size() && !IsDigit(s[i])) {
    if (sep == '/' || sep == '.' || i + 3 > s.size()) return out;
    for (std::size_t m = 0; m < 12 && month == 0; ++m) {
      if (EqualsIgnoreCase(s.substr(i, 3), kMonths[m])) month = static_cast<int>(m) + 1;
    }
    if (month == 0) return out;
    i += 3;
  } else {
    if (sep == ' ') return out;
    second = SmallNumber(s, i);
    if (!second) return out;
  }
  if (i >= s.size() || s[i++] != sep) return out;
  if (i + 4 > s.size()) return out;
  int year = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    if (!IsDigit(s[i + k])) return out;
    year = year * 10 + (s[i + k] - '0');
  }
  i += 4;
  // A time part, if any, follows a space or `T` and is ignored (as is any offset).
  if (i < s.size() && s[i] != ' ' && s[i] != 'T') return out;
  if (sep == '/') {
    out.kind = DialectDay::Kind::kSlash;
    out.first = *first;
    out.second = *second;
    out.year = year;
    return out;
  }
  const std::optional<Day> day = DayFromCivil(year, month != 0 ? month : *second, *first);
  if (!day) return out;
  out.kind = DialectDay::Kind::kDay;
  out.day = *day;
  return out;
}

}  // namespace keeta
