#include <warden/warden.hpp>

#include <algorithm>

namespace warden::plugins {

/// Seed 001's example timer action: logs what it was given and succeeds. Its `zone` field shows a
/// form's run-time options: the plugin, not the manifest, says which zones there are.
class ExampleAction : public TimerAction {
 public:
  bool do_action(const Poco::JSON::Object& data, const Poco::JSON::Object& parent_data) override {
    const auto zone = config().string_or("zone", "UTC");
    // Saving a schedule checks no run-time options (the host calls no plugin code then): here is
    // where a zone the form never offered is refused.
    if (!known_zone(zone)) {
      log().warn("[Action] unknown zone \"" + zone + "\"");
      return false;
    }
    log().info("[Action] " + config().string_or("label", "example") + " do: data -> " +
               compact_json(data) + ", parent_data -> " + compact_json(parent_data) + ", zone -> " +
               zone);
    return true;
  }

  std::vector<SelectOption> select_options(const std::string& field) override {
    if (field != "zone") return {};
    std::vector<SelectOption> options;
    for (const auto& [label, value] : zones()) options.push_back({label, value});
    return options;
  }

 private:
  static const std::vector<std::pair<std::string, std::string>>& zones() {
    static const std::vector<std::pair<std::string, std::string>> list = {
        {"UTC", "UTC"},
        {"Berlin (Europe/Berlin)", "Europe/Berlin"},
        {"Shanghai (Asia/Shanghai)", "Asia/Shanghai"},
        {"New York (America/New_York)", "America/New_York"},
    };
    return list;
  }
  static bool known_zone(const std::string& zone) {
    return std::any_of(zones().begin(), zones().end(),
                       [&](const auto& entry) { return entry.second == zone; });
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::ExampleAction, "example")
