// The synthetic data generator: determinism, exact size, well-formed CSV in the input
// schema, the original example (agent Ahmed under team leader Sara), realistic shape.
#include "store/generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/schema.h"
#include "store/csv_loader.h"

namespace keeta {
namespace {

std::string Generate(std::uint64_t rows, std::uint64_t seed = 42, bool junk = true,
                     std::string start_day = "2025-01-01") {
  GeneratorOptions options;
  options.rows = rows;
  options.seed = seed;
  options.junk = junk;
  options.start_day = std::move(start_day);
  std::ostringstream out;
  Result<bool> result = GenerateCsv(options, out);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return out.str();
}

CsvTable Parse(const std::string& csv) {
  Result<CsvTable> parsed = ParseCsv(csv, "generated");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  if (!parsed.ok()) return {};
  return std::move(parsed).value();
}

const NameColumn& Names(const CsvTable& t, Dimension d) { return t.table.names[Index(d)]; }
const std::string& NameAt(const CsvTable& t, Dimension d, std::size_t row) {
  const NameColumn& c = Names(t, d);
  return c.names[c.codes[row]];
}
const std::vector<double>& Column(const CsvTable& t, Measure m) {
  return *t.table.measures[Index(m)];
}

std::set<std::string> DistinctNames(const CsvTable& t, Dimension d) {
  std::set<std::string> out;
  for (std::size_t r = 0; r < t.table.rows; ++r) out.insert(NameAt(t, d, r));
  return out;
}

Day D(int y, int m, int d) { return *DayFromCivil(y, m, d); }

TEST(GeneratorTest, SameSeedGivesIdenticalBytes) {
  EXPECT_EQ(Generate(20000, 7), Generate(20000, 7));
  EXPECT_EQ(Generate(3000, 7, false), Generate(3000, 7, false));
}

TEST(GeneratorTest, DifferentSeedGivesDifferentData) {
  EXPECT_NE(Generate(5000, 1), Generate(5000, 2));
}

TEST(GeneratorTest, WritesTheHeaderOfTheInputSchema) {
  const std::string csv = Generate(10);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "day,agent,team_leader,supervisor,total_chats,avg_response_time,csat,"
            "active_agents,escalations,resolved,pending,avg_chat_duration,sales_conversion,"
            "avg_queue_time");
}

TEST(GeneratorTest, WritesExactlyTheRequestedRows) {
  for (std::uint64_t rows : {0, 1, 2, 31, 365, 366, 1000, 18250, 50001}) {
    SCOPED_TRACE(rows);
    const std::string csv = Generate(rows);
    EXPECT_EQ(static_cast<std::uint64_t>(std::count(csv.begin(), csv.end(), '\n')), rows + 1);
    ASSERT_EQ(csv.back(), '\n');
    const CsvTable t = Parse(csv);
    EXPECT_EQ(t.table.rows, rows);
    EXPECT_EQ(t.report.blank_lines, 0u);
  }
}

TEST(GeneratorTest, CleanOutputParsesWithoutAnyWarning) {
  const CsvTable t = Parse(Generate(30000, 3, /*junk=*/false));
  EXPECT_EQ(t.table.rows, 30000u);
  EXPECT_TRUE(t.report.missing_columns.empty());
  EXPECT_EQ(t.report.missing_days, 0u);
  EXPECT_EQ(t.report.short_rows, 0u);
  EXPECT_EQ(t.report.long_rows, 0u);
  EXPECT_TRUE(t.report.scaled_percent_columns.empty());
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    EXPECT_EQ(t.report.invalid_cells[m], 0u) << kMeasures[m].column;
  }
}

TEST(GeneratorTest, JunkIsReadableAndReportedButNeverBreaksRows) {
  const CsvTable t = Parse(Generate(50000, 11, /*junk=*/true));
  EXPECT_EQ(t.table.rows, 50000u);
  EXPECT_EQ(t.report.short_rows, 0u);  // quoted names with commas stay one field
  EXPECT_EQ(t.report.long_rows, 0u);
  std::size_t invalid = 0;
  for (std::size_t n : t.report.invalid_cells) invalid += n;
  EXPECT_GT(invalid, 0u);
  EXPECT_GT(t.report.missing_days, 0u);
  EXPECT_LT(t.report.missing_days, 50u);  // "a few"
  // Names that need RFC 4180 quoting come back whole.
  const auto agents = DistinctNames(t, Dimension::kAgent);
  EXPECT_TRUE(agents.count("Haddad, Mona"));
  EXPECT_TRUE(agents.count("Mohammed \"Mo\" Saleh"));
}

