// The CSV loader against every "Input" rule of docs/kpis.md, one rule per test.

#include "store/csv_loader.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace keeta {
namespace {

constexpr const char* kAllColumns =
    "day,agent,team_leader,supervisor,total_chats,avg_response_time,csat,active_agents,"
    "escalations,resolved,pending,avg_chat_duration,sales_conversion,avg_queue_time\n";

CsvTable MustParse(std::string_view text) {
  Result<CsvTable> parsed = ParseCsv(text, "test.csv");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  if (!parsed.ok()) return CsvTable{};
  return std::move(parsed).value();
}

std::string MustFail(std::string_view text) {
  Result<CsvTable> parsed = ParseCsv(text, "test.csv");
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? std::string() : parsed.error().message;
}

const std::vector<double>& Column(const CsvTable& t, Measure m) {
  static const std::vector<double> kNone;
  const auto& column = t.table.measures[Index(m)];
  EXPECT_TRUE(column.has_value()) << "column " << Info(m).column << " absent";
  return column ? *column : kNone;
}

std::size_t Invalid(const CsvTable& t, Measure m) { return t.report.invalid_cells[Index(m)]; }

// The name of each row in one dimension, decoded.
std::vector<std::string> Names(const CsvTable& t, Dimension d) {
  const NameColumn& column = t.table.names[Index(d)];
  std::vector<std::string> out;
  for (const std::uint32_t code : column.codes) {
    EXPECT_LT(code, column.names.size());
    out.push_back(code < column.names.size() ? column.names[code] : "<bad code>");
  }
  return out;
}

Day D(int y, int m, int d) { return *DayFromCivil(y, m, d); }

// A file in a fresh temporary directory, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    char dir_template[] = "/tmp/keeta_csv_test_XXXXXX";
    dir_ = mkdtemp(dir_template);
    path_ = dir_ + "/data.csv";
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string path_;
};

// --- Whole files -------------------------------------------------------------------------

TEST(CsvLoader, AllColumnsParsed) {
  const CsvTable t = MustParse(std::string(kAllColumns) +
                               "2025-01-05,Ahmed,Lina,Omar,40,12.5,91,1,2,30,5,7.25,12,45\n"
                               "2025-01-06,Sara,Lina,Omar,38,10,88.5,0,1,28,4,6.5,15.5,30\n");
  EXPECT_EQ(t.table.rows, 2u);
  EXPECT_EQ(t.report.rows_loaded, 2u);
  EXPECT_EQ(t.report.source, "test.csv");
  EXPECT_TRUE(t.report.missing_columns.empty());
  EXPECT_TRUE(t.report.scaled_percent_columns.empty());
  ASSERT_TRUE(t.table.has_day);
  EXPECT_EQ(t.table.day, (std::vector<Day>{D(2025, 1, 5), D(2025, 1, 6)}));
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{"Ahmed", "Sara"}));
  EXPECT_EQ(Names(t, Dimension::kTeamLeader), (std::vector<std::string>{"Lina", "Lina"}));
  EXPECT_EQ(Names(t, Dimension::kSupervisor), (std::vector<std::string>{"Omar", "Omar"}));
  EXPECT_EQ(Column(t, Measure::kTotalChats), (std::vector<double>{40, 38}));
  EXPECT_EQ(Column(t, Measure::kAvgResponseTime), (std::vector<double>{12.5, 10}));
  EXPECT_EQ(Column(t, Measure::kCsat), (std::vector<double>{91, 88.5}));
  EXPECT_EQ(Column(t, Measure::kActiveAgents), (std::vector<double>{1, 0}));
  EXPECT_EQ(Column(t, Measure::kEscalations), (std::vector<double>{2, 1}));
  EXPECT_EQ(Column(t, Measure::kResolved), (std::vector<double>{30, 28}));
  EXPECT_EQ(Column(t, Measure::kPending), (std::vector<double>{5, 4}));
  EXPECT_EQ(Column(t, Measure::kAvgChatDuration), (std::vector<double>{7.25, 6.5}));
  EXPECT_EQ(Column(t, Measure::kSalesConversion), (std::vector<double>{12, 15.5}));
  EXPECT_EQ(Column(t, Measure::kAvgQueueTime), (std::vector<double>{45, 30}));
  for (std::size_t m = 0; m < kMeasureCount; ++m) EXPECT_EQ(t.report.invalid_cells[m], 0u);
  EXPECT_EQ(t.report.missing_days, 0u);
  EXPECT_EQ(t.report.short_rows + t.report.long_rows + t.report.blank_lines, 0u);
  EXPECT_TRUE(t.report.Warnings().empty());
}

TEST(CsvLoader, LastLineWithoutNewline) {
  const CsvTable t = MustParse("agent,total_chats\nAhmed,4\nSara,5");
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{"Ahmed", "Sara"}));
  EXPECT_EQ(Column(t, Measure::kTotalChats), (std::vector<double>{4, 5}));
}

TEST(CsvLoader, ByteOrderMarkIgnored) {
  const CsvTable t = MustParse("\xEF\xBB\xBF" "day,total_chats\n2025-01-05,3\n");
  ASSERT_TRUE(t.table.has_day);  // the header's first name is "day", not BOM + "day"
  EXPECT_EQ(t.table.day, std::vector<Day>{D(2025, 1, 5)});
  EXPECT_EQ(Column(t, Measure::kTotalChats), std::vector<double>{3});
}

