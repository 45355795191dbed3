// Request handling: a plain function from an HTTP request to an HTTP response, testable
// without a socket (the Beast server in server.h only moves bytes). Every route but the
// public ones (/healthz, /login, static assets) first learns who is asking (access.h) and
// answers from the Query that web/request_query.h's BuildQuery builds for that person.
// Thread-safe: many threads may call Handle at once; state is the immutable snapshot plus
// internally locked caches.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/query.h"
#include "web/live_hub.h"

#include "store/dataset_holder.h"
#include "store/settings.h"
#include "store/sql/pushdown.h"
#include "web/access.h"
#include "web/http_types.h"
#include "web/metrics.h"

namespace keeta::web {

// The live dashboard WebSocket's path (docs/api.md).
inline constexpr std::string_view kLivePath = "/api/v1/live";

struct HandlerOptions {
  bool enable_cache = true;  // cache rendered bodies per (snapshot, route, scope, query)
  std::size_t cache_bytes = std::size_t{64} << 20;  // the cache's bound on body bytes
  // Targets and weighting defaults; nullptr = none set (an empty in-memory store).
  std::shared_ptr<SettingsStore> settings = nullptr;
  AccessOptions access = {};  // default: local mode (everyone is admin)
  // Where request counts and latencies go (GET /metrics); nullptr = a registry of its own.
  std::shared_ptr<Metrics> metrics = nullptr;
  // mode=pushdown: every data route asks the database (the holder stays empty); exports
  // that need the rows and live updates are then unavailable, and say so.
  std::shared_ptr<sql::PushdownSource> pushdown = nullptr;
};

// A body too large to hold in memory (rows.csv), produced a piece at a time: each call
// replaces `chunk` with the next piece; false (and `chunk` empty) once all is produced.
// The transport calls it on the connection's strand, one call at a time.
using BodyStream = std::function<bool(std::string& chunk)>;

// What the handler answers: a response and, when its body is streamed, the producer of
// that body (then response.body() is empty and states no Content-Length; the transport
// sends the pieces with chunked transfer encoding).
struct Reply {
  Reply(Response r) : response(std::move(r)) {}  // NOLINT: implicit, a plain response
  Reply(Response r, BodyStream s) : response(std::move(r)), stream(std::move(s)) {}
  Response response;
  BodyStream stream;  // empty: the body is response.body()
};

// Receives the answer of an asynchronous request; may be called on another thread.
using Completion = std::function<void(Reply)>;

class Handler {
 public:
  Handler(std::shared_ptr<DatasetHolder> data, HandlerOptions options = {});
  ~Handler();
  Handler(const Handler&) = delete;
  Handler& operator=(const Handler&) = delete;

  // Answers `request`. Most routes complete at once, on the calling thread; POST /login
  // completes on the password pool's thread once the password is checked, so the caller's
  // (I/O) thread is never held by Argon2. `request` must outlive the call to `done`.
  void HandleAsync(const Request& request, const RequestContext& context, Completion done) const;

  // The same, waiting for the answer, with a streamed body gathered into it (tests, tools).
  Response Handle(const Request& request, const RequestContext& context = {}) const;

  // For a WebSocket upgrade to kLivePath: the view the connection subscribes to (its Query,
  // built as the HTTP data routes build theirs, and the /api/v1/kpis options), or the
  // response refusing it (not signed in, a bad parameter).
  std::variant<LiveView, Response> LiveQuery(const Request& request,
                                             const RequestContext& context = {}) const;

  // The registry GET /metrics renders; other parts (reloads, live sessions) add to it.
  Metrics& metrics() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keeta::web
