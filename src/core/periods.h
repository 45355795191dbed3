// Periods of the calendar the dashboard reasons about: trend buckets (day, ISO week,
// month), the previous period a range is compared with, and the date presets. Pure
// functions over Day values (kpis.md "Buckets", "Previous period"; docs/api.md presets).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/date.h"
#include "core/query.h"

namespace keeta {

// What one trend point covers. A week point is labelled with its Monday, a month point
// with its 1st.
enum class Granularity { kDay, kWeek, kMonth };
inline constexpr std::array<std::string_view, 3> kGranularityNames{"day", "week", "month"};

std::optional<Granularity> ParseGranularity(std::string_view text);
std::string_view GranularityName(Granularity g);
// The label (first day) of the bucket holding `day`.
Day BucketStart(Day day, Granularity g);
// The position of the bucket holding `day` on a line of buckets: consecutive buckets
// differ by one, so a difference above one between two trend points means buckets without
// data lie between them (a gap in a chart, not a line across).
std::int64_t BucketOrdinal(Day day, Granularity g);
// The first day of the bucket at that position (BucketOrdinal's inverse on bucket starts).
Day BucketAtOrdinal(std::int64_t ordinal, Granularity g);
// The granularity the page picks for a range of `days` days: days up to about three
// months, weeks up to two years, months beyond.
Granularity DefaultGranularity(std::int64_t days);

// An inclusive range of calendar days.
struct Period {
  Day from = 0;
  Day to = 0;
  std::int64_t days() const { return static_cast<std::int64_t>(to) - from + 1; }
  bool operator==(const Period&) const = default;
};

// The range a filter's dates cover, a missing end taken from the data's first or last day;
// nullopt without a date filter, when an end cannot be filled in (no days in the data), or
// when the range is reversed.
std::optional<Period> FilterPeriod(const Filter& filter, std::optional<Day> data_first,
                                   std::optional<Day> data_last);

// The previous period of that range: the same number of days, ending the day before it
// begins (nullopt when FilterPeriod is).
std::optional<Period> PreviousPeriod(const Filter& filter, std::optional<Day> data_first,
                                     std::optional<Day> data_last);

// Date presets, counted back from an anchor day.
enum class DatePreset {
  kToday, kYesterday, kLast7, kLast30, kLast90, kThisMonth, kLastMonth, kThisQuarter,
  kYearToDate, kAll,
};
struct DatePresetDef {
  DatePreset id;
  std::string_view key;    // stable id for URLs and tests ("last_30")
  std::string_view label;  // chip text ("Last 30 days")
};
inline constexpr std::array<DatePresetDef, 10> kDatePresets{{
    {DatePreset::kToday, "today", "Today"},
    {DatePreset::kYesterday, "yesterday", "Yesterday"},
    {DatePreset::kLast7, "last_7", "Last 7 days"},
    {DatePreset::kLast30, "last_30", "Last 30 days"},
    {DatePreset::kLast90, "last_90", "Last 90 days"},
    {DatePreset::kThisMonth, "this_month", "This month"},
    {DatePreset::kLastMonth, "last_month", "Last month"},
    {DatePreset::kThisQuarter, "this_quarter", "This quarter"},
    {DatePreset::kYearToDate, "year_to_date", "Year to date"},
    {DatePreset::kAll, "all", "All data"},
}};

// The day presets count back from: today, or the data's last day when the data ends
// before today.
Day PresetAnchor(Day today, std::optional<Day> data_last);
// The preset's range ending at `anchor` ("Last 7 days" = anchor-6 .. anchor); nullopt for
// "All data" (no date filter).
std::optional<Period> PresetRange(DatePreset preset, Day anchor);

}  // namespace keeta
