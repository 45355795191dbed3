#include "core/periods.h"

namespace keeta {

std::optional<Granularity> ParseGranularity(std::string_view text) {
  for (std::size_t i = 0; i < kGranularityNames.size(); ++i) {
    if (text == kGranularityNames[i]) return static_cast<Granularity>(i);
  }
  return std::nullopt;
}

std::string_view GranularityName(Granularity g) {
  return kGranularityNames[static_cast<std::size_t>(g)];
}

Day BucketStart(Day day, Granularity g) {
  switch (g) {
    case Granularity::kDay: return day;
    case Granularity::kWeek: return WeekStart(day);
    case Granularity::kMonth: return MonthStart(day);
  }
  return day;
}

std::int64_t BucketOrdinal(Day day, Granularity g) {
  switch (g) {
    case Granularity::kDay: return day;
    case Granularity::kWeek: return (static_cast<std::int64_t>(WeekStart(day)) - 4) / 7;  // 1970-01-05: a Monday
    case Granularity::kMonth: return MonthIndex(day);
  }
  return day;
}

Day BucketAtOrdinal(std::int64_t ordinal, Granularity g) {
  switch (g) {
    case Granularity::kDay: return static_cast<Day>(ordinal);
    case Granularity::kWeek: return static_cast<Day>(ordinal * 7 + 4);
    case Granularity::kMonth: {
      const std::int64_t year = ordinal >= 0 ? ordinal / 12 : (ordinal - 11) / 12;
      const auto month = static_cast<int>(ordinal - year * 12);
      return DayFromCivil(static_cast<int>(1970 + year), month + 1, 1).value_or(0);
    }
  }
  return static_cast<Day>(ordinal);
}

Granularity DefaultGranularity(std::int64_t days) {
  if (days <= 92) return Granularity::kDay;
  if (days <= 731) return Granularity::kWeek;
  return Granularity::kMonth;
}

std::optional<Period> FilterPeriod(const Filter& filter, std::optional<Day> data_first,
                                   std::optional<Day> data_last) {
  if (!filter.HasDateRange()) return std::nullopt;
  const std::optional<Day> from = filter.from ? filter.from : data_first;
  const std::optional<Day> to = filter.to ? filter.to : data_last;
  if (!from || !to || *from > *to) return std::nullopt;
  return Period{*from, *to};
}

std::optional<Period> PreviousPeriod(const Filter& filter, std::optional<Day> data_first,
                                     std::optional<Day> data_last) {
  const std::optional<Period> current = FilterPeriod(filter, data_first, data_last);
  if (!current) return std::nullopt;
  const Day to = current->from - 1;
  return Period{static_cast<Day>(to - (current->days() - 1)), to};
}

Day PresetAnchor(Day today, std::optional<Day> data_last) {
  return data_last && *data_last < today ? *data_last : today;
}

std::optional<Period> PresetRange(DatePreset preset, Day anchor) {
  switch (preset) {
    case DatePreset::kToday: return Period{anchor, anchor};
    case DatePreset::kYesterday: return Period{anchor - 1, anchor - 1};
    case DatePreset::kLast7: return Period{anchor - 6, anchor};
    case DatePreset::kLast30: return Period{anchor - 29, anchor};
    case DatePreset::kLast90: return Period{anchor - 89, anchor};
    case DatePreset::kThisMonth: return Period{MonthStart(anchor), anchor};
    case DatePreset::kLastMonth: {
      const Day end = MonthStart(anchor) - 1;
      return Period{MonthStart(end), end};
    }
    case DatePreset::kThisQuarter: return Period{QuarterStart(anchor), anchor};
    case DatePreset::kYearToDate: return Period{YearStart(anchor), anchor};
    case DatePreset::kAll: return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace keeta
