#include "host/http/router.hpp"

#include <Poco/Exception.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace warden::host::http {

std::vector<Router::Segment> Router::parse_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with \"/\": " + std::string(pattern));
  }
  std::vector<Segment> segments;
  std::set<std::string, std::less<>> names;
  std::string_view rest = pattern.substr(1);
  while (true) {
    const auto slash = rest.find('/');
    const std::string_view text = rest.substr(0, slash);
    const bool is_param = text.size() > 2 && text.front() == '{' && text.back() == '}';
    if (!is_param && text.find_first_of("{}?#%") != std::string_view::npos) {
      throw std::invalid_argument("malformed route pattern segment \"" + std::string(text) +
                                  "\" in " + std::string(pattern));
    }
    Segment segment{std::string(is_param ? text.substr(1, text.size() - 2) : text), is_param};
    if (is_param && !names.insert(segment.text).second) {
      throw std::invalid_argument("route pattern repeats {" + segment.text +
                                  "}: " + std::string(pattern));
    }
    segments.push_back(std::move(segment));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return segments;
}

Router& Router::add(std::string method, std::string_view pattern, Handler handler) {
  if (method.empty()) throw std::invalid_argument("route method is empty");
  if (!handler) throw std::invalid_argument("route handler is empty: " + std::string(pattern));
  Route route{std::move(method), std::string(pattern), parse_pattern(pattern), std::move(handler)};
  for (const auto& existing : routes_) {
    if (existing.method != route.method || existing.segments.size() != route.segments.size()) {
      continue;
    }
    bool same_shape = true;
    for (std::size_t i = 0; i < route.segments.size() && same_shape; ++i) {
      const auto& a = existing.segments[i];
      const auto& b = route.segments[i];
      same_shape = a.is_param == b.is_param && (a.is_param || a.text == b.text);
    }
    if (same_shape) {
      throw std::invalid_argument("route " + route.method + " " + route.pattern + " clashes with " +
                                  existing.method + " " + existing.pattern);
    }
  }
  routes_.push_back(std::move(route));
  return *this;
}

bool Router::matches(const Route& route, const std::vector<std::string>& segments) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& expected = route.segments[i];
    if (expected.is_param ? segments[i].empty() : expected.text != segments[i]) return false;
  }
  return true;
}

bool Router::more_specific(const Route& a, const Route& b) {
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    if (a.segments[i].is_param != b.segments[i].is_param) return !a.segments[i].is_param;
  }
  return false;
}

Router& Router::wrap(std::string_view method, std::string_view pattern,
                     const std::function<Handler(Handler)>& wrapper) {
  for (auto& route : routes_) {
    if (route.method == method && route.pattern == pattern) {
      route.handler = wrapper(std::move(route.handler));
      return *this;
    }
  }
  throw std::invalid_argument("no route " + std::string(method) + " " + std::string(pattern) +
                              " to wrap");
}

Router& Router::otherwise(Handler handler) {
  otherwise_ = std::move(handler);
  return *this;
}

Response Router::dispatch(Request& request) const noexcept {
  try {
    const auto segments = decoded_segments(request.path);
    const Route* best = nullptr;
    std::vector<std::string> allowed;
    for (const auto& route : routes_) {
      if (!matches(route, segments)) continue;
      if (route.method == request.method) {
        if (!best || more_specific(route, *best)) best = &route;
      } else if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) {
        allowed.push_back(route.method);
      }
    }
    if (best) return call(*best, request, segments);
    if (otherwise_) return otherwise_(request);
    if (allowed.empty()) {
      return Response::error(404, "no route for " + request.method + " " + request.path);
    }
    std::string allow;
    for (const auto& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
    auto response = Response::error(405, "method " + request.method + " is not allowed for " +
                                             request.path + " (allowed: " + allow + ")");
    response.headers.emplace_back("Allow", allow);
    return response;
  } catch (const HttpError& e) {
    return Response::error(e.status(), e.what(), e.errors());
  } catch (...) {
    spdlog::error("http routing of {} {} failed", request.method, request.path);
    return Response::error(500, "internal error");
  }
}

Response Router::call(const Route& route, Request& request,
                      const std::vector<std::string>& segments) const {
  request.path_params.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (route.segments[i].is_param) request.path_params[route.segments[i].text] = segments[i];
  }
  try {
    return route.handler(request);
  } catch (const HttpError& e) {
    return Response::error(e.status(), e.what(), e.errors());
  } catch (const Poco::Exception& e) {
    spdlog::error("http handler {} {} failed: {}", route.method, route.pattern, e.displayText());
  } catch (const std::exception& e) {
    spdlog::error("http handler {} {} failed: {}", route.method, route.pattern, e.what());
  } catch (...) {
    spdlog::error("http handler {} {} failed with a non-standard exception", route.method,
                  route.pattern);
  }
  return Response::error(500, "internal error");
}

}  // namespace warden::host::http
