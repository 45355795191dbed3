// The "Files from spreadsheets and other tools" rules of docs/kpis.md, one test per rule,
// each on a file the test makes (bytes included: UTF-16 LE/BE, Windows-1252) and checked
// value by value; then the seven real-world dialects of issue #8, each read with the
// numbers of the same rows in the plain format.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/engine.h"
#include "store/csv_dialect.h"
#include "store/csv_loader.h"

namespace keeta {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

CsvTable MustParse(std::string_view bytes, const LoadOptions& options = {}) {
  Result<CsvTable> parsed = ParseCsv(bytes, "dialect.csv", options);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  if (!parsed.ok()) return CsvTable{};
  return std::move(parsed).value();
}

std::string MustFail(std::string_view bytes, const LoadOptions& options = {}) {
  Result<CsvTable> parsed = ParseCsv(bytes, "dialect.csv", options);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? std::string() : parsed.error().message;
}

std::vector<double> Column(const CsvTable& t, Measure m) {
  const auto& column = t.table.measures[Index(m)];
  EXPECT_TRUE(column.has_value()) << Info(m).column << " absent";
  return column ? *column : std::vector<double>{};
}

// Value by value; NaN equals NaN.
void ExpectValues(const std::vector<double>& got, const std::vector<double>& want,
                  std::string_view what = "") {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << what << " row " << i << ": " << got[i];
    } else {
      EXPECT_DOUBLE_EQ(got[i], want[i]) << what << " row " << i;
    }
  }
}

std::vector<std::string> Names(const CsvTable& t, Dimension d) {
  const NameColumn& column = t.table.names[Index(d)];
  std::vector<std::string> out;
  for (const std::uint32_t code : column.codes) out.push_back(column.names.at(code));
  return out;
}

Day D(int y, int m, int d) { return *DayFromCivil(y, m, d); }

// The note that starts with `prefix`, or "".
std::string Note(const CsvTable& t, std::string_view prefix) {
  for (const std::string& w : t.report.Warnings()) {
    if (w.starts_with(prefix)) return w;
  }
  return "";
}

