// Query: the one request-scoped object every query path takes — what the user filtered
// on (Filter) and what they are allowed to see (AccessScope). Plain value types.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/result.h"
#include "core/schema.h"

namespace keeta {

// The user's filters. Each name list holds trimmed, distinct, non-empty values (any of them
// matches); an empty list means no filter on that field. Dates are inclusive.
struct Filter {
  std::array<std::vector<std::string>, kDimensionCount> names;
  std::optional<Day> from;
  std::optional<Day> to;

  bool HasDateRange() const { return from.has_value() || to.has_value(); }
  const std::vector<std::string>& agents() const { return names[Index(Dimension::kAgent)]; }

  // Adds one raw value: trimmed; "" and "All" (any case) are ignored; duplicates dropped.
  void AddName(Dimension dim, std::string_view raw);

  // Canonical text form (sorted values), used as a cache key and in logs.
  std::string CanonicalKey() const;
};

// Who is asking. Restricts rows before the filter applies; every route passes one.
// Today everyone is kAdmin; roles arrive with accounts (see README "Roadmap").
struct AccessScope {
  enum class Role { kAdmin, kSupervisor, kTeamLeader, kAgent };
  Role role = Role::kAdmin;
  std::string name;  // the supervisor / team leader / agent name for non-admin roles
};

struct Query {
  Filter filter;
  AccessScope scope;
};

// Query-string parameter names (also the CLI's flag names with '-' for '_').
inline constexpr std::array<std::string_view, kDimensionCount> kNameParams{
    "agent", "team_leader", "supervisor"};
// The same dimensions in a sentence ("no team leader 'X'").
inline constexpr std::array<std::string_view, kDimensionCount> kDimensionWords{
    "agent", "team leader", "supervisor"};
inline constexpr std::string_view kFromParam = "from_date";
inline constexpr std::string_view kToParam = "to_date";

// Builds a Filter from decoded (key, value) pairs. Unknown keys are ignored. A date that is
// not a real `YYYY-MM-DD` day is an Error whose `param` names the parameter.
Result<Filter> ParseFilter(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace keeta
