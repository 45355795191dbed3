// AppendableCsv: after every change to a file (appends of whole rows, rows cut in half and
// then finished, quoted fields holding line breaks, junk, blank lines, rewrites, truncation,
// invalid bytes) its Read returns exactly what ReadCsvFile returns for the same file, and
// plain appends take the append path.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "store/csv_loader.h"

namespace keeta {
namespace {

namespace fs = std::filesystem;

void ExpectSameTable(const CsvTable& a, const CsvTable& b, const std::string& where) {
  ASSERT_EQ(a.table.rows, b.table.rows) << where;
  EXPECT_EQ(a.table.has_day, b.table.has_day) << where;
  EXPECT_EQ(a.table.day, b.table.day) << where;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    EXPECT_EQ(a.table.names[d].present, b.table.names[d].present) << where;
    EXPECT_EQ(a.table.names[d].names, b.table.names[d].names) << where;
    EXPECT_EQ(a.table.names[d].codes, b.table.names[d].codes) << where;
  }
  for (std::size_t m = 0; m < kMeasureCount; ++m) {
    ASSERT_EQ(a.table.measures[m].has_value(), b.table.measures[m].has_value()) << where;
    if (!a.table.measures[m]) continue;
    const auto& x = *a.table.measures[m];
    const auto& y = *b.table.measures[m];
    ASSERT_EQ(x.size(), y.size()) << where;
    for (std::size_t i = 0; i < x.size(); ++i) {
      ASSERT_TRUE(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i]))) << where << " row " << i;
    }
  }
  EXPECT_EQ(a.report.Warnings(), b.report.Warnings()) << where;
  EXPECT_EQ(a.report.rows_loaded, b.report.rows_loaded) << where;
}

class AppendableCsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() /
            ("keeta-appendable-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".csv");
  }
  void TearDown() override { fs::remove(path_); }

  void Write(const std::string& text, bool append) {
    std::ofstream out(path_, append ? std::ios::binary | std::ios::app : std::ios::binary);
    out << text;
  }

  // Both readers agree on the file as it is now.
  void Check(AppendableCsv& csv, const std::string& where) {
    Result<CsvTable> incremental = csv.Read();
    Result<CsvTable> full = ReadCsvFile(path_.string());
    ASSERT_EQ(incremental.ok(), full.ok()) << where << ": "
                                           << (full.ok() ? incremental.error().message : full.error().message);
    if (!full.ok()) {
      EXPECT_EQ(incremental.error().message, full.error().message) << where;
      return;
    }
    ExpectSameTable(*incremental, *full, where);
  }

  // ReadNew agrees with ReadCsvFile: the rows it has returned so far (the last whole table
  // and the rows appended to it since, kept in `published`) are the full read's rows, with
  // its report. Returns whether the rows were appended.
  bool CheckNew(AppendableCsv& csv, CsvTable* published, const std::string& where) {
    Result<CsvRead> got = csv.ReadNew();
    Result<CsvTable> full = ReadCsvFile(path_.string());
    EXPECT_EQ(got.ok(), full.ok()) << where;
    if (!got.ok() || !full.ok()) {
      if (!got.ok() && !full.ok()) {
        EXPECT_EQ(got.error().message, full.error().message) << where;
      }
      *published = CsvTable{};
      return false;
    }
    if (!got->appended) {
      *published = std::move(got->table);
    } else {
      ParsedTable& into = published->table;
      ParsedTable& tail = got->table.table;
      into.rows += tail.rows;
      into.day.insert(into.day.end(), tail.day.begin(), tail.day.end());
      for (std::size_t d = 0; d < kDimensionCount; ++d) {
        into.names[d].names = tail.names[d].names;
        into.names[d].codes.insert(into.names[d].codes.end(), tail.names[d].codes.begin(),
                                   tail.names[d].codes.end());
      }
      for (std::size_t m = 0; m < kMeasureCount; ++m) {
        EXPECT_EQ(into.measures[m].has_value(), tail.measures[m].has_value()) << where;
        if (!into.measures[m] || !tail.measures[m]) continue;
        into.measures[m]->insert(into.measures[m]->end(), tail.measures[m]->begin(),
                                 tail.measures[m]->end());
      }
      published->report = std::move(got->table.report);
    }
    ExpectSameTable(*published, *full, where);
    return got->appended;
  }

  fs::path path_;
};

constexpr const char* kHeader = "day,agent,team_leader,supervisor,total_chats,csat,pending\n";

TEST_F(AppendableCsvTest, AppendedRowsAreParsedAloneAndGiveTheSameTable) {
  Write(std::string(kHeader) + "2025-01-01,Ahmed,Tala,Sara,40,90,1\n", false);
  AppendableCsv csv(path_.string());
  Check(csv, "initial");
  EXPECT_TRUE(csv.can_append());
  for (int i = 2; i <= 9; ++i) {
    Write("2025-01-0" + std::to_string(i) + ",Badr,Tala,Sara," + std::to_string(i) + ",0.8" +
              std::to_string(i) + ",2\n",
          true);
    Check(csv, "append " + std::to_string(i));
    EXPECT_TRUE(csv.can_append());
  }
}

