#pragma once

#include "host/http/http_error.hpp"
#include "host/http/response.hpp"
#include "host/runtime/request_error.hpp"

namespace warden::host::http {

/// Runs a handler's body, answering a RequestError with the error shape and its HTTP status.
template <class Body>
Response answer(Body&& body) {
  try {
    return body();
  } catch (const RequestError& e) {
    int status = 400;
    switch (e.kind()) {
      case RequestError::Kind::invalid:
        status = 400;
        break;
      case RequestError::Kind::not_found:
        status = 404;
        break;
      case RequestError::Kind::conflict:
        status = 409;
        break;
      case RequestError::Kind::unavailable:
        status = 503;
        break;
    }
    throw HttpError(status, e.what(), e.errors());
  }
}

}  // namespace warden::host::http
