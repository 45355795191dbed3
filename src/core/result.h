// Result<T>: a value or an error message, returned across API boundaries instead of
// throwing (errors as values, as in LevelDB's Status). Thread-safety: a plain value type.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace keeta {

// What went wrong, in one line a user can act on. `param` names the offending input
// (a query parameter, a CLI flag, a column) when there is one.
struct Error {
  std::string message;
  std::string param;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}              // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}          // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace keeta