TEST(GeneratorTest, AhmedWorksUnderSaraInJanuary2025) {
  for (bool junk : {true, false}) {
    const CsvTable t = Parse(Generate(20000, 42, junk));
    std::size_t january_rows = 0;
    for (std::size_t r = 0; r < t.table.rows; ++r) {
      if (NameAt(t, Dimension::kAgent, r) != "Ahmed") continue;
      EXPECT_EQ(NameAt(t, Dimension::kTeamLeader, r), "Sara");
      const Day day = t.table.day[r];
      if (day >= D(2025, 1, 1) && day <= D(2025, 1, 31)) ++january_rows;
    }
    EXPECT_GE(january_rows, 28u) << "junk=" << junk;  // one row a day; a junk day cell or two
  }
  // Even a tiny file has the example.
  const CsvTable tiny = Parse(Generate(1));
  EXPECT_EQ(NameAt(tiny, Dimension::kAgent, 0), "Ahmed");
  EXPECT_EQ(NameAt(tiny, Dimension::kTeamLeader, 0), "Sara");
}

TEST(GeneratorTest, StartsOnTheStartDay) {
  const CsvTable t = Parse(Generate(2000, 42, false, "2024-02-28"));
  const auto [lo, hi] = std::minmax_element(t.table.day.begin(), t.table.day.end());
  EXPECT_EQ(*lo, D(2024, 2, 28));
  EXPECT_GT(*hi, D(2024, 2, 29));
}

TEST(GeneratorTest, RejectsBadOptions) {
  std::ostringstream out;
  GeneratorOptions bad_day;
  bad_day.start_day = "2025-02-30";
  Result<bool> r = GenerateCsv(bad_day, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "start_day");

  GeneratorOptions too_many;
  too_many.rows = 5'000'000'000;
  r = GenerateCsv(too_many, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().param, "rows");
}

TEST(GeneratorTest, OneRowPerAgentPerDayInAHierarchy) {
  const std::uint64_t rows = 100000;
  const CsvTable t = Parse(Generate(rows, 5, false));
  // One row per (day, agent).
  std::set<std::pair<Day, std::uint32_t>> seen;
  for (std::size_t r = 0; r < t.table.rows; ++r) {
    EXPECT_TRUE(seen.emplace(t.table.day[r], Names(t, Dimension::kAgent).codes[r]).second);
  }
  // A year of data: agents = rows / 365 (rounded up); ~9 agents per team leader and ~4-5
  // team leaders per supervisor.
  const auto agents = DistinctNames(t, Dimension::kAgent).size();
  const auto leaders = DistinctNames(t, Dimension::kTeamLeader).size();
  const auto supervisors = DistinctNames(t, Dimension::kSupervisor).size();
  EXPECT_EQ(agents, (rows + 364) / 365);
  EXPECT_GE(static_cast<double>(agents) / leaders, 8.0);
  EXPECT_LE(static_cast<double>(agents) / leaders, 10.0);
  EXPECT_GE(static_cast<double>(leaders) / supervisors, 3.5);
  EXPECT_LE(static_cast<double>(leaders) / supervisors, 5.5);
  // Every team leader reports to one supervisor.
  std::map<std::string, std::set<std::string>> supervisors_of;
  for (std::size_t r = 0; r < t.table.rows; ++r) {
    supervisors_of[NameAt(t, Dimension::kTeamLeader, r)].insert(
        NameAt(t, Dimension::kSupervisor, r));
  }
  for (const auto& [leader, sups] : supervisors_of) EXPECT_EQ(sups.size(), 1u) << leader;
}

TEST(GeneratorTest, NamesAreEnglishAndArabic) {
  const CsvTable t = Parse(Generate(20000, 42, false));
  std::size_t arabic_script = 0;
  std::size_t latin = 0;
  for (const std::string& name : DistinctNames(t, Dimension::kAgent)) {
    // Arabic letters U+0600..U+06FF are encoded with lead bytes 0xD8..0xDB.
    const bool is_arabic = std::any_of(name.begin(), name.end(), [](char c) {
      const auto b = static_cast<unsigned char>(c);
      return b >= 0xD8 && b <= 0xDB;
    });
    (is_arabic ? arabic_script : latin) += 1;
  }
  EXPECT_GT(arabic_script, 5u);
  EXPECT_GT(latin, arabic_script);
}

