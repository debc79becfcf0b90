#pragma once

#include "host/http/router.hpp"

namespace warden::host {
class ChannelInstances;
class NoticePipeline;
}  // namespace warden::host

namespace warden::host::http {

/// `GET /api/channels`, `PUT|GET|DELETE /api/channels/{name}`, `POST /api/channels/{name}/test`
/// (SPEC §5). Both objects must outlive the server.
void add_channel_routes(Router& router, ChannelInstances& channels, NoticePipeline& pipeline);

}  // namespace warden::host::http
