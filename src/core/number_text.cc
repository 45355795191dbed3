#include "core/number_text.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace keeta {
namespace {

// `n / 10^decimals` in fixed notation (n != 0 has no trailing zero digit to drop).
char* WriteFixed(char* p, long long n, int decimals) {
  if (n < 0) {
    *p++ = '-';
    n = -n;
  }
  char digits[24];
  const int len = static_cast<int>(std::to_chars(digits, digits + sizeof digits, n).ptr - digits);
  if (len <= decimals) {
    *p++ = '0';
    *p++ = '.';
    for (int i = len; i < decimals; ++i) *p++ = '0';
    std::memcpy(p, digits, static_cast<std::size_t>(len));
    return p + len;
  }
  const int whole = len - decimals;
  std::memcpy(p, digits, static_cast<std::size_t>(whole));
  p += whole;
  *p++ = '.';
  std::memcpy(p, digits + whole, static_cast<std::size_t>(decimals));
  return p + decimals;
}

}  // namespace

// Most values are data with a few decimals (23.6, 87.25), for which the general shortest
// algorithm (std::to_chars) is the slow part of a large body; they take a fast path: if v
// is the double nearest to n / 10^k for some k <= 6, that decimal is printed directly. The
// check is exact: n and 10^k are exact doubles, so n / 10^k rounds exactly as parsing the
// text would; and below 1e9 two such decimals cannot share a double, so the smallest k
// found is the shortest form.
char* WriteNumber(char* p, double v) {
  if (!std::isfinite(v)) {
    std::memcpy(p, "null", 4);
    return p + 4;
  }
  const double magnitude = std::fabs(v);
  if (magnitude < 1e15 && v == std::trunc(v)) {
    return std::to_chars(p, p + kMaxNumberChars, static_cast<long long>(v)).ptr;
  }
  if (magnitude < 1e9) {
    static constexpr double kPow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
    for (int k = 1; k <= 6; ++k) {
      const long long n = std::llround(v * kPow10[k]);
      if (static_cast<double>(n) / kPow10[k] == v) return WriteFixed(p, n, k);
    }
  }
  return std::to_chars(p, p + kMaxNumberChars, v).ptr;
}

void AppendNumber(std::string& out, double value) {
  char buf[kMaxNumberChars];
  out.append(buf, WriteNumber(buf, value));
}

}  // namespace keeta
