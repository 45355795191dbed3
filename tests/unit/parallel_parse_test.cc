// The parallel parse (LoadOptions::parse_threads) gives exactly the serial parser's table,
// report and errors, on every file the loader's own tests and fuzz corpus use and on
// generated data, with the input cut between nearly every pair of rows (tiny pieces, many
// threads), inside quoted fields holding line breaks, and near junk of every kind whose
// examples carry line numbers. In memory (ParseCsv), from a file (ReadCsvFile) and through
// AppendableCsv.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "store/csv_loader.h"
#include "store/generator.h"

namespace keeta {
namespace {

namespace fs = std::filesystem;

void ExpectSameExamples(const std::vector<CellExample>& a, const std::vector<CellExample>& b,
                        const std::string& where) {
  ASSERT_EQ(a.size(), b.size()) << where;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].line, b[i].line) << where << " example " << i;
    EXPECT_EQ(a[i].value, b[i].value) << where << " example " << i;
  }
}

void ExpectSame(const Result<CsvTable>& got, const Result<CsvTable>& want, const std::string& where) {
  ASSERT_EQ(got.ok(), want.ok()) << where << ": "
                                 << (want.ok() ? got.error().message : want.error().message);
  if (!want.ok()) {
    EXPECT_EQ(got.error().message, want.error().message) << where;
    return;
  }
  const ParsedTable& a = got->table;
  const ParsedTable& b = want->table;
  ASSERT_EQ(a.rows, b.rows) << where;
  EXPECT_EQ(a.has_day, b.has_day) << where;
  EXPECT_EQ(a.day, b.day) << where;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    EXPECT_EQ(a.names[d].present, b.names[d].present) << where;
    EXPECT_EQ(a.names[d].names, b.names[d].names) << where;
    EXPECT_EQ(a.names[d].codes, b.names[d].codes) << where;
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    ASSERT_EQ(a.measures[m].has_value(), b.measures[m].has_value()) << where;
    if (!a.measures[m]) continue;
    ASSERT_EQ(a.measures[m]->size(), b.measures[m]->size()) << where;
    for (std::size_t r = 0; r < a.rows; ++r) {
      const double x = (*a.measures[m])[r];
      const double y = (*b.measures[m])[r];
      ASSERT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << where << " row " << r;
    }
  }
  const LoadReport& p = got->report;
  const LoadReport& q = want->report;
  EXPECT_EQ(p.Warnings(), q.Warnings()) << where;
  EXPECT_EQ(p.notes, q.notes) << where;
  EXPECT_EQ(p.rows_loaded, q.rows_loaded) << where;
  EXPECT_EQ(p.header_line, q.header_line) << where;
  EXPECT_EQ(p.invalid_cells, q.invalid_cells) << where;
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    ExpectSameExamples(p.invalid_examples[m], q.invalid_examples[m], where + " invalid");
    ExpectSameExamples(p.scaled_examples[m], q.scaled_examples[m], where + " scaled");
  }
  EXPECT_EQ(p.missing_days, q.missing_days) << where;
  ExpectSameExamples(p.missing_day_examples, q.missing_day_examples, where + " missing days");
  EXPECT_EQ(p.blank_lines, q.blank_lines) << where;
  ExpectSameExamples(p.blank_line_examples, q.blank_line_examples, where + " blank lines");
  EXPECT_EQ(p.short_rows, q.short_rows) << where;
  ExpectSameExamples(p.short_row_examples, q.short_row_examples, where + " short rows");
  EXPECT_EQ(p.long_rows, q.long_rows) << where;
  ExpectSameExamples(p.long_row_examples, q.long_row_examples, where + " long rows");
}

LoadOptions Serial(LoadOptions options = {}) {
  options.parse_threads = 1;
  return options;
}

// Ways to cut: two ranges of a few rows; a cut after nearly every line; odd sizes.
std::vector<LoadOptions> ParallelWays(const LoadOptions& base = {}) {
  std::vector<LoadOptions> ways;
  for (const auto& [threads, piece] : {std::pair{2u, 40}, {64u, 1}, {7u, 13}}) {
    LoadOptions options = base;
    options.parse_threads = threads;
    options.parse_piece_bytes = piece;
    ways.push_back(options);
  }
  return ways;
}

class ParallelParseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() /
            ("keeta-parallel-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".csv");
  }
  void TearDown() override { fs::remove(path_); }

  // Every parallel way, in memory, from a file and through AppendableCsv, equals the serial
  // parse of the same bytes.
  void ExpectSerialResult(const std::string& bytes, const std::string& name,
                          const LoadOptions& base = {}) {
    {
      std::ofstream out(path_, std::ios::binary);
      out << bytes;
    }
    const Result<CsvTable> memory = ParseCsv(bytes, "test.csv", Serial(base));
    const Result<CsvTable> file = ReadCsvFile(path_.string(), Serial(base));
    for (const LoadOptions& way : ParallelWays(base)) {
      const std::string where = fmt::format("{} ({} threads, {}-byte pieces)", name,
                                            way.parse_threads, way.parse_piece_bytes);
      ExpectSame(ParseCsv(bytes, "test.csv", way), memory, where + " in memory");
      ExpectSame(ReadCsvFile(path_.string(), way), file, where + " from a file");
      AppendableCsv appendable(path_.string(), way);
      ExpectSame(appendable.Read(), file, where + " appendable");
    }
  }

  fs::path path_;
};

constexpr const char* kHeader =
    "day,agent,team_leader,supervisor,total_chats,avg_response_time,csat,resolved,pending,"
    "sales_conversion\n";

TEST_F(ParallelParseTest, EveryCorpusFileParsesAsSerially) {
  const fs::path corpus = fs::path(KEETA_SOURCE_DIR) / "tests" / "fuzz" / "corpus";
  std::size_t files = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(corpus)) {
    if (entry.path().extension() != ".csv") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    ExpectSerialResult(bytes.str(), entry.path().filename().string());
    ++files;
  }
  EXPECT_GE(files, 8u);
}

TEST_F(ParallelParseTest, GeneratedDataWithJunkParsesAsSerially) {
  std::ostringstream csv;
  GeneratorOptions options;
  options.rows = 3000;
  ASSERT_TRUE(GenerateCsv(options, csv).ok());
  const std::uint64_t joined_before = ParallelRangesJoined();
  ExpectSerialResult(csv.str(), "generated");
  // Not vacuous: the parallel ways did join ranges parsed on other threads.
  EXPECT_GT(ParallelRangesJoined(), joined_before);
}

TEST_F(ParallelParseTest, QuotedLineBreaksAcrossCutsParseAsSerially) {
  std::string csv = kHeader;
  for (int i = 0; i < 60; ++i) {
    const std::string agent = i % 3 == 0 ? fmt::format("\"Agent\n{}\"", i % 7)
                                         : fmt::format("\"Agent \"\"{}\"\"\"", i % 5);
    csv += fmt::format("2025-01-{:02},{},TL,SV,{},1.5,90,1,0,5\n", 1 + i % 28, agent, i);
  }
  ExpectSerialResult(csv, "quoted line breaks");
}

TEST_F(ParallelParseTest, JunkSpreadOverTheFileKeepsItsLinesAndOrder) {
  std::string csv = "\xEF\xBB\xBF" + std::string(kHeader);
  for (int i = 0; i < 80; ++i) {
    std::string row = fmt::format("2025-02-{:02},A{},T{},S{},{},2.5,0.9,{},1,0.1", 1 + i % 20,
                                  i % 9, i % 4, i % 2, i, i);
    if (i % 11 == 5) row = fmt::format("2025-02-01,A{},T1,S1,x{},2.5", i % 9, i);  // short, junk
    if (i % 13 == 7) row += ",extra,fields";                                       // long
    if (i % 17 == 3) row = fmt::format("not a day,A1,T1,S1,{},3:05,0.8,1,1,0.2", i);
    csv += row + (i % 2 == 0 ? "\r\n" : "\n");
    if (i % 19 == 0) csv += "   \n";  // blank
  }
  csv += "2025-02-21,Late,T1,S1,4,1,0.95,1,1,0.3";  // no line break at the end
  ExpectSerialResult(csv, "junk everywhere");
}

