// Metrics: the server's own health in Prometheus's text exposition format (GET /metrics):
// requests by route and status, request latency histograms by route, and whatever other
// parts register — counters they bump (reload failures), gauges they set (last load
// seconds) and gauges read when scraped (snapshot rows, generation, live clients).
// Thread-safety: every method may be called from any thread; recording a request takes
// one short mutex section, counters and gauges are atomics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace keeta::web {

class Metrics {
 public:
  // Latency histogram bucket bounds, seconds.
  static constexpr std::array<double, 12> kLatencyBuckets{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5};

  // A number parts of the server own and change (a counter only goes up).
  class Value {
   public:
    void Add(double delta = 1);
    void Set(double value);
    double Get() const { return value_.load(std::memory_order_relaxed); }

   private:
    std::atomic<double> value_{0};
  };

  // Registers (or finds) a counter / gauge by name. Names follow Prometheus rules
  // (keeta_…); the returned reference lives as long as the registry.
  Value& Counter(std::string name, std::string help);
  Value& Gauge(std::string name, std::string help);
  // A gauge read at scrape time (e.g. the current snapshot's rows).
  void GaugeFunction(std::string name, std::string help, std::function<double()> read);

  // One answered request: `route` is a route pattern (never a raw path), `status` its code.
  void ObserveRequest(std::string_view route, int status, double seconds);

  // The exposition text.
  std::string Render() const;

 private:
  struct Named {
    std::string help;
    bool counter = false;
    std::unique_ptr<Value> value;
    std::function<double()> read;
  };
  struct Route {
    std::map<int, std::uint64_t> by_status;
    std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  std::map<std::string, Named> named_;
  std::map<std::string, Route, std::less<>> routes_;
};

// The route label for a request path: the route's own path for known routes, "static"
// for assets, "other" for anything else (so labels stay few whatever clients send).
std::string_view MetricsRouteLabel(std::string_view path);

}  // namespace keeta::web
