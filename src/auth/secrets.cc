#include "auth/secrets.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace keeta::auth {
namespace {

std::string Base64Url(const unsigned char* data, std::size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), data, size,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

}  // namespace

void InitCrypto() {
  if (sodium_init() < 0) {
    std::fputs("keeta: cannot initialise libsodium\n", stderr);
    std::abort();
  }
}

std::string RandomSecret(std::size_t bytes) {
  InitCrypto();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out = Base64Url(raw.data(), raw.size());
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string Sha256Hex(std::string_view text) {
  InitCrypto();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, sizeof hex - 1);
}

std::string KeyedTag(std::string_view key, std::string_view message) {
  InitCrypto();
  unsigned char k[crypto_auth_KEYBYTES] = {};
  for (std::size_t i = 0; i < key.size() && i < sizeof k; ++i) {
    k[i] = static_cast<unsigned char>(key[i]);
  }
  unsigned char tag[crypto_auth_BYTES];
  crypto_auth(tag, reinterpret_cast<const unsigned char*>(message.data()), message.size(), k);
  sodium_memzero(k, sizeof k);
  return Base64Url(tag, sizeof tag);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace keeta::auth
