#include "web/response_cache.h"

#include <utility>

namespace keeta::web {
namespace {

// Per-entry bookkeeping beyond the body (list node, map node, key), for the byte budget.
constexpr std::size_t kEntryOverhead = 128;

}  // namespace

ResponseCache::ResponseCache(std::size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

std::string ResponseCache::Flatten(const Key& key) {
  // The route is length-prefixed so no route text can imitate another key; the filter key
  // is already unambiguous (Filter::CanonicalKey length-prefixes names) and comes last.
  std::string flat;
  flat.reserve(key.route.size() + key.filter_key.size() + 24);
  flat += std::to_string(key.route.size());
  flat += ':';
  flat += key.route;
  flat += key.gzip ? "|gz|" : "|id|";
  flat += key.filter_key;
  return flat;
}

bool ResponseCache::IsCurrentLocked(const Key& key) const {
  return key.generation == generation_ && key.snapshot != nullptr &&
         key.snapshot == snapshot_;
}

std::shared_ptr<const std::string> ResponseCache::Get(const Key& key) {
  const std::string flat = Flatten(key);
  std::lock_guard lock(mu_);
  if (!IsCurrentLocked(key)) return nullptr;
  const auto it = index_.find(flat);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->body;
}

void ResponseCache::Put(const Key& key, std::shared_ptr<const std::string> body) {
  if (body == nullptr || key.snapshot == nullptr) return;
  const std::size_t cost = body->size() + kEntryOverhead;
  // One body may not take more than an eighth of the budget: a few huge answers must not
  // flush everything else.
  if (cost > capacity_bytes_ / 8) return;
  std::string flat = Flatten(key);
  std::shared_ptr<const void> dropped;  // released after the lock
  List dropped_entries;
  {
    std::lock_guard lock(mu_);
    if (key.generation > generation_) {
      // A newer snapshot: nothing older can ever be served again.
      dropped = std::move(snapshot_);
      dropped_entries.swap(lru_);
      index_.clear();
      bytes_ = 0;
      generation_ = key.generation;
      snapshot_ = key.snapshot;
    } else if (!IsCurrentLocked(key)) {
      return;
    }
    if (index_.count(flat) != 0) return;  // another thread got there first
    EvictLocked(capacity_bytes_ - cost);
    lru_.push_front(Entry{std::move(flat), std::move(body)});
    index_.emplace(lru_.front().key, lru_.begin());
    bytes_ += cost;
  }
}

void ResponseCache::EvictLocked(std::size_t target_bytes) {
  while (bytes_ > target_bytes && !lru_.empty()) {
    Entry& last = lru_.back();
    bytes_ -= last.body->size() + kEntryOverhead;
    index_.erase(last.key);
    lru_.pop_back();
  }
}

std::size_t ResponseCache::entries() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

std::size_t ResponseCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

}  // namespace keeta::web
