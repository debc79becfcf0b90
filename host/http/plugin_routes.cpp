#include "host/http/plugin_routes.hpp"

#include "host/http/plugin_json.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host::http {

void add_plugin_routes(Router& router, PluginRegistry& registry, SharedServices services) {
  router.add("GET", "/api/plugins", [&registry](const Request&) {
    Poco::JSON::Array::Ptr plugins = new Poco::JSON::Array;
    const auto records = registry.list();
    for (const auto& record : records) plugins->add(plugin_summary_json(*record));
    auto body = ok();
    body->set("count", static_cast<int>(records.size()));
    body->set("data", plugins);
    return Response::json(body);
  });

  router.add("GET", "/api/plugins/{key}", [&registry, services](const Request& request) {
    const auto& key = request.param("key");
    const auto record = registry.find(key);
    if (!record) throw HttpError(404, "unknown plugin \"" + key + "\"");
    auto body = ok();
    body->set("data",
              plugin_detail_json(*record, form_options(*record, registry.host(), services)));
    return Response::json(body);
  });

  // Checks a configuration against the plugin's fields (SPEC §3) without saving anything: an
  // operator's dry run before configuring a channel, a task or a schedule.
  router.add(
      "POST", "/api/plugins/{key}/check_config", [&registry, services](const Request& request) {
        const auto& key = request.param("key");
        const auto record = registry.find(key);
        if (!record) throw HttpError(404, "unknown plugin \"" + key + "\"");
        if (!record->loaded())
          throw HttpError(
              409, "plugin \"" + key + "\" is not loaded: " + record->problems.front().to_string());
        auto body = request.json();
        auto config = body->getObject("config");
        if (!config) throw HttpError(400, "the body needs a \"config\" object");
        // The dry run a form makes: a choice the plugin offers now is a choice (other paths check
        // the manifest's options only, calling no plugin code while they save).
        const auto schema = with_runtime_options(record->manifest->schema,
                                                 form_options(*record, registry.host(), services));
        auto result = schema.apply(*config, nullptr, registry_options(registry));
        if (!result.ok()) throw HttpError(400, "invalid config", result.errors);
        auto answer = ok();
        answer->set("data", schema.masked(*result.values));
        return Response::json(answer);
      });

  router.add("POST", "/api/plugins/reload", [&registry](const Request&) {
    return Response::json(ok(*reload_report_json(registry.reload())));
  });
}

}  // namespace warden::host::http