TEST(CsvLoader, CrlfLineEnds) {
  const CsvTable t = MustParse("day,total_chats,agent\r\n2025-01-05,3,Ahmed\r\n2025-01-06,4,Sara\r\n");
  EXPECT_EQ(t.table.rows, 2u);
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{"Ahmed", "Sara"}));
  EXPECT_EQ(Column(t, Measure::kTotalChats), (std::vector<double>{3, 4}));
  EXPECT_EQ(t.report.blank_lines, 0u);
}

TEST(CsvLoader, CrlfOnLastNumericColumn) {
  const CsvTable t = MustParse("agent,total_chats\r\nAhmed,3\r\nSara,4\r\n");
  EXPECT_EQ(Column(t, Measure::kTotalChats), (std::vector<double>{3, 4}));
  EXPECT_EQ(Invalid(t, Measure::kTotalChats), 0u);
}

TEST(CsvLoader, LoneCarriageReturnEndsLine) {
  const CsvTable t = MustParse("agent,total_chats\rAhmed,3\rSara,4\r");
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{"Ahmed", "Sara"}));
  EXPECT_EQ(Column(t, Measure::kTotalChats), (std::vector<double>{3, 4}));
}

// --- Quoting -----------------------------------------------------------------------------

TEST(CsvLoader, QuotedFieldHoldsComma) {
  const CsvTable t = MustParse("agent,total_chats\n\"Doe, John\",7\n");
  EXPECT_EQ(Names(t, Dimension::kAgent), std::vector<std::string>{"Doe, John"});
  EXPECT_EQ(Column(t, Measure::kTotalChats), std::vector<double>{7});
  EXPECT_EQ(t.report.long_rows, 0u);
}

TEST(CsvLoader, QuotedFieldHoldsDoubledQuotes) {
  const CsvTable t = MustParse("agent,total_chats\n\"Ahmed \"\"The Ace\"\"\",7\n\"\"\"\",8\n");
  EXPECT_EQ(Names(t, Dimension::kAgent),
            (std::vector<std::string>{"Ahmed \"The Ace\"", "\""}));
  EXPECT_EQ(Column(t, Measure::kTotalChats), (std::vector<double>{7, 8}));
}

TEST(CsvLoader, QuotedFieldHoldsLineBreaks) {
  const CsvTable t =
      MustParse("agent,total_chats\n\"Line one\nLine two\",7\n\"A\r\nB\",8\nSara,9\n");
  EXPECT_EQ(t.table.rows, 3u);
  EXPECT_EQ(Names(t, Dimension::kAgent),
            (std::vector<std::string>{"Line one\nLine two", "A\r\nB", "Sara"}));
  EXPECT_EQ(Column(t, Measure::kTotalChats), (std::vector<double>{7, 8, 9}));
}

TEST(CsvLoader, QuotedNumbersAndEmptyQuotedField) {
  const CsvTable t = MustParse("agent,total_chats\n\"\",\"42\"\nSara,\"\"\n");
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{"", "Sara"}));
  const auto& chats = Column(t, Measure::kTotalChats);
  ASSERT_EQ(chats.size(), 2u);
  EXPECT_EQ(chats[0], 42);
  EXPECT_TRUE(std::isnan(chats[1]));
  EXPECT_EQ(Invalid(t, Measure::kTotalChats), 0u);
}

TEST(CsvLoader, SpacesAroundQuotedFieldIgnored) {
  const CsvTable t = MustParse("agent,total_chats\n  \"Ahmed, A\"  ,7\n");
  EXPECT_EQ(Names(t, Dimension::kAgent), std::vector<std::string>{"Ahmed, A"});
  EXPECT_EQ(Column(t, Measure::kTotalChats), std::vector<double>{7});
}

TEST(CsvLoader, QuoteInsideUnquotedFieldIsLiteral) {
  const CsvTable t = MustParse("agent,total_chats\nAb\"c,7\n");
  EXPECT_EQ(Names(t, Dimension::kAgent), std::vector<std::string>{"Ab\"c"});
}

TEST(CsvLoader, TextAfterClosingQuoteKept) {
  const CsvTable t = MustParse("agent,total_chats\n\"Ab\"cd,7\n");
  EXPECT_EQ(Names(t, Dimension::kAgent), std::vector<std::string>{"Abcd"});
  EXPECT_EQ(Column(t, Measure::kTotalChats), std::vector<double>{7});
}

TEST(CsvLoader, QuotedHeaderNames) {
  const CsvTable t = MustParse("\"day\",\"Total_Chats\"\n2025-01-05,3\n");
  EXPECT_TRUE(t.table.has_day);
  EXPECT_EQ(Column(t, Measure::kTotalChats), std::vector<double>{3});
}

// --- Header ------------------------------------------------------------------------------

TEST(CsvLoader, HeaderNamesTrimmedAndCaseInsensitive) {
  const CsvTable t = MustParse(" Day ,AGENT,\tTotal_Chats  ,Team_Leader\n2025-01-05,Ahmed,3,Lina\n");
  EXPECT_TRUE(t.table.has_day);
  EXPECT_EQ(Names(t, Dimension::kAgent), std::vector<std::string>{"Ahmed"});
  EXPECT_EQ(Names(t, Dimension::kTeamLeader), std::vector<std::string>{"Lina"});
  EXPECT_EQ(Column(t, Measure::kTotalChats), std::vector<double>{3});
}

TEST(CsvLoader, UnknownColumnsIgnored) {
  const CsvTable t =
      MustParse("region,agent,notes,total_chats,extra\nNorth,Ahmed,\"a, b\",3,x\nSouth,Sara,,4,y\n");
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{"Ahmed", "Sara"}));
  EXPECT_EQ(Column(t, Measure::kTotalChats), (std::vector<double>{3, 4}));
  for (const std::string& missing : t.report.missing_columns) {
    EXPECT_NE(missing, "region");
    EXPECT_NE(missing, "agent");
    EXPECT_NE(missing, "total_chats");
  }
}

