// Cidr: an address range such as 10.0.0.0/8 or fd00::/8 (for --trusted-proxy). An IPv4
// range also matches the IPv4-mapped IPv6 form of its addresses. A plain value type.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <string_view>

#include "core/result.h"

namespace keeta::web {

class Cidr {
 public:
  // "A.B.C.D/N", "X::Y/N", or a single address (a /32 or /128).
  static Result<Cidr> Parse(std::string_view text);
  bool Contains(const boost::asio::ip::address& address) const;

 private:
  boost::asio::ip::address network_;
  unsigned prefix_ = 0;
};

}  // namespace keeta::web
