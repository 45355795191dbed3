#include "auth/password.h"

#include <sodium.h>

#include <fmt/format.h>

#include "auth/secrets.h"

namespace keeta::auth {

Result<bool> CheckPasswordRules(std::string_view password) {
  if (password.size() > kMaxPasswordLength) {
    return Error{fmt::format("the password is longer than {} bytes", kMaxPasswordLength),
                 "password"};
  }
  std::size_t code_points = 0;
  for (unsigned char c : password) code_points += (c & 0xC0) != 0x80;
  if (code_points < kMinPasswordLength) {
    return Error{fmt::format("the password must be at least {} characters long",
                             kMinPasswordLength),
                 "password"};
  }
  return true;
}

Result<std::string> HashPassword(std::string_view password) {
  auto rules = CheckPasswordRules(password);
  if (!rules) return rules.error();
  InitCrypto();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Error{"not enough memory to hash the password", "password"};
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view stored, std::string_view password) {
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES ||
      password.size() > kMaxPasswordLength) {
    return false;
  }
  InitCrypto();
  char hash[crypto_pwhash_STRBYTES] = {};
  stored.copy(hash, stored.size());
  return crypto_pwhash_str_verify(hash, password.data(), password.size()) == 0;
}

const std::string& DecoyPasswordHash() {
  static const std::string hash = [] {
    auto h = HashPassword(RandomSecret());
    return h ? *h : std::string();
  }();
  return hash;
}

}  // namespace keeta::auth
