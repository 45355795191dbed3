// What a query cannot match and why a card has no value (core/query_check.h,
// core/no_value_reason.h), and the bucket line charts put gaps on (core/periods.h). Data
// goes through the real CSV loader; every expectation is worked out from the CSV by hand.
#include "core/query_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/engine.h"
#include "core/no_value_reason.h"
#include "core/periods.h"
#include "test_data.h"

namespace keeta {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kCsv =
    "day,agent,team_leader,supervisor,total_chats,csat\n"
    "2025-01-01,Ahmed,Sara,Mona,10,90\n"
    "2025-01-02,Ahmet,Sara,Mona,12,80\n"
    "2025-01-02,Omar,Khalid,Mona,7,70\n"
    "2025-01-03,محمد,Khalid,Nour,4,60\n"
    "2025-01-03,Ahmed Ali,Layla,Nour,4,60\n";

Day D(std::string_view iso) { return *ParseIsoDay(iso); }

Query AgentQuery(std::initializer_list<std::string_view> agents, AccessScope scope = {}) {
  Query q;
  for (auto a : agents) q.filter.AddName(Dimension::kAgent, a);
  q.scope = std::move(scope);
  return q;
}

TEST(ClosestNames, NearSpellingsFirstThenNamesContainingIt) {
  const std::vector<std::string> names{"Omar", "Ahmed Ali", "Ahmet", "Ahmed", "Sara"};
  // Ahmed and Ahmet are one edit away (sorted by name at equal distance); "Ahmed Ali"
  // contains neither "ahmad" nor is near it: not offered.
  EXPECT_THAT(ClosestNames("Ahmad", names), ElementsAre("Ahmed", "Ahmet"));
  // Case is not a difference; a swapped pair of letters is one edit.
  EXPECT_THAT(ClosestNames("ahmed", names, 1), ElementsAre("Ahmed"));
  EXPECT_THAT(ClosestNames("Amhed", names, 1), ElementsAre("Ahmed"));
  // A part of a name finds the names holding it, after the near spellings.
  EXPECT_THAT(ClosestNames("Ahme", names), ElementsAre("Ahmed", "Ahmet", "Ahmed Ali"));
  EXPECT_THAT(ClosestNames("Zed", names), IsEmpty());
  EXPECT_THAT(ClosestNames("", names), IsEmpty());
}

TEST(ClosestNames, CountsLettersNotBytes) {
  // محمد and محمود differ by one letter (two bytes in UTF-8): one edit, so offered.
  EXPECT_THAT(ClosestNames("محمود", {"محمد", "Omar"}), ElementsAre("محمد"));
  EXPECT_THAT(ClosestNames("Zoe", {"Zoë", "Joe", "Zed"}), ElementsAre("Joe", "Zoë"));
}

TEST(CheckQuery, UnknownNameIsReportedWithSuggestionsAndKnownNamesAreNot) {
  const auto data = test::DatasetFromCsv(kCsv);
  const auto warnings = CheckQuery(*data, AgentQuery({"Ahmad", "Omar"}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, QueryWarning::Kind::kUnknownName);
  EXPECT_EQ(QueryWarningCode(warnings[0].kind), "unknown_name");
  EXPECT_EQ(warnings[0].param, "agent");
  EXPECT_EQ(warnings[0].value, "Ahmad");
  EXPECT_THAT(warnings[0].suggestions, ElementsAre("Ahmed", "Ahmet"));
  EXPECT_EQ(warnings[0].message, "no agent 'Ahmad'; did you mean 'Ahmed' or 'Ahmet'?");
  // The engine's answer is untouched: the honest zero for Ahmad plus Omar's row.
  EXPECT_EQ(ComputeDashboard(*data, AgentQuery({"Ahmad", "Omar"})).rows, 1u);

  Query q;
  q.filter.AddName(Dimension::kTeamLeader, "Kalid");
  q.filter.AddName(Dimension::kSupervisor, "Nobody At All");
  const auto other = CheckQuery(*data, q);
  ASSERT_EQ(other.size(), 2u);
  EXPECT_EQ(other[0].message, "no team leader 'Kalid'; did you mean 'Khalid'?");
  EXPECT_EQ(other[1].message, "no supervisor 'Nobody At All'");
  EXPECT_THAT(CheckQuery(*data, AgentQuery({"Ahmed", "محمد"})), IsEmpty());
}

TEST(CheckQuery, ANameOutsideTheScopeIsUnknownAndNeverSuggested) {
  const auto data = test::DatasetFromCsv(kCsv);
  const AccessScope sara{AccessScope::Role::kTeamLeader, "Sara"};
  // Omar exists, but in Khalid's team: to Sara he does not, and is not offered.
  const auto warnings = CheckQuery(*data, AgentQuery({"Omar", "Ahmad", "Ahmed A"}, sara));
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_EQ(warnings[0].message, "no agent 'Omar'");
  EXPECT_THAT(warnings[1].suggestions, ElementsAre("Ahmed", "Ahmet"));
  EXPECT_THAT(warnings[2].suggestions, ElementsAre("Ahmed"));  // not Layla's "Ahmed Ali"
  EXPECT_THAT(CheckQuery(*data, AgentQuery({"Ahmet"}, sara)), IsEmpty());
}

TEST(CheckQuery, ANameColumnTheDataLacksIsSaid) {
  const auto data = test::DatasetFromCsv("day,agent,total_chats\n2025-01-01,Ahmed,3\n");
  Query q;
  q.filter.AddName(Dimension::kSupervisor, "Mona");
  const auto warnings = CheckQuery(*data, q);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].message, "no supervisor 'Mona': the data has no supervisor column");
}

