// The HTTP transport: an asynchronous HTTP/1.1 server on Boost.Beast. It moves bytes and
// enforces limits; what to answer is decided by Handler (handler.h). Upgrades to the live
// WebSocket become connections fed by a LiveHub (live_hub.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/query.h"
#include "core/result.h"
#include "store/load_options.h"
#include "web/handler.h"
#include "web/live_hub.h"
#include "web/request_guard.h"

namespace keeta::web {

// Every limit here is documented in docs/server.md.
struct ServerOptions {
  std::string data_path;                 // CSV file to serve; empty: the bundled sample
  std::string data_label;                // how pages and the API name it; "" = its base name
  LoadOptions load;                      // how to read it (--delimiter, --column...)
  std::string host = "127.0.0.1";
  unsigned short port = 5000;
  unsigned threads = 0;                  // I/O threads; 0 = one per hardware thread
  unsigned workers = 0;                  // threads computing responses; 0 = one per core
  // Changes to the data file are seen at once (inotify); the file is also looked at this
  // often, as a safety net where inotify does not work. 0 = never reload.
  std::chrono::milliseconds reload_interval{2000};
  bool cache = true;                     // response cache per (snapshot, route, query)
  // At most this many connections; lowered at start to what RLIMIT_NOFILE leaves room for.
  // Over the cap a new connection gets an immediate 503.
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_address = 256;  // one client cannot take every slot
  RequestLimits limits;
  // The Host field must be an IP literal, localhost, or one of allowed_hosts
  // (DNS-rebinding defence). Serve turns it on in local mode.
  bool restrict_hosts = true;
  std::vector<std::string> allowed_hosts;
  std::chrono::seconds read_timeout{30};  // a request must arrive within this
  std::chrono::seconds idle_timeout{60};  // keep-alive connections idle longer are closed
  std::chrono::seconds shutdown_grace{10};  // on stop, in-flight requests get this long
  bool access_log = true;                // one stdout line per request
  std::string settings_path;             // targets and weighting (JSON); "" = none
  // Live dashboards (kLivePath): at most this many WebSocket connections (each also counts
  // towards max_connections); a peer silent for live_idle_timeout is pinged, and dropped
  // when it stays silent as long again.
  std::size_t max_live_connections = 2048;
  std::chrono::milliseconds live_idle_timeout{15000};

  // Accounts (docs/api.md, "Accounts"). With no account in the state file (or no file),
  // the server runs in local mode: loopback only, everyone sees everything.
  std::string state_path = "keeta-state.db";
  bool no_auth = false;               // no sign-in at all, on any address
  std::string auth_proxy_header;      // sign in the account this header names ...
  std::vector<std::string> trusted_proxies;  // ... on requests from these CIDR ranges
  // TLS (both or neither): PEM certificate chain and private key; then every connection,
  // the live WebSocket included, speaks TLS 1.2 or later, and responses carry HSTS.
  std::string tls_cert;
  std::string tls_key;
};

// Loads the data, serves until SIGINT/SIGTERM (in-flight requests finish), returns an exit
// code. Logs one line when ready: the dashboard URL. A data file that cannot be loaded at
// start is an error (message on stderr, non-zero exit).
int Serve(const ServerOptions& options);

// What the server calls for each complete request (Handler::HandleAsync in production;
// tests may pass anything). Called concurrently on the worker threads, except for
// `/healthz`, which is called on the I/O thread so that heavy pages can never delay it (so
// it must stay cheap); it may call the completion later from any thread (slow work such as
// checking a password runs elsewhere). The request stays valid until the completion is
// called.
using AsyncRequestHandler =
    std::function<void(const Request&, const RequestContext&, Completion)>;
// A handler that answers at once.
using RequestHandler = std::function<Response(const Request&)>;

// The live dashboard WebSocket: `admit` turns an upgrade request into the connection's
// LiveView or a refusal (Handler::LiveQuery in production); `hub` feeds the connections.
// Without a hub, upgrade requests go to the RequestHandler like any other request.
struct LiveEndpoint {
  std::function<std::variant<LiveView, Response>(const Request&, const RequestContext&)> admit;
  std::shared_ptr<LiveHub> hub;
};

// The listening server without data loading or signal handling, so that tests (and
// Serve) can start it on any port and stop it programmatically.
// Thread-safety: Stop and port may be called from any thread; Wait from one thread.
class Server {
 public:
  // Binds options.host:options.port (port 0 = any free port), listens and starts
  // options.threads I/O threads. A bind/listen failure is an Error.
  static Result<std::unique_ptr<Server>> Start(AsyncRequestHandler handler,
                                               const ServerOptions& options,
                                               LiveEndpoint live = {});
  static Result<std::unique_ptr<Server>> Start(RequestHandler handler,
                                               const ServerOptions& options,
                                               LiveEndpoint live = {});
  ~Server();  // Stop() then Wait()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  unsigned short port() const;  // the bound port (useful with port 0)
  // The connection cap in force: max_connections, lowered to fit RLIMIT_NOFILE.
  std::size_t connection_cap() const;

  // Graceful stop (drain); returns at once. Accepts what is already queued, then stops
  // accepting; every request already received (in flight, in a socket buffer, on a
  // connection not yet accepted) is answered, the last on each connection with
  // `Connection: close`; then connections close. After shutdown_grace whatever remains is
  // cut off. Idempotent.
  void Stop();
  // Blocks until every I/O thread has finished (after Stop).
  void Wait();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace keeta::web