TEST(GeneratorTest, RowsAreNotSortedWithinADay) {
  const CsvTable t = Parse(Generate(3650, 42, false));  // 10 agents a day
  std::vector<std::string> first_day, second_day;
  for (std::size_t r = 0; r < t.table.rows; ++r) {
    if (t.table.day[r] == D(2025, 1, 1)) first_day.push_back(NameAt(t, Dimension::kAgent, r));
    if (t.table.day[r] == D(2025, 1, 2)) second_day.push_back(NameAt(t, Dimension::kAgent, r));
  }
  ASSERT_EQ(first_day.size(), 10u);
  EXPECT_NE(first_day, second_day);
  EXPECT_FALSE(std::is_sorted(first_day.begin(), first_day.end()) &&
               std::is_sorted(second_day.begin(), second_day.end()));
}

TEST(GeneratorTest, ValuesAreConsistentAndInRange) {
  const CsvTable t = Parse(Generate(40000, 9, false));
  const auto& chats = Column(t, Measure::kTotalChats);
  const auto& escalations = Column(t, Measure::kEscalations);
  const auto& resolved = Column(t, Measure::kResolved);
  const auto& pending = Column(t, Measure::kPending);
  const auto& active = Column(t, Measure::kActiveAgents);
  const auto& csat = Column(t, Measure::kCsat);
  const auto& sales = Column(t, Measure::kSalesConversion);
  std::size_t inactive = 0;
  std::size_t csat_typical = 0;
  std::size_t csat_present = 0;
  for (std::size_t r = 0; r < t.table.rows; ++r) {
    ASSERT_FALSE(std::isnan(chats[r]));
    EXPECT_GE(chats[r], 0);
    EXPECT_LE(escalations[r], chats[r]);
    EXPECT_LE(resolved[r] + pending[r], chats[r]);
    EXPECT_TRUE(active[r] == 0 || active[r] == 1);
    if (active[r] == 0) {
      ++inactive;
      EXPECT_EQ(chats[r], 0);
    }
    if (!std::isnan(csat[r])) {
      ++csat_present;
      EXPECT_GE(csat[r], 0);
      EXPECT_LE(csat[r], 100);
      if (csat[r] >= 75 && csat[r] <= 98) ++csat_typical;
    }
    if (!std::isnan(sales[r])) {
      EXPECT_GE(sales[r], 0);
      EXPECT_LE(sales[r], 100);
    }
  }
  EXPECT_GT(inactive, 0u);                     // days off happen...
  EXPECT_LT(inactive, t.table.rows / 4);       // ...but most rows are working days
  EXPECT_GT(csat_typical, csat_present * 9 / 10);  // CSAT mostly 75-98
}

TEST(GeneratorTest, WeekendsAreQuieter) {
  const CsvTable t = Parse(Generate(36500, 42, false));
  const auto& chats = Column(t, Measure::kTotalChats);
  double weekday_sum = 0, weekend_sum = 0;
  std::size_t weekday_rows = 0, weekend_rows = 0;
  for (std::size_t r = 0; r < t.table.rows; ++r) {
    const int weekday = ((t.table.day[r] + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
    if (weekday == 0 || weekday == 6) {
      weekend_sum += chats[r];
      ++weekend_rows;
    } else {
      weekday_sum += chats[r];
      ++weekday_rows;
    }
  }
  EXPECT_LT(weekend_sum / weekend_rows, 0.8 * (weekday_sum / weekday_rows));
}

TEST(GeneratorTest, JunkLeavesGapsInTheCalendar) {
  auto distinct_days = [](const CsvTable& t) {
    std::set<Day> days;
    for (Day d : t.table.day) {
      if (d != kNoDay) days.insert(d);
    }
    return days;
  };
  const auto clean = distinct_days(Parse(Generate(36500, 42, false)));
  EXPECT_EQ(static_cast<std::size_t>(*clean.rbegin() - *clean.begin() + 1), clean.size());
  const auto gappy = distinct_days(Parse(Generate(36500, 42, true)));
  EXPECT_GT(static_cast<std::size_t>(*gappy.rbegin() - *gappy.begin() + 1), gappy.size());
}

}  // namespace
}  // namespace keeta
