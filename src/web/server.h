// The HTTP transport: an asynchronous HTTP/1.1 server on Boost.Beast. It moves bytes and
// enforces limits; what to answer is decided by Handler (handler.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace keeta::web {

struct ServerOptions {
  std::string data_path;                 // CSV file to serve
  std::string host = "127.0.0.1";
  unsigned short port = 5000;
  unsigned threads = 0;                  // 0 = one per hardware thread
  std::chrono::milliseconds reload_interval{2000};  // poll the source for changes; 0 = never
  bool cache = true;                     // response cache per (snapshot, route, query)
  std::size_t max_connections = 4096;
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 64 * 1024;
  std::chrono::seconds read_timeout{30};  // a request must arrive within this
  std::chrono::seconds idle_timeout{60};  // keep-alive connections idle longer are closed
};

// Loads the data, serves until SIGINT/SIGTERM (in-flight requests finish), returns an exit
// code. Logs one line when ready: the dashboard URL. A data file that cannot be loaded at
// start is an error (message on stderr, non-zero exit).
int Serve(const ServerOptions& options);

}  // namespace keeta::web
