// Dataset::Append: a snapshot grown by appends answers every question — cards, trends of
// every granularity, previous periods, weighting, scopes, choices, breakdowns, rows — to
// the last bit as Dataset::Build of all the rows does. The rows come from the generator
// (junk cells and rows without a day included), appended to a file a few lines at a time
// and read back with AppendableCsv::ReadNew, as a running server reads them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/engine.h"
#include "core/kpi_registry.h"
#include "core/view_options.h"
#include "store/csv_loader.h"
#include "store/generator.h"

namespace keeta {
namespace {

namespace fs = std::filesystem;

// Exact text of a value: the shortest form that reads back as the same double.
std::string Exact(std::optional<double> v) { return v ? fmt::format("{}", *v) : "none"; }

std::string Describe(const Dashboard& d) {
  std::string out = fmt::format("rows {} previous_rows {} points", d.rows, d.previous_rows);
  for (const Day day : d.days) out += fmt::format(" {}", FormatDay(day));
  for (const KpiResult& k : d.kpis) {
    out += fmt::format("\n{} {} {} {} {} {}:", k.def->id, k.available, Exact(k.value),
                       Exact(k.previous), Exact(k.change), Exact(k.change_pct));
    for (const double v : k.trend) out += fmt::format(" {}", v);
  }
  return out;
}

std::string Describe(const FilterChoices& c) {
  std::string out = fmt::format("{} {}", c.min_day ? FormatDay(*c.min_day) : "-",
                                c.max_day ? FormatDay(*c.max_day) : "-");
  for (const auto& names : c.names) out += fmt::format("\n{}", fmt::join(names, "|"));
  return out;
}

std::string Describe(const Breakdown& b) {
  std::string out = fmt::format("total {}", b.total);
  for (const BreakdownEntry& e : b.entries) {
    out += fmt::format("\n{} {}", e.name, e.rows);
    for (const auto& v : e.values) out += fmt::format(" {}", Exact(v));
  }
  return out;
}

std::string DescribeRows(const std::shared_ptr<const Dataset>& data, const Query& q) {
  RowCursor cursor(data, q);
  RowView row;
  std::string out;
  while (cursor.Next(row)) {
    out += row.day ? FormatDay(*row.day) : "-";
    for (const auto name : row.names) out += fmt::format("|{}", name);
    for (const double v : row.values) out += fmt::format("|{}", v);
    out += "\n";
  }
  return out;
}

// The queries compared: no filter, one name of each dimension, two agents, date ranges
// (with and without the last day, so previous periods too), and each scope.
std::vector<Query> Queries(const Dataset& data) {
  std::vector<Query> out(1);
  const Day first = *data.min_day(), last = *data.max_day();
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    const std::vector<std::string> names = data.Names(static_cast<Dimension>(d));
    if (names.empty()) continue;
    Query q;
    q.filter.names[d] = {names[names.size() / 2]};
    out.push_back(q);
    AccessScope scope;
    scope.role = d == 0 ? AccessScope::Role::kAgent
                 : d == 1 ? AccessScope::Role::kTeamLeader
                          : AccessScope::Role::kSupervisor;
    scope.name = names.front();
    Query scoped;
    scoped.scope = scope;
    scoped.filter.from = first + (last - first) / 3;
    out.push_back(scoped);
  }
  const std::vector<std::string> agents = data.Names(Dimension::kAgent);
  Query two;
  two.filter.names[0] = {agents.front(), agents.back()};
  two.filter.to = last;
  out.push_back(two);
  Query range;
  range.filter.from = first + (last - first) / 2;
  range.filter.to = last;
  out.push_back(range);
  Query early;
  early.filter.from = first + 3;
  early.filter.to = first + (last - first) / 2;
  out.push_back(early);
  Query last_week;
  last_week.filter.from = last - 6;
  last_week.filter.names[2] = {data.Names(Dimension::kSupervisor).back()};
  out.push_back(last_week);
  return out;
}

void ExpectSameAnswers(const std::shared_ptr<const Dataset>& appended,
                       const std::shared_ptr<const Dataset>& built, const std::string& where) {
  ASSERT_EQ(appended->rows(), built->rows()) << where;
  EXPECT_EQ(appended->report().Warnings(), built->report().Warnings()) << where;
  for (const Dimension d : {Dimension::kAgent, Dimension::kTeamLeader, Dimension::kSupervisor}) {
    EXPECT_EQ(appended->Names(d), built->Names(d)) << where;
  }
  for (const Query& q : Queries(*built)) {
    const std::string about =
        fmt::format("{} query {} scope {}", where, q.filter.CanonicalKey(), q.scope.name);
    for (const Granularity g : {Granularity::kDay, Granularity::kWeek, Granularity::kMonth}) {
      for (const bool weighted : {false, true}) {
        DashboardOptions options;
        options.granularity = g;
        if (weighted) options.weighted = WeightAllMeans();
        ASSERT_EQ(Describe(ComputeDashboard(*appended, q, options)),
                  Describe(ComputeDashboard(*built, q, options)))
            << about << " granularity " << static_cast<int>(g) << " weighted " << weighted;
      }
    }
    ASSERT_EQ(Describe(ComputeChoices(*appended, q)), Describe(ComputeChoices(*built, q))) << about;
    for (const Dimension by : {Dimension::kAgent, Dimension::kTeamLeader, Dimension::kSupervisor}) {
      BreakdownRequest request;
      request.by = by;
      request.limit = 1000;
      DashboardOptions options;
      options.weighted = WeightAllMeans();
      ASSERT_EQ(Describe(ComputeBreakdown(*appended, q, request, options)),
                Describe(ComputeBreakdown(*built, q, request, options)))
          << about << " by " << static_cast<int>(by);
    }
    ASSERT_EQ(DescribeRows(appended, q), DescribeRows(built, q)) << about;
  }
}

class DatasetAppend : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("keeta-append-{}", ::getpid());
    fs::create_directories(dir_);
    path_ = (dir_ / "data.csv").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& text, bool append) {
    std::ofstream out(path_, append ? std::ios::app | std::ios::binary : std::ios::binary);
    out << text;
  }

  fs::path dir_;
  std::string path_;
};

