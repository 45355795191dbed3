// NameInterner: dictionary-encodes one name column while a table is built: each distinct
// name is stored once in NameColumn::names and rows get codes. No allocation per repeated
// name (a string_view-keyed open-addressing table over the column's own strings).
// Thread-safety: none; one interner per column per load.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/parsed_table.h"

namespace keeta {

class NameInterner {
 public:
  explicit NameInterner(NameColumn* column) : column_(column), slots_(256, 0) {}

  std::uint32_t Intern(std::string_view name) {
    std::vector<std::string>& names = column_->names;
    // Consecutive rows often repeat a name (a team leader's agents, one agent's days).
    if (last_code_ < names.size() && Same(names[last_code_], name)) return last_code_;
    const std::uint64_t hash = Hash(name);
    const std::uint64_t tag = hash >> 32;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const std::uint64_t slot = slots_[i];
      if (slot == 0) break;
      const auto code = static_cast<std::uint32_t>(slot) - 1;
      if ((slot >> 32) == tag && Same(names[code], name)) return last_code_ = code;
    }
    const auto code = static_cast<std::uint32_t>(names.size());
    names.emplace_back(name);
    Insert(hash, code);
    if (names.size() * 2 > slots_.size()) Rehash(slots_.size() * 2);
    return last_code_ = code;
  }

 private:
  static std::uint64_t Load64(const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  }
  static std::uint32_t Load32(const char* p) {
    std::uint32_t w;
    std::memcpy(&w, p, 4);
    return w;
  }

  // Names are short: hash them from two (possibly overlapping) loads, with a loop only
  // for the middle of names over 16 bytes. Two independent multiplies per step.
  static std::uint64_t Hash(std::string_view s) {
    const char* p = s.data();
    const std::size_t n = s.size();
    std::uint64_t a;
    std::uint64_t b;
    if (n >= 8) {
      a = Load64(p);
      b = Load64(p + n - 8);
    } else if (n >= 4) {
      a = Load32(p);
      b = Load32(p + n - 4);
    } else if (n > 0) {
      a = static_cast<unsigned char>(p[0]) | static_cast<unsigned>(static_cast<unsigned char>(p[n / 2])) << 8 |
          static_cast<unsigned>(static_cast<unsigned char>(p[n - 1])) << 16;
      b = 0;
    } else {
      a = 0;
      b = 0;
    }
    std::uint64_t h = n * 0x9E3779B97F4A7C15ull;
    for (std::size_t i = 8; i + 8 < n; i += 8) {
      h = (h ^ Load64(p + i)) * 0xbf58476d1ce4e5b9ull;
      h ^= h >> 31;
    }
    h ^= (a ^ 0xff51afd7ed558ccdull) * 0xc4ceb9fe1a85ec53ull;
    h ^= ((b << 31) | (b >> 33)) * 0xd6e8feb86659fd93ull;
    h ^= h >> 29;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 32;
    return h;
  }

  // Equality without a call to memcmp for the usual short names.
  static bool Same(const std::string& stored, std::string_view name) {
    const std::size_t n = name.size();
    if (stored.size() != n) return false;
    const char* a = stored.data();
    const char* b = name.data();
    if (n >= 8 && n <= 16) {
      return Load64(a) == Load64(b) && Load64(a + n - 8) == Load64(b + n - 8);
    }
    if (n >= 4 && n < 8) return Load32(a) == Load32(b) && Load32(a + n - 4) == Load32(b + n - 4);
    return n == 0 || std::memcmp(a, b, n) == 0;
  }

  void Insert(std::uint64_t hash, std::uint32_t code) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = ((hash >> 32) << 32) | (std::uint64_t{code} + 1);
  }

  void Rehash(std::size_t size) {
    slots_.assign(size, 0);
    const std::vector<std::string>& names = column_->names;
    for (std::uint32_t code = 0; code < names.size(); ++code) Insert(Hash(names[code]), code);
  }

  NameColumn* column_;
  std::vector<std::uint64_t> slots_;  // (hash >> 32) << 32 | (code + 1); 0 = empty
  std::uint32_t last_code_ = std::numeric_limits<std::uint32_t>::max();
};

}  // namespace keeta
