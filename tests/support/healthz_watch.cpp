#include "tests/support/healthz_watch.hpp"

#include "tests/support/api_client.hpp"

#include <Poco/Exception.h>

namespace warden::test {

HealthzWatch::HealthzWatch(int port, std::chrono::milliseconds interval) {
  thread_ = std::thread([this, port, interval] {
    while (!stopping_) {
      const auto asked = std::chrono::steady_clock::now();
      try {
        const auto r = call_api(port, "GET", "/healthz");
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - asked);
        if (took.count() > slowest_ms_) slowest_ms_ = took.count();
        if (r.status != 200 || !r.json || r.json->optValue<std::string>("status", "") != "ok")
          fail("HTTP " + std::to_string(r.status) + ": " + r.body);
        else
          ++answers_;
      } catch (const Poco::Exception& e) {
        fail(e.displayText());
      }
      std::this_thread::sleep_until(asked + interval);
    }
  });
}

HealthzWatch::~HealthzWatch() {
  stop();
}

void HealthzWatch::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string HealthzWatch::first_failure() const {
  std::lock_guard lock(mutex_);
  return first_failure_;
}

void HealthzWatch::fail(const std::string& what) {
  std::lock_guard lock(mutex_);
  if (failures_++ == 0) first_failure_ = what;
}

}  // namespace warden::test
