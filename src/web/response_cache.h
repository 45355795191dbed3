// ResponseCache: rendered response bodies (pages, API JSON, their gzip forms) for the
// current dataset snapshot, so a repeated request costs a lookup instead of a computation.
//
// Datasets are immutable, so a body is valid for as long as its snapshot is current. Keys
// are (generation, route, filter key, gzip); an entry is only ever served for the very
// snapshot object it was computed from: the cache keeps that snapshot alive and compares
// identity as well as generation, so a request racing a reload can never see (or store)
// data from the wrong snapshot. A newer generation drops every older entry.
// Bounded by total body bytes, least recently used first out.
// Thread-safety: every method may be called from any thread (one mutex, short sections).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace keeta::web {

class ResponseCache {
 public:
  struct Key {
    std::uint64_t generation = 0;
    std::shared_ptr<const void> snapshot;  // identity of the dataset the body was made from
    std::string_view route;                // e.g. "kpis"; may carry route-specific state
    std::string_view filter_key;           // Filter::CanonicalKey()
    bool gzip = false;
  };

  explicit ResponseCache(std::size_t capacity_bytes);
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  // The cached body, or nullptr.
  std::shared_ptr<const std::string> Get(const Key& key);

  // Stores a body. Ignored when the key's snapshot is older than the cache's, when the
  // generation matches but the snapshot differs (an inconsistent read during a reload), or
  // when the body is too large to be worth keeping.
  void Put(const Key& key, std::shared_ptr<const std::string> body);

  std::size_t entries() const;
  std::size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const std::string> body;
  };
  using List = std::list<Entry>;

  static std::string Flatten(const Key& key);
  bool IsCurrentLocked(const Key& key) const;
  void EvictLocked(std::size_t target_bytes);

  const std::size_t capacity_bytes_;
  mutable std::mutex mu_;
  std::uint64_t generation_ = 0;
  std::shared_ptr<const void> snapshot_;  // kept alive so its address cannot be reused
  List lru_;                              // most recently used first
  std::unordered_map<std::string_view, List::iterator> index_;  // views into Entry::key
  std::size_t bytes_ = 0;
};

}  // namespace keeta::web
