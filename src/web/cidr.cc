#include "web/cidr.h"

#include <charconv>
#include <fmt/format.h>
#include <string>

namespace keeta::web {
namespace {

// The first `prefix` bits of a and b are equal.
template <class Bytes>
bool SamePrefix(const Bytes& a, const Bytes& b, unsigned prefix) {
  for (std::size_t i = 0; i < a.size() && prefix > 0; ++i) {
    const unsigned bits = prefix >= 8 ? 8 : prefix;
    const auto mask = static_cast<unsigned char>(0xFF << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
    prefix -= bits;
  }
  return true;
}

}  // namespace

Result<Cidr> Cidr::Parse(std::string_view text) {
  const auto slash = text.find('/');
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(std::string(text.substr(0, slash)), ec);
  const Error bad{fmt::format("'{}' is not an address range (like 10.0.0.0/8 or ::1/128)", text),
                  "trusted-proxy"};
  if (ec) return bad;
  const unsigned max_prefix = address.is_v4() ? 32 : 128;
  unsigned prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, err] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (err != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
        prefix > max_prefix) {
      return bad;
    }
  }
  Cidr cidr;
  cidr.network_ = address;
  cidr.prefix_ = prefix;
  return cidr;
}

bool Cidr::Contains(const boost::asio::ip::address& raw) const {
  boost::asio::ip::address address = raw;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  if (address.is_v4() != network_.is_v4()) return false;
  if (address.is_v4()) {
    return SamePrefix(address.to_v4().to_bytes(), network_.to_v4().to_bytes(), prefix_);
  }
  return SamePrefix(address.to_v6().to_bytes(), network_.to_v6().to_bytes(), prefix_);
}

}  // namespace keeta::web