TEST(CsvLoader, MissingColumnsReportedInSchemaOrderAndAbsent) {
  const CsvTable t = MustParse("pending,agent,csat\n1,Ahmed,90\n");
  EXPECT_EQ(t.report.missing_columns,
            (std::vector<std::string>{"day", "team_leader", "supervisor", "total_chats",
                                      "avg_response_time", "active_agents", "escalations",
                                      "resolved", "avg_chat_duration", "sales_conversion",
                                      "avg_queue_time"}));
  EXPECT_FALSE(t.table.has_day);
  EXPECT_TRUE(t.table.day.empty());
  EXPECT_TRUE(t.table.names[Index(Dimension::kAgent)].present);
  EXPECT_FALSE(t.table.names[Index(Dimension::kTeamLeader)].present);
  EXPECT_TRUE(t.table.names[Index(Dimension::kTeamLeader)].codes.empty());
  EXPECT_FALSE(t.table.measures[Index(Measure::kTotalChats)].has_value());
  EXPECT_FALSE(t.table.measures[Index(Measure::kSalesConversion)].has_value());
  EXPECT_EQ(Column(t, Measure::kPending), std::vector<double>{1});
  EXPECT_EQ(Column(t, Measure::kCsat), std::vector<double>{90});
  EXPECT_EQ(t.table.rows, 1u);
}

TEST(CsvLoader, DuplicateKnownColumnFirstOneWins) {
  const CsvTable t = MustParse("total_chats,agent,TOTAL_CHATS\n3,Ahmed,99\n");
  EXPECT_EQ(Column(t, Measure::kTotalChats), std::vector<double>{3});
  EXPECT_EQ(t.report.long_rows, 0u);
}

TEST(CsvLoader, NoKnownColumnsStillCountsRows) {
  const CsvTable t = MustParse("a,b\n1,2\n3,4\n");
  EXPECT_EQ(t.table.rows, 2u);
  EXPECT_EQ(t.report.missing_columns.size(), 1 + kDimensionCount + kMeasureCount);
}

// --- Row shapes ----------------------------------------------------------------------------

TEST(CsvLoader, ShortRowsPaddedWithEmptyFields) {
  const CsvTable t = MustParse("day,agent,total_chats,csat\n2025-01-05,Ahmed\n2025-01-06,Sara,4,80\n");
  EXPECT_EQ(t.report.short_rows, 1u);
  EXPECT_EQ(t.table.rows, 2u);
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{"Ahmed", "Sara"}));
  const auto& chats = Column(t, Measure::kTotalChats);
  ASSERT_EQ(chats.size(), 2u);
  EXPECT_TRUE(std::isnan(chats[0]));
  EXPECT_EQ(chats[1], 4);
  EXPECT_EQ(Column(t, Measure::kCsat).size(), 2u);
  EXPECT_EQ(Invalid(t, Measure::kTotalChats), 0u);  // padded cells are missing, not invalid
}

TEST(CsvLoader, ShortRowWithoutDayCountsMissingDay) {
  const CsvTable t = MustParse("agent,total_chats,day\nAhmed,3\n");
  EXPECT_EQ(t.report.short_rows, 1u);
  EXPECT_EQ(t.table.day, std::vector<Day>{kNoDay});
  EXPECT_EQ(t.report.missing_days, 1u);
}

TEST(CsvLoader, LongRowsExtraFieldsIgnored) {
  const CsvTable t = MustParse("agent,total_chats\nAhmed,3,extra,more\nSara,4,\n");
  EXPECT_EQ(t.report.long_rows, 2u);  // a trailing comma is one more (empty) field
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{"Ahmed", "Sara"}));
  EXPECT_EQ(Column(t, Measure::kTotalChats), (std::vector<double>{3, 4}));
}

TEST(CsvLoader, BlankLinesSkipped) {
  const CsvTable t = MustParse("agent,total_chats\n\nAhmed,3\r\n\r\n   \nSara,4\n\t\n");
  EXPECT_EQ(t.table.rows, 2u);
  EXPECT_EQ(t.report.blank_lines, 4u);
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{"Ahmed", "Sara"}));
}

TEST(CsvLoader, BlankLinesBeforeHeaderSkipped) {
  const CsvTable t = MustParse("\n\nagent,total_chats\nAhmed,3\n");
  EXPECT_EQ(Names(t, Dimension::kAgent), std::vector<std::string>{"Ahmed"});
  EXPECT_EQ(Column(t, Measure::kTotalChats), std::vector<double>{3});
}

TEST(CsvLoader, RowOfEmptyFieldsIsARow) {
  const CsvTable t = MustParse("agent,total_chats\n,\n");
  EXPECT_EQ(t.table.rows, 1u);
  EXPECT_EQ(Names(t, Dimension::kAgent), std::vector<std::string>{""});
  ASSERT_EQ(Column(t, Measure::kTotalChats).size(), 1u);
  EXPECT_TRUE(std::isnan(Column(t, Measure::kTotalChats)[0]));
}

TEST(CsvLoader, UnsortedRowsKeepFileOrder) {
  const CsvTable t = MustParse(
      "day,agent,total_chats\n2025-01-09,Zed,1\n2025-01-02,Amy,2\n2025-01-05,Zed,3\n"
      "2025-01-01,Bob,4\n");
  EXPECT_EQ(t.table.day,
            (std::vector<Day>{D(2025, 1, 9), D(2025, 1, 2), D(2025, 1, 5), D(2025, 1, 1)}));
  EXPECT_EQ(Names(t, Dimension::kAgent),
            (std::vector<std::string>{"Zed", "Amy", "Zed", "Bob"}));
  EXPECT_EQ(Column(t, Measure::kTotalChats), (std::vector<double>{1, 2, 3, 4}));
}

