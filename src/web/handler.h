// Request handling: a plain function from an HTTP request to an HTTP response, testable
// without a socket (the Beast server in server.h only moves bytes). Thread-safe: many
// threads may call Handle at once; state is the immutable snapshot plus internal caches.
#pragma once

#include <boost/beast/http.hpp>
#include <cstddef>
#include <memory>
#include <string_view>
#include <variant>

#include "core/query.h"
#include "web/live_hub.h"

#include "store/dataset_holder.h"
#include "store/settings.h"

namespace keeta::web {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// The live dashboard WebSocket's path (docs/api.md).
inline constexpr std::string_view kLivePath = "/api/v1/live";

struct HandlerOptions {
  bool enable_cache = true;  // cache rendered bodies per (snapshot, route, query)
  std::size_t cache_bytes = std::size_t{64} << 20;  // the cache's bound on body bytes
  // Targets and weighting defaults; nullptr = none set (an empty in-memory store).
  std::shared_ptr<SettingsStore> settings = nullptr;
};

class Handler {
 public:
  Handler(std::shared_ptr<DatasetHolder> data, HandlerOptions options = {});
  ~Handler();
  Handler(const Handler&) = delete;
  Handler& operator=(const Handler&) = delete;

  Response Handle(const Request& request) const;

  // For a WebSocket upgrade to kLivePath: the view the connection subscribes to (its Query,
  // built as the HTTP data routes build theirs, and the /api/v1/kpis options), or the
  // response refusing it (a bad parameter; not signed in).
  std::variant<LiveView, Response> LiveQuery(const Request& request) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keeta::web
