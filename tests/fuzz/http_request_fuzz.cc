// libFuzzer target: Beast's request parser configured with the server's limits
// (web/request_guard.h), fed the way the transport feeds it: through a bounded read buffer,
// in pieces, several requests per connection. Whatever the bytes, parsing must end in a
// request that passed every rule or in a refusal; never hold more than the limits allow.
#include <boost/beast/core/flat_buffer.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "web/query_string.h"
#include "web/request_guard.h"

namespace {

namespace beast = boost::beast;
using namespace keeta::web;

void Check(bool condition) {
  if (!condition) std::abort();
}

// Small limits, so that the fuzzer reaches them with short inputs.
RequestLimits FuzzLimits() {
  RequestLimits limits;
  limits.header_bytes = 512;
  limits.body_bytes = 256;
  limits.read_buffer_bytes = 640;
  return limits;
}

void CheckRefusal(const Rejection& rejection) {
  const unsigned status = static_cast<unsigned>(rejection.status);
  Check(status >= 400 && status < 600);
  Check(!rejection.message.empty());
}

// A complete request that passed the framing rules.
void CheckAccepted(const RequestParser& parser, const RequestLimits& limits) {
  const auto& req = parser.get();
  Check(req.body().size() <= limits.body_bytes);
  if (req.version() >= 11) Check(req.base().count(http::field::host) == 1);
  if (req.base().count(http::field::transfer_encoding) != 0) Check(parser.chunked());
  const Target target = SplitTarget(req.target());
  if (auto params = ParseQueryString(target.query)) (void)CheckValueCounts(*params);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const RequestLimits limits = FuzzLimits();
  static const AllowedHosts hosts({"example.com"});
  // The first byte sets how many bytes each read delivers (1..64): partial reads.
  const std::size_t piece = (data[0] % 64) + 1;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  beast::flat_buffer buffer(limits.read_buffer_bytes);
  for (int request = 0; request < 16; ++request) {  // pipelined requests, as one session
    RequestParser parser;
    ConfigureParser(parser, limits);
    bool header_checked = false;
    std::size_t header_fields = 0;
    while (true) {
      beast::error_code ec;
      if (buffer.size() != 0) {
        const std::size_t used = parser.put(buffer.data(), ec);
        buffer.consume(used);
      } else {
        ec = http::error::need_more;
      }
      if (!header_checked && parser.is_header_done() && (!ec || ec == http::error::need_more)) {
        if (auto refused = CheckHeader(parser, &hosts)) {
          CheckRefusal(*refused);
          return 0;
        }
        header_checked = true;
        header_fields = CountFields(parser.get().base());
      }
      if (!ec && parser.is_done()) break;
      if (ec && ec != http::error::need_more) {
        if (auto refused = RejectionForReadError(ec, parser.is_header_done())) {
          CheckRefusal(*refused);
        }
        return 0;
      }
      // Needs more: read one piece, as async_read_some would into the bounded buffer.
      if (input.empty()) {
        // As Beast's read does at end of stream: nothing received is the peer closing
        // between requests (no request at all); a partial request gets put_eof.
        if (!parser.got_some()) return 0;
        parser.put_eof(ec);
        if (!ec && parser.is_done()) break;
        return 0;  // the peer went away mid-request
      }
      const std::size_t room = buffer.max_size() - buffer.size();
      if (room == 0) {
        Check(RejectionForReadError(http::error::buffer_overflow, parser.is_header_done())
                  .has_value());
        return 0;
      }
      const std::size_t n = std::min({piece, room, input.size()});
      auto space = buffer.prepare(n);
      std::memcpy(space.data(), input.data(), n);
      buffer.commit(n);
      input.remove_prefix(n);
      Check(buffer.size() <= limits.read_buffer_bytes);
    }
    if (auto refused = CheckComplete(parser, header_fields)) {
      CheckRefusal(*refused);
      return 0;
    }
    CheckAccepted(parser, limits);
    if (!parser.keep_alive()) return 0;
  }
  return 0;
}
