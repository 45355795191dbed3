#include "web/sign_in.h"

#include <fmt/format.h>

#include "auth/secrets.h"
#include "web/login_form.h"
#include "web/page.h"
#include "web/query_string.h"

namespace keeta::web {
namespace {

constexpr std::string_view kHtmlType = "text/html; charset=utf-8";
constexpr std::string_view kWrongCredentials = "Wrong name or password.";
constexpr std::size_t kCsrfLength = 43;  // RandomSecret(32)

std::string CookieAttributes(bool tls) {
  return tls ? "; HttpOnly; SameSite=Lax; Secure" : "; HttpOnly; SameSite=Lax";
}

void Redirect(Response& res, std::string_view location) {
  res.result(http::status::see_other);
  res.set(http::field::location, location);
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  res.body() = fmt::format("See {}\n", location);
}

// The form, with the browser's CSRF cookie value reused (several tabs may be open) or a new
// one set.
void AnswerWithForm(const Request& req, const RequestContext& ctx, Response& res,
               http::status status, std::string_view message, std::string_view username,
               std::string_view next) {
  std::string csrf(FindCookie(req[http::field::cookie], kLoginCsrfCookie));
  if (csrf.size() != kCsrfLength) {
    csrf = auth::RandomSecret(32);
    res.set(http::field::set_cookie, fmt::format("{}={}; Path=/login{}", kLoginCsrfCookie, csrf,
                                                 CookieAttributes(ctx.tls)));
  }
  res.result(status);
  res.set(http::field::content_type, kHtmlType);
  res.set(http::field::cache_control, "no-store");
  res.body() = RenderLoginPage(LoginPageInput{message, username, SafeNextPath(next), csrf});
}

}  // namespace

void ServeLoginForm(const Request& req, const RequestContext& ctx, const AccessControl& access,
                    Response& res) {
  if (!access.requires_sign_in()) return Redirect(res, "/overall");
  auto params = ParseQueryString(SplitTarget(req.target()).query);
  std::string next;
  if (params) {
    for (const auto& [key, value] : *params) {
      if (key == "next") {
        next = value;
        break;
      }
    }
  }
  AnswerWithForm(req, ctx, res, http::status::ok, {}, {}, next);
}

void ServeSignIn(const Request& req, const RequestContext& ctx, const AccessControl& access,
                 Response res, std::function<void(Response)> done) {
  if (!access.requires_sign_in()) {
    Redirect(res, "/overall");
    return done(std::move(res));
  }
  auto form = ParseLoginForm(req.body());
  if (!form) {
    AnswerWithForm(req, ctx, res, http::status::bad_request, "The sign-in form could not be read.",
              {}, {});
    return done(std::move(res));
  }
  const std::string_view cookie = FindCookie(req[http::field::cookie], kLoginCsrfCookie);
  if (cookie.size() != kCsrfLength || !auth::ConstantTimeEquals(cookie, form->csrf)) {
    AnswerWithForm(req, ctx, res, http::status::forbidden,
              "The sign-in form had expired. Please try again.", form->username, form->next);
    return done(std::move(res));
  }
  auth::Authenticator& auth = *access.authenticator();
  // A session the browser already had ends: every sign-in gets a new id.
  std::string previous(FindCookie(req[http::field::cookie], kSessionCookie));
  const long max_age = static_cast<long>(auth.options().session_absolute.count());
  auto finish = [&req, ctx, &auth, res = std::move(res), done = std::move(done),
                 username = form->username, next = form->next, previous = std::move(previous),
                 max_age](auth::SignInResult result) mutable {
    using Outcome = auth::SignInResult::Outcome;
    switch (result.outcome) {
      case Outcome::kSignedIn:
        if (auto old = auth.FromSession(previous)) auth.SignOut(*old, "-");
        Redirect(res, SafeNextPath(next));
        res.set(http::field::set_cookie,
                fmt::format("{}={}; Path=/; Max-Age={}{}", kSessionCookie, result.session_id,
                            max_age, CookieAttributes(ctx.tls)));
        break;
      case Outcome::kRejected:
        AnswerWithForm(req, ctx, res, http::status::unauthorized, kWrongCredentials, username, next);
        break;
      case Outcome::kThrottled:
        AnswerWithForm(req, ctx, res, http::status::too_many_requests,
                  fmt::format("Too many failed sign-ins. Try again in {} seconds.",
                              result.retry_after.count()),
                  username, next);
        res.set(http::field::retry_after, std::to_string(result.retry_after.count()));
        break;
      case Outcome::kBusy:
        AnswerWithForm(req, ctx, res, http::status::service_unavailable,
                  "Too many sign-ins at once. Try again in a moment.", username, next);
        res.set(http::field::retry_after, std::to_string(result.retry_after.count()));
        break;
    }
    done(std::move(res));
  };
  auth.SignInAsync(form->username, form->password, access.ClientAddress(req, ctx),
                   std::move(finish));
}

void ServeSignOut(const Request& req, const RequestContext& ctx, const AccessControl& access,
                  Response& res) {
  if (!access.requires_sign_in()) return Redirect(res, "/overall");
  const auto who = access.Identify(req, ctx);
  if (!who) return Redirect(res, "/login");
  auto form = ParseLoginForm(req.body());
  auth::Authenticator& auth = *access.authenticator();
  if (who->via == auth::Principal::Via::kSession &&
      (!form || !auth.CheckCsrfTag(*who, form->csrf))) {
    res.result(http::status::forbidden);
    res.set(http::field::content_type, kHtmlType);
    res.set(http::field::cache_control, "no-store");
    res.body() = RenderErrorPage(403, "Forbidden",
                                 "The sign-out form had expired. Reload the page and try again.");
    return;
  }
  auth.SignOut(*who, access.ClientAddress(req, ctx));
  Redirect(res, "/login");
  res.set(http::field::set_cookie, fmt::format("{}=; Path=/; Max-Age=0{}", kSessionCookie,
                                               CookieAttributes(ctx.tls)));
}

}  // namespace keeta::web