// --- Numbers -------------------------------------------------------------------------------

TEST(CsvLoader, MissingTokensAreMissingNotInvalid) {
  const std::vector<std::string> tokens = {"",    "NaN",  "nan",  "NAN", "NA",    "na",
                                           "N/A", "n/a",  "null", "NULL", "None", "none",
                                           "-",   "  NA ", " - ", "\"N/A\""};
  std::string csv = "agent,total_chats\n";
  for (const std::string& token : tokens) csv += "a," + token + "\n";
  const CsvTable t = MustParse(csv);
  const auto& chats = Column(t, Measure::kTotalChats);
  ASSERT_EQ(chats.size(), tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    EXPECT_TRUE(std::isnan(chats[i])) << "'" << tokens[i] << "'";
  }
  EXPECT_EQ(Invalid(t, Measure::kTotalChats), 0u);
}

TEST(CsvLoader, InvalidCellsCountedPerColumn) {
  const CsvTable t = MustParse(
      "total_chats,csat,pending\nabc,90,1\n1e999,inf,2\n12x,-inf,3\nInfinity,80,4\n"
      "1.2.3,+-5,5\n");
  EXPECT_EQ(Invalid(t, Measure::kTotalChats), 5u);
  EXPECT_EQ(Invalid(t, Measure::kCsat), 3u);
  EXPECT_EQ(Invalid(t, Measure::kPending), 0u);
  EXPECT_EQ(Invalid(t, Measure::kResolved), 0u);
  const auto& chats = Column(t, Measure::kTotalChats);
  for (const double v : chats) EXPECT_TRUE(std::isnan(v));
  const auto& csat = Column(t, Measure::kCsat);
  EXPECT_EQ(csat[0], 90);
  EXPECT_TRUE(std::isnan(csat[1]));
  EXPECT_TRUE(std::isnan(csat[2]));
  EXPECT_EQ(csat[3], 80);
  EXPECT_EQ(Column(t, Measure::kPending), (std::vector<double>{1, 2, 3, 4, 5}));
}

TEST(CsvLoader, TrailingPercentSignAllowed) {
  const CsvTable t = MustParse("csat,total_chats\n92%,1\n 88.5% ,2\n%,3\n92%%,4\n");
  const auto& csat = Column(t, Measure::kCsat);
  ASSERT_EQ(csat.size(), 4u);
  EXPECT_EQ(csat[0], 92);
  EXPECT_EQ(csat[1], 88.5);
  EXPECT_TRUE(std::isnan(csat[2]));
  EXPECT_TRUE(std::isnan(csat[3]));
  EXPECT_EQ(Invalid(t, Measure::kCsat), 2u);
}

TEST(CsvLoader, SurroundingSpacesAndSignsInNumbers) {
  const CsvTable t = MustParse("total_chats\n  7  \n+5\n-2.5\n\t3\t\n.5\n5.\n");
  EXPECT_EQ(Column(t, Measure::kTotalChats), (std::vector<double>{7, 5, -2.5, 3, 0.5, 5}));
  EXPECT_EQ(Invalid(t, Measure::kTotalChats), 0u);
}

TEST(CsvLoader, NumbersConvertedExactly) {
  const CsvTable t = MustParse(
      "avg_response_time\n0.1\n1e3\n2.5E-2\n123456789012345678\n0.30000000000000004\n"
      "1e-999\n-0.000001\n");
  const auto& v = Column(t, Measure::kAvgResponseTime);
  ASSERT_EQ(v.size(), 7u);
  EXPECT_EQ(v[0], 0.1);
  EXPECT_EQ(v[1], 1000.0);
  EXPECT_EQ(v[2], 0.025);
  EXPECT_EQ(v[3], 123456789012345678.0);
  EXPECT_EQ(v[4], 0.30000000000000004);
  EXPECT_EQ(v[5], 0.0);  // underflow is a (tiny) number, not junk
  EXPECT_EQ(v[6], -0.000001);
  EXPECT_EQ(Invalid(t, Measure::kAvgResponseTime), 0u);
}

// --- Percent columns -----------------------------------------------------------------------

TEST(CsvLoader, FractionColumnsScaledToPercentAndReported) {
  const CsvTable t =
      MustParse("csat,sales_conversion,avg_chat_duration\n0.9,30,0.5\n0.85,40,0.25\n,NA,\n1,50,1\n");
  const auto& csat = Column(t, Measure::kCsat);
  ASSERT_EQ(csat.size(), 4u);
  EXPECT_DOUBLE_EQ(csat[0], 90);
  EXPECT_DOUBLE_EQ(csat[1], 85);
  EXPECT_TRUE(std::isnan(csat[2]));
  EXPECT_DOUBLE_EQ(csat[3], 100);
  EXPECT_EQ(t.report.scaled_percent_columns, std::vector<std::string>{"csat"});
  // Not all fractions: untouched.
  EXPECT_EQ(Column(t, Measure::kSalesConversion)[0], 30);
  // Not a percent column: never scaled.
  EXPECT_EQ(Column(t, Measure::kAvgChatDuration)[0], 0.5);
}

