#include <warden/warden.hpp>

#include <Poco/JSON/Stringifier.h>

#include <sstream>

namespace warden::plugins {

/// Seed 001's example timer action: logs what it was given and succeeds.
class ExampleAction : public TimerAction {
 public:
  bool do_action(const Poco::JSON::Object& data, const Poco::JSON::Object& parent_data) override {
    std::ostringstream line;
    line << "[Action] " << config().string_or("label", "example") << " do: data -> ";
    Poco::JSON::Stringifier::stringify(data, line);
    line << ", parent_data -> ";
    Poco::JSON::Stringifier::stringify(parent_data, line);
    log().info(line.str());
    return true;
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::ExampleAction, "example")
