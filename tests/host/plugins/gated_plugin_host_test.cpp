// GatedPluginHost: while the gate is shut (a host that may have lost its work lease), no plugin
// code runs and the call answers failed; open, the call goes through to the real host.
#include "host/plugins/gated_plugin_host.hpp"

#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

namespace warden::host {
namespace {

TEST(GatedPluginHost, AShutGateRunsNoPluginCodeAndAnOpenOneDoes) {
  std::atomic<bool> open{false};
  auto gated = std::make_shared<GatedPluginHost>(std::make_shared<InProcessHost>(),
                                                 [&open] { return open.load(); });
  PluginRegistry registry({std::filesystem::path(WARDEN_FIXTURE_PLUGINS_DIR) / "timers"}, gated);
  registry.reload();
  auto probe = registry.find("probe");
  ASSERT_TRUE(probe && probe->loaded());
  test::TempDir dir;
  const auto log = dir.path() / "fired.log";
  FiringCall call;
  call.action = "probe";
  call.timer_id = "t";
  call.params = R"({"outcome": "ok", "sleep_ms": 0, "log_file": ")" + log.string() + R"("})";
  call.state = "{}";
  call.data->set("timer_id", "t");
  call.data->set("fire_count", 1);
  call.data->set("due_ms", 1);
  call.data->set("fired_ms", 1);
  const auto services = make_shared_services();

  auto shut = gated->fire(*probe, call, services);
  EXPECT_FALSE(shut.ok);
  EXPECT_NE(shut.error.find("may have lost its work lease"), std::string::npos) << shut.error;
  EXPECT_FALSE(std::filesystem::exists(log)) << "the plugin ran behind a shut gate";

  open = true;
  auto fired = gated->fire(*probe, call, services);
  EXPECT_TRUE(fired.ok) << fired.error;
  EXPECT_TRUE(std::filesystem::exists(log));
}

}  // namespace
}  // namespace warden::host