TEST(CsvLoader, BothPercentColumnsScaledInSchemaOrder) {
  const CsvTable t = MustParse("sales_conversion,csat\n0.1,0\n0.2,0.5\n");
  EXPECT_EQ(t.report.scaled_percent_columns,
            (std::vector<std::string>{"csat", "sales_conversion"}));
  EXPECT_DOUBLE_EQ(Column(t, Measure::kCsat)[1], 50);
  EXPECT_DOUBLE_EQ(Column(t, Measure::kSalesConversion)[0], 10);
}

TEST(CsvLoader, FractionsWithOneLargeValueNotScaled) {
  const CsvTable t = MustParse("csat\n0.9\n0.8\n50\n0.7\n");
  EXPECT_EQ(Column(t, Measure::kCsat), (std::vector<double>{0.9, 0.8, 50, 0.7}));
  EXPECT_TRUE(t.report.scaled_percent_columns.empty());
}

TEST(CsvLoader, NegativeFractionsNotScaled) {
  const CsvTable t = MustParse("csat\n0.9\n-0.1\n");
  EXPECT_EQ(Column(t, Measure::kCsat), (std::vector<double>{0.9, -0.1}));
  EXPECT_TRUE(t.report.scaled_percent_columns.empty());
}

TEST(CsvLoader, PercentColumnWithoutPresentValuesNotScaled) {
  const CsvTable t = MustParse("csat,total_chats\n,1\nNA,2\n");
  EXPECT_TRUE(t.report.scaled_percent_columns.empty());
}

TEST(CsvLoader, InvalidCellsDoNotBlockScaling) {
  const CsvTable t = MustParse("csat\n0.5\nabc\n");
  EXPECT_DOUBLE_EQ(Column(t, Measure::kCsat)[0], 50);
  EXPECT_EQ(Invalid(t, Measure::kCsat), 1u);
  EXPECT_EQ(t.report.scaled_percent_columns, std::vector<std::string>{"csat"});
}

// --- Days ----------------------------------------------------------------------------------

TEST(CsvLoader, DayWithTimePartAndSlashes) {
  const CsvTable t = MustParse(
      "day,total_chats\n2025-01-05T10:00,1\n2025-01-05 10:00,2\n2025/01/06,3\n\" 2025-01-07 \",4\n");
  EXPECT_EQ(t.table.day,
            (std::vector<Day>{D(2025, 1, 5), D(2025, 1, 5), D(2025, 1, 6), D(2025, 1, 7)}));
  EXPECT_EQ(t.report.missing_days, 0u);
}

TEST(CsvLoader, InvalidDaysAreMissingDaysAndCounted) {
  const CsvTable t = MustParse(
      "day,total_chats\n2025-02-30,1\n2025-13-01,2\njunk,3\n,4\n2025-1-5,5\n31/02/2025,6\n"
      "2025-01-05,7\n");
  EXPECT_EQ(t.table.day, (std::vector<Day>{kNoDay, kNoDay, kNoDay, kNoDay, kNoDay, kNoDay,
                                           D(2025, 1, 5)}));
  EXPECT_EQ(t.report.missing_days, 6u);
  // The note names the first three, with their lines and what was expected.
  EXPECT_EQ(t.report.Warnings()[1],
            "6 rows with a missing or unreadable day: '2025-02-30' on line 2, '2025-13-01' on "
            "line 3, 'junk' on line 4; expected a day like 2025-01-31, 31/01/2025, 31.01.2025 or "
            "31 Jan 2025");
  EXPECT_EQ(t.table.rows, 7u);  // rows with a missing day are still rows
}

TEST(CsvLoader, RepeatedDayTextParsedOncePerRow) {
  // Consecutive equal day cells share a cached parse; a different one must not reuse it.
  const CsvTable t =
      MustParse("day\n2025-01-05\n2025-01-05\n2025-02-30\n2025-02-30\n2025-01-06\n");
  EXPECT_EQ(t.table.day,
            (std::vector<Day>{D(2025, 1, 5), D(2025, 1, 5), kNoDay, kNoDay, D(2025, 1, 6)}));
  EXPECT_EQ(t.report.missing_days, 2u);
}

// --- Names ---------------------------------------------------------------------------------

TEST(CsvLoader, ArabicNamesPreservedByteExactAndTrimmed) {
  const std::string name = "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf \xd8\xb9\xd9\x84\xd9\x8a";  // محمد علي
  const CsvTable t = MustParse("agent,supervisor\n  " + name + " ,\t" + name + "\t\n" + name +
                               "," + name + "\n");
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{name, name}));
  EXPECT_EQ(Names(t, Dimension::kSupervisor), (std::vector<std::string>{name, name}));
  EXPECT_EQ(t.table.names[Index(Dimension::kAgent)].names.size(), 1u);
}

TEST(CsvLoader, NamesCaseSensitiveAndDictionaryEncoded) {
  const CsvTable t = MustParse("agent\nAhmed\nahmed\nAhmed\nSara\n Sara\nAhmed\n");
  const NameColumn& agents = t.table.names[Index(Dimension::kAgent)];
  ASSERT_EQ(agents.codes.size(), 6u);
  EXPECT_EQ(agents.names.size(), 3u);  // Ahmed, ahmed, Sara
  EXPECT_EQ(agents.codes[0], agents.codes[2]);
  EXPECT_EQ(agents.codes[0], agents.codes[5]);
  EXPECT_NE(agents.codes[0], agents.codes[1]);
  EXPECT_EQ(agents.codes[3], agents.codes[4]);
  EXPECT_EQ(Names(t, Dimension::kAgent),
            (std::vector<std::string>{"Ahmed", "ahmed", "Ahmed", "Sara", "Sara", "Ahmed"}));
}

