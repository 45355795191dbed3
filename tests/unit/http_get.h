// One HTTP GET on a fresh loopback connection, for end-to-end tests of a running server.
// Test-only code; each call makes its own io_context, so any thread may call it.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <string_view>

#include "web/http_types.h"

namespace keeta::test {

// GET `target` from 127.0.0.1:`port`; with `upgrade`, a WebSocket upgrade request sent
// by hand (for the answers that refuse it). A transport error adds a test failure.
inline web::Response HttpGet(unsigned short port, std::string_view target, bool upgrade = false) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  web::Request req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (upgrade) {
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    req.set(http::field::sec_websocket_version, "13");
  }
  http::write(socket, req);
  beast::flat_buffer buffer;
  web::Response res;
  beast::error_code ec;
  http::read(socket, buffer, res, ec);
  EXPECT_FALSE(ec) << ec.message();
  return res;
}

}  // namespace keeta::test
