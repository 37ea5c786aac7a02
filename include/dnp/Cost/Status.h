//===- Status.h - Error reporting for the cost model ------------*- C++ -*-===//
//
// The cost model may be compiled with -fno-exceptions (it is linked into the
// MLIR plugin), so every fallible entry point returns a Status or an
// Expected<T> carrying a human-readable message that names the offending
// op/tensor and the numbers involved.
//
//===----------------------------------------------------------------------===//
#ifndef DNP_COST_STATUS_H
#define DNP_COST_STATUS_H

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace dnp::cost {

/// An error message. Kept as its own type so that `return Error{"..."}` reads
/// unambiguously in functions returning Expected<std::string>.
struct Error {
  std::string message;
};

/// Success, or an error with a message.
class [[nodiscard]] Status {
public:
  Status() = default;
  Status(Error e) : message_(std::move(e.message)), ok_(false) {}
  static Status success() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const std::string &message() const { return message_; }

private:
  std::string message_;
  bool ok_ = true;
};

/// A value or an error message.
template <typename T> class [[nodiscard]] Expected {
public:
  Expected(T value) : value_(std::move(value)) {}
  Expected(Error e) : error_(std::move(e.message)) {}
  /// Forwards the error of a failed Status; `s` must not be ok.
  Expected(const Status &s) : error_(s.message()) { assert(!s.ok()); }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const std::string &message() const { return error_; }
  Status status() const { return ok() ? Status() : Status(Error{error_}); }

  T &operator*() { return *value_; }
  const T &operator*() const { return *value_; }
  T *operator->() { return &*value_; }
  const T *operator->() const { return &*value_; }
  T &value() { return *value_; }
  const T &value() const { return *value_; }

private:
  std::optional<T> value_;
  std::string error_;
};

} // namespace dnp::cost

#endif // DNP_COST_STATUS_H
