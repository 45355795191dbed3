// Filters as the client sends them (core/query.h): Filter::AddName, ParseFilter and the
// canonical cache key, per the "Filters" section of the KPI contract.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/query.h"
#include "reference_model.h"

namespace keeta::spec {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using Params = std::vector<std::pair<std::string, std::string>>;

const std::vector<std::string>& Names(const Filter& f, Dimension d) { return f.names[Index(d)]; }

// ---- Filter::AddName --------------------------------------------------------------------

TEST(QueryAddName, TrimsAndDropsEmptyAllAndDuplicates) {
  Filter f;
  f.AddName(Dimension::kAgent, "  Ahmed ");
  f.AddName(Dimension::kAgent, "");
  f.AddName(Dimension::kAgent, "   ");
  f.AddName(Dimension::kAgent, "All");
  f.AddName(Dimension::kAgent, "all");
  f.AddName(Dimension::kAgent, "ALL");
  f.AddName(Dimension::kAgent, " aLl ");
  f.AddName(Dimension::kAgent, "Ahmed");
  f.AddName(Dimension::kAgent, "Sara Ali");
  EXPECT_THAT(Names(f, Dimension::kAgent), UnorderedElementsAre("Ahmed", "Sara Ali"));
  EXPECT_THAT(Names(f, Dimension::kTeamLeader), IsEmpty());
  EXPECT_FALSE(f.HasDateRange());
}

TEST(QueryAddName, KeepsNamesThatOnlyStartWithAllAndIsCaseSensitive) {
  Filter f;
  f.AddName(Dimension::kSupervisor, "Allison");
  f.AddName(Dimension::kSupervisor, "Alla");
  f.AddName(Dimension::kSupervisor, "sara");
  f.AddName(Dimension::kSupervisor, "Sara");
  f.AddName(Dimension::kSupervisor, "أحمد");
  EXPECT_THAT(Names(f, Dimension::kSupervisor),
              UnorderedElementsAre("Allison", "Alla", "sara", "Sara", "أحمد"));
}

// ---- ParseFilter ------------------------------------------------------------------------

TEST(QueryParseFilter, NoParamsIsNoFilter) {
  const Result<Filter> f = ParseFilter({});
  ASSERT_TRUE(f.ok()) << f.error().message;
  for (const auto& names : f->names) EXPECT_THAT(names, IsEmpty());
  EXPECT_FALSE(f->from.has_value());
  EXPECT_FALSE(f->to.has_value());
}

TEST(QueryParseFilter, RepeatedNameParamsAccumulateTrimmed) {
  const Result<Filter> f = ParseFilter(Params{{"agent", " Ahmed"},
                                              {"team_leader", "T1 "},
                                              {"agent", "Sara  "},
                                              {"supervisor", "S1"},
                                              {"agent", "Ahmed"},
                                              {"team_leader", "ليلى"}});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_THAT(Names(*f, Dimension::kAgent), UnorderedElementsAre("Ahmed", "Sara"));
  EXPECT_THAT(Names(*f, Dimension::kTeamLeader), UnorderedElementsAre("T1", "ليلى"));
  EXPECT_THAT(Names(*f, Dimension::kSupervisor), ElementsAre("S1"));
}

TEST(QueryParseFilter, AllInAnyCaseAndEmptyValuesAreNoFilter) {
  const Result<Filter> f = ParseFilter(Params{{"agent", "All"},
                                              {"agent", "all"},
                                              {"team_leader", "ALL"},
                                              {"team_leader", ""},
                                              {"supervisor", " All "}});
  ASSERT_TRUE(f.ok()) << f.error().message;
  for (const auto& names : f->names) EXPECT_THAT(names, IsEmpty());
}

TEST(QueryParseFilter, DatesParseToDays) {
  const Result<Filter> f =
      ParseFilter(Params{{"from_date", "2025-01-01"}, {"to_date", "2025-12-31"}});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->from, D("2025-01-01"));
  EXPECT_EQ(f->to, D("2025-12-31"));
  EXPECT_TRUE(f->HasDateRange());
  // The Day epoch is 1970-01-01.
  const Result<Filter> epoch = ParseFilter(Params{{"from_date", "1970-01-02"}});
  ASSERT_TRUE(epoch.ok());
  EXPECT_EQ(epoch->from, Day{1});
}

TEST(QueryParseFilter, OnlyOneDate) {
  const Result<Filter> from = ParseFilter(Params{{"from_date", "2025-03-01"}});
  ASSERT_TRUE(from.ok());
  EXPECT_EQ(from->from, D("2025-03-01"));
  EXPECT_FALSE(from->to.has_value());
  const Result<Filter> to = ParseFilter(Params{{"to_date", "2025-03-01"}});
  ASSERT_TRUE(to.ok());
  EXPECT_FALSE(to->from.has_value());
  EXPECT_EQ(to->to, D("2025-03-01"));
}

TEST(QueryParseFilter, LeapDayIsARealDay) {
  const Result<Filter> f = ParseFilter(Params{{"from_date", "2024-02-29"}, {"to_date", "2000-02-29"}});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->from, D("2024-02-29"));
  EXPECT_EQ(f->to, D("2000-02-29"));
}

TEST(QueryParseFilter, FromAfterToIsNotAnError) {
  // The spec: "from_date after to_date matches nothing" (an empty result, not a 400).
  const Result<Filter> f = ParseFilter(Params{{"from_date", "2025-03-05"}, {"to_date", "2025-03-01"}});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_GT(*f->from, *f->to);
}

