// Calendar arithmetic after Howard Hinnant's public-domain days_from_civil /
// civil_from_days algorithms (proleptic Gregorian, eras of 400 years).
//
// Years are limited to 0000..9999: the only ones the `YYYY-MM-DD` text forms can express,
// so every Day this module produces can be formatted back.

#include "core/date.h"

#include <cstdint>
#include <initializer_list>

namespace keeta {

namespace {

constexpr int kMinYear = 0;
constexpr int kMaxYear = 9999;

constexpr bool IsLeapYear(int year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

constexpr int DaysInMonth(int year, int month) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// No validation: callers have checked the ranges.
constexpr Day DaysFromCivilUnchecked(int year, int month, int day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;                                             // [0, 399]
  const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;  // [0, 365]
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                     // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct Civil {
  int year;
  int month;
  int day;
};

constexpr Civil CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;                                    // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);             // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                  // [0, 11]
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  // Callers check the year range before narrowing matters.
  const std::int64_t clamped = year < -1 ? -1 : (year > kMaxYear + 1 ? kMaxYear + 1 : year);
  return {static_cast<int>(clamped), month, day};
}

static_assert(DaysFromCivilUnchecked(1970, 1, 1) == 0);
static_assert(DaysFromCivilUnchecked(2000, 3, 1) == 11017);
static_assert(CivilFromDays(11017).year == 2000 && CivilFromDays(11017).month == 3);

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads `YYYY?MM?DD` at p (10 bytes available) with `sep` as both separators.
std::optional<Day> ParseTenChars(const char* p, char sep) {
  if (p[4] != sep || p[7] != sep) return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!IsDigit(p[i])) return std::nullopt;
  }
  const int year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
  const int month = (p[5] - '0') * 10 + (p[6] - '0');
  const int day = (p[8] - '0') * 10 + (p[9] - '0');
  return DayFromCivil(year, month, day);
}

constexpr bool IsBlank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::optional<Day> DayFromCivil(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month)) {
    return std::nullopt;
  }
  return DaysFromCivilUnchecked(year, month, day);
}

std::optional<Day> ParseIsoDay(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return ParseTenChars(text.data(), '-');
}

std::optional<Day> ParseCsvDay(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && IsBlank(text[begin])) ++begin;
  while (end > begin && IsBlank(text[end - 1])) --end;
  if (end - begin < 10) return std::nullopt;
  const char* p = text.data() + begin;
  // A time part, if any, follows `T` or a space and is ignored.
  if (end - begin > 10 && p[10] != 'T' && p[10] != ' ') return std::nullopt;
  const char sep = p[4];
  if (sep != '-' && sep != '/') return std::nullopt;
  return ParseTenChars(p, sep);
}

void FormatDayTo(Day day, char* out) {
  const Civil c = CivilFromDays(day);
  if (c.year < kMinYear || c.year > kMaxYear) {
    // Not producible by this module (e.g. kNoDay); keep the fixed width.
    for (int i = 0; i < 10; ++i) out[i] = "0000-00-00"[i];
    return;
  }
  out[0] = static_cast<char>('0' + c.year / 1000);
  out[1] = static_cast<char>('0' + c.year / 100 % 10);
  out[2] = static_cast<char>('0' + c.year / 10 % 10);
  out[3] = static_cast<char>('0' + c.year % 10);
  out[4] = '-';
  out[5] = static_cast<char>('0' + c.month / 10);
  out[6] = static_cast<char>('0' + c.month % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + c.day / 10);
  out[9] = static_cast<char>('0' + c.day % 10);
}

Day WeekStart(Day day) {
  // 1970-01-01 was a Thursday: (day + 3) mod 7 counts days since Monday (floored modulo).
  const int since_monday = ((day + 3) % 7 + 7) % 7;
  return day - since_monday;
}

Day MonthStart(Day day) {
  const Civil c = CivilFromDays(day);
  return DaysFromCivilUnchecked(c.year, c.month, 1);
}

std::int32_t MonthIndex(Day day) {
  const Civil c = CivilFromDays(day);
  return (c.year - 1970) * 12 + (c.month - 1);
}

Day QuarterStart(Day day) {
  const Civil c = CivilFromDays(day);
  return DaysFromCivilUnchecked(c.year, (c.month - 1) / 3 * 3 + 1, 1);
}

Day YearStart(Day day) { return DaysFromCivilUnchecked(CivilFromDays(day).year, 1, 1); }

std::string FormatDay(Day day) {
  std::string out(10, '0');
  FormatDayTo(day, out.data());
  return out;
}

}  // namespace keeta
