// Solutions and timer actions raise alerts through their HostServices (SDK AlertSink) into the
// same pipeline POST /api/alerts feeds.
#include "host/alerts/notice_store.hpp"
#include "tests/host/alerts/alert_fixture.hpp"
#include "tests/support/http_receiver.hpp"

#include <warden/plugin.hpp>

namespace warden::host::test_alerts {
namespace {

/// A plugin object that raises an alert the way a solution's step or a timer action would.
class Raiser : public Plugin {
 public:
  bool raise(const Alert& alert, const std::vector<std::string>& channels) {
    return raise_alert(alert, channels);
  }
};

class PluginAlerts : public AlertFixture {
 protected:
  test::HttpReceiver receiver;
};

TEST_F(PluginAlerts, APluginsAlertBecomesANoticeNamingThePlugin) {
  put_channel("hook", callback_channel(receiver.url("/hook")));
  service->connect(*services.alerts);
  service->start();
  HostServicesImpl host(services, "plugin=flink_jobs_monitor task=ts_x");
  std::string error;
  EXPECT_TRUE(host.alerts().raise(alert("Job restarted"), {"hook"}, error)) << error;
  ASSERT_TRUE(receiver.wait_for(1));
  NoticeQuery query;
  query.origin = "plugin:flink_jobs_monitor";
  EXPECT_EQ(service->notices().list(query).total, 1);

  Raiser raiser;
  raiser.bind(host, Config());
  EXPECT_TRUE(raiser.raise(alert("Through the SDK"), {}));
  EXPECT_FALSE(raiser.raise(alert("Nowhere"), {"no-such-channel"}));
  EXPECT_FALSE(host.alerts().raise(alert("Nowhere"), {"no-such-channel"}, error));
  EXPECT_EQ(error, "unknown channel instance \"no-such-channel\"");
  ASSERT_TRUE(receiver.wait_for(2));

  service->stop();
  EXPECT_FALSE(host.alerts().raise(alert("After stop"), {}, error));
  EXPECT_EQ(error, "this host has no alert pipeline running");
}

}  // namespace
}  // namespace warden::host::test_alerts
