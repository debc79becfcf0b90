#pragma once

#include "host/http/http_error.hpp"
#include "host/http/request.hpp"
#include "host/http/response.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::host::http {

using Handler = std::function<Response(const Request&)>;

/// Maps a method and a path to a handler. Routes are added before the server starts; dispatching is
/// then read-only and safe from many threads.
class Router {
 public:
  /// Registers `handler` for `method` on `pattern`, e.g. `router.add("GET", "/api/plugins/{key}",
  /// handler)`. Segments match exactly; a `{name}` segment matches any one non-empty segment and is
  /// handed to the handler as `request.param("name")`. Where two patterns match a path, the one
  /// with a literal segment earlier wins. Throws std::invalid_argument for a malformed pattern or a
  /// route that is already registered.
  Router& add(std::string method, std::string_view pattern, Handler handler);

  /// Answers `request` (its path params are filled in). Never throws: no matching path answers 404
  /// `no route for GET /x`; a path matched only with other methods answers 405 with an Allow
  /// header; an HttpError from the handler answers its status and error shape; any other exception
  /// is logged with the route and answers 500 `internal error`.
  Response dispatch(Request& request) const noexcept;

  /// Replaces the handler of the route `method` `pattern` with `wrapper(handler)`, e.g. to send a
  /// call on to the host that owns what it names. Throws std::invalid_argument for no such route.
  Router& wrap(std::string_view method, std::string_view pattern,
               const std::function<Handler(Handler)>& wrapper);

  /// Answers every request no route takes (in place of the 404 or 405), e.g. a host's
  /// forwarding to the coordinator.
  Router& otherwise(Handler handler);

  std::size_t size() const { return routes_.size(); }

 private:
  struct Segment {
    std::string text;  ///< literal text, or the parameter's name
    bool is_param = false;
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
  };

  static std::vector<Segment> parse_pattern(std::string_view pattern);
  static bool matches(const Route& route, const std::vector<std::string>& segments);
  static bool more_specific(const Route& a, const Route& b);
  Response call(const Route& route, Request& request,
                const std::vector<std::string>& segments) const;

  std::vector<Route> routes_;
  Handler otherwise_;
};

}  // namespace warden::host::http
