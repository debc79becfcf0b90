#pragma once
// A real alert service for tests: SQLite in a temporary folder, the staged bundled plugins through
// the real registry, the process's real HTTP client and renderer.

#include "host/alerts/alert_service.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/store/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace warden::host::test_alerts {

inline Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// An http_callback instance body sending to `url` with a delivery policy.
inline std::string callback_channel(const std::string& url, const std::string& delivery = "{}",
                                    const std::string& extra_config = "") {
  return R"({"channel": "http_callback", "config": {"url": ")" + url + "\"" + extra_config +
         R"(}, "delivery": )" + delivery + "}";
}

class AlertFixture : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  /// (Re)opens the service over the same database file, as a restart does.
  void open() {
    service.reset();
    database = std::make_unique<Database>("sqlite:" + (dir.path() / "warden.db").string());
    service =
        std::make_unique<AlertService>(*database, registry, services, notice_max_age_ms, *clock);
  }

  ChannelInstances::Snapshot put_channel(const std::string& name, const std::string& body) {
    bool created = false;
    try {
      return service->channels().put(name, *parse_object(body), created);
    } catch (const RequestError& e) {
      std::string errors;
      for (const auto& [k, v] : e.errors()) errors += k + ": " + v + "\n";
      ADD_FAILURE() << e.what() << "\n" << errors;
      return nullptr;
    }
  }

  /// The stored notice once `done` holds for it (or the last one seen after `timeout`).
  Notice wait_notice(const std::string& id, const std::function<bool(const Notice&)>& done,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    std::optional<Notice> last;
    while (std::chrono::steady_clock::now() < until) {
      last = service->notices().find(id);
      if (last && done(*last)) return *last;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return last.value_or(Notice{});
  }

  Notice wait_status(const std::string& id, const std::string& status,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return wait_notice(
        id, [&](const Notice& n) { return n.status == status; }, timeout);
  }

  static Alert alert(const std::string& title, const std::string& dedupe_key = {}) {
    Alert a;
    a.title = title;
    a.source = "unit";
    a.status = "firing";
    a.message = "something happened";
    a.labels = {{"strategy_id", "12345"}, {"bk_biz_id", "7"}};
    a.dedupe_key = dedupe_key;
    return a;
  }

  std::int64_t notice_max_age_ms = NoticePipeline::kDefaultMaxAgeMs;  ///< as open() makes it
  const Clock* clock = &system_clock();  ///< what open() times the pipeline with
  test::TempDir dir;
  PluginRegistry registry{{WARDEN_STAGED_PLUGINS_DIR}};
  SharedServices services = make_shared_services();
  std::unique_ptr<Database> database;
  std::unique_ptr<AlertService> service;

  struct Reload {
    explicit Reload(PluginRegistry& r) { r.reload(); }
  } reloaded{registry};
};

}  // namespace warden::host::test_alerts