TEST(CsvLoader, ManyDistinctNamesInterned) {
  // Enough names to grow the interning table several times; long and short ones.
  std::string csv = "agent,team_leader\n";
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5000; ++i) {
      csv += "agent number " + std::to_string(i) + " with a long-ish name," +
             std::to_string(i % 7) + "\n";
    }
  }
  const CsvTable t = MustParse(csv);
  const NameColumn& agents = t.table.names[Index(Dimension::kAgent)];
  EXPECT_EQ(agents.names.size(), 5000u);
  EXPECT_EQ(t.table.names[Index(Dimension::kTeamLeader)].names.size(), 7u);
  for (std::size_t i = 0; i < 5000; ++i) ASSERT_EQ(agents.codes[i], agents.codes[i + 5000]);
  EXPECT_EQ(Names(t, Dimension::kAgent)[4321], "agent number 4321 with a long-ish name");
}

// --- Unreadable input ----------------------------------------------------------------------

TEST(CsvLoader, ZeroByteFileIsError) {
  const std::string message = MustFail("");
  EXPECT_NE(message.find("empty file: no header line"), std::string::npos) << message;
  EXPECT_NE(message.find("test.csv"), std::string::npos) << message;
}

TEST(CsvLoader, OnlyBlankLinesIsError) {
  EXPECT_NE(MustFail("\n\r\n  \n").find("no header"), std::string::npos);
  EXPECT_NE(MustFail("\xEF\xBB\xBF").find("no header"), std::string::npos);
}

TEST(CsvLoader, HeaderOnlyFileHasZeroRows) {
  const CsvTable t = MustParse("day,agent,total_chats,csat\n");
  EXPECT_EQ(t.table.rows, 0u);
  EXPECT_EQ(t.report.rows_loaded, 0u);
  EXPECT_TRUE(t.table.has_day);
  EXPECT_TRUE(t.table.names[Index(Dimension::kAgent)].present);
  EXPECT_TRUE(Column(t, Measure::kTotalChats).empty());
  EXPECT_TRUE(t.report.scaled_percent_columns.empty());
  const CsvTable no_newline = MustParse("day,agent");
  EXPECT_EQ(no_newline.table.rows, 0u);
  EXPECT_TRUE(no_newline.table.names[Index(Dimension::kAgent)].present);
}

TEST(CsvLoader, UnterminatedQuoteErrorNamesStartLine) {
  const std::string message =
      MustFail("agent,total_chats\n\"A\nB\",1\nSara,2\n\"Omar,3\nLina,4\n");
  EXPECT_NE(message.find("unterminated quoted field"), std::string::npos) << message;
  EXPECT_NE(message.find("line 5"), std::string::npos) << message;
}

TEST(CsvLoader, UnterminatedQuoteInHeader) {
  EXPECT_NE(MustFail("\"agent,total_chats\n").find("line 1"), std::string::npos);
}

// The note of a file read as Windows-1252 because it is not UTF-8 ("" when it was UTF-8).
std::string Windows1252Note(const CsvTable& t) {
  for (const std::string& note : t.report.notes) {
    if (note.starts_with("read as Windows-1252")) return note;
  }
  return "";
}

TEST(CsvLoader, InvalidUtf8ReadAsWindows1252NamingTheLine) {
  const CsvTable t = MustParse("agent,total_chats\nAhmed,1\nS\xE9ra,2\n");
  EXPECT_EQ(Windows1252Note(t),
            "read as Windows-1252: byte 0xE9 on line 3 is not UTF-8 (expected UTF-8 text)");
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{"Ahmed", "S\xC3\xA9ra"}));
}

TEST(CsvLoader, MalformedUtf8SequencesDetected) {
  for (const std::string bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                "\xF8\x88\x80\x80\x80", "\x80", "\xE2\x82", "\xE2\x82x"}) {
    EXPECT_NE(Windows1252Note(MustParse("agent\n" + bad + "\n")).find("on line 2"),
              std::string::npos);
  }
  // A truncated sequence at the very end of the input.
  EXPECT_NE(Windows1252Note(MustParse("agent\nabc\xE2\x82")).find("line 2"), std::string::npos);
  // Valid 2-, 3- and 4-byte sequences pass.
  const CsvTable t = MustParse("agent\n\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n");
  EXPECT_EQ(Names(t, Dimension::kAgent), std::vector<std::string>{"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"});
}

// Long runs of text are checked many bytes at a time: a bad byte must be found at any
// offset inside them, and good 3- and 4-byte characters accepted at any offset.
TEST(CsvLoader, Utf8CheckedAtEveryOffsetOfLongText) {
  std::string text;
  for (int i = 0; i < 12; ++i) text += "\xd8\xb7\xd8\xa7\xd8\xb1\xd9\x82 abc ";  // طارق abc
  for (std::size_t k = 0; k < text.size(); ++k) {
    const bool continuation = (static_cast<unsigned char>(text[k]) & 0xC0) == 0x80;
    for (const char bad : {'\xFF', '\0', '\x80', '\xC1'}) {
      if (bad == '\x80' && continuation) continue;  // still well formed
      std::string broken = text;
      broken[k] = bad;
      if (bad == '\0') {
        const std::string message = MustFail("agent\n" + broken + "\n");
        ASSERT_NE(message.find("NUL byte at line 2"), std::string::npos)
            << "offset " << k << ": " << message;
        continue;
      }
      const std::string note = Windows1252Note(MustParse("agent\n" + broken + "\n"));
      ASSERT_NE(note.find(" on line 2 is not UTF-8"), std::string::npos)
          << "offset " << k << ": " << note;
    }
    // A lead byte followed by ASCII.
    if ((static_cast<unsigned char>(text[k]) & 0xE0) == 0xC0) {
      std::string broken = text;
      broken[k + 1] = 'x';
      ASSERT_FALSE(Windows1252Note(MustParse("agent\n" + broken + "\n")).empty()) << k;
    }
    std::string wide = text;
    wide.insert(k, "\xE2\x82\xAC\xF0\x9F\x98\x80");  // € and an emoji
    if (continuation) continue;  // would split a character
    const CsvTable t = MustParse("agent\n" + wide + "\n");
    ASSERT_EQ(t.table.rows, 1u) << k;
  }
}

