// Calendar days: civil <-> day numbers, the strict filter form and the lenient CSV form.
// Reference day numbers come from Python's datetime (date - date(1970, 1, 1)).

#include "core/date.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace keeta {
namespace {

TEST(DayFromCivil, KnownDays) {
  EXPECT_EQ(DayFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DayFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DayFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DayFromCivil(2024, 2, 29), 19782);
  EXPECT_EQ(DayFromCivil(2025, 1, 1), 20089);
  EXPECT_EQ(DayFromCivil(1900, 3, 1), -25508);
  EXPECT_EQ(DayFromCivil(1, 1, 1), -719162);
  EXPECT_EQ(DayFromCivil(9999, 12, 31), 2932896);
}

TEST(DayFromCivil, LeapYears) {
  EXPECT_TRUE(DayFromCivil(2024, 2, 29).has_value());
  EXPECT_TRUE(DayFromCivil(2000, 2, 29).has_value());   // divisible by 400
  EXPECT_FALSE(DayFromCivil(1900, 2, 29).has_value());  // divisible by 100 only
  EXPECT_FALSE(DayFromCivil(2023, 2, 29).has_value());
  EXPECT_FALSE(DayFromCivil(2024, 2, 30).has_value());
}

TEST(DayFromCivil, RejectsImpossibleDates) {
  EXPECT_FALSE(DayFromCivil(2025, 0, 1).has_value());
  EXPECT_FALSE(DayFromCivil(2025, 13, 1).has_value());
  EXPECT_FALSE(DayFromCivil(2025, 1, 0).has_value());
  EXPECT_FALSE(DayFromCivil(2025, 1, 32).has_value());
  EXPECT_FALSE(DayFromCivil(2025, 4, 31).has_value());
  EXPECT_FALSE(DayFromCivil(2025, 6, 31).has_value());
  EXPECT_FALSE(DayFromCivil(-1, 1, 1).has_value());
  EXPECT_FALSE(DayFromCivil(10000, 1, 1).has_value());
  EXPECT_TRUE(DayFromCivil(2025, 12, 31).has_value());
}

// Walks every day of two centuries: consecutive days are consecutive numbers, and
// formatting gives back the date that was put in.
TEST(DayFromCivil, ConsecutiveAndRoundTrips) {
  const int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::optional<Day> previous;
  for (int year = 1900; year <= 2100; ++year) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    for (int month = 1; month <= 12; ++month) {
      const int last = days_in_month[month - 1] + (month == 2 && leap ? 1 : 0);
      for (int day = 1; day <= last; ++day) {
        const std::optional<Day> d = DayFromCivil(year, month, day);
        ASSERT_TRUE(d.has_value()) << year << "-" << month << "-" << day;
        if (previous) {
          ASSERT_EQ(*d, *previous + 1);
        }
        previous = d;
        const std::string expected = fmt::format("{:04}-{:02}-{:02}", year, month, day);
        ASSERT_EQ(FormatDay(*d), expected);
        ASSERT_EQ(ParseIsoDay(expected), d);
      }
    }
  }
}

TEST(FormatDay, FourDigitYearsAndPadding) {
  EXPECT_EQ(FormatDay(0), "1970-01-01");
  EXPECT_EQ(FormatDay(-1), "1969-12-31");
  EXPECT_EQ(FormatDay(20093), "2025-01-05");
  EXPECT_EQ(FormatDay(-719162), "0001-01-01");
  EXPECT_EQ(FormatDay(2932896), "9999-12-31");
}

TEST(FormatDay, ToWritesExactlyTenChars) {
  char buffer[12];
  buffer[10] = '#';
  buffer[11] = '#';
  FormatDayTo(19782, buffer);
  EXPECT_EQ(std::string(buffer, 10), "2024-02-29");
  EXPECT_EQ(buffer[10], '#');
  EXPECT_EQ(buffer[11], '#');
}

TEST(ParseIsoDay, AcceptsStrictForm) {
  EXPECT_EQ(ParseIsoDay("2025-01-05"), 20093);
  EXPECT_EQ(ParseIsoDay("2024-02-29"), 19782);
}

TEST(ParseIsoDay, RejectsAnythingElse) {
  for (const char* text :
       {"", "2025-01-5", "2025-1-05", "25-01-05", "2025/01/05", " 2025-01-05", "2025-01-05 ",
        "2025-01-05T10:00", "2025-02-30", "2025-13-01", "2025-00-10", "2025-01-00", "abcd-ef-gh",
        "+025-01-05", "2025-01-0x", "2025_01_05"}) {
    EXPECT_FALSE(ParseIsoDay(text).has_value()) << "'" << text << "'";
  }
}

TEST(ParseCsvDay, DashesAndSlashes) {
  EXPECT_EQ(ParseCsvDay("2025-01-05"), 20093);
  EXPECT_EQ(ParseCsvDay("2025/01/05"), 20093);
}

TEST(ParseCsvDay, TimePartIgnored) {
  EXPECT_EQ(ParseCsvDay("2025-01-05T10:00"), 20093);
  EXPECT_EQ(ParseCsvDay("2025-01-05T10:00:00Z"), 20093);
  EXPECT_EQ(ParseCsvDay("2025-01-05 10:00"), 20093);
  EXPECT_EQ(ParseCsvDay("2025/01/05 23:59:59.999"), 20093);
  EXPECT_EQ(ParseCsvDay("2025-01-05T"), 20093);
}

TEST(ParseCsvDay, SurroundingSpacesIgnored) {
  EXPECT_EQ(ParseCsvDay("  2025-01-05  "), 20093);
  EXPECT_EQ(ParseCsvDay("\t2025-01-05 10:00 "), 20093);
}

TEST(ParseCsvDay, RejectsOtherForms) {
  for (const char* text :
       {"", "   ", "junk", "2025-02-30", "2025-13-01", "2025-1-5", "05/01/2025", "2025-01/05",
        "2025.01.05", "2025-01-05x", "2025-01-05:10", "2025-01-051", "20250105", "2025-01-0"}) {
    EXPECT_FALSE(ParseCsvDay(text).has_value()) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace keeta
