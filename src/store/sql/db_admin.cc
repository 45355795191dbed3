#include "store/sql/db_admin.h"

#include "store/sql/db_client.h"

namespace keeta::sql {

// The two clients' own implementations (postgres_client.cc, mysql_client.cc).
namespace pg {
Result<std::uint64_t> Import(const DbUrl& url, const ParsedTable& table, bool replace);
std::optional<Error> SetupNotifications(const DbUrl& url);
}  // namespace pg
namespace mysql {
Result<std::uint64_t> Import(const DbUrl& url, const ParsedTable& table, bool replace);
}  // namespace mysql

std::unique_ptr<DbClient> MakeDbClient(const DbUrl& url) {
  return url.kind == DbUrl::Kind::kPostgres ? MakePostgresClient(url) : MakeMySqlClient(url);
}

Result<std::uint64_t> ImportTable(const DbUrl& url, const ParsedTable& table, bool replace) {
  return url.kind == DbUrl::Kind::kPostgres ? pg::Import(url, table, replace)
                                            : mysql::Import(url, table, replace);
}

std::optional<Error> SetupNotifications(const DbUrl& url) {
  if (url.kind == DbUrl::Kind::kPostgres) return pg::SetupNotifications(url);
  return Error{"MySQL has no change notifications: a running keeta serve checks the table "
               "for changes at every --reload-interval-ms instead",
               "data"};
}

}  // namespace keeta::sql
