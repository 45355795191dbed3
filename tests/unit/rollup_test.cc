// RollupBuilder (core/rollup.h): what a rollup holds for a small table whose agent moves
// between teams inside a week and a month. The database tests check that pushdown over
// the rollup gives the engine's numbers; these check the rows and flags themselves.
#include "core/rollup.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/date.h"
#include "test_data.h"

namespace keeta {
namespace {

// Mover works for T1/S1 on Monday 3 and Tuesday 4 March 2025, for T2/S2 from Wednesday 5;
// Stay stays with T1/S1. Mover's Thursday row is not active; one row has no day.
const char* const kCsv =
    "day,agent,team_leader,supervisor,total_chats,active_agents\n"
    "2025-03-03,Mover,T1,S1,5,1\n"
    "2025-03-04,Mover,T1,S1,6,1\n"
    "2025-03-05,Mover,T2,S2,7,1\n"
    "2025-03-06,Mover,T2,S2,4,0\n"
    "2025-03-06,Stay,T1,S1,3,1\n"
    "2025-03-10,Stay,T1,S1,8,1\n"
    ",Stay,T1,S1,2,1\n";

using Key = std::tuple<int, int, std::string, std::string, std::string, std::string>;

// The builder's rows (both passes) by level, kind, bucket and names.
std::map<Key, RollupRow> AllRows(RollupBuilder& builder) {
  std::map<Key, RollupRow> rows;
  auto add = [&](const RollupRow& r) {
    const Key key{r.level, static_cast<int>(r.kind), r.bucket ? FormatDay(*r.bucket) : "none",
                  std::string(r.names[0]), std::string(r.names[1]), std::string(r.names[2])};
    EXPECT_TRUE(rows.emplace(key, r).second) << "two rows for one key";
  };
  for (const RollupRow& r : builder.coarse_rows()) add(r);
  std::vector<RollupRow> fine;
  while (builder.NextFineRows(fine, 2)) {
    for (const RollupRow& r : fine) add(r);
  }
  return rows;
}

TEST(RollupBuilder, HoldsEachLevelsSumsAndDistinctActiveAgents) {
  const auto data = test::DatasetFromCsv(kCsv);
  ASSERT_TRUE(data);
  RollupBuilder builder(data);
  const auto rows = AllRows(builder);
  const int day = 0, week = 1, month = 2;
  auto at = [&](int level, int kind, std::string bucket, std::string agent, std::string tl, std::string sup) {
    const auto it = rows.find(Key{level, kind, bucket, agent, tl, sup});
    EXPECT_NE(it, rows.end()) << level << " " << kind << " " << bucket << " " << agent << tl << sup;
    return it == rows.end() ? RollupRow{} : it->second;
  };
  const std::size_t chats = Index(Measure::kTotalChats);
  // The whole organisation: the week of 3 March has both agents, once each.
  EXPECT_EQ(at(0, week, "2025-03-03", "", "", "").active, 2u);
  EXPECT_EQ(at(0, week, "2025-03-03", "", "", "").totals.sum[chats], 25);
  EXPECT_EQ(at(0, day, "2025-03-06", "", "", "").active, 1u);  // Mover's row there is not active
  EXPECT_EQ(at(0, day, "none", "", "", "").totals.rows, 1u);
  EXPECT_EQ(at(0, month, "2025-03-01", "", "", "").active, 2u);
  // Per supervisor, Mover counts under both in that week: S1 has Mover and Stay.
  EXPECT_EQ(at(1, week, "2025-03-03", "", "", "S1").active, 2u);
  EXPECT_EQ(at(1, week, "2025-03-03", "", "", "S2").active, 1u);
  EXPECT_EQ(at(2, week, "2025-03-03", "", "T2", "S2").totals.sum[chats], 11);
  // Level 3: per triple and day, and per month.
  EXPECT_EQ(at(3, day, "2025-03-05", "Mover", "T2", "S2").active, 1u);
  EXPECT_EQ(at(3, day, "2025-03-06", "Mover", "T2", "S2").active, 0u);
  EXPECT_EQ(at(3, month, "2025-03-01", "Mover", "T1", "S1").totals.sum[chats], 11);
  EXPECT_EQ(rows.count(Key{3, week, "2025-03-03", "Mover", "T1", "S1"}), 0u) << "level 3 has no weeks";

  // Split: Mover is active under two keys in one week and one month at levels 1-3, never on
  // one day.
  const std::uint32_t split = builder.summary().split;
  for (const std::size_t level : {1, 2}) {
    EXPECT_TRUE(split & RollupSplitBit(level, Granularity::kWeek)) << level;
    EXPECT_TRUE(split & RollupSplitBit(level, Granularity::kMonth)) << level;
    EXPECT_FALSE(split & RollupSplitBit(level, Granularity::kDay)) << level;
  }
  EXPECT_FALSE(split & RollupSplitBit(0, Granularity::kWeek));
  EXPECT_TRUE(split & RollupSplitBit(3, Granularity::kMonth));
}

TEST(RollupBuilder, EachTriplesDaysAreOneCharacterADayFromTheFirstDay) {
  const auto data = test::DatasetFromCsv(kCsv);
  ASSERT_TRUE(data);
  RollupBuilder builder(data);
  EXPECT_EQ(builder.summary().first_day, ParseIsoDay("2025-03-03"));
  EXPECT_EQ(builder.summary().last_day, ParseIsoDay("2025-03-10"));
  EXPECT_EQ(builder.summary().rows, 7u);
  std::map<std::string, RollupTriple> triples;
  for (const RollupTriple& t : builder.triples()) {
    triples.emplace(std::string(t.names[0]) + "/" + std::string(t.names[1]), t);
  }
  ASSERT_EQ(triples.size(), 3u);
  //                                           3 4 5 6 7 8 9 10
  EXPECT_EQ(triples["Mover/T1"].active_days, "11000000");
  EXPECT_EQ(triples["Mover/T2"].active_days, "00100000");
  EXPECT_EQ(triples["Mover/T2"].present_days, "00110000");
  EXPECT_EQ(triples["Stay/T1"].active_days, "00010001");
  EXPECT_TRUE(triples["Stay/T1"].undated_active);
  EXPECT_FALSE(triples["Mover/T1"].undated_present);
}

}  // namespace
}  // namespace keeta
