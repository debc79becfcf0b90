// The bundled `example` timer action (seed 001's example), loaded through the real loader.
#include "host/plugins/plugin_registry.hpp"
#include "host/services/host_services_impl.hpp"
#include "host/services/spdlog_logger.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace warden::host {
namespace {

TEST(ExampleAction, LogsDataAndParentDataAndSucceeds) {
  PluginRegistry registry({WARDEN_STAGED_PLUGINS_DIR});
  registry.reload();
  auto record = registry.find("example");
  ASSERT_TRUE(record && record->loaded());

  std::ostringstream lines;
  auto logger = std::make_shared<spdlog::logger>(
      "capture", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines));
  HostServicesImpl services(make_shared_services(),
                            std::make_unique<SpdlogLogger>(plugin_log_tag("example"), logger));
  auto params = record->manifest->schema.apply(Poco::JSON::Object());  // the default label
  ASSERT_TRUE(params.ok());

  std::string error;
  auto action = record->library->create_as<TimerAction>(error);
  ASSERT_TRUE(action) << error;
  action->bind(services, Config(params.values));
  Poco::JSON::Object data, parent;
  data.set("fire_count", 1);
  parent.set("node", "ts_test_9");
  auto status = action->fire(data, parent);
  EXPECT_TRUE(status.ok) << status.message;
  EXPECT_NE(
      lines.str().find(
          R"([Action] example do: data -> {"fire_count":1}, parent_data -> {"node":"ts_test_9"})"),
      std::string::npos)
      << lines.str();
}

}  // namespace
}  // namespace warden::host
