// Route × role matrix (docs/kpis.md, "Scope"): for every data route and every kind of
// account, signed in with its own API token, each number in the body equals the reference
// model (tests/unit/reference_model.h) computed over that account's scoped rows only, and
// no name outside the scope appears anywhere in the body. A route added to the handler
// must be added to kDataRoutes below.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "auth/accounts.h"
#include "auth/authenticator.h"
#include "reference_model.h"
#include "state/sqlite_state_store.h"
#include "store/dataset_holder.h"
#include "web/handler.h"
#include "web/login_form.h"

namespace keeta::web {
namespace {

using spec::D;
using spec::Iso;
using spec::Row;
using spec::Table;
using json = nlohmann::json;
using Role = AccessScope::Role;

// Every route that answers from the data. Kind says how its body is checked.
enum class Kind { kKpisJson, kFiltersJson, kBreakdownJson, kPage };
struct DataRoute {
  std::string_view path;  // may carry fixed parameters after '?'
  Kind kind;
  Dimension by = Dimension::kAgent;  // kBreakdownJson
};
constexpr DataRoute kDataRoutes[] = {
    {"/api/v1/kpis", Kind::kKpisJson},
    {"/api/v1/filters", Kind::kFiltersJson},
    {"/api/v1/breakdown?by=agent&limit=1000", Kind::kBreakdownJson, Dimension::kAgent},
    {"/api/v1/breakdown?by=team_leader&limit=1000", Kind::kBreakdownJson,
     Dimension::kTeamLeader},
    {"/api/v1/breakdown?by=supervisor&limit=1000", Kind::kBreakdownJson,
     Dimension::kSupervisor},
    {"/overall", Kind::kPage},
};

// Two supervisors, two team leaders each, three agents per team leader, plus one agent who
// moves from team A1 to team B1 halfway. No name is a substring of another.
struct Person {
  std::string agent, team_leader, supervisor;
};
std::vector<Person> Organisation() {
  std::vector<Person> people;
  for (char s : {'A', 'B'}) {
    for (char t : {'1', '2'}) {
      for (char a : {'x', 'y', 'z'}) {
        people.push_back({fmt::format("Agent-{}{}{}", s, t, a), fmt::format("Lead-{}{}", s, t),
                          fmt::format("Sup-{}", s)});
      }
    }
  }
  return people;
}

Table MakeTable() {
  std::mt19937_64 rng(20260105);
  std::uniform_real_distribution<double> unit(0, 1);
  Table table;
  const Day first = D("2025-03-01");
  constexpr int kDays = 40;
  auto add_row = [&](const Person& p, Day day) {
    Row row;
    row.day = day;
    row.Agent(p.agent).TeamLeader(p.team_leader).Supervisor(p.supervisor);
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      if (unit(rng) < 0.1) continue;  // a missing cell now and then
      row.values[m] = std::round(unit(rng) * 100);
    }
    row.values[Index(Measure::kActiveAgents)] = unit(rng) < 0.8 ? 1 : 0;
    table.rows.push_back(std::move(row));
  };
  for (int d = 0; d < kDays; ++d) {
    for (const Person& p : Organisation()) add_row(p, first + d);
    add_row({"Agent-Mover", d < kDays / 2 ? "Lead-A1" : "Lead-B1",
             d < kDays / 2 ? "Sup-A" : "Sup-B"},
            first + d);
  }
  return table;
}

bool InScope(const Row& row, const AccessScope& scope) {
  switch (scope.role) {
    case Role::kAdmin: return true;
    case Role::kSupervisor: return row.name(Dimension::kSupervisor) == scope.name;
    case Role::kTeamLeader: return row.name(Dimension::kTeamLeader) == scope.name;
    case Role::kAgent: return row.name(Dimension::kAgent) == scope.name;
  }
  return false;
}

Table Scoped(const Table& table, const AccessScope& scope) {
  Table out{table.columns, {}};
  for (const Row& row : table.rows) {
    if (InScope(row, scope)) out.rows.push_back(row);
  }
  return out;
}

std::set<std::string> Names(const Table& table) {
  std::set<std::string> names;
  for (const Row& row : table.rows) {
    for (const auto& n : row.names) {
      if (!n.empty()) names.insert(n);
    }
  }
  return names;
}

// One filter variant: its query string and the same filter for the reference model.
struct FilterCase {
  std::string query;
  spec::RefFilter ref;
};

std::vector<FilterCase> FilterCases(const AccessScope& scope, const Table& scoped) {
  std::vector<FilterCase> cases;
  cases.push_back({"", {}});
  spec::RefFilter range;
  range.from = D("2025-03-10");
  range.to = D("2025-03-31");
  cases.push_back({"from_date=2025-03-10&to_date=2025-03-31", range});
  // Someone inside the scope, and someone outside it (must match nothing).
  const std::string inside = scoped.rows.empty() ? "Agent-A1x" : scoped.rows.back().name(Dimension::kAgent);
  for (const std::string& agent : {inside, std::string("Agent-B2z"), std::string("Agent-A1x")}) {
    spec::RefFilter f;
    f.names[Index(Dimension::kAgent)] = {agent};
    cases.push_back({"agent=" + PercentEncode(agent), f});
  }
  spec::RefFilter sup;
  sup.names[Index(Dimension::kSupervisor)] = {"Sup-B"};
  cases.push_back({"supervisor=Sup-B", sup});
  spec::RefFilter lead;
  lead.names[Index(Dimension::kTeamLeader)] = {"Lead-A1", "Lead-B1"};
  lead.from = D("2025-03-15");
  cases.push_back({"team_leader=Lead-A1&team_leader=Lead-B1&from_date=2025-03-15", lead});
  (void)scope;
  return cases;
}

void ExpectNumber(const json& got, const std::optional<double>& want, const std::string& what) {
  if (!want) {
    EXPECT_TRUE(got.is_null()) << what << ": want null, got " << got;
    return;
  }
  ASSERT_TRUE(got.is_number()) << what << ": want " << *want << ", got " << got;
  const double g = got.get<double>();
  EXPECT_NEAR(g, *want, 1e-9 * std::max(1.0, std::fabs(*want))) << what;
}

void CheckKpis(const json& body, const spec::RefDashboard& want, const std::string& where) {
  ASSERT_EQ(body["rows"].get<std::size_t>(), want.rows) << where;
  ASSERT_EQ(body["kpis"].size(), want.kpis.size()) << where;
  for (std::size_t k = 0; k < want.kpis.size(); ++k) {
    const json& kpi = body["kpis"][k];
    const spec::RefKpi& ref = want.kpis[k];
    ASSERT_EQ(kpi["id"], ref.id) << where;
    ExpectNumber(kpi["value"], ref.available ? ref.value : std::nullopt, where + " " + ref.id);
    if (!ref.available) continue;
    // Trend points: one per day with rows, compared day by day.
    std::map<std::string, const json*> points;
    for (const json& p : kpi["trend"]) points[p[0].get<std::string>()] = &p[1];
    ASSERT_EQ(points.size(), want.days.size()) << where << " " << ref.id;
    for (std::size_t i = 0; i < want.days.size(); ++i) {
      const auto it = points.find(Iso(want.days[i]));
      ASSERT_NE(it, points.end()) << where << " " << ref.id << " " << Iso(want.days[i]);
      ExpectNumber(*it->second, ref.trend[i], where + " " + ref.id + " " + Iso(want.days[i]));
    }
  }
}

void CheckChoices(const json& body, const spec::RefChoices& want, const std::string& where) {
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    EXPECT_EQ(body[std::string(kNameParams[d])].get<std::vector<std::string>>(), want.names[d])
        << where << " " << kNameParams[d];
  }
}

