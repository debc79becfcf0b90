#include "host/services/host_services_impl.hpp"

#include "host/services/spdlog_logger.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <gtest/gtest.h>

#include <sstream>

namespace warden::host {
namespace {

TEST(ServicesHostServicesImpl, SharesClientAndRendererAndTagsEachLogger) {
  SharedServices shared = make_shared_services();
  HostServicesImpl first(shared, plugin_log_tag("http_callback"));
  HostServicesImpl second(shared, plugin_log_tag("test", "ts_x", "step2"));

  EXPECT_EQ(&first.http(), shared.http.get());
  EXPECT_EQ(&second.http(), shared.http.get());
  EXPECT_EQ(&first.templates(), &second.templates());
  EXPECT_NE(&first.logger(), &second.logger());
  EXPECT_EQ(dynamic_cast<SpdlogLogger&>(first.logger()).tag(), "plugin=http_callback");
  EXPECT_EQ(dynamic_cast<SpdlogLogger&>(second.logger()).tag(), "plugin=test task=ts_x step=step2");
}

TEST(ServicesHostServicesImpl, KeepsTheSharedServicesAlive) {
  auto services = std::make_unique<HostServicesImpl>(make_shared_services(), "plugin=test");
  Rendered out = services->templates().render("{{x}}", Poco::JSON::Object(), Escape::none);
  EXPECT_TRUE(out.ok()) << out.error;
}

TEST(ServicesHostServicesImpl, TakesALoggerOfItsOwn) {
  std::ostringstream lines;
  auto sink = std::make_shared<spdlog::logger>(
      "captured", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines));
  sink->set_pattern("%v");
  HostServicesImpl services(make_shared_services(),
                            std::make_unique<SpdlogLogger>("plugin=custom", sink));
  services.logger().info("hello");
  EXPECT_EQ(lines.str(), "[plugin=custom] hello\n");
}

TEST(ServicesHostServicesImpl, RefusesMissingServices) {
  EXPECT_THROW(HostServicesImpl(SharedServices{}, "plugin=test"), std::invalid_argument);
}

}  // namespace
}  // namespace warden::host