TEST(CsvLoader, NulByteIsError) {
  const std::string csv("agent\nAh\0med\n", 13);
  EXPECT_NE(MustFail(csv).find("line 2"), std::string::npos);
}

TEST(CsvLoader, Utf16WithoutByteOrderMarkIsErrorWithHint) {
  const std::string csv("a\0g\0e\0n\0t\0\n\0", 12);
  const std::string message = MustFail(csv);
  EXPECT_NE(message.find("UTF-16"), std::string::npos) << message;
}

// --- Files ---------------------------------------------------------------------------------

TEST(ReadCsvFile, ReadsFileAndNamesSource) {
  const TempFile file("day,agent,total_chats\n2025-01-05,Ahmed,3\n");
  Result<CsvTable> t = ReadCsvFile(file.path());
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->report.source, file.path());
  EXPECT_EQ(t->table.rows, 1u);
  EXPECT_EQ(t->table.day, std::vector<Day>{D(2025, 1, 5)});
}

TEST(ReadCsvFile, MissingFileIsClearError) {
  Result<CsvTable> t = ReadCsvFile("/nonexistent-dir/x.csv");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "cannot open '/nonexistent-dir/x.csv': No such file or directory");
}

TEST(ReadCsvFile, DirectoryIsClearError) {
  const TempFile file("agent\n");
  Result<CsvTable> t = ReadCsvFile(file.dir());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "cannot open '" + file.dir() + "': Is a directory");
}

TEST(ReadCsvFile, UnreadableFileIsClearError) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const TempFile file("agent\n");
  ASSERT_EQ(chmod(file.path().c_str(), 0), 0);
  Result<CsvTable> t = ReadCsvFile(file.path());
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "cannot open '" + file.path() + "': Permission denied");
}

TEST(ReadCsvFile, ZeroByteFileIsError) {
  const TempFile file("");
  Result<CsvTable> t = ReadCsvFile(file.path());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("empty file"), std::string::npos);
  EXPECT_NE(t.error().message.find(file.path()), std::string::npos);
}

// The file is read in pieces: rows, quoted line breaks, doubled quotes, CRLF pairs and
// multi-byte characters that straddle piece boundaries must parse exactly as in memory.
TEST(ReadCsvFile, LargeFileMatchesInMemoryParse) {
  std::string csv = "\xEF\xBB\xBF" "day,agent,team_leader,total_chats,csat\r\n";
  const std::string arabic = "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf";
  for (int i = 0; csv.size() < (std::size_t{5} << 20); ++i) {
    csv += "2025-01-" + std::to_string(10 + i % 20) + "," + arabic + std::to_string(i % 97) +
           ",\"Lead \"\"" + std::to_string(i % 13) + "\"\"\nline two\"," +
           std::to_string(i % 50) + "," + (i % 11 == 0 ? std::string("abc") : std::to_string(i % 100)) +
           (i % 3 == 0 ? "\r\n" : "\n");
    if (i % 1000 == 0) csv += "\n";
  }
  // One line longer than the read buffer.
  csv += "2025-01-05,\"" + std::string(3 << 20, 'x') + "\",t,1,2\n";
  const TempFile file(csv);

  Result<CsvTable> from_file = ReadCsvFile(file.path());
  ASSERT_TRUE(from_file.ok()) << from_file.error().message;
  const CsvTable in_memory = MustParse(csv);
  const CsvTable& a = *from_file;
  const CsvTable& b = in_memory;
  ASSERT_EQ(a.table.rows, b.table.rows);
  EXPECT_GT(a.table.rows, 50000u);
  EXPECT_EQ(a.table.day, b.table.day);
  for (const Dimension d : {Dimension::kAgent, Dimension::kTeamLeader}) {
    EXPECT_EQ(Names(a, d), Names(b, d));
  }
  EXPECT_EQ(Names(a, Dimension::kAgent).back().size(), std::size_t{3} << 20);
  EXPECT_EQ(Names(a, Dimension::kTeamLeader)[1], "Lead \"1\"\nline two");
  for (const Measure m : {Measure::kTotalChats, Measure::kCsat}) {
    const auto& x = Column(a, m);
    const auto& y = Column(b, m);
    ASSERT_EQ(x.size(), y.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_TRUE(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i]))) << i;
    }
    EXPECT_EQ(Invalid(a, m), Invalid(b, m));
  }
  EXPECT_GT(Invalid(a, Measure::kCsat), 0u);
  EXPECT_EQ(a.report.blank_lines, b.report.blank_lines);
  EXPECT_GT(a.report.blank_lines, 0u);
}