TEST(CheckQuery, ARangeThatEndsBeforeItStartsIsSaidAndStillMatchesNothing) {
  const auto data = test::DatasetFromCsv(kCsv);
  Query q;
  q.filter.from = D("2025-01-03");
  q.filter.to = D("2025-01-01");
  const auto warnings = CheckQuery(*data, q);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, QueryWarning::Kind::kReversedRange);
  EXPECT_EQ(warnings[0].param, "to_date");
  EXPECT_EQ(warnings[0].value, "2025-01-01");
  EXPECT_THAT(warnings[0].message, HasSubstr("ends (2025-01-01) before it starts (2025-01-03)"));
  EXPECT_EQ(ComputeDashboard(*data, q).rows, 0u);  // the contract: matches nothing
  q.filter.to = D("2025-01-03");                   // a one-day range is fine
  EXPECT_THAT(CheckQuery(*data, q), IsEmpty());
}

const KpiResult& Kpi(const Dashboard& d, std::string_view id) {
  for (const KpiResult& k : d.kpis) {
    if (k.def->id == id) return k;
  }
  ADD_FAILURE() << id;
  return d.kpis[0];
}

TEST(NoValueReason, SaysWhichColumnIsMissingUnreadableOrEmpty) {
  // csat: every cell unreadable; avg_queue_time: every cell empty; no escalations column.
  const auto data = test::DatasetFromCsv(
      "day,agent,total_chats,csat,avg_queue_time,resolved\n"
      "2025-01-01,Ahmed,3,abc,,1\n"
      "2025-01-02,Ahmed,4,??,,2\n");
  const Dashboard all = ComputeDashboard(*data, Query{});
  const LoadReport& report = data->report();
  EXPECT_EQ(NoValueReason(Kpi(all, "csat"), all, report),
            "column 'csat': all 2 values unreadable, e.g. 'abc' on line 2");
  EXPECT_EQ(NoValueReason(Kpi(all, "avg_queue_time"), all, report),
            "column 'avg_queue_time': empty in all 2 rows shown");
  EXPECT_EQ(NoValueReason(Kpi(all, "escalations"), all, report),
            "column 'escalations' is not in the data");
  EXPECT_EQ(NoValueReason(Kpi(all, "resolved_pct"), all, report),
            "column 'pending' is not in the data");
  // A KPI with a value, and a sum (an honest 0), have no reason.
  EXPECT_EQ(NoValueReason(Kpi(all, "total_chats"), all, report), std::nullopt);
  // A filter that matches nothing is not the data's fault.
  const Dashboard none = ComputeDashboard(*data, AgentQuery({"Nobody"}));
  EXPECT_EQ(NoValueReason(Kpi(none, "csat"), none, report), std::nullopt);
}

TEST(NoValueReason, SomeUnreadableCellsAreCountedAgainstTheFile) {
  const auto data = test::DatasetFromCsv(
      "day,agent,total_chats,csat\n"
      "2025-01-01,Ahmed,3,x\n"
      "2025-01-02,Omar,4,80\n");
  const Dashboard ahmed = ComputeDashboard(*data, AgentQuery({"Ahmed"}));
  EXPECT_EQ(NoValueReason(Kpi(ahmed, "csat"), ahmed, data->report()),
            "column 'csat': no readable value in these rows (1 of 2 unreadable in the file, "
            "e.g. 'x' on line 2)");
  const Dashboard omar = ComputeDashboard(*data, AgentQuery({"Omar"}));
  EXPECT_EQ(NoValueReason(Kpi(omar, "csat"), omar, data->report()), std::nullopt);
}

TEST(BucketOrdinal, ConsecutiveBucketsDifferByOne) {
  for (const Granularity g : {Granularity::kDay, Granularity::kWeek, Granularity::kMonth}) {
    SCOPED_TRACE(std::string(GranularityName(g)));
    Day start = BucketStart(D("1969-11-03"), g);
    for (int i = 0; i < 400; ++i) {
      Day next = start + 1;
      while (BucketStart(next, g) == start) ++next;
      EXPECT_EQ(BucketOrdinal(next, g), BucketOrdinal(start, g) + 1) << FormatDay(start);
      EXPECT_EQ(BucketOrdinal(next - 1, g), BucketOrdinal(start, g)) << FormatDay(next - 1);
      EXPECT_EQ(BucketAtOrdinal(BucketOrdinal(start, g), g), start) << FormatDay(start);
      start = next;
    }
  }
  EXPECT_EQ(BucketOrdinal(D("2025-03-31"), Granularity::kMonth) -
                BucketOrdinal(D("2025-01-01"), Granularity::kMonth), 2);
}

}  // namespace
}  // namespace keeta
