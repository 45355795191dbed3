#include "web/metrics.h"

#include <fmt/format.h>

namespace keeta::web {

void Metrics::Value::Add(double delta) {
  double current = value_.load(std::memory_order_relaxed);
  while (!value_.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

void Metrics::Value::Set(double value) { value_.store(value, std::memory_order_relaxed); }

Metrics::Value& Metrics::Counter(std::string name, std::string help) {
  std::lock_guard lock(mu_);
  Named& named = named_[std::move(name)];
  if (!named.value) named.value = std::make_unique<Value>();
  named.help = std::move(help);
  named.counter = true;
  return *named.value;
}

Metrics::Value& Metrics::Gauge(std::string name, std::string help) {
  std::lock_guard lock(mu_);
  Named& named = named_[std::move(name)];
  if (!named.value) named.value = std::make_unique<Value>();
  named.help = std::move(help);
  return *named.value;
}

void Metrics::GaugeFunction(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  Named& named = named_[std::move(name)];
  named.help = std::move(help);
  named.read = std::move(read);
}

void Metrics::ObserveRequest(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mu_);
  auto it = routes_.find(route);
  if (it == routes_.end()) it = routes_.emplace(std::string(route), Route{}).first;
  Route& r = it->second;
  ++r.by_status[status];
  ++r.count;
  r.sum += seconds;
  for (std::size_t b = 0; b < kLatencyBuckets.size(); ++b) {
    if (seconds <= kLatencyBuckets[b]) ++r.buckets[b];
  }
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard lock(mu_);
  out += "# HELP keeta_http_requests_total HTTP requests answered, by route and status.\n"
         "# TYPE keeta_http_requests_total counter\n";
  for (const auto& [route, r] : routes_) {
    for (const auto& [status, count] : r.by_status) {
      out += fmt::format("keeta_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", route,
                         status, count);
    }
  }
  out += "# HELP keeta_http_request_duration_seconds Time to answer a request, by route.\n"
         "# TYPE keeta_http_request_duration_seconds histogram\n";
  for (const auto& [route, r] : routes_) {
    for (std::size_t b = 0; b < kLatencyBuckets.size(); ++b) {
      out += fmt::format("keeta_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                         route, kLatencyBuckets[b], r.buckets[b]);
    }
    out += fmt::format("keeta_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                       route, r.count);
    out += fmt::format("keeta_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route, r.sum);
    out += fmt::format("keeta_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                       r.count);
  }
  for (const auto& [name, named] : named_) {
    const double value = named.read ? named.read() : named.value ? named.value->Get() : 0;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, named.help, name,
                       named.counter ? "counter" : "gauge", name, value);
  }
  return out;
}

std::string_view MetricsRouteLabel(std::string_view path) {
  static constexpr std::string_view kRoutes[] = {
      "/", "/overall", "/login", "/logout", "/healthz", "/metrics", "/api/v1/kpis",
      "/api/v1/filters", "/api/v1/breakdown", "/api/v1/live", "/api/v1/openapi.json"};
  for (std::string_view route : kRoutes) {
    if (path == route) return route;
  }
  if (path.starts_with("/export/")) return "/export";
  if (path.starts_with("/static/")) return "static";
  return "other";
}

}  // namespace keeta::web
