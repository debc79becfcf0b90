#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <stdexcept>
#include <string>

namespace warden::host::http {

/// Thrown by a handler to answer with the error shape `{"result": "exception", "message": …,
/// "errors": {…}}` and `status`. Any other exception from a handler answers 500.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message, Poco::JSON::Object::Ptr errors = {});
  /// Per-field errors as a ConfigSchema reports them (field name -> what is wrong).
  HttpError(int status, const std::string& message,
            const std::map<std::string, std::string>& errors);

  int status() const noexcept { return status_; }
  /// Null when there are none.
  const Poco::JSON::Object::Ptr& errors() const noexcept { return errors_; }

 private:
  int status_;
  Poco::JSON::Object::Ptr errors_;
};

}  // namespace warden::host::http
