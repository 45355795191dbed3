// Calendar days as integers (days since 1970-01-01), and their text forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keeta {

using Day = std::int32_t;  // days since 1970-01-01 (proleptic Gregorian)

// Days since the epoch for a valid civil date; nullopt when y/m/d is not a real day.
std::optional<Day> DayFromCivil(int year, int month, int day);

// Strict `YYYY-MM-DD` that names a real calendar day (used for filter parameters).
std::optional<Day> ParseIsoDay(std::string_view text);

// A CSV `day` cell: `YYYY-MM-DD` or `YYYY/MM/DD`, optionally followed by `T` or a space
// and anything (a time, ignored). Surrounding spaces are ignored. nullopt = missing day.
std::optional<Day> ParseCsvDay(std::string_view text);

// `YYYY-MM-DD`.
std::string FormatDay(Day day);

// Calendar periods holding `day`, each given by its first day: the ISO week (Monday),
// the month (the 1st), the quarter (1 January, April, July or October) and the year.
Day WeekStart(Day day);
Day MonthStart(Day day);
Day QuarterStart(Day day);
Day YearStart(Day day);
// Months since January 1970 (negative before): consecutive months differ by one.
std::int32_t MonthIndex(Day day);
// Writes exactly 10 chars of `YYYY-MM-DD` to out (for hot serialisation paths).
void FormatDayTo(Day day, char* out);

}  // namespace keeta
