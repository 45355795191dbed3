// Small cryptographic helpers over libsodium: random secrets, hashing of high-entropy
// secrets for storage, keyed tags, constant-time comparison. Stateless; thread-safe once
// InitCrypto has run (it is called by every function here, and is cheap after the first).
#pragma once

#include <string>
#include <string_view>

namespace keeta::auth {

// Initialises libsodium; aborts the process if it cannot (no safe way to go on).
void InitCrypto();

// `bytes` random bytes as unpadded URL-safe base64 (32 bytes = 256 bits -> 43 characters).
std::string RandomSecret(std::size_t bytes = 32);

// SHA-256 as lowercase hex. For secrets that are already random (session ids, tokens):
// stored hashed so a copy of the state file does not let anyone sign in.
std::string Sha256Hex(std::string_view text);

// A keyed tag (HMAC-SHA-512/256, URL-safe base64) of `message` under `key` (32 bytes).
std::string KeyedTag(std::string_view key, std::string_view message);

// Equal contents, in time that depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace keeta::auth
