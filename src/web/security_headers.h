// Headers every response carries (docs/api.md, "Security headers"): a Content-Security-
// Policy with no inline script (pages load scripts and styles from /static only; other
// bodies may load nothing), nosniff, a Referrer-Policy, no framing, and HSTS under TLS.
// Stateless; thread-safe.
#pragma once

#include <boost/beast/http.hpp>

namespace keeta::web {

// Sets the headers on `res` (overwriting any). The page policy applies to HTML bodies.
template <class Body>
void SetSecurityHeaders(boost::beast::http::response<Body>& res, bool tls) {
  namespace http = boost::beast::http;
  const bool html = res[http::field::content_type].starts_with("text/html");
  res.set("Content-Security-Policy",
          html ? "default-src 'self'; script-src 'self'; style-src 'self'; "
                 "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                 "form-action 'self'; frame-ancestors 'none'"
               : "default-src 'none'; frame-ancestors 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  res.set("X-Frame-Options", "DENY");
  if (tls) res.set(http::field::strict_transport_security, "max-age=31536000");
}

}  // namespace keeta::web
