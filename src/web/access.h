// AccessControl: decides who sent a request (the handler's first step on every route that
// is not public). In order: a trusted proxy's header (--auth-proxy-header, only from a
// --trusted-proxy address), an `Authorization: Bearer` API token, the session cookie. In
// local mode (no accounts, or --no-auth) everyone is the local administrator.
// Thread-safety: immutable after construction; the Authenticator locks internally.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/authenticator.h"
#include "web/cidr.h"
#include "web/http_types.h"

namespace keeta::web {

inline constexpr std::string_view kSessionCookie = "keeta_session";
inline constexpr std::string_view kLoginCsrfCookie = "keeta_csrf";

// What the transport knows about a request besides its bytes.
struct RequestContext {
  boost::asio::ip::address peer;  // the connection's remote address (unspecified in tests)
  bool tls = false;               // arrived over TLS
};

struct AccessOptions {
  enum class Mode {
    kAccounts,  // sign-in required (the state has accounts)
    kLocal,     // no accounts: everyone is admin; the server listens on loopback only
    kOpen,      // --no-auth: everyone is admin, on any address
  };
  Mode mode = Mode::kLocal;
  std::shared_ptr<auth::Authenticator> auth;  // required for kAccounts
  std::string proxy_header;                   // e.g. "X-Remote-User"; "" = off
  std::vector<Cidr> trusted_proxies;          // where proxy_header is believed
};

class AccessControl {
 public:
  explicit AccessControl(AccessOptions options) : options_(std::move(options)) {}

  // The principal, or nullopt when the request carries no valid credential.
  std::optional<auth::Principal> Identify(const Request& req, const RequestContext& ctx) const;

  // The client's address for throttling and the audit log: the peer, or, for a request
  // from a trusted proxy, the last address its X-Forwarded-For names.
  std::string ClientAddress(const Request& req, const RequestContext& ctx) const;

  // Records `event` by `who` in the audit log, e.g. Audit("export", who, "/export/rows.csv")
  // from every export route. A no-op in local mode (there is no state file to write to).
  void Audit(std::string_view event, const auth::Principal& who,
             std::string_view detail = {}) const;

  bool requires_sign_in() const { return options_.mode == AccessOptions::Mode::kAccounts; }
  auth::Authenticator* authenticator() const { return options_.auth.get(); }
  // The banner local and open modes show on every page; "" with accounts.
  std::string_view ModeNotice() const;

 private:
  bool FromTrustedProxy(const RequestContext& ctx) const;

  const AccessOptions options_;
};

// The value of cookie `name` in a Cookie header ("" when absent).
std::string_view FindCookie(std::string_view cookie_header, std::string_view name);

}  // namespace keeta::web