// One entry per distinct name among the filtered scoped rows, each the reference
// dashboard's card values over that name's rows alone (kpis.md, "Breakdown").
void CheckBreakdown(const json& body, const Table& scoped, const spec::RefFilter& filter,
                    Dimension by, const std::string& where) {
  std::set<std::string> names;
  for (const Row& row : scoped.rows) {
    if (!row.name(by).empty()) names.insert(row.name(by));
  }
  std::map<std::string, const json*> entries;
  for (const json& e : body["rows"]) entries[e["name"].get<std::string>()] = &e;
  std::size_t expected = 0;
  for (const std::string& name : names) {
    spec::RefFilter narrowed = filter;
    auto& list = narrowed.names[Index(by)];
    // The name's rows among the filtered ones: with a filter on this dimension already,
    // only names it lists have rows.
    if (!list.empty() && std::find(list.begin(), list.end(), name) == list.end()) continue;
    list = {name};
    const spec::RefDashboard want = spec::ReferenceDashboard(scoped, narrowed);
    if (want.rows == 0) continue;
    ++expected;
    const auto it = entries.find(name);
    ASSERT_NE(it, entries.end()) << where << ": no entry for " << name;
    EXPECT_EQ((*it->second)["rows"].get<std::size_t>(), want.rows) << where << " " << name;
    for (const spec::RefKpi& kpi : want.kpis) {
      ExpectNumber((*it->second)["kpis"][kpi.id], kpi.available ? kpi.value : std::nullopt,
                   where + " " + name + " " + kpi.id);
    }
  }
  EXPECT_EQ(entries.size(), expected) << where;
  EXPECT_EQ(body["total"].get<std::size_t>(), expected) << where;
}

class RoleMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    table_ = MakeTable();
    auto store = state::OpenSqliteStateStore(":memory:");
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::shared_ptr<state::StateStore>(std::move(*store));
    auth_ = std::make_shared<auth::Authenticator>(store_);
    HandlerOptions options;
    options.access.mode = AccessOptions::Mode::kAccounts;
    options.access.auth = auth_;
    handler_ = std::make_unique<Handler>(
        std::make_shared<DatasetHolder>(spec::BuildDataset(table_)), options);
  }

  // An account with this scope and a token for it (no password: tokens need none).
  std::string TokenFor(const AccessScope& scope) {
    state::Account account;
    account.name = fmt::format("user{}", ++accounts_);
    account.role = scope.role;
    account.scope = scope.name;
    account.password_hash = "unused";
    auto added = store_->AddAccount(account);
    EXPECT_TRUE(added.ok());
    auto issued = auth::IssueToken(*store_, account.name, std::nullopt);
    EXPECT_TRUE(issued.ok());
    return issued->token;
  }

  Response Get(const std::string& target, const std::string& token) {
    Request req{http::verb::get, target, 11};
    req.set(http::field::host, "localhost");
    req.set(http::field::authorization, "Bearer " + token);
    return handler_->Handle(req);
  }

  std::vector<AccessScope> Scopes() const {
    std::vector<AccessScope> scopes{{Role::kAdmin, ""}};
    for (const char* s : {"Sup-A", "Sup-B"}) scopes.push_back({Role::kSupervisor, s});
    for (const char* t : {"Lead-A1", "Lead-A2", "Lead-B1", "Lead-B2"}) {
      scopes.push_back({Role::kTeamLeader, t});
    }
    for (const Person& p : Organisation()) scopes.push_back({Role::kAgent, p.agent});
    scopes.push_back({Role::kAgent, "Agent-Mover"});
    scopes.push_back({Role::kAgent, "Nobody-In-The-Data"});
    return scopes;
  }

  Table table_;
  std::shared_ptr<state::StateStore> store_;
  std::shared_ptr<auth::Authenticator> auth_;
  std::unique_ptr<Handler> handler_;
  int accounts_ = 0;
};