// The same, aimed: each tricky byte sequence is placed across the 1 MiB mark (where the
// reader's first piece ends) at every offset.
TEST(ReadCsvFile, TrickySequencesAcrossReadBoundary) {
  constexpr std::size_t kMark = std::size_t{1} << 20;
  struct Variant {
    std::string text;
    std::size_t tricky;  // offset of the first tricky byte in `text`
  };
  const std::vector<Variant> variants = {
      {"Sara,2\r\nOmar,3\n", 6},                       // CR | LF
      {"Sara,2\rOmar,3\n", 6},                         // lone CR
      {"\xd9\x85\xd8\xad\xf0\x9f\x98\x80,3\n", 0},     // multi-byte characters
      {"\"a\"\"b\",4\n", 2},                           // doubled quote
      {"\"ab\"\r\n\"c\"\n", 3},                        // closing quote, then CRLF
      {"\"x\ny\",5\n", 2},                             // line break inside quotes
      {"Sara,2\n\nOmar,3\n", 6},                       // blank line
  };
  for (const Variant& v : variants) {
    for (std::size_t j = 1; j <= 4; ++j) {
      std::string csv = "agent,total_chats\n";
      const std::size_t prefix = kMark - j - v.tricky;
      while (prefix - csv.size() > 40) csv += "filler,1\n";
      csv += std::string(prefix - csv.size() - 3, 'x') + ",1\n";
      ASSERT_EQ(csv.size(), prefix);
      csv += v.text + "last,9\n";
      const TempFile file(csv);
      Result<CsvTable> from_file = ReadCsvFile(file.path());
      ASSERT_TRUE(from_file.ok()) << from_file.error().message;
      const CsvTable in_memory = MustParse(csv);
      ASSERT_EQ(Names(*from_file, Dimension::kAgent), Names(in_memory, Dimension::kAgent))
          << v.text << " at mark - " << j;
      ASSERT_EQ(Names(in_memory, Dimension::kAgent).back(), "last");
      const auto& x = Column(*from_file, Measure::kTotalChats);
      const auto& y = Column(in_memory, Measure::kTotalChats);
      ASSERT_EQ(x.size(), y.size());
      for (std::size_t i = 0; i < x.size(); ++i) {
        ASSERT_TRUE(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i]))) << i;
      }
      EXPECT_EQ(from_file->report.blank_lines, in_memory.report.blank_lines);
    }
  }
}

TEST(ReadCsvFile, InvalidUtf8FarIntoFileReadAgainAsWindows1252) {
  std::string csv = "agent,total_chats\n";
  for (int i = 0; i < 200000; ++i) csv += "Ahmed,1\n";  // lines 2..200001
  csv += "Zo\xEB,2\n";                                   // line 200002
  const TempFile file(csv);
  Result<CsvTable> t = ReadCsvFile(file.path());
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(Windows1252Note(*t),
            "read as Windows-1252: byte 0xEB on line 200002 is not UTF-8 (expected UTF-8 text)");
  EXPECT_EQ(t->table.rows, 200001u);
  EXPECT_EQ(Names(*t, Dimension::kAgent).back(), "Zo\xC3\xAB");
}

TEST(ReadCsvFile, UnterminatedQuoteFarIntoFileNamesLine) {
  std::string csv = "agent,total_chats\n";
  for (int i = 0; i < 200000; ++i) csv += "\"Ah\nmed\",1\n";  // two lines each
  csv += "\"open,2\n";                                        // line 400002
  for (int i = 0; i < 1000; ++i) csv += "Sara,1\n";
  const TempFile file(csv);
  Result<CsvTable> t = ReadCsvFile(file.path());
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("line 400002"), std::string::npos) << t.error().message;
}

// --- The report's warnings -------------------------------------------------------------------

TEST(LoadReport, WarningsReadableAndInStableOrder) {
  LoadReport report;
  report.rows_loaded = 10;
  report.missing_columns = {"csat", "pending"};
  report.invalid_cells[Index(Measure::kCsat)] = 3;
  report.invalid_cells[Index(Measure::kTotalChats)] = 1;
  report.missing_days = 12;
  report.scaled_percent_columns = {"csat"};
  report.short_rows = 3;
  report.long_rows = 1;
  report.blank_lines = 2;
  report.invalid_examples[Index(Measure::kCsat)] = {{3, "32,5"}, {7, ""}};
  report.expected[Index(Measure::kCsat)] = "a number like 92.5 or 92.5%";
  EXPECT_EQ(report.Warnings(),
            (std::vector<std::string>{
                "missing columns: csat, pending",
                "column 'total_chats': 1 invalid value",
                "column 'csat': 3 invalid values: '32,5' on line 3, empty on line 7; expected a "
                "number like 92.5 or 92.5%",
                "12 rows with a missing or unreadable day",
                "column 'csat' given as fractions: scaled to percent",
                "3 short rows padded with empty fields",
                "1 long row: extra fields ignored",
                "2 blank lines skipped",
            }));
}

TEST(LoadReport, CleanLoadHasNoWarnings) {
  LoadReport report;
  report.rows_loaded = 5;
  EXPECT_TRUE(report.Warnings().empty());
  report.rows_loaded = 0;
  EXPECT_EQ(report.Warnings(), std::vector<std::string>{"no data rows"});
}

TEST(LoadReport, WarningsFromAParsedFile) {
  const CsvTable t = MustParse("agent,csat\nA,90\nB,abc\nC,x\nD,95\n");
  const std::vector<std::string> warnings = t.report.Warnings();
  ASSERT_GE(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].rfind("missing columns: day, team_leader, supervisor, total_chats", 0), 0u)
      << warnings[0];
  EXPECT_NE(warnings[0].find("(not in the header on line 1)"), std::string::npos) << warnings[0];
  EXPECT_EQ(warnings[1],
            "column 'csat': 2 invalid values: 'abc' on line 3, 'x' on line 4; expected a number "
            "like 92.5 or 92.5%");
}

}  // namespace
}  // namespace keeta
