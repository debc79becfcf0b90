#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace warden::host {

/// A request to the runtime (a task, a timer, a schedule) that cannot be carried out; `kind` says
/// how the HTTP API answers it (400, 404, 409, 503).
class RequestError : public std::runtime_error {
 public:
  enum class Kind { invalid, not_found, conflict, unavailable };
  RequestError(Kind kind, const std::string& message,
               std::map<std::string, std::string> errors = {})
      : std::runtime_error(message), kind_(kind), errors_(std::move(errors)) {}
  Kind kind() const { return kind_; }
  /// Per-field problems (SPEC §3), when there are any.
  const std::map<std::string, std::string>& errors() const { return errors_; }

 private:
  Kind kind_;
  std::map<std::string, std::string> errors_;
};

}  // namespace warden::host