TEST_F(AppendableCsvTest, RandomChangesAlwaysMatchAFullRead) {
  std::mt19937 rng(20251125);
  const std::vector<std::string> pieces = {
      "2025-02-01,Ahmed,Tala,Sara,40,90,1\n",
      "2025-02-02,\"Badr, Jr.\",Tala,Sara,38,0.85,2\n",
      "2025-02-03,\"Carla\nSecond line\",Omar,Yusuf,5,N/A,x\n",
      "2025-02-04,هدى,Omar,Yusuf,7,92%,3\r\n",
      "\n",
      "   \n",
      "2025-02-05,Dana,Omar\n",
      "2025-02-06,Eve,Omar,Yusuf,1,2,3,4,5\n",
      "2025-02-07,Fay,\"Omar\",Yusuf,-,null,0.5\n",
      "bad-day,Gus,Omar,Yusuf,1,0.1,1\n",
  };
  Write(kHeader, false);
  AppendableCsv csv(path_.string());
  Check(csv, "header only");
  std::string content = kHeader;
  for (int step = 0; step < 300; ++step) {
    const int op = static_cast<int>(rng() % 100);
    std::string what;
    if (op < 60) {  // append whole rows
      std::string rows;
      for (int k = static_cast<int>(rng() % 4); k >= 0; --k) rows += pieces[rng() % pieces.size()];
      content += rows;
      Write(rows, true);
      what = "append";
    } else if (op < 75) {  // half a row, then (often) the rest
      const std::string& row = pieces[rng() % pieces.size()];
      const std::size_t cut = rng() % row.size();
      content += row.substr(0, cut);
      Write(row.substr(0, cut), true);
      Check(csv, "step " + std::to_string(step) + " half row");
      if (rng() % 4 != 0) {
        content += row.substr(cut);
        Write(row.substr(cut), true);
      }
      what = "rest of row";
    } else if (op < 85) {  // rewrite with fewer rows
      content = content.substr(0, std::max<std::size_t>(std::string(kHeader).size(), content.size() / 2));
      content = content.substr(0, content.rfind('\n') + 1);
      Write(content, false);
      what = "rewrite";
    } else if (op < 90) {  // truncate in place to a random length
      const std::size_t keep = rng() % (content.size() + 1);
      content.resize(keep);
      fs::resize_file(path_, keep);
      what = "truncate";
    } else if (op < 95) {  // invalid bytes appended, then a rewrite to a good file
      Write("2025-03-01,\xff\xfe,Tala,Sara,1,1,1\n", true);
      Check(csv, "step " + std::to_string(step) + " invalid utf-8");
      content = std::string(kHeader) + pieces[0];
      Write(content, false);
      what = "recover";
    } else {  // a quote left open
      Write("2025-03-02,\"open,Tala,Sara,1,1,1\n", true);
      Check(csv, "step " + std::to_string(step) + " open quote");
      content = std::string(kHeader) + pieces[1];
      Write(content, false);
      what = "recover";
    }
    Check(csv, "step " + std::to_string(step) + " " + what);
    if (HasFatalFailure()) return;
  }
}

TEST_F(AppendableCsvTest, NewRowsAloneAreWhatAFullReadHasAfterTheOldOnes) {
  std::mt19937 rng(20261202);
  // Percent cells as fractions and as percents, so that some appends change the column's
  // whole-file decision (and must give the whole table), junk and quoted line breaks.
  const std::vector<std::string> pieces = {
      "2025-02-01,Ahmed,Tala,Sara,40,0.9,1\n",
      "2025-02-02,\"Badr, Jr.\",Tala,Sara,38,0.85,2\n",
      "2025-02-03,\"Carla\nSecond line\",Omar,Yusuf,5,N/A,x\n",
      "2025-02-04,هدى,Omar,Yusuf,7,92%,3\r\n",
      "\n",
      "2025-02-05,Dana,Omar\n",
      "2025-02-07,Fay,\"Omar\",Yusuf,-,null,0.5\n",
      "bad-day,Gus,Omar,Yusuf,1,0.1,1\n",
  };
  Write(kHeader, false);
  AppendableCsv csv(path_.string());
  CsvTable published;
  CheckNew(csv, &published, "header only");
  std::size_t appended = 0;
  std::size_t whole = 0;
  for (int step = 0; step < 200; ++step) {
    std::string text;
    for (int k = static_cast<int>(rng() % 3); k >= 0; --k) text += pieces[rng() % pieces.size()];
    if (step % 50 == 49) {  // start over, fractions only
      Write(std::string(kHeader) + pieces[0], false);
    } else {
      Write(text, true);
    }
    (CheckNew(csv, &published, "step " + std::to_string(step)) ? appended : whole) += 1;
    if (HasFailure()) return;
  }
  // Both paths were taken: rows read alone, and the whole table when a decision changed.
  EXPECT_GT(appended, 100u);
  EXPECT_GT(whole, 3u);
}

}  // namespace
}  // namespace keeta