// The generated data's lines, header first.
std::vector<std::string> GeneratedLines(std::uint64_t rows, std::uint64_t seed) {
  GeneratorOptions options;
  options.rows = rows;
  options.seed = seed;
  std::ostringstream csv;
  EXPECT_TRUE(GenerateCsv(options, csv).ok());
  std::vector<std::string> lines;
  std::istringstream in(csv.str());
  for (std::string line; std::getline(in, line);) lines.push_back(fmt::format("{}\n", line));
  return lines;
}

TEST_F(DatasetAppend, GrownSnapshotsAnswerAsOneBuiltFromAllTheRows) {
  const std::vector<std::string> lines = GeneratedLines(6000, 7);
  // The first third at once, then chunks of growing and shrinking sizes (so that segments
  // are both added and merged), ending on the last line.
  std::size_t at = 1 + (lines.size() - 1) / 3;
  std::string first;
  for (std::size_t i = 0; i < at; ++i) first += lines[i];
  Write(first, false);
  AppendableCsv csv(path_);
  auto read = csv.ReadNew();
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_FALSE(read->appended);
  std::shared_ptr<const Dataset> data = Dataset::Build(std::move(read->table.table), read->table.report);

  const std::vector<std::size_t> chunks{1, 37, 250, 3, 800, 90, 5, 400, 1, 1200, 60};
  std::size_t appended = 0, max_segments = 1;
  for (std::size_t step = 0; at < lines.size(); ++step) {
    const std::size_t take = std::min(chunks[step % chunks.size()], lines.size() - at);
    std::string more;
    for (std::size_t i = at; i < at + take; ++i) more += lines[i];
    at += take;
    Write(more, true);
    read = csv.ReadNew();
    ASSERT_TRUE(read.ok()) << read.error().message;
    ASSERT_TRUE(read->appended) << "step " << step;
    std::shared_ptr<const Dataset> grown =
        Dataset::Append(data, std::move(read->table.table), read->table.report);
    auto whole = ReadCsvFile(path_);
    ASSERT_TRUE(whole.ok());
    std::shared_ptr<const Dataset> built =
        Dataset::Build(std::move(whole->table), std::move(whole->report));
    if (grown == nullptr) {  // a name or triple the last snapshot lacks: built anew
      data = built;
      continue;
    }
    ++appended;
    max_segments = std::max(max_segments, grown->segments());
    EXPECT_LE(grown->segments(), 8u);
    ExpectSameAnswers(grown, built, fmt::format("after step {} ({} rows)", step, at - 1));
    data = grown;
  }
  // Most appends brought only known names; several segments were in use at once.
  EXPECT_GE(appended, 10u);
  EXPECT_GE(max_segments, 3u);
}

