#include "store/sql/db_url.h"

#include <charconv>
#include <cstdlib>
#include <fmt/format.h>
#include <vector>

namespace keeta::sql {

namespace {

constexpr std::string_view kPostgresSchemes[] = {"postgresql://", "postgres://"};
constexpr std::string_view kMySqlScheme = "mysql://";

Error UrlError(std::string message) { return Error{std::move(message), "data"}; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes (and '+' kept as is: this is a URL's path part, not a form).
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = HexValue(text[i + 1]);
    const int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// A table or schema name: letters, digits, '_' and '$' (what needs no quoting in either
// database), so that a URL cannot name something surprising. Quoted as an identifier
// anyway when used.
bool IsPlainIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '$';
    if (!ok) return false;
  }
  return !(name[0] >= '0' && name[0] <= '9');
}

}  // namespace

bool IsDbUrl(std::string_view data) {
  for (std::string_view scheme : kPostgresSchemes) {
    if (data.starts_with(scheme)) return true;
  }
  return data.starts_with(kMySqlScheme);
}

std::string_view DbUrl::KindName() const {
  return kind == Kind::kPostgres ? "PostgreSQL" : "MySQL";
}

std::string DbUrl::QualifiedTable() const {
  return schema.empty() ? table : schema + "." + table;
}

std::string DbUrl::Redacted() const {
  std::string out = kind == Kind::kPostgres ? "postgresql://" : "mysql://";
  if (!user.empty()) out += user + "@";
  out += host;
  if (port) out += fmt::format(":{}", *port);
  out += "/" + database + "?table=" + QualifiedTable();
  if (mode == Mode::kPushdown) out += "&mode=pushdown";
  if (!key.empty()) out += "&key=" + key;
  return out;
}

std::string DbUrl::Label() const {
  return fmt::format("{}.{} ({})", database, QualifiedTable(), KindName());
}

Result<DbUrl> ParseDbUrl(std::string_view text) {
  DbUrl url;
  std::string_view rest;
  for (std::string_view scheme : kPostgresSchemes) {
    if (text.starts_with(scheme)) rest = text.substr(scheme.size());
  }
  if (text.starts_with(kMySqlScheme)) {
    url.kind = DbUrl::Kind::kMySql;
    rest = text.substr(kMySqlScheme.size());
  } else if (rest.data() == nullptr) {
    return UrlError("a database URL starts with postgresql://, postgres:// or mysql://");
  }

  std::string_view query;
  if (const auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return UrlError(fmt::format("{} URL without a database: expected {}://USER@HOST/DB?table=NAME",
                                url.KindName(), url.kind == DbUrl::Kind::kPostgres ? "postgresql" : "mysql"));
  }
  std::string_view authority = rest.substr(0, slash);
  const auto database = PercentDecode(rest.substr(slash + 1));
  if (!database || database->empty()) return UrlError("the database name in the URL is missing or badly escaped");
  url.database = *database;

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    std::string_view user = userinfo, password;
    if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      password = userinfo.substr(colon + 1);
    }
    const auto u = PercentDecode(user);
    const auto p = PercentDecode(password);
    if (!u || !p) return UrlError("the user or password in the URL is badly escaped");
    url.user = *u;
    url.password = *p;
  }
  // HOST, HOST:PORT, [IPV6] or [IPV6]:PORT; what follows the host is left in `port_text`.
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return UrlError("unclosed '[' in the URL's host");
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) return UrlError("unexpected text after the URL's host");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      return UrlError(fmt::format("bad port '{}' in the URL", port_text));
    }
    url.port = static_cast<std::uint16_t>(port);
  }

  std::string table;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    const auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!value) return UrlError(fmt::format("the URL's '{}' parameter is badly escaped", name));
    if (name == "table") {
      table = *value;
    } else if (name == "mode") {
      if (*value == "snapshot") {
        url.mode = DbUrl::Mode::kSnapshot;
      } else if (*value == "pushdown") {
        url.mode = DbUrl::Mode::kPushdown;
      } else {
        return UrlError(fmt::format("mode={}: expected snapshot or pushdown", *value));
      }
    } else if (name == "key") {
      if (!IsPlainIdentifier(*value)) return UrlError(fmt::format("key={}: not a column name", *value));
      url.key = *value;
    } else {
      return UrlError(fmt::format("unknown URL parameter '{}' (known: table, mode, key)", name));
    }
  }
  if (table.empty()) return UrlError("the URL names no table: add ?table=NAME");
  if (const auto dot = table.find('.'); dot != std::string::npos) {
    url.schema = table.substr(0, dot);
    url.table = table.substr(dot + 1);
  } else {
    url.table = table;
  }
  if ((!url.schema.empty() && !IsPlainIdentifier(url.schema)) || !IsPlainIdentifier(url.table)) {
    return UrlError(fmt::format("table={}: expected NAME or SCHEMA.NAME (letters, digits, _)", table));
  }
  if (url.password.empty()) {
    const char* env = std::getenv(url.kind == DbUrl::Kind::kPostgres ? "PGPASSWORD" : "MYSQL_PWD");
    if (env != nullptr) url.password = env;
  }
  return url;
}

std::string WithoutPassword(std::string message, const DbUrl& url) {
  if (url.password.empty()) return message;
  for (std::size_t at = message.find(url.password); at != std::string::npos;
       at = message.find(url.password, at + 4)) {
    message.replace(at, url.password.size(), "****");
  }
  return message;
}

}  // namespace keeta::sql
