// RequestGuard: the limits and RFC 9112 framing rules a request passes before any handler
// sees it (docs/server.md, "Limits"). Shared by the Beast transport (server.cc) and the
// request-parser fuzz target, so both parse with exactly the same rules.
// Thread-safety: RequestLimits and AllowedHosts are immutable values; the functions are
// stateless.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keeta::web {

namespace http = boost::beast::http;
using RequestParser = http::request_parser<http::string_body>;

// Every part of a request is bounded; together they bound the memory one connection can
// hold (read buffer + header + body) to well under 1 MB.
struct RequestLimits {
  std::size_t header_bytes = 16 * 1024;  // request line + header fields (the URL limit)
  std::size_t body_bytes = 64 * 1024;    // decoded body, chunked or not
  // The read buffer: what may wait unparsed, i.e. the longest chunk-size line (with its
  // extensions) or trailer section. Must exceed header_bytes so that a header at the limit
  // gets Beast's header_limit error rather than a buffer overflow.
  std::size_t read_buffer_bytes = 20 * 1024;
};

// Chunk extensions mean nothing to this server; longer ones are refused (400).
inline constexpr std::size_t kChunkExtensionLimit = 256;  // bytes per chunk

// Host names a request may carry in local mode (defeats DNS rebinding: a page on another
// site can make a browser send requests to a loopback server, but with its own name in
// `Host`). IP literals and `localhost` (and `*.localhost`) are always allowed; other names
// only when listed (`keeta serve --allowed-host NAME`). Matching ignores case and port.
class AllowedHosts {
 public:
  explicit AllowedHosts(std::vector<std::string> extra_names = {});
  bool Allows(std::string_view host_field) const;

 private:
  std::vector<std::string> names_;  // lower case
};

// Why a request is refused: the status and a one-line plain-text message. The connection
// is always closed after a refusal (the byte stream cannot be trusted to resynchronise).
struct Rejection {
  http::status status;
  std::string message;
};

// Applies the limits to a fresh parser (header and body limits, chunk-extension limit).
void ConfigureParser(RequestParser& parser, const RequestLimits& limits);

// Once the header is parsed (parser.is_header_done()): RFC 9112 framing and Host rules.
// - Transfer-Encoding: only `chunked` alone is accepted; a final coding other than
//   `chunked` is 400 (the body length would be unknowable), other codings before it 501,
//   any coding on HTTP/1.0 400, and with Content-Length too 400.
// - HTTP/1.1 needs exactly one Host field (400); a Host not in `hosts` is 421 when given.
std::optional<Rejection> CheckHeader(const RequestParser& parser, const AllowedHosts* hosts);

// Once the message is complete: refuses a chunked trailer section (Beast would merge the
// trailer fields into the header, after CheckHeader ran). `header_fields` is the field
// count CheckHeader saw.
std::optional<Rejection> CheckComplete(const RequestParser& parser, std::size_t header_fields);

std::size_t CountFields(const http::fields& fields);

// A parse or read error as the answer to send, or nothing when the connection should just
// be closed (the peer went away, a timeout, end of stream).
std::optional<Rejection> RejectionForReadError(boost::beast::error_code ec,
                                               bool header_done);

}  // namespace keeta::web