// UTF-8 text -> UTF-16 bytes with the byte-order mark.
std::string Utf16(std::string_view utf8, bool little) {
  std::u32string points;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
    points.push_back(cp);
    i += len;
  }
  std::string out = little ? "\xFF\xFE" : "\xFE\xFF";
  auto unit = [&](std::uint32_t u) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += little ? std::string{lo, hi} : std::string{hi, lo};
  };
  for (const char32_t cp : points) {
    if (cp >= 0x10000) {
      unit(0xD800 + ((cp - 0x10000) >> 10));
      unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

// A file in a fresh temporary directory, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& contents) {
    char dir_template[] = "/tmp/keeta_dialect_test_XXXXXX";
    dir_ = mkdtemp(dir_template);
    path_ = dir_ + "/data.csv";
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() {
    std::remove(path_.c_str());
    rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

// --- Encodings -----------------------------------------------------------------------------

constexpr std::string_view kUnicodeCsv =
    "agent,total_chats\n"
    "Zo\xC3\xAB,1\n"                          // Zoë
    "\xD8\xB7\xD8\xA7\xD8\xB1\xD9\x82,2\n"    // طارق
    "Smile \xF0\x9F\x98\x80,3\n";             // an emoji: a UTF-16 surrogate pair

TEST(Encoding, Utf16LittleEndianWithBomDecoded) {
  const CsvTable t = MustParse(Utf16(kUnicodeCsv, /*little=*/true));
  EXPECT_EQ(Names(t, Dimension::kAgent),
            (std::vector<std::string>{"Zo\xC3\xAB", "\xD8\xB7\xD8\xA7\xD8\xB1\xD9\x82",
                                      "Smile \xF0\x9F\x98\x80"}));
  ExpectValues(Column(t, Measure::kTotalChats), {1, 2, 3});
  EXPECT_EQ(Note(t, "decoded from"), "decoded from UTF-16 LE (byte-order mark on line 1)");
}

TEST(Encoding, Utf16BigEndianWithBomDecoded) {
  const CsvTable t = MustParse(Utf16(kUnicodeCsv, /*little=*/false));
  EXPECT_EQ(Names(t, Dimension::kAgent)[0], "Zo\xC3\xAB");
  EXPECT_EQ(Names(t, Dimension::kAgent)[2], "Smile \xF0\x9F\x98\x80");
  ExpectValues(Column(t, Measure::kTotalChats), {1, 2, 3});
  EXPECT_EQ(Note(t, "decoded from"), "decoded from UTF-16 BE (byte-order mark on line 1)");
}

TEST(Encoding, Utf16FileReadInPiecesMatchesInMemory) {
  // Over several 1 MiB read chunks, so characters and lines straddle the chunk ends.
  std::string csv = "day,agent,total_chats\n";
  for (int i = 0; i < 60000; ++i) {
    csv += "2025-01-" + std::to_string(1 + i % 28) + ",Zo\xC3\xAB \xF0\x9F\x98\x80," +
           std::to_string(i) + "\n";
  }
  for (const bool little : {true, false}) {
    const TempFile file(Utf16(csv, little));
    Result<CsvTable> from_file = ReadCsvFile(file.path());
    ASSERT_TRUE(from_file.ok()) << from_file.error().message;
    const CsvTable plain = MustParse(csv);
    EXPECT_EQ(from_file->table.rows, 60000u);
    EXPECT_EQ(from_file->table.day, plain.table.day);
    EXPECT_EQ(Names(*from_file, Dimension::kAgent), Names(plain, Dimension::kAgent));
    ExpectValues(Column(*from_file, Measure::kTotalChats), Column(plain, Measure::kTotalChats));
  }
}

TEST(Encoding, Utf16UnpairedSurrogateIsError) {
  std::string bytes = Utf16("agent\nx\n", true);
  bytes.insert(bytes.size() - 2, "\x00\xD8", 2);  // a high surrogate before the last LF
  EXPECT_NE(MustFail(bytes).find("invalid UTF-16 at line 2"), std::string::npos);
}

TEST(Encoding, Windows1252WhenNotUtf8AndNoNul) {
  // One "Zoë" in Windows-1252 (0xEB), a euro sign (0x80) and a curly quote (0x92).
  const CsvTable t = MustParse("agent,total_chats\nAhmed,1\nZo\xEB,2\nPrice \x80,3\nO\x92Neil,4\n");
  EXPECT_EQ(Names(t, Dimension::kAgent),
            (std::vector<std::string>{"Ahmed", "Zo\xC3\xAB", "Price \xE2\x82\xAC",
                                      "O\xE2\x80\x99Neil"}));
  ExpectValues(Column(t, Measure::kTotalChats), {1, 2, 3, 4});
  EXPECT_EQ(Note(t, "read as Windows-1252"),
            "read as Windows-1252: byte 0xEB on line 3 is not UTF-8 (expected UTF-8 text)");
}

TEST(Encoding, Windows1252FileReadAgainFromDisk) {
  const TempFile file("\xEF\xBB\xBF" "agent,total_chats\nZo\xEB,2\n");
  Result<CsvTable> t = ReadCsvFile(file.path());
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(Names(*t, Dimension::kAgent), std::vector<std::string>{"Zo\xC3\xAB"});
  EXPECT_NE(Note(*t, "read as Windows-1252").find("byte 0xEB on line 2"), std::string::npos);
}

TEST(Encoding, NulByteIsStillAnError) {
  EXPECT_NE(MustFail(std::string("agent\nZo\xEB\nA\0b\n", 13)).find("NUL byte at line 3"),
            std::string::npos);
}

// --- Delimiter -----------------------------------------------------------------------------

TEST(Delimiter, SemicolonDetectedFromKnownColumns) {
  const CsvTable t = MustParse("day;agent;total_chats\n2025-01-05;Ahmed;3\n2025-01-06;Sara;4\n");
  EXPECT_EQ(Names(t, Dimension::kAgent), (std::vector<std::string>{"Ahmed", "Sara"}));
  ExpectValues(Column(t, Measure::kTotalChats), {3, 4});
  EXPECT_EQ(Note(t, "delimiter"),
            "delimiter ';' detected from the header on line 1: it splits the header into 3 known "
            "columns (3 fields; ',' 0, 'tab' 0, '|' 0)");
}

TEST(Delimiter, TabAndPipeDetected) {
  const CsvTable tab = MustParse("agent\ttotal_chats\nAhmed\t3\n");
  ExpectValues(Column(tab, Measure::kTotalChats), {3});
  const CsvTable pipe = MustParse("agent|total_chats|csat\nAhmed|3|92.5\n");
  ExpectValues(Column(pipe, Measure::kCsat), {92.5});  // `|` keeps the decimal point
}

TEST(Delimiter, MostKnownColumnsWinsOverMostFields) {
  // Split by `,` this header has 4 fields and no known column; by `;` 2 known ones.
  const CsvTable t = MustParse("agent;total_chats,a,b,c\nAhmed;3,x,y,z\n");
  EXPECT_EQ(Names(t, Dimension::kAgent), std::vector<std::string>{"Ahmed"});
}

TEST(Delimiter, TieGoesToMostFields) {
  // No known column either way: `;` gives 3 fields, `,` gives 2.
  const CsvTable t = MustParse("a;b;c,d\n1;2;3,4\n");
  EXPECT_EQ(t.report.header_fields, 3u);
}

TEST(Delimiter, OptionOverridesDetection) {
  LoadOptions options;
  options.delimiter = ',';
  const CsvTable t = MustParse("agent;total_chats\nAhmed;3\n", options);
  EXPECT_EQ(t.report.header_fields, 1u);  // one field named "agent;total_chats"
  EXPECT_EQ(t.report.unmatched_headers, std::vector<std::string>{"agent;total_chats"});
}

TEST(Delimiter, QuotedDelimiterInHeaderIgnored) {
  const CsvTable t = MustParse("\"agent;x\",total_chats\nAhmed,3\n");
  ExpectValues(Column(t, Measure::kTotalChats), {3});
}

// --- Numbers -------------------------------------------------------------------------------

TEST(Numbers, DecimalCommaInSemicolonFile) {
  const CsvTable t = MustParse(
      "csat;total_chats\n32,5;1.234\n92;1.234.567\n\"1.234,5\";12\n1 234,25;7\n1.23,4;1,5\n"
      "92,5 %;-3\n");
  ExpectValues(Column(t, Measure::kCsat), {32.5, 92, 1234.5, 1234.25, kNaN, 92.5});
  ExpectValues(Column(t, Measure::kTotalChats), {1234, 1234567, 12, 7, 1.5, -3});
  EXPECT_EQ(t.report.invalid_cells[Index(Measure::kCsat)], 1u);
  EXPECT_EQ(Note(t, "column 'csat'"),
            "column 'csat': 1 invalid value: '1.23,4' on line 6; expected a number like 92,5 or "
            "92,5%");
  EXPECT_EQ(Note(t, "numbers read with a decimal comma"),
            "numbers read with a decimal comma (the file is ';'- or tab-separated), e.g. '32,5' "
            "on line 2");
}

TEST(Numbers, DecimalCommaInTabFile) {
  const CsvTable t = MustParse("csat\ttotal_chats\n87,25\t2.000\n");
  ExpectValues(Column(t, Measure::kCsat), {87.25});
  ExpectValues(Column(t, Measure::kTotalChats), {2000});
}

TEST(Numbers, CommaGroupsThousandsInCommaFile) {
  const CsvTable t = MustParse(
      "total_chats,csat\n\"1,234\",1\n\"12,345,678\",2\n\"1,234.5\",3\n\"1,23\",4\n\"1234,5\",5\n"
      "\"1,2345\",6\n");
  ExpectValues(Column(t, Measure::kTotalChats), {1234, 12345678, 1234.5, kNaN, kNaN, kNaN});
  EXPECT_EQ(t.report.invalid_cells[Index(Measure::kTotalChats)], 3u);
  EXPECT_EQ(Note(t, "column 'total_chats'"),
            "column 'total_chats': 3 invalid values: '1,23' on line 5, '1234,5' on line 6, "
            "'1,2345' on line 7; expected a number like 1234 or 1,234");
}

TEST(Numbers, PercentWithSpace) {
  const CsvTable t = MustParse("csat,sales_conversion\n92 %,12.5 %\n 88%,%\n");
  ExpectValues(Column(t, Measure::kCsat), {92, 88});
  ExpectValues(Column(t, Measure::kSalesConversion), {12.5, kNaN});
}

TEST(Numbers, DurationsConvertedToTheColumnsUnit) {
  const CsvTable t = MustParse(
      "avg_response_time,avg_chat_duration,avg_queue_time,total_chats\n"
      "00:00:32,00:06:30,02:30,1\n"
      "01:02:03,05:30,0:45,2\n"
      "00:00:32.5,12.5,00:61,00:10\n");
  ExpectValues(Column(t, Measure::kAvgResponseTime), {32, 3723, 32.5});
  ExpectValues(Column(t, Measure::kAvgChatDuration), {6.5, 5.5, 12.5});
  ExpectValues(Column(t, Measure::kAvgQueueTime), {150, 45, kNaN});  // 61 seconds: invalid
  ExpectValues(Column(t, Measure::kTotalChats), {1, 2, kNaN});      // not a time column
  EXPECT_EQ(Note(t, "column 'avg_response_time': 3 durations"),
            "column 'avg_response_time': 3 durations converted to seconds, e.g. '00:00:32' on "
            "line 2");
  EXPECT_EQ(Note(t, "column 'avg_chat_duration': 2 durations"),
            "column 'avg_chat_duration': 2 durations converted to minutes, e.g. '00:06:30' on "
            "line 2");
  EXPECT_EQ(Note(t, "column 'avg_queue_time': 1 invalid"),
            "column 'avg_queue_time': 1 invalid value: '00:61' on line 4; expected seconds like "
            "32.5 or a duration like 00:00:32");
}

// --- Days ----------------------------------------------------------------------------------

TEST(Days, SpreadsheetForms) {
  const CsvTable t = MustParse(
      "day,total_chats\n15.01.2025,1\n16-01-2025,2\n17 Jan 2025,3\n18-jan-2025,4\n"
      "19.01.2025 10:00,5\n20-Jan-2025T08:00:00+02:00,6\n2025-01-21,7\n31.02.2025,8\n"
      "15 Foo 2025,9\n");
  EXPECT_EQ(t.table.day,
            (std::vector<Day>{D(2025, 1, 15), D(2025, 1, 16), D(2025, 1, 17), D(2025, 1, 18),
                              D(2025, 1, 19), D(2025, 1, 20), D(2025, 1, 21), kNoDay, kNoDay}));
  EXPECT_EQ(t.report.missing_days, 2u);
  EXPECT_EQ(Note(t, "days in spreadsheet forms"),
            "days in spreadsheet forms read, e.g. '15.01.2025' on line 2");
}

TEST(Days, FirstPartAbove12MeansDayFirst) {
  const CsvTable t = MustParse("day,total_chats\n02/01/2025,1\n15/01/2025,2\n3/2/2025 09:30,3\n");
  EXPECT_EQ(t.table.day, (std::vector<Day>{D(2025, 1, 2), D(2025, 1, 15), D(2025, 2, 3)}));
  EXPECT_EQ(Note(t, "days a/b/YYYY"),
            "days a/b/YYYY read day-first (DD/MM/YYYY): '15/01/2025' on line 3 has a first part "
            "above 12");
}

TEST(Days, SecondPartAbove12MeansMonthFirst) {
  const CsvTable t = MustParse("day,total_chats\n02/01/2025,1\n01/15/2025,2\n12/31/2025,3\n");
  EXPECT_EQ(t.table.day, (std::vector<Day>{D(2025, 2, 1), D(2025, 1, 15), D(2025, 12, 31)}));
  EXPECT_EQ(Note(t, "days a/b/YYYY"),
            "days a/b/YYYY read month-first (MM/DD/YYYY): '01/15/2025' on line 3 has a second "
            "part above 12");
}

TEST(Days, AmbiguousMeansDayFirstUnlessMonthFirst) {
  const std::string csv = "day,total_chats\n02/01/2025,1\n03/04/2025,2\n";
  const CsvTable day_first = MustParse(csv);
  EXPECT_EQ(day_first.table.day, (std::vector<Day>{D(2025, 1, 2), D(2025, 4, 3)}));
  EXPECT_EQ(Note(day_first, "days a/b/YYYY"),
            "days a/b/YYYY are ambiguous (no part above 12, e.g. '02/01/2025' on line 2): read "
            "day-first (DD/MM/YYYY); use --month-first if they are MM/DD/YYYY");
  LoadOptions options;
  options.month_first = true;
  const CsvTable month_first = MustParse(csv, options);
  EXPECT_EQ(month_first.table.day, (std::vector<Day>{D(2025, 2, 1), D(2025, 3, 4)}));
  EXPECT_NE(Note(month_first, "days a/b/YYYY").find("read month-first as --month-first says"),
            std::string::npos);
}

TEST(Days, MonthFirstOptionYieldsToTheData) {
  LoadOptions options;
  options.month_first = true;
  const CsvTable t = MustParse("day\n02/01/2025\n25/12/2025\n", options);
  EXPECT_EQ(t.table.day, (std::vector<Day>{D(2025, 1, 2), D(2025, 12, 25)}));
  EXPECT_NE(Note(t, "days a/b/YYYY").find("--month-first ignored"), std::string::npos);
}

TEST(Days, BothOrdersInOneFileIsAnErrorNamingALineOfEach) {
  const std::string message =
      MustFail("day,total_chats\n01/02/2025,1\n15/01/2025,2\n01/20/2025,3\n16/01/2025,4\n");
  EXPECT_EQ(message,
            "dialect.csv: days conflict: '15/01/2025' on line 3 is day-first (DD/MM/YYYY) but "
            "'01/20/2025' on line 4 is month-first (MM/DD/YYYY); one file must use one order");
}

TEST(Days, ImpossibleDayAfterTheDecisionIsAMissingDayWithItsLine) {
  const CsvTable t = MustParse("day\n15/01/2025\n\n31/02/2025\n13/13/2025\n");
  EXPECT_EQ(t.table.day, (std::vector<Day>{D(2025, 1, 15), kNoDay, kNoDay}));
  EXPECT_EQ(t.report.missing_days, 2u);
  // Line 4 (after a blank line) and line 5; found after the whole file was read.
  EXPECT_EQ(DescribeExamples(t.report.missing_day_examples),
            "'31/02/2025' on line 4, '13/13/2025' on line 5");
}

// --- Headers -------------------------------------------------------------------------------

TEST(Headers, NormalisedBeforeMatching) {
  EXPECT_EQ(NormaliseHeader("  Avg. Response Time (sec) "), "avg_response_time");
  EXPECT_EQ(NormaliseHeader("CSAT %"), "csat");
  EXPECT_EQ(NormaliseHeader("CSAT(%)"), "csat");
  EXPECT_EQ(NormaliseHeader("Total  Chats"), "total_chats");
  EXPECT_EQ(NormaliseHeader("team-leader"), "team_leader");
  EXPECT_EQ(NormaliseHeader("Avg Chat Duration (min)"), "avg_chat_duration");
  EXPECT_EQ(NormaliseHeader("Avg Queue Time (s)"), "avg_queue_time");
  EXPECT_EQ(NormaliseHeader("__Sales..Conversion__"), "sales_conversion");
  const CsvTable t = MustParse(
      "Date,Agent Name,Team Leader,Supervisor,Total Chats,CSAT %\n2025-01-05,Ahmed,Sara,Omar,7,90\n");
  EXPECT_EQ(t.report.missing_columns,
            (std::vector<std::string>{"avg_response_time", "active_agents", "escalations",
                                      "resolved", "pending", "avg_chat_duration",
                                      "sales_conversion", "avg_queue_time"}));
  EXPECT_EQ(Names(t, Dimension::kTeamLeader), std::vector<std::string>{"Sara"});
  ExpectValues(Column(t, Measure::kCsat), {90});
  EXPECT_EQ(Note(t, "headers on line 1"),
            "headers on line 1 read by name rules: 'Date' as day, 'Agent Name' as agent, "
            "'Team Leader' as team_leader, 'Total Chats' as total_chats, 'CSAT %' as csat");
}

TEST(Headers, EveryAliasOfTheSpec) {
  const std::vector<std::pair<std::string, std::string>> aliases = {
      {"date", "day"},
      {"Report Date", "day"},
      {"agent_name", "agent"},
      {"Team Lead", "team_leader"},
      {"TL", "team_leader"},
      {"Chats", "total_chats"},
      {"Chats Handled", "total_chats"},
      {"CSAT Score", "csat"},
      {"Customer Satisfaction (%)", "csat"},
      {"First Response Time (sec)", "avg_response_time"},
      {"Avg First Response", "avg_response_time"},
      {"Resolved Tickets", "resolved"},
      {"Pending Tickets", "pending"},
      {"Open Tickets", "pending"},
      {"Chat Duration (min)", "avg_chat_duration"},
      {"Avg Handle Time", "avg_chat_duration"},
      {"Conversion Rate %", "sales_conversion"},
      {"Queue Time", "avg_queue_time"},
      {"Avg Wait Time (s)", "avg_queue_time"},
  };
  for (const auto& [header, column] : aliases) {
    const std::optional<ColumnId> id = ColumnForHeader(NormaliseHeader(header));
    ASSERT_TRUE(id.has_value()) << header;
    EXPECT_EQ(CanonicalName(*id), column) << header;
  }
}

TEST(Headers, UnmatchedListedWithLineAndWhatWasExpected) {
  const CsvTable t = MustParse("agent,Region,Notes,total_chats\nAhmed,EU,x,1\n");
  EXPECT_EQ(t.report.unmatched_headers, (std::vector<std::string>{"Region", "Notes"}));
  EXPECT_EQ(Note(t, "headers on line 1 not used"),
            "headers on line 1 not used: 'Region', 'Notes'; expected a known column name or alias "
            "(docs/kpis.md), or map one with --column KPI=HEADER");
}

TEST(Headers, ExplicitMappingWinsOverAliases) {
  LoadOptions options;
  options.columns = {{"total_chats", "Score"}, {"csat", "chats"}};
  const CsvTable t = MustParse("Chats,Score\n7,90\n", options);
  ExpectValues(Column(t, Measure::kTotalChats), {90});
  ExpectValues(Column(t, Measure::kCsat), {7});
  EXPECT_NE(Note(t, "headers on line 1").find("'Score' as total_chats (--column)"),
            std::string::npos);
}

TEST(Headers, MappingToAnAbsentHeaderIsAnError) {
  LoadOptions options;
  options.columns = {{"csat", "Score"}};
  EXPECT_EQ(MustFail("agent,csat_pct\nA,1\n", options),
            "dialect.csv: --column csat=Score: no such header on line 1 (the header has "
            "'agent', 'csat_pct')");
}

TEST(Headers, ColumnOptionParsed) {
  const auto ok = ParseColumnOption("Chats=Total handled");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->first, "total_chats");
  EXPECT_EQ(ok->second, "Total handled");
  EXPECT_FALSE(ParseColumnOption("score=x").ok());
  EXPECT_FALSE(ParseColumnOption("csat").ok());
  EXPECT_FALSE(ParseColumnOption("csat=").ok());
  EXPECT_EQ(*ParseDelimiterOption("tab"), '\t');
  EXPECT_EQ(*ParseDelimiterOption(";"), ';');
  EXPECT_FALSE(ParseDelimiterOption(":").ok());
  EXPECT_EQ(*ParseCsatScaleOption("5"), 5);
  EXPECT_FALSE(ParseCsatScaleOption("10").ok());
}

// --- Scales --------------------------------------------------------------------------------

TEST(Scales, CsatOnOneToFiveIsWarnedNotChanged) {
  const CsvTable t = MustParse("csat\n4\n3.5\n\n5\nNA\n");
  ExpectValues(Column(t, Measure::kCsat), {4, 3.5, 5, kNaN});
  EXPECT_EQ(Note(t, "column 'csat' looks like"),
            "column 'csat' looks like a 1–5 rating (every value within 1–5, e.g. '4' on line 2, "
            "'3.5' on line 3, '5' on line 5): shown as given, not as a percent; expected 0–100 %, "
            "or use --csat-scale 5 to map 1..5 to 0..100 %");
  // Not when a value is above 5, nor when every value is 1 (fractions: 1 = 100 %).
  EXPECT_EQ(Note(MustParse("csat\n4\n60\n"), "column 'csat' looks like"), "");
  EXPECT_EQ(Note(MustParse("csat\n1\n1\n"), "column 'csat' looks like"), "");
}

TEST(Scales, CsatScaleFiveMapsLinearly) {
  LoadOptions options;
  options.csat_scale = 5;
  const CsvTable t = MustParse("csat\n1\n3\n5\n4.2\nNA\n", options);
  ExpectValues(Column(t, Measure::kCsat), {0, 50, 100, 80, kNaN});
  EXPECT_EQ(Note(t, "column 'csat' read as"),
            "column 'csat' read as a 1–5 rating (--csat-scale 5): 1..5 mapped to 0..100 %, e.g. "
            "'1' on line 2, '3' on line 3, '5' on line 4");
}

// --- Where ---------------------------------------------------------------------------------

TEST(Where, NotesCarryLineNumbersPastQuotedLineBreaksAndBlankLines) {
  const CsvTable t = MustParse(
      "agent,csat,total_chats\n"
      "\"Ah\nmed\",90,1\n"  // lines 2-3
      "\n"                  // line 4
      "Sara,abc,2\n"        // line 5
      "Omar,x,3,extra\n"    // line 6
      "Lina,\"y\",\n"       // line 7
      "Zed,q,4\n");         // line 8
  EXPECT_EQ(Note(t, "column 'csat'"),
            "column 'csat': 4 invalid values: 'abc' on line 5, 'x' on line 6, 'y' on line 7; "
            "expected a number like 92.5 or 92.5%");
  EXPECT_EQ(Note(t, "1 long row"),
            "1 long row: extra fields ignored: line 6 has 4 fields; expected 3 fields as in the "
            "header");
  EXPECT_EQ(Note(t, "1 blank line"), "1 blank line skipped (line 4)");
}

TEST(Where, WholeColumnNotesFindTheirLinesAfterTheLastRow) {
  const CsvTable t = MustParse("agent,csat\n\"A\n\",0.5\n\nB,0.25\n");
  EXPECT_EQ(Note(t, "column 'csat' given as fractions"),
            "column 'csat' given as fractions (every value within 0–1, e.g. '0.5' on line 2, "
            "'0.25' on line 5): scaled to percent");
}

TEST(Where, EveryNoteHasALineNumber) {
  // A file that sets off every kind of note at once.
  const CsvTable t = MustParse(
      "Date;Agent Name;Region;CSAT;avg_response_time;total_chats\n"
      "15/01/2025;Ahmed;EU;4;00:00:32;1,5\n"
      "\n"
      "x;Sara;EU;;12;abc\n"
      "16/01/2025;Omar\n");
  for (const std::string& warning : t.report.Warnings()) {
    EXPECT_NE(warning.find("line"), std::string::npos) << warning;
  }
  EXPECT_GE(t.report.Warnings().size(), 8u);
}

// --- The seven dialects of issue #8, read with the reference's numbers ------------------------

// The reference: a small dataset in the plain format.
constexpr std::string_view kPlain =
    "day,agent,team_leader,supervisor,total_chats,avg_response_time,csat,active_agents,"
    "escalations,resolved,pending,avg_chat_duration,sales_conversion,avg_queue_time\n"
    "2025-01-02,Ahmed,Sara,Omar,1234,32,92.5,1,3,40,2,6.5,12.25,45\n"
    "2025-01-02,Zo\xC3\xAB,Sara,Omar,980,41,88,1,1,35,5,7,10.5,60\n"
    "2025-01-15,Ahmed,Sara,Omar,1500,29,95,1,0,50,1,5.5,14,30\n"
    "2025-01-15,Lina,Khaled,Omar,720,55,81.25,0,4,20,8,8.25,9,90\n"
    "2025-02-03,Zo\xC3\xAB,Sara,Omar,1100,38,90,1,2,44,3,6,11.5,52\n";

struct Rows {
  std::string day, agent, tl, sup, chats, response, csat, active, esc, resolved, pending,
      duration, conversion, queue;
};
const std::vector<Rows>& PlainRows() {
  static const std::vector<Rows> rows = {
      {"2025-01-02", "Ahmed", "Sara", "Omar", "1234", "32", "92.5", "1", "3", "40", "2", "6.5", "12.25", "45"},
      {"2025-01-02", "Zo\xC3\xAB", "Sara", "Omar", "980", "41", "88", "1", "1", "35", "5", "7", "10.5", "60"},
      {"2025-01-15", "Ahmed", "Sara", "Omar", "1500", "29", "95", "1", "0", "50", "1", "5.5", "14", "30"},
      {"2025-01-15", "Lina", "Khaled", "Omar", "720", "55", "81.25", "0", "4", "20", "8", "8.25", "9", "90"},
      {"2025-02-03", "Zo\xC3\xAB", "Sara", "Omar", "1100", "38", "90", "1", "2", "44", "3", "6", "11.5", "52"},
  };
  return rows;
}

// Writes PlainRows in a dialect: a header line and a function from a row to a line.
std::string Write(std::string header, const std::function<std::string(const Rows&)>& line) {
  std::string out = std::move(header);
  for (const Rows& r : PlainRows()) out += line(r) + "\r\n";
  return out;
}

std::string Comma(std::string s) {  // 92.5 -> 92,5
  for (char& c : s) c = c == '.' ? ',' : c;
  return s;
}
std::string Thousands(const std::string& s, char sep) {  // 1234 -> 1.234
  return s.size() > 3 ? s.substr(0, s.size() - 3) + sep + s.substr(s.size() - 3) : s;
}
std::string Ymd(const Rows& r, const std::string& pattern) {
  const std::string y = r.day.substr(0, 4), m = r.day.substr(5, 2), d = r.day.substr(8, 2);
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string out;
  for (const char c : pattern) {
    if (c == 'Y') out += y;
    else if (c == 'M') out += m;
    else if (c == 'D') out += d;
    else if (c == 'N') out += kMonths[std::stoi(m) - 1];
    else out += c;
  }
  return out;
}
std::string Clock(const std::string& seconds) {  // 45 -> 00:00:45
  const int s = std::stoi(seconds);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return buf;
}
std::string MinutesClock(const std::string& minutes) {  // 6.5 -> 00:06:30
  const int s = static_cast<int>(std::lround(std::stod(minutes) * 60));
  return Clock(std::to_string(s));
}
std::string Cp1252(std::string s) {  // the test data's one non-ASCII letter
  const std::string zoe = "Zo\xC3\xAB";
  for (std::size_t at; (at = s.find(zoe)) != std::string::npos;) s.replace(at, zoe.size(), "Zo\xEB");
  return s;
}

std::string Dialect(int which) {
  switch (which) {
    case 0:  // an Excel export in a European locale: `;`, decimal commas, 1.234, DD.MM.YYYY
      return Write(
          "Date;Agent Name;Team Leader;Supervisor;Total Chats;Avg Response Time (sec);CSAT %;"
          "Active Agents;Escalations;Resolved Tickets;Pending Tickets;Avg Chat Duration (min);"
          "Conversion Rate %;Avg Queue Time (sec)\r\n",
          [](const Rows& r) {
            return Ymd(r, "D.M.Y") + ";" + r.agent + ";" + r.tl + ";" + r.sup + ";" +
                   Thousands(r.chats, '.') + ";" + r.response + ";" + Comma(r.csat) + " %;" +
                   r.active + ";" + r.esc + ";" + r.resolved + ";" + r.pending + ";" +
                   Comma(r.duration) + ";" + Comma(r.conversion) + "%;" + r.queue;
          });
    case 1:  // day-first days DD/MM/YYYY
      return Write(std::string(kPlain.substr(0, kPlain.find('\n') + 1)), [](const Rows& r) {
        return Ymd(r, "D/M/Y") + "," + r.agent + "," + r.tl + "," + r.sup + "," + r.chats + "," +
               r.response + "," + r.csat + "," + r.active + "," + r.esc + "," + r.resolved + "," +
               r.pending + "," + r.duration + "," + r.conversion + "," + r.queue;
      });
    case 2:  // US days MM/DD/YYYY, quoted thousands, 15-Jan-2025 would do as well
      return Write(std::string(kPlain.substr(0, kPlain.find('\n') + 1)), [](const Rows& r) {
        return Ymd(r, "M/D/Y") + " 08:00 AM," + r.agent + "," + r.tl + "," + r.sup + ",\"" +
               Thousands(r.chats, ',') + "\"," + r.response + "," + r.csat + "%," + r.active +
               "," + r.esc + "," + r.resolved + "," + r.pending + "," + r.duration + "," +
               r.conversion + "," + r.queue;
      });
    case 3:  // UTF-16 LE with a byte-order mark, tab-separated (Excel's "Unicode text")
      return Utf16(Write("day\tagent\tteam_leader\tsupervisor\ttotal_chats\tavg_response_time\t"
                         "csat\tactive_agents\tescalations\tresolved\tpending\t"
                         "avg_chat_duration\tsales_conversion\tavg_queue_time\r\n",
                         [](const Rows& r) {
                           return r.day + "\t" + r.agent + "\t" + r.tl + "\t" + r.sup + "\t" +
                                  r.chats + "\t" + r.response + "\t" + Comma(r.csat) + "\t" +
                                  r.active + "\t" + r.esc + "\t" + r.resolved + "\t" +
                                  r.pending + "\t" + Comma(r.duration) + "\t" +
                                  Comma(r.conversion) + "\t" + r.queue;
                         }),
                   /*little=*/true);
    case 4:  // Windows-1252
      return Cp1252(std::string(kPlain));
    case 5:  // aliases, DD-Mon-YYYY
      return Write(
          "Report Date,Agent_Name,TL,Supervisor,Chats Handled,First Response Time,"
          "Customer Satisfaction,Active Agents,Escalations,Resolved,Open Tickets,"
          "Avg Handle Time,Conversion Rate,Avg Wait Time,Region\r\n",
          [](const Rows& r) {
            return Ymd(r, "D-N-Y") + "," + r.agent + "," + r.tl + "," + r.sup + "," + r.chats +
                   "," + r.response + "," + r.csat + "," + r.active + "," + r.esc + "," +
                   r.resolved + "," + r.pending + "," + r.duration + "," + r.conversion + "," +
                   r.queue + ",EU";
          });
    default:  // durations HH:MM:SS in the time columns
      return Write(std::string(kPlain.substr(0, kPlain.find('\n') + 1)), [](const Rows& r) {
        return r.day + "," + r.agent + "," + r.tl + "," + r.sup + "," + r.chats + "," +
               Clock(r.response) + "," + r.csat + "," + r.active + "," + r.esc + "," +
               r.resolved + "," + r.pending + "," + MinutesClock(r.duration) + "," +
               r.conversion + "," + Clock(r.queue);
      });
  }
}

std::shared_ptr<const Dataset> Load(std::string_view bytes) {
  CsvTable t = MustParse(bytes);
  return Dataset::Build(std::move(t.table), std::move(t.report));
}

TEST(RealWorldDialects, SevenOfSevenReadWithTheReferenceNumbers) {
  const char* kNames[] = {"EU Excel", "day-first", "US dates", "UTF-16", "Windows-1252",
                          "aliases", "durations"};
  const auto reference = Load(kPlain);
  const Dashboard want = ComputeDashboard(*reference, Query{});
  ASSERT_EQ(want.rows, 5u);
  for (int which = 0; which < 7; ++which) {
    SCOPED_TRACE(kNames[which]);
    const auto data = Load(Dialect(which));
    const Dashboard got = ComputeDashboard(*data, Query{});
    EXPECT_EQ(got.rows, want.rows);
    EXPECT_EQ(got.days, want.days);
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      SCOPED_TRACE(std::string(want.kpis[k].def->id));
      EXPECT_EQ(got.kpis[k].available, want.kpis[k].available);
      ASSERT_EQ(got.kpis[k].value.has_value(), want.kpis[k].value.has_value());
      if (want.kpis[k].value) {
        EXPECT_NEAR(*got.kpis[k].value, *want.kpis[k].value, 1e-9);
      }
      ExpectValues(got.kpis[k].trend, want.kpis[k].trend);
    }
    EXPECT_EQ(data->Names(Dimension::kAgent), reference->Names(Dimension::kAgent));
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      EXPECT_EQ(data->report().invalid_cells[m], 0u) << kMeasures[m].column;
    }
    EXPECT_EQ(data->report().missing_days, 0u);
    EXPECT_TRUE(data->report().missing_columns.empty());
  }
}

}  // namespace
}  // namespace keeta
