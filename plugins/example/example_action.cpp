#include <warden/warden.hpp>

namespace warden::plugins {

/// Seed 001's example timer action: logs what it was given and succeeds.
class ExampleAction : public TimerAction {
 public:
  bool do_action(const Poco::JSON::Object& data, const Poco::JSON::Object& parent_data) override {
    log().info("[Action] " + config().string_or("label", "example") + " do: data -> " +
               compact_json(data) + ", parent_data -> " + compact_json(parent_data));
    return true;
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::ExampleAction, "example")
