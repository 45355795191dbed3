#include "web/access.h"

#include <algorithm>
#include <cctype>

namespace keeta::web {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The token of "Bearer TOKEN" (scheme matched ignoring case), or "".
std::string_view BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return {};
  }
  return TrimSpaces(authorization.substr(kScheme.size()));
}

}  // namespace

std::string_view FindCookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    const std::string_view pair = TrimSpaces(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      std::string_view value = pair.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
  }
  return {};
}

bool AccessControl::FromTrustedProxy(const RequestContext& ctx) const {
  return std::any_of(options_.trusted_proxies.begin(), options_.trusted_proxies.end(),
                     [&](const Cidr& range) { return range.Contains(ctx.peer); });
}

std::optional<auth::Principal> AccessControl::Identify(const Request& req,
                                                       const RequestContext& ctx) const {
  if (options_.mode != AccessOptions::Mode::kAccounts) {
    return auth::Principal{"", AccessScope{}, auth::Principal::Via::kLocal, {}, {}};
  }
  auth::Authenticator& auth = *options_.auth;
  std::string client = ClientAddress(req, ctx);
  std::optional<auth::Principal> who;
  const auto named = options_.proxy_header.empty() ? req.end() : req.find(options_.proxy_header);
  const auto authorization = req.find(http::field::authorization);
  if (named != req.end() && FromTrustedProxy(ctx)) {
    who = auth.FromTrustedName(TrimSpaces(named->value()));
  } else if (authorization != req.end()) {
    // A request that offers a token is judged by it alone, never by a cookie beside it.
    who = auth.FromToken(BearerToken(authorization->value()), client);
  } else {
    who = auth.FromSession(FindCookie(req[http::field::cookie], kSessionCookie));
  }
  if (who) who->client = std::move(client);
  return who;
}

void AccessControl::Audit(std::string_view event, const auth::Principal& who,
                          std::string_view detail) const {
  if (options_.auth != nullptr) options_.auth->Audit(event, who.name, who.client, detail);
}

std::string AccessControl::ClientAddress(const Request& req, const RequestContext& ctx) const {
  if (!options_.trusted_proxies.empty() && FromTrustedProxy(ctx)) {
    std::string_view forwarded = req["X-Forwarded-For"];
    if (const auto comma = forwarded.rfind(','); comma != std::string_view::npos) {
      forwarded = forwarded.substr(comma + 1);
    }
    forwarded = TrimSpaces(forwarded);
    if (!forwarded.empty() && forwarded.size() <= 64) return std::string(forwarded);
  }
  if (ctx.peer.is_unspecified()) return "-";
  return ctx.peer.to_string();
}

std::string_view AccessControl::ModeNotice() const {
  switch (options_.mode) {
    case AccessOptions::Mode::kAccounts: return {};
    case AccessOptions::Mode::kLocal:
      return "Local mode: there are no accounts, so sign-in is off and this server answers "
             "on this machine only. Add an account with `keeta users add` to share it.";
    case AccessOptions::Mode::kOpen:
      return "Sign-in is off (--no-auth): everyone who can reach this server sees "
             "everything.";
  }
  return {};
}

}  // namespace keeta::web
