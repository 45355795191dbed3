#include "web/live_hub.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "web/json_api.h"

namespace keeta::web {
namespace {

// Dashboards take even sequence numbers and errors odd ones, both from the holder's change
// counter: on connect the dashboard comes first and its error after it, and any later
// change outranks both.
std::uint64_t DashboardSequence(const DatasetHolder::State& s) { return 2 * s.changes; }
std::uint64_t ErrorSequence(const DatasetHolder::State& s) { return 2 * s.changes + 1; }

// Identifies a view: the canonical filter, the scope and the options.
std::string ViewKey(const LiveView& view) {
  std::string key = view.query.filter.CanonicalKey();
  key.push_back('\n');
  key.push_back(static_cast<char>('0' + static_cast<int>(view.query.scope.role)));
  key.append(view.query.scope.name);
  key.push_back('\n');
  key.append(view.options_key);
  return key;
}

}  // namespace

std::string LiveDashboardJson(std::uint64_t generation, std::string_view kpis_body) {
  std::string out;
  out.reserve(kpis_body.size() + 64);
  out.append("{\"type\":\"dashboard\",\"generation\":");
  out.append(std::to_string(generation));
  out.append(",\"dashboard\":");
  out.append(kpis_body);
  out.push_back('}');
  return out;
}

std::string LiveErrorJson(std::string_view message) {
  // ErrorJson is `{"error":{…}}`: the type goes in front of its first member.
  const std::string error = ErrorJson("reload_failed", message, {});
  return "{\"type\":\"error\"," + error.substr(1);
}

LiveHub::LiveHub(std::shared_ptr<DatasetHolder> data, std::size_t max_subscribers)
    : data_(std::move(data)), max_subscribers_(max_subscribers) {
  // The state now, not when the thread gets going: a change in between must not be missed.
  thread_ = std::jthread([this, seen = data_->state()](std::stop_token stop) mutable {
    Run(std::move(seen), std::move(stop));
  });
}

LiveHub::~LiveHub() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
}

bool LiveHub::full() const {
  std::lock_guard lock(mu_);
  return view_of_.size() >= max_subscribers_;
}

std::size_t LiveHub::subscribers() const {
  std::lock_guard lock(mu_);
  return view_of_.size();
}

std::size_t LiveHub::views() const {
  std::lock_guard lock(mu_);
  return views_.size();
}

std::uint64_t LiveHub::computations() const {
  std::lock_guard lock(mu_);
  return computations_;
}

LiveHub::Message LiveHub::Render(const DatasetHolder::State& state, const LiveView& view) {
  auto text = std::make_shared<const std::string>(LiveDashboardJson(
      state.generation, KpisBody(*state.dataset, view.query, view.options)));
  return Message{DashboardSequence(state), std::move(text)};
}

bool LiveHub::Subscribe(const std::shared_ptr<Subscriber>& subscriber, const LiveView& wanted) {
  std::string key = ViewKey(wanted);
  {
    std::lock_guard lock(mu_);
    if (view_of_.size() >= max_subscribers_) return false;
    View& view = views_.try_emplace(key, View{wanted, {}, 0, {}}).first->second;
    view.members.emplace(subscriber.get(), subscriber);
    view_of_.emplace(subscriber.get(), key);
  }
  // From here the fan-out thread also delivers to this subscriber; the sequence numbers
  // sort out which of the two deliveries is newer.
  const DatasetHolder::State state = data_->state();
  if (state.dataset == nullptr) return true;  // the first Publish will reach it
  Message message;
  {
    std::lock_guard lock(mu_);
    auto it = views_.find(key);
    if (it != views_.end() && it->second.generation == state.generation) {
      message = it->second.message;
    }
  }
  if (message.text == nullptr) {
    message = Render(state, wanted);
    std::lock_guard lock(mu_);
    ++computations_;
    auto it = views_.find(key);
    if (it != views_.end() && it->second.generation < state.generation) {
      it->second.generation = state.generation;
      it->second.message = message;
    }
  }
  subscriber->Deliver(message);
  if (state.error) {
    subscriber->Deliver(
        Message{ErrorSequence(state), std::make_shared<const std::string>(LiveErrorJson(*state.error))});
  }
  return true;
}

void LiveHub::Unsubscribe(const Subscriber* subscriber) {
  std::lock_guard lock(mu_);
  auto it = view_of_.find(subscriber);
  if (it == view_of_.end()) return;
  auto view = views_.find(it->second);
  if (view != views_.end()) {
    view->second.members.erase(subscriber);
    if (view->second.members.empty()) views_.erase(view);
  }
  view_of_.erase(it);
}

void LiveHub::Run(DatasetHolder::State last, std::stop_token stop) {
  while (auto state = data_->WaitForChange(last.changes, stop)) {
    // Several publishes while a fan-out ran wake this loop once: only the newest counts.
    const bool new_snapshot = state->dataset != nullptr && state->generation != last.generation;
    FanOut(*state, new_snapshot);
    last = std::move(*state);
  }
}

void LiveHub::FanOut(const DatasetHolder::State& state, bool new_snapshot) {
  struct Work {
    std::string key;
    LiveView view;
    Message message;
  };
  std::vector<Work> work;
  std::vector<std::shared_ptr<Subscriber>> everyone;
  {
    std::lock_guard lock(mu_);
    if (new_snapshot) {
      work.reserve(views_.size());
      for (const auto& [key, view] : views_) {
        if (view.generation < state.generation) work.push_back(Work{key, view.view, {}});
      }
    }
  }

  // Each view once, on all cores: views are independent and the dataset is immutable.
  if (!work.empty()) {
    const std::size_t threads =
        std::min<std::size_t>(work.size(), std::max(1u, std::thread::hardware_concurrency()));
    std::atomic<std::size_t> next{0};
    auto compute = [&] {
      for (std::size_t i; (i = next.fetch_add(1)) < work.size();) {
        work[i].message = Render(state, work[i].view);
      }
    };
    std::vector<std::jthread> helpers;
    helpers.reserve(threads - 1);
    for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(compute);
    compute();
  }

  // Collect the recipients under the lock, deliver outside it: one message buffer per
  // view, shared by all of the view's subscribers.
  std::vector<std::pair<Message, std::vector<std::shared_ptr<Subscriber>>>> deliveries;
  Message error;
  if (state.error) {
    error = Message{ErrorSequence(state),
                    std::make_shared<const std::string>(LiveErrorJson(*state.error))};
  }
  {
    std::lock_guard lock(mu_);
    computations_ += work.size();
    deliveries.reserve(work.size());
    for (Work& w : work) {
      auto it = views_.find(w.key);
      if (it == views_.end()) continue;  // its last subscriber left meanwhile
      View& view = it->second;
      if (view.generation < state.generation) {
        view.generation = state.generation;
        view.message = w.message;
      }
      auto& [message, members] = deliveries.emplace_back(view.message, std::vector<std::shared_ptr<Subscriber>>{});
      members.reserve(view.members.size());
      for (const auto& [raw, weak] : view.members) {
        if (auto s = weak.lock()) members.push_back(std::move(s));
      }
    }
    if (error.text) {
      for (const auto& [key, view] : views_) {
        for (const auto& [raw, weak] : view.members) {
          if (auto s = weak.lock()) everyone.push_back(std::move(s));
        }
      }
    }
  }
  for (const auto& [message, members] : deliveries) {
    for (const auto& subscriber : members) subscriber->Deliver(message);
  }
  for (const auto& subscriber : everyone) subscriber->Deliver(error);
}

}  // namespace keeta::web
