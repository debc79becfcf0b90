#include "host/services/spdlog_logger.hpp"
#include "host/services/logging.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace warden::host {
namespace {

/// An spdlog logger writing "<level> <message>" lines into a string stream.
struct CapturedLog {
  std::ostringstream lines;
  std::shared_ptr<spdlog::logger> logger;

  explicit CapturedLog(spdlog::level::level_enum level = spdlog::level::trace)
      : logger(std::make_shared<spdlog::logger>(
            "captured", std::make_shared<spdlog::sinks::ostream_sink_mt>(lines))) {
    logger->set_pattern("%l %v");
    logger->set_level(level);
  }
};

TEST(ServicesPluginLogTag, NamesPluginTaskAndStep) {
  EXPECT_EQ(plugin_log_tag("http_callback"), "plugin=http_callback");
  EXPECT_EQ(plugin_log_tag("restart_job", "ts_x", "step2"),
            "plugin=restart_job task=ts_x step=step2");
  EXPECT_EQ(plugin_log_tag("restart_job", "ts_x"), "plugin=restart_job task=ts_x");
}

TEST(ServicesSpdlogLogger, TagsEveryLineAtItsLevel) {
  CapturedLog captured;
  SpdlogLogger logger(plugin_log_tag("test", "ts_x", "step2"), captured.logger);
  Logger& plugin_view = logger;
  plugin_view.info("started");
  plugin_view.warn("slow");
  plugin_view.error("failed");
  plugin_view.debug("detail");
  plugin_view.trace("more detail");
  EXPECT_EQ(captured.lines.str(),
            "info [plugin=test task=ts_x step=step2] started\n"
            "warning [plugin=test task=ts_x step=step2] slow\n"
            "error [plugin=test task=ts_x step=step2] failed\n"
            "debug [plugin=test task=ts_x step=step2] detail\n"
            "trace [plugin=test task=ts_x step=step2] more detail\n");
}

TEST(ServicesSpdlogLogger, KeepsAMultiLineMessageOnOneTaggedLine) {
  CapturedLog captured;
  SpdlogLogger logger("plugin=test", captured.logger);
  logger.info("one\ntwo\r\nthree");
  EXPECT_EQ(captured.lines.str(), "info [plugin=test] one\\ntwo\\r\\nthree\n");
}

TEST(ServicesSpdlogLogger, BelowTheLevelWritesNothing) {
  CapturedLog captured(spdlog::level::warn);
  SpdlogLogger logger("plugin=test", captured.logger);
  logger.info("quiet");
  logger.warn("loud");
  EXPECT_EQ(captured.lines.str(), "warning [plugin=test] loud\n");
}

TEST(ServicesSpdlogLogger, WithoutATargetUsesTheDefaultLoggerOfTheMoment) {
  CapturedLog captured;
  auto previous = spdlog::default_logger();
  SpdlogLogger logger("plugin=test");
  spdlog::set_default_logger(captured.logger);
  logger.info("to the default");
  spdlog::set_default_logger(previous);
  EXPECT_EQ(captured.lines.str(), "info [plugin=test] to the default\n");
}

TEST(ServicesLogging, ParsesTheFiveLevels) {
  EXPECT_EQ(parse_log_level("trace"), spdlog::level::trace);
  EXPECT_EQ(parse_log_level("debug"), spdlog::level::debug);
  EXPECT_EQ(parse_log_level("info"), spdlog::level::info);
  EXPECT_EQ(parse_log_level("warn"), spdlog::level::warn);
  EXPECT_EQ(parse_log_level("error"), spdlog::level::err);
}

TEST(ServicesLogging, RefusesAnUnknownLevelByName) {
  auto previous = spdlog::default_logger();
  try {
    setup_logging("verbose");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("\"verbose\""), std::string::npos) << e.what();
  }
  EXPECT_EQ(spdlog::default_logger(), previous);
}

TEST(ServicesLogging, WritesIsoTimeAndLevelToStderr) {
  auto previous = spdlog::default_logger();
  setup_logging("warn");
  testing::internal::CaptureStderr();
  spdlog::info("not shown");
  spdlog::warn("shown");
  const std::string err = testing::internal::GetCapturedStderr();
  spdlog::set_default_logger(previous);
  EXPECT_TRUE(std::regex_search(
      err, std::regex(
               R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d \[.*warning.*\] shown\n$)")))
      << err;
}

}  // namespace
}  // namespace warden::host