TEST_F(DatasetAppend, RowsALastSnapshotCannotTakeAsASegmentAreRefused) {
  const std::string header = "day,agent,team_leader,supervisor,total_chats,csat\n";
  Write(header + "2025-01-01,Ahmed,T1,S1,10,90\n2025-01-03,Sara,T1,S1,5,80\n", false);
  AppendableCsv csv(path_);
  auto read = csv.ReadNew();
  ASSERT_TRUE(read.ok());
  const std::shared_ptr<const Dataset> data =
      Dataset::Build(std::move(read->table.table), read->table.report);

  auto append = [&](const std::string& rows) {
    Write(rows, true);
    auto more = csv.ReadNew();
    EXPECT_TRUE(more.ok());
    EXPECT_TRUE(more->appended);
    return Dataset::Append(data, std::move(more->table.table), more->table.report);
  };
  // Known names on the last day and after it: a segment.
  const auto grown = append("2025-01-03,Ahmed,T1,S1,4,70\n2025-01-09,Sara,T1,S1,2,60\n");
  ASSERT_NE(grown, nullptr);
  EXPECT_EQ(grown->rows(), 4u);
  EXPECT_EQ(ComputeDashboard(*grown, Query{}).kpis[0].value, 21.0);
  // Each of these needs the whole table indexed again.
  EXPECT_EQ(append("2025-01-09,Omar,T1,S1,1,50\n"), nullptr);     // a new agent
  EXPECT_EQ(append("2025-01-09,Ahmed,T2,S1,1,50\n"), nullptr);    // a new team for him
  EXPECT_EQ(append("2025-01-02,Ahmed,T1,S1,1,50\n"), nullptr);    // a day before the last
}

TEST_F(DatasetAppend, ANewRowThatChangesAWholeFileRuleReadsTheWholeFile) {
  // csat as fractions: a later 0.9 keeps the rule; a later 95 ends it for every row.
  Write("day,agent,csat\n2025-01-01,Ahmed,0.8\n", false);
  AppendableCsv csv(path_);
  ASSERT_TRUE(csv.ReadNew().ok());
  Write("2025-01-02,Ahmed,0.9\n", true);
  auto kept = csv.ReadNew();
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(kept->appended);
  ASSERT_EQ(kept->table.table.rows, 1u);
  EXPECT_DOUBLE_EQ((*kept->table.table.measures[Index(Measure::kCsat)])[0], 90.0);
  Write("2025-01-03,Ahmed,95\n", true);
  auto changed = csv.ReadNew();
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(changed->appended);
  ASSERT_EQ(changed->table.table.rows, 3u);
  EXPECT_DOUBLE_EQ((*changed->table.table.measures[Index(Measure::kCsat)])[0], 0.8);
}

}  // namespace
}  // namespace keeta
