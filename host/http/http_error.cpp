#include "host/http/http_error.hpp"

#include "host/http/json.hpp"

#include <utility>

namespace warden::host::http {

HttpError::HttpError(int status, const std::string& message, Poco::JSON::Object::Ptr errors)
    : std::runtime_error(message), status_(status), errors_(std::move(errors)) {}

HttpError::HttpError(int status, const std::string& message,
                     const std::map<std::string, std::string>& errors)
    : HttpError(status, message, string_map_object(errors)) {}

}  // namespace warden::host::http