TEST_F(RoleMatrixTest, EveryRouteAndRoleSeesExactlyItsScopedRows) {
  const std::set<std::string> everyone = Names(table_);
  const spec::RefChoices all_days = spec::ReferenceChoices(table_, {});
  int checked = 0;
  // Twice over: the second round is answered from the response cache, which must be keyed
  // by scope as well as by filter.
  for (int round = 0; round < 2; ++round) {
    for (const AccessScope& scope : Scopes()) {
      const std::string token = TokenFor(scope);
      const Table scoped = Scoped(table_, scope);
      const std::set<std::string> visible = Names(scoped);
      for (const FilterCase& fc : FilterCases(scope, scoped)) {
        for (const DataRoute& route : kDataRoutes) {
          const bool has_query = route.path.find('?') != std::string_view::npos;
          const std::string target = std::string(route.path) +
                                      (fc.query.empty() ? "" : (has_query ? "&" : "?") + fc.query);
          const std::string where = fmt::format("{} as {} '{}' (round {})", target,
                                                static_cast<int>(scope.role), scope.name, round);
          const Response res = Get(target, token);
          ASSERT_EQ(res.result(), http::status::ok) << where << "\n" << res.body();
          const std::string& body = res.body();
          for (const std::string& name : everyone) {
            if (visible.contains(name)) continue;
            // A name the person typed into their own filter is echoed back; that is theirs.
            if (fc.query.find(PercentEncode(name)) != std::string::npos) continue;
            EXPECT_EQ(body.find(name), std::string::npos)
                << where << ": body names '" << name << "', outside the scope";
          }
          switch (route.kind) {
            case Kind::kKpisJson:
              CheckKpis(json::parse(body), spec::ReferenceDashboard(scoped, fc.ref), where);
              break;
            case Kind::kFiltersJson: {
              const json parsed = json::parse(body);
              CheckChoices(parsed, spec::ReferenceChoices(scoped, fc.ref), where);
              // The date bounds are the data's (the pickers' range), not a name.
              EXPECT_EQ(parsed["min_day"], Iso(*all_days.min_day)) << where;
              break;
            }
            case Kind::kBreakdownJson:
              CheckBreakdown(json::parse(body), scoped, fc.ref, route.by, where);
              break;
            case Kind::kPage:
              EXPECT_THAT(body, ::testing::HasSubstr("class=\"account-name\""));
              break;
          }
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 2 * 21 * 7 * static_cast<int>(std::size(kDataRoutes)));
}

TEST_F(RoleMatrixTest, WithoutCredentialsNoDataRouteAnswers) {
  for (const DataRoute& route : kDataRoutes) {
    Request req{http::verb::get, std::string(route.path), 11};
    const Response res = handler_->Handle(req);
    const bool api = route.path.starts_with("/api/");
    EXPECT_EQ(res.result(), api ? http::status::unauthorized : http::status::see_other)
        << route.path;
    for (const std::string& name : Names(table_)) {
      EXPECT_EQ(res.body().find(name), std::string::npos) << route.path;
    }
  }
}

// The live WebSocket subscribes with the Query LiveQuery builds: the same scope as HTTP
// (the hub then computes every message from that Query; tests/unit/live_test.cc).
TEST_F(RoleMatrixTest, LiveSubscriptionsCarryTheSignedInScope) {
  for (const AccessScope& scope : Scopes()) {
    Request req{http::verb::get, "/api/v1/live?agent=Agent-B2z&scope=admin", 11};
    req.set(http::field::authorization, "Bearer " + TokenFor(scope));
    auto admitted = handler_->LiveQuery(req);
    ASSERT_TRUE(std::holds_alternative<LiveView>(admitted)) << scope.name;
    const Query& q = std::get<LiveView>(admitted).query;
    EXPECT_EQ(q.scope.role, scope.role);
    EXPECT_EQ(q.scope.name, scope.name);
    EXPECT_EQ(q.filter.agents(), std::vector<std::string>{"Agent-B2z"});
  }
  Request anonymous{http::verb::get, "/api/v1/live", 11};
  auto refused = handler_->LiveQuery(anonymous);
  ASSERT_TRUE(std::holds_alternative<Response>(refused));
  EXPECT_EQ(std::get<Response>(refused).result(), http::status::unauthorized);
}

TEST_F(RoleMatrixTest, ScopeCannotBeWidenedByParameters) {
  const std::string token = TokenFor({Role::kAgent, "Agent-A1x"});
  const Table scoped = Scoped(table_, {Role::kAgent, "Agent-A1x"});
  for (const std::string query :
       {"scope=admin", "role=admin", "agent=All", "agent=Agent-A1x&agent=Agent-B1y",
        "supervisor=Sup-B&scope=Sup-B"}) {
    const Response res = Get("/api/v1/kpis?" + query, token);
    ASSERT_EQ(res.result(), http::status::ok) << query;
    const json body = json::parse(res.body());
    EXPECT_LE(body["rows"].get<std::size_t>(), scoped.rows.size()) << query;
    EXPECT_EQ(res.body().find("Agent-B1y\",\"team"), std::string::npos);
  }
}

}  // namespace
}  // namespace keeta::web
