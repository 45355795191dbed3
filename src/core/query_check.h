// QueryCheck: what in a query cannot match, said plainly — a name that is not in the data
// the viewer may see ("no agent 'Ahmad'; did you mean 'Ahmed'?") and a range whose start
// is after its end. The numbers stay the honest answer (zero rows); these are warnings
// shown beside them on the page, in the API's "warnings" and on the CLI's stderr.
// Pure functions over an immutable Dataset; safe from many threads.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "core/dataset.h"
#include "core/query.h"

namespace keeta {

struct QueryWarning {
  enum class Kind { kUnknownName, kReversedRange };
  Kind kind = Kind::kUnknownName;
  std::string param;                     // "agent", "team_leader", "supervisor", "to_date"
  std::string value;                     // the name as given, or the to_date
  std::vector<std::string> suggestions;  // closest names in scope, best first (at most 3)
  std::string message;                   // one line, e.g. "no agent 'Ahmad'; did you mean 'Ahmed'?"
};

// "unknown_name" or "reversed_range": the warning's code in the API.
std::string_view QueryWarningCode(QueryWarning::Kind kind);

// At most this many unknown names get suggestions (each costs a pass over the names).
inline constexpr std::size_t kMaxSuggestedNames = 5;

// The warnings for `query` over `data`, in parameter order. A name counts as known only
// when it occurs in rows the query's scope lets the viewer see, and suggestions come only
// from those names, so neither reveals anyone outside the scope.
std::vector<QueryWarning> CheckQuery(const Dataset& data, const Query& query);

// The same for any source: `visible` lists the names the scope lets the viewer see (the
// choices for Query{Filter{}, scope}), or is null when every filtered name is known;
// `present` says which name columns the data has.
std::vector<QueryWarning> CheckQueryAgainst(const Query& query, const FilterChoices* visible,
                                            const std::array<bool, kDimensionCount>& present);

// Names within a small edit distance of `name` (case-insensitive over ASCII; counted in
// code points, so an Arabic or accented name is judged by its letters, not its bytes),
// closest first, at most `limit`. `candidates` need not be sorted.
std::vector<std::string> ClosestNames(std::string_view name,
                                      const std::vector<std::string>& candidates,
                                      std::size_t limit = 3);

}  // namespace keeta