TEST(QueryParseFilter, DateThatIsNotARealDayIsAnErrorNamingTheParam) {
  const std::vector<std::string> bad{"2025-02-30", "2025-13-01", "2025-00-10", "2025-01-00",
                                     "2023-02-29", "1900-02-29", "yesterday",  "2025-1-1",
                                     "2025/01/01", "01-01-2025", "2025-01-01x", "2025-01-32",
                                     "20250101",   "2025-01-01T00:00"};
  for (const std::string_view param : {kFromParam, kToParam}) {
    for (const std::string& value : bad) {
      SCOPED_TRACE(std::string(param) + "=" + value);
      const Result<Filter> f = ParseFilter(Params{{"agent", "A"}, {std::string(param), value}});
      ASSERT_FALSE(f.ok());
      EXPECT_EQ(f.error().param, param);
      EXPECT_FALSE(f.error().message.empty());
    }
  }
}

TEST(QueryParseFilter, ErrorNamesTheBadDateWhenTheOtherIsGood) {
  const Result<Filter> f = ParseFilter(Params{{"from_date", "2025-03-01"}, {"to_date", "2025-02-30"}});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().param, "to_date");
}

TEST(QueryParseFilter, EmptyDateMeansNoDateFilter) {
  // Interpretation: an HTML form submits `from_date=` when no date is picked; like an empty
  // name value it means "no filter", not a 400.
  const Result<Filter> f = ParseFilter(Params{{"from_date", ""}, {"to_date", ""}});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_FALSE(f->HasDateRange());
}

TEST(QueryParseFilter, UnknownParamsAreIgnored) {
  const Result<Filter> f = ParseFilter(Params{{"format", "json"},
                                              {"Agent", "X"},
                                              {"from", "not a date"},
                                              {"agent", "A"},
                                              {"", ""}});
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_THAT(Names(*f, Dimension::kAgent), ElementsAre("A"));
  EXPECT_FALSE(f->HasDateRange());
}

TEST(QueryParseFilter, ParamNamesMatchTheSpec) {
  EXPECT_EQ(kNameParams[Index(Dimension::kAgent)], "agent");
  EXPECT_EQ(kNameParams[Index(Dimension::kTeamLeader)], "team_leader");
  EXPECT_EQ(kNameParams[Index(Dimension::kSupervisor)], "supervisor");
  EXPECT_EQ(kFromParam, "from_date");
  EXPECT_EQ(kToParam, "to_date");
}

// ---- Filter::CanonicalKey ---------------------------------------------------------------

TEST(QueryCanonicalKey, SameSelectionInAnyOrderHasTheSameKey) {
  const Result<Filter> a = ParseFilter(Params{{"agent", "B"},
                                              {"agent", "A"},
                                              {"supervisor", "S"},
                                              {"from_date", "2025-01-01"},
                                              {"agent", " A "}});
  const Result<Filter> b = ParseFilter(Params{{"from_date", "2025-01-01"},
                                              {"supervisor", "S"},
                                              {"agent", "A"},
                                              {"agent", "All"},
                                              {"agent", "B"}});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->CanonicalKey(), b->CanonicalKey());
  EXPECT_EQ(Filter{}.CanonicalKey(), ParseFilter(Params{{"agent", "all"}})->CanonicalKey());
}

TEST(QueryCanonicalKey, DifferentSelectionsHaveDifferentKeys) {
  std::vector<Filter> filters;
  filters.push_back(Filter{});
  filters.push_back(MakeFilter({"A"}));
  filters.push_back(MakeFilter({"B"}));
  filters.push_back(MakeFilter({"A", "B"}));
  filters.push_back(MakeFilter({}, {"A"}));
  filters.push_back(MakeFilter({}, {}, {"A"}));
  filters.push_back(MakeFilter({"A"}, {"A"}));
  filters.push_back(DateFilter(D("2025-01-01"), std::nullopt));
  filters.push_back(DateFilter(std::nullopt, D("2025-01-01")));
  filters.push_back(DateFilter(D("2025-01-01"), D("2025-01-01")));
  filters.push_back(DateFilter(D("2025-01-02"), D("2025-01-01")));
  filters.push_back(MakeFilter({"A"}, {}, {}, D("2025-01-01")));
  // Values holding separator-like characters must not collide with lists of values.
  // (Whitespace only inside a value: at its ends it is trimmed away.)
  for (const std::string sep : {" ", "\t", "\n"}) filters.push_back(MakeFilter({"A" + sep + "B"}));
  for (const std::string sep : {",", ";", "|", "&", "=", ":", "\x1f", "\"", "\\"}) {
    filters.push_back(MakeFilter({"A" + sep + "B"}));
    filters.push_back(MakeFilter({"A" + sep}, {"B"}));
    filters.push_back(MakeFilter({"A"}, {sep + "B"}));
  }
  filters.push_back(MakeFilter({"A"}, {"B"}));
  filters.push_back(MakeFilter({"A", "team_leader=B"}));
  filters.push_back(MakeFilter({"A]"}, {"[B"}));
  std::set<std::string> keys;
  for (const Filter& f : filters) {
    const std::string key = f.CanonicalKey();
    EXPECT_TRUE(keys.insert(key).second) << "two different filters share the key: " << key;
  }
}

}  // namespace
}  // namespace keeta::spec
