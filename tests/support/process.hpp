#pragma once

#include <Poco/Pipe.h>
#include <Poco/Process.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace warden::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs a program to completion, capturing its output.
CommandResult run_command(const std::string& program, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env = {});

/// A `warden serve` started on 127.0.0.1 with a free port; killed (SIGKILL) on destruction unless
/// stopped first. Its stderr log is kept for assertions.
class WardenProcess {
 public:
  WardenProcess(std::vector<std::string> args, std::map<std::string, std::string> env);
  ~WardenProcess();
  WardenProcess(const WardenProcess&) = delete;
  WardenProcess& operator=(const WardenProcess&) = delete;

  /// Waits for the "listening on" line; false if the process exited or timed out first.
  bool wait_until_serving(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  int port() const { return port_; }
  /// SIGTERM, then waits; returns the exit code.
  int stop();
  /// SIGKILL, then waits: the host gets no chance to tidy up.
  void kill();
  bool running() const;
  /// Sends a signal and returns at once (SIGSTOP, SIGCONT).
  void signal(int number);
  /// Waits until the process ends by itself (a crash) and reaps it: false if it still runs after
  /// `timeout`.
  bool wait_for_exit(std::chrono::milliseconds timeout);
  /// The exit code once stop() or wait_for_exit() has seen the process end (-1 before).
  int exit_code() const { return exit_code_; }
  std::string log() const;
  std::string out() const;

 private:
  struct Output;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  std::shared_ptr<Output> output_;
  std::thread out_reader_, err_reader_;
  int port_ = 0;
  int exit_code_ = -1;
  bool stopped_ = false;
};

}  // namespace warden::test
