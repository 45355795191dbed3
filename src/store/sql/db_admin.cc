#include "store/sql/db_admin.h"

#include "store/sql/db_client.h"

namespace keeta::sql {

// The two clients' own implementations (postgres_client.cc, mysql_client.cc).
namespace pg {
Result<std::uint64_t> Import(const DbUrl& url, const ParsedTable& table, bool replace);
std::optional<Error> SetupNotifications(const DbUrl& url);
std::optional<Error> RunStatements(const DbUrl& url, const std::vector<SqlStatement>& statements);
std::optional<Error> ReplaceTables(const DbUrl& url, std::vector<TableFill>& tables, const SqlStatement& finish,
                                   const std::atomic<bool>* stop);
}  // namespace pg
namespace mysql {
Result<std::uint64_t> Import(const DbUrl& url, const ParsedTable& table, bool replace);
std::optional<Error> RunStatements(const DbUrl& url, const std::vector<SqlStatement>& statements);
std::optional<Error> ReplaceTables(const DbUrl& url, std::vector<TableFill>& tables, const SqlStatement& finish,
                                   const std::atomic<bool>* stop);
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

std::optional<Error> RunStatements(const DbUrl& url, const std::vector<SqlStatement>& statements) {
  return url.kind == DbUrl::Kind::kPostgres ? pg::RunStatements(url, statements)
                                            : mysql::RunStatements(url, statements);
}

std::optional<Error> ReplaceTables(const DbUrl& url, std::vector<TableFill>& tables,
                                   const SqlStatement& finish, const std::atomic<bool>* stop) {
  return url.kind == DbUrl::Kind::kPostgres ? pg::ReplaceTables(url, tables, finish, stop)
                                            : mysql::ReplaceTables(url, tables, finish, stop);
}

}  // namespace keeta::sql
