// Passwords: Argon2id through libsodium's crypto_pwhash_str (salt and parameters inside
// the stored string), the "interactive" cost (64 MiB, 2 passes: about 0.2 s here), and the
// length rule. Verification is constant-time in the password. Stateless; thread-safe, but
// each call takes 64 MiB and a core for a while: the server runs them on PasswordPool.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace keeta::auth {

inline constexpr std::size_t kMinPasswordLength = 12;   // characters (UTF-8 code points)
inline constexpr std::size_t kMaxPasswordLength = 1024;  // bytes; longer is refused

// An Error (param "password") when the password breaks the length rules.
Result<bool> CheckPasswordRules(std::string_view password);

// The Argon2id string to store. Fails only when the rules fail or memory runs out.
Result<std::string> HashPassword(std::string_view password);

// True when `password` matches `stored`; false for a wrong password or a malformed hash.
bool VerifyPassword(std::string_view stored, std::string_view password);

// A valid hash of a random password, verified against when the name is unknown so that a
// wrong name costs the same time as a wrong password.
const std::string& DecoyPasswordHash();

}  // namespace keeta::auth
