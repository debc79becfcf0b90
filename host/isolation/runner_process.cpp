#include "host/isolation/runner_process.hpp"

#include "host/isolation/exit_status.hpp"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace warden::host {
namespace {

/// The environment a runner gets: the host's, without its secrets; under a sanitizer, with
/// signals left to the kernel (so a crash reads as the signal it is) and the memory limit that
/// RLIMIT_AS cannot give a sanitized process.
std::vector<std::string> runner_environment(const RunnerOptions& options) {
  static const std::vector<std::string> withheld = {
      "WARDEN_SECRET_KEY=", "WARDEN_NEW_SECRET_KEY=", "AUTH_TOKEN="};
  std::vector<std::string> out;
  std::string asan;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry(*e);
    bool keep = true;
    for (const auto& w : withheld)
      if (entry.starts_with(w)) keep = false;
    if (entry.starts_with("ASAN_OPTIONS=")) {
      asan = entry.substr(13);
      keep = false;
    }
    if (keep) out.push_back(entry);
  }
#if defined(__SANITIZE_ADDRESS__)
  asan += std::string(asan.empty() ? "" : ":") +
          "handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigfpe=0:detect_leaks=0";
  if (options.memory_limit_mb > 0)
    asan += ":hard_rss_limit_mb=" + std::to_string(options.memory_limit_mb);
#else
  (void)options;
#endif
  if (!asan.empty()) out.push_back("ASAN_OPTIONS=" + asan);
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string stringify(const Poco::JSON::Object& object) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(object, out);
  return out.str();
}

Poco::JSON::Object::Ptr parse(const std::string& text) {
  auto value = Poco::JSON::Parser().parse(text);
  auto object = value.extract<Poco::JSON::Object::Ptr>();
  if (!object) throw std::invalid_argument("not an object");
  return object;
}

/// Closes a descriptor on scope exit unless released.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
  int release() { return std::exchange(fd, -1); }
};

}  // namespace

std::filesystem::path default_runner_executable() {
  if (const char* path = std::getenv("WARDEN_PLUGIN_RUNNER"); path && *path) return path;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  return (ec ? std::filesystem::path() : self.parent_path()) / "warden-plugin-runner";
}

std::unique_ptr<RunnerProcess> RunnerProcess::start(const RunnerOptions& options,
                                                    Deadline deadline) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    throw RunnerStartError(std::string("cannot make a socket pair: ") + std::strerror(errno));
  FdGuard host_end{pair[0]};
  // Above 3, so that dup2 to 3 always makes a new descriptor without close-on-exec.
  FdGuard child_end{::fcntl(pair[1], F_DUPFD_CLOEXEC, 10)};
  ::close(pair[1]);
  if (child_end.fd < 0)
    throw RunnerStartError(std::string("cannot duplicate a socket: ") + std::strerror(errno));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, child_end.fd, 3);
  posix_spawn_file_actions_addclosefrom_np(&actions, 4);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> args = {options.executable.string(),
                                   "--fd",
                                   "3",
                                   "--memory-mb",
                                   std::to_string(options.memory_limit_mb),
                                   "--open-files",
                                   std::to_string(options.open_files),
                                   "--log-level",
                                   options.log_level};
  if (!options.extra_ca_file.empty()) {
    args.push_back("--ca-file");
    args.push_back(options.extra_ca_file);
  }
  auto env = runner_environment(options);
  auto argv = pointers(args);
  auto envp = pointers(env);
  pid_t pid = -1;
  const int spawned =
      ::posix_spawn(&pid, args[0].c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawned != 0)
    throw RunnerStartError("cannot start " + args[0] + ": " + std::strerror(spawned));
  ::close(child_end.release());

  std::unique_ptr<RunnerProcess> runner(new RunnerProcess(pid, host_end.release()));
  Poco::JSON::Object hello;
  hello.set("op", "hello");
  hello.set("protocol", kRunnerProtocol);
  const auto answer = runner->exchange(hello, deadline, {});
  if (answer.kind != RunnerAnswer::Kind::answered)
    throw RunnerStartError("the runner " + answer.reason + " before it said hello");
  const auto& m = *answer.message;
  if (m.optValue<std::string>("op", "") != "hello" ||
      m.optValue<int>("protocol", -1) != kRunnerProtocol)
    throw RunnerStartError("the runner speaks another protocol (expected version " +
                           std::to_string(kRunnerProtocol) + ")");
  return runner;
}

RunnerProcess::~RunnerProcess() {
  finish(true);
  if (fd_ >= 0) ::close(fd_);
}

bool RunnerProcess::alive() {
  if (reaped_) return false;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_ || (done < 0 && errno == ECHILD)) {
    reaped_ = true;
    return false;
  }
  return true;
}

std::string RunnerProcess::finish(bool kill_first) {
  if (reaped_) return "had already ended";
  if (kill_first) ::kill(pid_, SIGKILL);
  int status = 0;
  // A runner whose socket closed is ending; one that closed it and lives on is killed.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) break;
    if (done < 0 && errno != EINTR) {
      reaped_ = true;
      return "ended (its status could not be read)";
    }
    if (std::chrono::steady_clock::now() > give_up) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  reaped_ = true;
  return describe_exit(status);
}

RunnerAnswer RunnerProcess::exchange(const Poco::JSON::Object& request, Deadline deadline,
                                     const RunnerEvents& events) {
  auto died = [&](FrameStatus status) {
    if (status == FrameStatus::timed_out) {
      finish(true);
      return RunnerAnswer{RunnerAnswer::Kind::timed_out, nullptr, "did not answer in time"};
    }
    const bool still_running = status != FrameStatus::closed;
    std::string how = finish(still_running);
    if (status == FrameStatus::too_big) how = "sent a message over 64 MiB and was killed";
    return RunnerAnswer{RunnerAnswer::Kind::crashed, nullptr, how};
  };
  if (reaped_) return {RunnerAnswer::Kind::crashed, nullptr, "had already ended"};
  if (auto s = write_frame(fd_, stringify(request), deadline); s != FrameStatus::ok) return died(s);
  std::string text;
  for (;;) {
    if (auto s = read_frame(fd_, text, deadline); s != FrameStatus::ok) return died(s);
    Poco::JSON::Object::Ptr message;
    std::string op;
    try {
      message = parse(text);
      op = message->optValue<std::string>("op", "");
    } catch (...) {
      finish(true);
      return {RunnerAnswer::Kind::crashed, nullptr, "sent a malformed message and was killed"};
    }
    if (op == "log") {
      try {
        if (events.log)
          events.log(message->optValue<std::string>("level", "info"),
                     message->optValue<std::string>("message", ""));
      } catch (...) {  // a line that cannot be read or logged is dropped, never the call
      }
      continue;
    }
    if (op == "alert") {
      std::string error = "alerts cannot be raised here";
      bool ok = false;
      try {
        ok = events.alert && events.alert(*message, error);
      } catch (const std::exception& e) {
        error = std::string("the alert cannot be read: ") + e.what();
      }
      Poco::JSON::Object reply;
      reply.set("op", "alert_answer");
      reply.set("ok", ok);
      reply.set("error", ok ? std::string() : error);
      if (auto s = write_frame(fd_, stringify(reply), deadline); s != FrameStatus::ok)
        return died(s);
      continue;
    }
    return {RunnerAnswer::Kind::answered, message, {}};
  }
}

}  // namespace warden::host
