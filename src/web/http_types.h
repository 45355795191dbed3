// The HTTP message types shared by the handler and the transport.
#pragma once

#include <boost/beast/http.hpp>

namespace keeta::web {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

}  // namespace keeta::web
