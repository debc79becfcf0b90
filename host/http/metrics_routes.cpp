#include "host/http/metrics_routes.hpp"

#include <warden/version.hpp>

#include <map>
#include <sstream>

namespace warden::host::http {

void add_metrics_routes(Router& router, const PluginRegistry& registry,
                        std::shared_ptr<const RequestMetrics> requests) {
  router.add("GET", "/metrics", [&registry, requests](const Request&) {
    std::ostringstream out;
    out << "# HELP warden_build_info The running host's version and plugin SDK major.\n"
        << "# TYPE warden_build_info gauge\n"
        << "warden_build_info{version=\"" << WARDEN_VERSION << "\",sdk=\"" << WARDEN_SDK_MAJOR
        << "\"} 1\n";
    std::map<std::pair<std::string, std::string>, int> plugins;
    for (auto kind : {Kind::solution, Kind::alert_channel, Kind::timer_action})
      plugins[{to_string(kind), "loaded"}] = 0;
    for (const auto& record : registry.list()) {
      std::string kind = record->manifest ? to_string(record->manifest->kind) : "unknown";
      ++plugins[{kind, record->loaded() ? "loaded" : "failed"}];
    }
    out << "# HELP warden_plugins Plugin folders by kind and load status.\n"
        << "# TYPE warden_plugins gauge\n";
    for (const auto& [labels, count] : plugins)
      out << "warden_plugins{kind=\"" << labels.first << "\",status=\"" << labels.second << "\"} "
          << count << "\n";
    if (requests) out << requests->prometheus();
    return Response::text(out.str(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace warden::host::http
