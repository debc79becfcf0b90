// Debian's real prometheus-alertmanager, pointed at Warden as its webhook receiver, delivers an
// alert that Warden turns into a notice sent through an http_callback channel instance.
#include "tests/support/api_client.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Process.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kToken = "e2e-alertmanager-token";
const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

int free_port() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// prometheus-alertmanager on a free loopback port, its log in a file; killed on destruction.
class Alertmanager {
 public:
  Alertmanager(const fs::path& dir, const std::string& webhook_url)
      : dir_(dir), port_(free_port()) {
    std::ofstream(dir / "alertmanager.yml")
        << "route:\n  receiver: warden\n  group_by: ['alertname']\n  group_wait: 0s\n"
           "  group_interval: 1s\n  repeat_interval: 1h\n"
           "receivers:\n  - name: warden\n    webhook_configs:\n"
           "      - url: '"
        << webhook_url
        << "'\n        send_resolved: true\n"
           "        http_config:\n          authorization:\n            type: Bearer\n"
           "            credentials: '"
        << kToken << "'\n";
    const std::string command = std::string("exec ") + kAlertmanager +
                                " --config.file=" + (dir / "alertmanager.yml").string() +
                                " --storage.path=" + (dir / "data").string() +
                                " --web.listen-address=127.0.0.1:" + std::to_string(port_) +
                                " --cluster.listen-address= > " + (dir / "am.log").string() +
                                " 2>&1";
    handle_ =
        std::make_unique<Poco::ProcessHandle>(Poco::Process::launch("/bin/sh", {"-c", command}));
  }
  ~Alertmanager() {
    if (handle_) {
      Poco::Process::kill(*handle_);
      handle_->wait();
    }
  }

  bool wait_ready() {
    for (int i = 0; i < 300; ++i) {
      try {
        if (call_api(port_, "GET", "/-/ready").status == 200) return true;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  int port() const { return port_; }
  std::string log() const { return read_file(dir_ / "am.log"); }

 private:
  fs::path dir_;
  int port_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
};

TEST(AlertmanagerWebhook, TheRealAlertmanagerDeliversThroughWarden) {
  ASSERT_TRUE(fs::exists(kAlertmanager))
      << kAlertmanager << " is missing: scripts/setup.sh installs prometheus-alertmanager";
  TempDir dir;
  dir.write("warden.yaml", "plugins_dir: " + std::string(WARDEN_STAGED_PLUGINS_DIR) +
                               "\nlog_level: warn\nTEST:\n  database: sqlite:" +
                               (dir.path() / "warden.db").string() + "\n");
  WardenProcess warden(
      {"serve", "--config", (dir.path() / "warden.yaml").string(), "--listen", "127.0.0.1:0"},
      {{"AUTH_TOKEN", kToken}});
  ASSERT_TRUE(warden.wait_until_serving()) << warden.log();
  HttpReceiver receiver;
  auto r = call_api(
      warden.port(), "PUT", "/api/channels/oncall", kToken,
      R"({"channel": "http_callback", "config": {"url": ")" + receiver.url("/hook") + R"("}})");
  ASSERT_EQ(r.status, 201) << r.body;

  Alertmanager am(dir.path(), "http://127.0.0.1:" + std::to_string(warden.port()) +
                                  "/api/alerts/alertmanager?channels=oncall");
  ASSERT_TRUE(am.wait_ready()) << am.log();
  r = call_api(am.port(), "POST", "/api/v2/alerts", std::nullopt,
               R"([{"labels": {"alertname": "DiskFull", "severity": "critical", "job": "node",
                               "bk_biz_id": "7"},
                    "annotations": {"summary": "Disk full on db1", "description": "98% used"},
                    "generatorURL": "http://prometheus.example/graph"}])");
  ASSERT_EQ(r.status, 200) << r.body;

  ASSERT_TRUE(receiver.wait_for(1, 20s)) << am.log() << warden.log();
  auto body =
      Poco::JSON::Parser().parse(receiver.requests()[0].body).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(body->getValue<std::string>("title"), "Disk full on db1");
  EXPECT_EQ(body->getValue<std::string>("subject"), "DiskFull");
  EXPECT_EQ(body->getValue<std::string>("message"), "98% used");
  EXPECT_EQ(body->getValue<std::string>("severity"), "critical");
  EXPECT_EQ(body->getValue<std::string>("status"), "firing");
  EXPECT_EQ(body->getValue<std::string>("link"), "http://prometheus.example/graph");
  EXPECT_EQ(body->getObject("labels")->getValue<std::string>("bk_biz_id"), "7");

  r = call_api(warden.port(), "GET", "/api/notifications?origin=alertmanager", kToken);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GE(r.json->getValue<int>("total"), 1);
}

}  // namespace
}  // namespace warden::test
