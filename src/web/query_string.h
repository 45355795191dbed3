// Request-target parsing: splitting `/path?query` and decoding an
// application/x-www-form-urlencoded query string into (key, value) pairs, in order, with
// repeated keys kept (agent=a&agent=b). core's ParseFilter turns the pairs into a Filter.
// Thread-safety: stateless functions.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

}  // namespace keeta::web