TEST_F(ParallelParseTest, WholeFileDecisionsSeeEveryRange) {
  // Day-first evidence and a fraction column above 1 only near the end.
  std::string csv = kHeader;
  for (int i = 0; i < 50; ++i) {
    csv += fmt::format("0{}/0{}/2025,A{},T,S,{},1,0.9,1,1,0.{}\n", 1 + i % 9, 1 + i % 8, i % 6,
                       i, i % 10);
  }
  csv += "25/03/2025,A1,T,S,1,1,0.9,1,1,3\n";
  ExpectSerialResult(csv, "late evidence");
  LoadOptions month_first;
  month_first.month_first = true;
  ExpectSerialResult(csv, "late evidence, month first", month_first);
}

TEST_F(ParallelParseTest, SemicolonFilesWithDecimalCommasParseAsSerially) {
  std::string csv = "day;agent;team_leader;supervisor;total_chats;csat;avg_response_time\n";
  for (int i = 0; i < 40; ++i) {
    csv += fmt::format("2025-03-{:02};A{};T;S;{};\"9{},5\";1.0{}0,5\n", 1 + i % 30, i % 5, i,
                       i % 10, i % 3);
  }
  ExpectSerialResult(csv, "semicolons");
}

TEST_F(ParallelParseTest, ErrorsAreTheSerialOnes) {
  const std::string header = kHeader;
  std::string body;
  for (int i = 0; i < 40; ++i) body += fmt::format("2025-01-{:02},A,T,S,{},1,90,1,1,1\n", 1 + i % 28, i);
  // An unterminated quote late in the file: a quoted field still open at the end.
  ExpectSerialResult(header + body + "2025-01-02,\"A,T,S,1,1,90,1,1,1\n" + body, "unterminated");
  // A NUL byte, and a byte that is not UTF-8 (read again as Windows-1252), far from the start.
  std::string nul_row = "2025-01-03,AxB,T,S,1,1,90,1,1,1\n";
  nul_row[12] = '\0';
  ExpectSerialResult(header + body + nul_row + body, "NUL byte");
  ExpectSerialResult(header + body + "2025-01-03,Ren\xE9,T,S,1,1,90,1,1,1\n" + body, "Windows-1252");
  // Two errors: a --column mapping to a header that is absent, and a NUL byte further on.
  // The serial parser checks the text of its first piece before the header: so must this.
  LoadOptions mapped;
  mapped.columns = {{"total_chats", "Chats"}};
  ExpectSerialResult(header + body + nul_row + body, "NUL byte and a bad mapping", mapped);
  // Conflicting day orders in different ranges.
  ExpectSerialResult(fmt::format("{}13/01/2025,A,T,S,1,1,90,1,1,1\n{}01/13/2025,A,T,S,1,1,90,1,1,1\n",
                                 header, body),
                     "conflicting days");
}

TEST_F(ParallelParseTest, AppendedRowsAfterAParallelReadParseAsSerially) {
  std::ostringstream first;
  GeneratorOptions options;
  options.rows = 2000;
  ASSERT_TRUE(GenerateCsv(options, first).ok());
  {
    std::ofstream out(path_, std::ios::binary);
    out << first.str();
  }
  const LoadOptions way = ParallelWays()[2];
  AppendableCsv appendable(path_.string(), way);
  ExpectSame(appendable.Read(), ReadCsvFile(path_.string(), Serial()), "first read");
  {
    std::ofstream out(path_, std::ios::binary | std::ios::app);
    for (int i = 0; i < 500; ++i) out << fmt::format("2026-01-{:02},New {},T,S,{},1,90,1,1,1,,,,\n", 1 + i % 28, i % 7, i);
  }
  ExpectSame(appendable.Read(), ReadCsvFile(path_.string(), Serial()), "after an append");
}

}  // namespace
}  // namespace keeta
