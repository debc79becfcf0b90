#include "host/http/console_routes.hpp"

#include <memory>
#include <string>

namespace warden::host::http {

const char* const kConsoleSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

void add_console_routes(Router& router, ConsoleAssets assets) {
  auto shared = std::make_shared<const ConsoleAssets>(std::move(assets));
  const Handler serve = [shared](const Request& request) {
    auto asset = shared->find(request.path);
    if (!asset) throw HttpError(404, "no console file " + request.path);
    auto response = Response::text(std::move(asset->body), asset->content_type);
    response.headers = {{"Content-Security-Policy", kConsoleSecurityPolicy},
                        {"X-Content-Type-Options", "nosniff"},
                        {"X-Frame-Options", "DENY"},
                        {"Referrer-Policy", "no-referrer"},
                        {"Cache-Control", "no-cache"}};
    return response;
  };
  // One route a file, not a pattern: a pattern would also take `/api/…` paths that this host
  // leaves to the coordinator (Router::otherwise).
  for (const auto& path : shared->paths()) {
    if (path == "/api" || path.starts_with("/api/")) continue;
    router.add("GET", path, serve);
  }
}

}  // namespace warden::host::http
