// Request-target parsing: splitting `/path?query` and decoding an
// application/x-www-form-urlencoded query string into (key, value) pairs, in order, with
// repeated keys kept (agent=a&agent=b). core's ParseFilter turns the pairs into a Filter.
// Thread-safety: stateless functions.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/query.h"
#include "core/result.h"

namespace keeta::web {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct Target {
  std::string_view path;   // up to the first '?' (or '#')
  std::string_view query;  // after the '?', without any '#fragment'; "" when none
};

// Splits a request target. Never fails; the views point into `target`.
Target SplitTarget(std::string_view target);

// Decodes `+` as space and `%XX` as the byte XX. A `%` not followed by two hex digits is
// an Error (param names the offending key, or is empty when the key itself is bad).
Result<std::string> PercentDecode(std::string_view text);

// Splits on '&' (empty pieces skipped); a piece without '=' is a key with an empty value.
Result<QueryParams> ParseQueryString(std::string_view query);

// The inverse: `key=value&…`, percent-encoded as an HTML form submits it.
std::string EncodeQueryString(const QueryParams& params);

// A selection is capped: at most this many values of one parameter (agent=…&agent=…).
// More is a 400 (code too_many_values) naming the parameter; docs/server.md.
inline constexpr std::size_t kMaxValuesPerParam = 1000;
Result<bool> CheckValueCounts(const QueryParams& params);

// The page's chip remove buttons submit the current filter plus one of these; the handler
// answers with a redirect to the filter without that value (or without the dates).
// kDropNameParams[d] drops a value of kNameParams[d].
inline constexpr std::array<std::string_view, kDimensionCount> kDropNameParams{
    "drop_agent", "drop_team_leader", "drop_supervisor"};
inline constexpr std::string_view kDropDatesParam = "drop_dates";

// Removes every drop parameter and what it names from `params`; true when there was one.
bool ApplyDrops(QueryParams& params);

}  // namespace keeta::web
