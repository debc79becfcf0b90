#pragma once

#include "host/alerts/notice_pipeline.hpp"
#include "host/http/http_error.hpp"

namespace warden::host::http {

/// Runs a pipeline operation, answering a NoticeError with the error shape and its HTTP status.
template <class Body>
auto answer_pipeline(Body&& body) {
  try {
    return body();
  } catch (const NoticeError& e) {
    int status = 400;
    switch (e.kind()) {
      case NoticeError::Kind::invalid:
        status = 400;
        break;
      case NoticeError::Kind::not_found:
        status = 404;
        break;
      case NoticeError::Kind::conflict:
        status = 409;
        break;
      case NoticeError::Kind::unavailable:
        status = 503;
        break;
    }
    throw HttpError(status, e.what());
  }
}

}  // namespace warden::host::http
