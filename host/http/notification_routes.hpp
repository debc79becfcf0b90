#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class NoticePipeline;
class NoticeStore;
}  // namespace warden::host

namespace warden::host::http {

/// `GET /api/notifications` (filters: channel, status, origin, dedupe_key, since, until; paging:
/// page, p_size), `GET /api/notifications/{id}`, `POST /api/notifications/{id}/replay`.
void add_notification_routes(Router& router, const NoticeStore& store, NoticePipeline& pipeline);

}  // namespace warden::host::http
