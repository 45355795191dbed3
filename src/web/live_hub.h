// LiveHub: the fan-out behind the live dashboard WebSocket (kLivePath, docs/api.md).
// Connections subscribe with a Query. For every new snapshot the hub computes each distinct
// (filters, scope) once, renders its message once, and hands that one immutable buffer to
// every subscriber of the view; a failed reload becomes one error message for everyone.
// It learns of changes by blocking on the DatasetHolder (DatasetHolder::WaitForChange), so
// a publish reaches the clients without any polling delay.
// Thread-safety: every method may be called from any thread. Subscriber::Deliver is called
// on the hub's thread or a subscribing thread, never under the hub's lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/dashboard.h"
#include "core/query.h"
#include "store/dataset_holder.h"

namespace keeta::web {

// What one live connection watches: its Query (filters and scope) and how its dashboard is
// shaped (the /api/v1/kpis parameters with the settings applied, taken at the upgrade).
struct LiveView {
  Query query;
  DashboardOptions options;
  std::string options_key;  // identifies `options` (with the query, the view's identity)
};

class LiveHub {
 public:
  // One text frame for the clients. `sequence` orders messages: a subscriber may get two
  // from different threads in either order and keeps only ever-newer ones.
  struct Message {
    std::uint64_t sequence = 0;
    std::shared_ptr<const std::string> text;
  };

  // A connection's end of the hub. Deliver must not block (a connection posts the message
  // to its own strand and keeps only the latest one it has not yet written).
  class Subscriber {
   public:
    virtual ~Subscriber() = default;
    virtual void Deliver(const Message& message) = 0;
  };

  LiveHub(std::shared_ptr<DatasetHolder> data, std::size_t max_subscribers);
  ~LiveHub();  // stops the fan-out thread
  LiveHub(const LiveHub&) = delete;
  LiveHub& operator=(const LiveHub&) = delete;

  // Adds a subscriber for `view` and delivers the current dashboard (and the current
  // reload error, if any) at once. False when max_subscribers are already subscribed.
  bool Subscribe(const std::shared_ptr<Subscriber>& subscriber, const LiveView& view);
  void Unsubscribe(const Subscriber* subscriber);

  bool full() const;
  std::size_t subscribers() const;
  std::size_t views() const;  // distinct (filters, scope, options) subscribed to
  // Dashboards computed since start (each view once per snapshot; for tests and metrics).
  std::uint64_t computations() const;

 private:
  struct View {
    LiveView view;
    std::unordered_map<const Subscriber*, std::weak_ptr<Subscriber>> members;
    std::uint64_t generation = 0;  // of `message`; 0 = none yet
    Message message;
  };

  void Run(DatasetHolder::State last, std::stop_token stop);
  void FanOut(const DatasetHolder::State& state, bool new_snapshot);
  Message Render(const DatasetHolder::State& state, const LiveView& view);

  const std::shared_ptr<DatasetHolder> data_;
  const std::size_t max_subscribers_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, View> views_;                  // by ViewKey
  std::unordered_map<const Subscriber*, std::string> view_of_;   // subscriber -> its key
  std::uint64_t computations_ = 0;
  std::jthread thread_;  // last: started once everything above exists
};

// {"type":"dashboard","generation":N,"dashboard":<the /api/v1/kpis body>}
std::string LiveDashboardJson(std::uint64_t generation, std::string_view kpis_body);
// {"type":"error","error":{"code":"reload_failed","message":…,"param":null}}
std::string LiveErrorJson(std::string_view message);

}  // namespace keeta::web
