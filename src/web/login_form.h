// The sign-in form's wire format: decoding the POST body (application/x-www-form-urlencoded,
// the same decoder as query strings), choosing a safe place to go afterwards, and
// percent-encoding a target for `/login?next=…`. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace keeta::web {

inline constexpr std::size_t kMaxLoginFormBytes = 8 * 1024;

struct LoginForm {
  std::string username;
  std::string password;
  std::string csrf;
  std::string next;
};

// Decodes the body. Unknown fields are ignored; a repeated field keeps its first value. An
// oversized or malformed body is an Error.
Result<LoginForm> ParseLoginForm(std::string_view body);

// `next` when it is a path on this server ("/…", not "//…" nor "/\…", no control
// characters); "/overall" otherwise. Keeps a sign-in link from sending people elsewhere.
std::string SafeNextPath(std::string_view next);

// Percent-encodes everything but unreserved characters and '/'.
std::string PercentEncode(std::string_view text);

}  // namespace keeta::web
