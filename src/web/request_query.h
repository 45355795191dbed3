// THE way a data path turns a request into the Query it answers. Every route that reads
// data — the page, /api/v1/*, the filter choices, exports, breakdowns, live updates, and
// any route added later — calls BuildQuery with the Principal the handler authenticated and
// answers only from the Query it returns:
//
//   auto q = BuildQuery(who, params);         // filter from the request,
//   if (!q) return BadRequest(q.error());     // scope from the signed-in person
//   ComputeDashboard(*snapshot, *q);
//
// `who` comes from the handler's AccessControl::Identify (Route hands it to every data
// route); there is no other way to obtain a Principal for a request.
//
// The scope comes from the principal, never from a parameter: a filter naming someone
// outside the scope matches nothing (core/engine.cc applies the scope before the filter).
// Anything cached per request must be keyed by QueryCacheKey, so no body computed for one
// scope is ever served to another.
// Stateless functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "core/query.h"
#include "core/result.h"
#include "web/query_string.h"

namespace keeta::web {

// The Query for `params` (decoded query-string pairs) as `who` may see it. A bad date is an
// Error whose param names it; with `dropped`, it is instead removed from `params` and
// described there (the page's rule: show the dashboard, say what was ignored).
Result<Query> BuildQuery(const auth::Principal& who, QueryParams& params,
                         std::vector<std::string>* dropped = nullptr);

// Parses with `parse`; on a page (dropped != nullptr) a parameter it rejects is removed,
// described in `dropped`, and parsing retried, so the page still shows.
template <class Parse>
auto ParseDroppingBad(QueryParams& params, std::vector<std::string>* dropped, Parse parse)
    -> decltype(parse(params)) {
  auto result = parse(params);
  while (!result && dropped != nullptr && !result.error().param.empty()) {
    dropped->push_back(result.error().message + " — ignored");
    const std::string bad = result.error().param;
    std::erase_if(params, [&](const auto& kv) { return kv.first == bad; });
    result = parse(params);
  }
  return result;
}

// A cache key unique to (scope, filter): the scope's role and name, length-prefixed, then
// Filter::CanonicalKey().
std::string QueryCacheKey(const Query& query);

}  // namespace keeta::web
