// The sign-in routes (docs/api.md, "Accounts"): GET /login (the form, with a CSRF value
// that must match the keeta_csrf cookie: the double-submit pattern), POST /login (password
// checked on the Authenticator's pool; 303 to `next` with a new session cookie, or the
// form again with one message for a wrong name or password), POST /logout (needs the
// session's CSRF tag). Stateless functions; thread-safe.
#pragma once

#include "web/access.h"
#include "web/http_types.h"

namespace keeta::web {

// GET/HEAD /login into `res`.
void ServeLoginForm(const Request& req, const RequestContext& ctx, const AccessControl& access,
                    Response& res);

// POST /login: calls `done` with the answer, at once or from the password pool.
void ServeSignIn(const Request& req, const RequestContext& ctx, const AccessControl& access,
                 Response res, std::function<void(Response)> done);

// POST /logout into `res`.
void ServeSignOut(const Request& req, const RequestContext& ctx, const AccessControl& access,
                  Response& res);

}  // namespace keeta::web
