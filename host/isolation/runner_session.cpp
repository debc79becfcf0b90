#include "host/isolation/runner_session.hpp"

#include "host/isolation/frame_io.hpp"
#include "host/isolation/runner_process.hpp"
#include "host/plugins/plugin_calls_json.hpp"
#include "host/plugins/plugin_host.hpp"
#include "host/runtime/alert_json.hpp"

#include <warden/version.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <sstream>
#include <thread>

namespace warden::host {
namespace {

std::string stringify(const Poco::JSON::Object& object) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(object, out);
  return out.str();
}

/// The socket to the host, shared by the call being made, the plugin's threads that log, and an
/// alert waiting for its answer.
class HostLink {
 public:
  explicit HostLink(int fd) : fd_(fd) {}

  void send(const Poco::JSON::Object& message) {
    const auto text = stringify(message);
    std::lock_guard lock(write_mutex_);
    if (write_frame(fd_, text) != FrameStatus::ok) ::_exit(0);  // the host is gone
  }

  /// Sends an alert and waits for the host's answer; refused outside a call (nothing reads then).
  void raise(const Alert& alert, const std::vector<std::string>& channels,
             const std::string& origin) {
    if (!in_call_) throw std::runtime_error("alerts can only be raised while the host calls");
    std::lock_guard exchange(exchange_mutex_);
    Poco::JSON::Object request;
    request.set("op", "alert");
    request.set("alert", alert_to_json(alert));
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& c : channels) list->add(c);
    request.set("channels", list);
    request.set("origin", origin);
    send(request);
    std::string text;
    if (read_frame(fd_, text) != FrameStatus::ok) ::_exit(0);
    const auto answer = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    if (!answer->optValue<bool>("ok", false))
      throw std::runtime_error(answer->optValue<std::string>("error", "refused"));
  }

  void set_in_call(bool in_call) { in_call_ = in_call; }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::mutex write_mutex_;
  std::mutex exchange_mutex_;
  std::atomic<bool> in_call_{false};
};

/// spdlog's lines, sent to the host (which logs them with its own pattern and sinks).
class HostSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit HostSink(HostLink& link) : link_(link) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    Poco::JSON::Object line;
    line.set("op", "log");
    const auto level = spdlog::level::to_string_view(msg.level);
    line.set("level", std::string(level.data(), level.size()));
    line.set("message", std::string(msg.payload.data(), msg.payload.size()));
    link_.send(line);
  }
  void flush_() override {}

 private:
  HostLink& link_;
};

/// Ends this process when the host closes its end or dies, even while a plugin's code runs.
void watch_host(int fd) {
  const pid_t parent = ::getppid();
  std::thread([fd, parent] {
    for (;;) {
      pollfd p{fd, POLLRDHUP, 0};
      const int n = ::poll(&p, 1, 500);
      if (n > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))) ::_exit(0);
      if (::getppid() != parent) ::_exit(0);
    }
  }).detach();
}

Poco::JSON::Object::Ptr problems_answer(const Problems& problems) {
  Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
  answer->set("op", "loaded");
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const auto& p : problems) list->add(to_json(p));
  answer->set("problems", list);
  return answer;
}

}  // namespace

int serve_runner(int fd, const std::string& extra_ca_file) {
  HostLink link(fd);
  watch_host(fd);
  auto logger = std::make_shared<spdlog::logger>("runner", std::make_shared<HostSink>(link));
  logger->set_level(spdlog::default_logger()->level());
  spdlog::set_default_logger(logger);

  SharedServices services = make_shared_services(extra_ca_file);
  services.alerts->attach(
      [&link](const Alert& alert, const std::vector<std::string>& channels,
              const std::string& origin) { link.raise(alert, channels, origin); });
  InProcessHost plugins;
  std::optional<PluginRecord> record;

  for (;;) {
    std::string text;
    if (read_frame(fd, text) != FrameStatus::ok) return 0;
    Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
    try {
      const auto request = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
      const auto op = request->optValue<std::string>("op", "");
      if (op == "hello") {
        answer->set("op", "hello");
        answer->set("protocol", kRunnerProtocol);
        answer->set("sdk", WARDEN_SDK_MAJOR);
        answer->set("pid", static_cast<int>(::getpid()));
      } else if (op == "load") {
        PluginRecord loading;
        loading.folder = request->getValue<std::string>("folder");
        loading.key = request->getValue<std::string>("label");
        loading.manifest = read_manifest(loading.folder, loading.key, loading.problems);
        if (loading.manifest) plugins.load(loading);
        answer = problems_answer(loading.problems);
        if (loading.ready) record = std::move(loading);
      } else if (op == "step" || op == "fire" || op == "deliver" || op == "select_options") {
        if (!record) throw std::runtime_error("no plugin is loaded in this runner");
        const auto call = request->getObject("call");
        if (!call) throw std::runtime_error("the request has no call");
        link.set_in_call(true);
        Poco::JSON::Object::Ptr result;
        if (op == "step")
          result = to_json(plugins.run_step(*record, step_call_from_json(*call), services));
        else if (op == "fire")
          result = to_json(plugins.fire(*record, firing_call_from_json(*call), services));
        else if (op == "deliver")
          result = to_json(plugins.deliver(*record, delivery_call_from_json(*call), services));
        else
          result = to_json(
              plugins.select_options(*record, select_options_call_from_json(*call), services));
        link.set_in_call(false);
        answer->set("op", "result");
        answer->set("result", result);
      } else {
        throw std::runtime_error("unknown request \"" + op + "\"");
      }
    } catch (const Poco::Exception& e) {
      link.set_in_call(false);
      answer = new Poco::JSON::Object;
      answer->set("op", "error");
      answer->set("message", e.displayText());
    } catch (const std::exception& e) {
      link.set_in_call(false);
      answer = new Poco::JSON::Object;
      answer->set("op", "error");
      answer->set("message", std::string(e.what()));
    }
    link.send(*answer);
  }
}

}  // namespace warden::host
