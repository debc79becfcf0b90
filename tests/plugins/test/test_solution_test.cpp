// The bundled `test` solution (seed 000's example), loaded through the real loader.
#include "host/plugins/plugin_registry.hpp"
#include "host/services/host_services_impl.hpp"
#include "host/services/spdlog_logger.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace warden::host {
namespace {

TEST(TestSolution, RunsStepOneThenFinishesWithSuccess) {
  PluginRegistry registry({WARDEN_STAGED_PLUGINS_DIR});
  registry.reload();
  auto record = registry.find("test");
  ASSERT_TRUE(record && record->loaded());

  std::ostringstream lines;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_level(spdlog::level::trace);
  HostServicesImpl services(
      make_shared_services(),
      std::make_unique<SpdlogLogger>(plugin_log_tag("test", "ts_test_1"), logger));

  auto condition = record->manifest->schema.apply(*Poco::JSON::Object::Ptr([] {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("message", "hello");
    return o;
  }()));
  ASSERT_TRUE(condition.ok());

  std::string error;
  auto solution = record->library->create_as<Solution>(error);
  ASSERT_TRUE(solution) << error;
  solution->bind(services, Config(condition.values));
  solution->bind_task({"ts_test_1", "test", "", "", ""});
  auto status = solution->start();
  ASSERT_TRUE(status.ok) << status.message;

  const auto& outcome = solution->outcome();
  EXPECT_EQ(outcome.next, SolutionOutcome::Next::finished);
  EXPECT_EQ(outcome.result, "success");
  EXPECT_EQ(solution->output_json()->getValue<std::string>("step"), "step1");
  EXPECT_EQ(solution->output_json()->getValue<std::string>("message"), "hello");
  EXPECT_NE(lines.str().find("task ts_test_1 runs step 1"), std::string::npos) << lines.str();
}

}  // namespace
}  // namespace warden::host
