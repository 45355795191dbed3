#include "web/request_query.h"

#include <fmt/format.h>

namespace keeta::web {

Result<Query> BuildQuery(const auth::Principal& who, QueryParams& params,
                         std::vector<std::string>* dropped) {
  auto filter =
      ParseDroppingBad(params, dropped, [](const QueryParams& p) { return ParseFilter(p); });
  if (!filter) return filter.error();
  return Query{std::move(*filter), who.scope};
}

std::string QueryCacheKey(const Query& query) {
  return fmt::format("scope={}:{}:{};", static_cast<int>(query.scope.role),
                     query.scope.name.size(), query.scope.name) +
         query.filter.CanonicalKey();
}

}  // namespace keeta::web
