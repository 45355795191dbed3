#include "web/request_guard.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <iterator>

namespace keeta::web {
namespace {

namespace beast = boost::beast;

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), AsciiLower);
  return out;
}

bool IsIpLiteral(std::string_view name) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(name), ec);
  return !ec;
}

// The host part of a Host field ("name", "name:port", "[v6]:port"), lower case; nothing
// when the field is malformed (empty, bad port, unbalanced brackets).
std::optional<std::string> HostName(std::string_view field) {
  std::string_view name = field;
  std::string_view port;
  if (name.starts_with('[')) {
    const auto close = name.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    port = name.substr(close + 1);
    name = name.substr(1, close - 1);
    if (!port.empty() && !port.starts_with(':')) return std::nullopt;
    if (!port.empty()) port.remove_prefix(1);
  } else if (const auto colon = name.rfind(':'); colon != std::string_view::npos) {
    port = name.substr(colon + 1);
    name = name.substr(0, colon);
  }
  if (name.empty() || port.size() > 5) return std::nullopt;
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return Lower(name);
}

struct ChunkExtensionCheck {
  void operator()(std::uint64_t /*size*/, std::string_view extensions,
                  beast::error_code& ec) const {
    if (extensions.size() > kChunkExtensionLimit) ec = http::error::bad_chunk_extension;
  }
};

std::optional<Rejection> Refuse(http::status status, std::string message) {
  return Rejection{status, std::move(message)};
}

}  // namespace

AllowedHosts::AllowedHosts(std::vector<std::string> extra_names) {
  names_.reserve(extra_names.size());
  for (const std::string& name : extra_names) names_.push_back(Lower(name));
}

bool AllowedHosts::Allows(std::string_view host_field) const {
  const std::optional<std::string> name = HostName(host_field);
  if (!name) return false;
  if (*name == "localhost" || name->ends_with(".localhost") || IsIpLiteral(*name)) return true;
  return std::find(names_.begin(), names_.end(), *name) != names_.end();
}

void ConfigureParser(RequestParser& parser, const RequestLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  parser.body_limit(limits.body_bytes);
  // Beast keeps a reference to the callback; this one is stateless and lives forever.
  static ChunkExtensionCheck callback;
  parser.on_chunk_header(callback);
}

std::optional<Rejection> CheckHeader(const RequestParser& parser, const AllowedHosts* hosts) {
  const auto& req = parser.get();
  const auto codings = req.base().equal_range(http::field::transfer_encoding);
  if (codings.first != codings.second) {
    if (req.version() < 11) {
      return Refuse(http::status::bad_request, "Transfer-Encoding is not allowed in HTTP/1.0");
    }
    if (req.base().count(http::field::content_length) != 0) {
      return Refuse(http::status::bad_request,
                    "Transfer-Encoding and Content-Length together are ambiguous");
    }
    // Beast sets chunked() only when `chunked` is the final coding.
    if (!parser.chunked()) {
      return Refuse(http::status::bad_request,
                    "the final transfer coding must be chunked (RFC 9112, 6.3)");
    }
    std::size_t tokens = 0;
    for (auto it = codings.first; it != codings.second; ++it) {
      const http::token_list list{it->value()};
      tokens += static_cast<std::size_t>(std::distance(list.begin(), list.end()));
    }
    if (tokens != 1) {
      return Refuse(http::status::not_implemented, "only the chunked transfer coding is supported");
    }
  }
  if (req.version() >= 11) {
    const auto host = req.base().equal_range(http::field::host);
    if (host.first == host.second) {
      return Refuse(http::status::bad_request, "HTTP/1.1 requests need a Host field");
    }
    if (std::next(host.first) != host.second) {
      return Refuse(http::status::bad_request, "more than one Host field");
    }
  }
  if (hosts != nullptr) {
    const auto host = req.base().find(http::field::host);
    // HTTP/1.0 without Host: nothing to check (a browser always sends Host).
    if (host != req.base().end() && !hosts->Allows(host->value())) {
      return Refuse(http::status::misdirected_request,
                    "this server does not answer for that host name (see --allowed-host)");
    }
  }
  return std::nullopt;
}

std::size_t CountFields(const http::fields& fields) {
  return static_cast<std::size_t>(std::distance(fields.begin(), fields.end()));
}

std::optional<Rejection> CheckComplete(const RequestParser& parser, std::size_t header_fields) {
  if (parser.chunked() && CountFields(parser.get().base()) != header_fields) {
    return Refuse(http::status::bad_request, "trailer fields are not accepted");
  }
  return std::nullopt;
}

std::optional<Rejection> RejectionForReadError(beast::error_code ec, bool header_done) {
  static const auto& kHttpCategory = make_error_code(http::error::bad_target).category();
  if (ec == http::error::buffer_overflow) {
    // The read buffer is full and the parser still needs more: an endless header line
    // (no: header_limit catches that first), chunk-size line, extension or trailer.
    if (!header_done) {
      return Refuse(http::status::request_header_fields_too_large, "request header too large");
    }
    return Refuse(http::status::bad_request, "chunk line or trailer section too long");
  }
  if (ec.category() != kHttpCategory || ec == http::error::end_of_stream ||
      ec == http::error::partial_message) {
    return std::nullopt;  // the peer went away, timed out, or we are stopping
  }
  if (ec == http::error::header_limit) {
    return Refuse(http::status::request_header_fields_too_large, "request header too large");
  }
  if (ec == http::error::body_limit) {
    return Refuse(http::status::payload_too_large, "request body too large");
  }
  return Refuse(http::status::bad_request, "bad request: " + ec.message());
}

}  // namespace keeta::web
