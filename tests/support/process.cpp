#include "tests/support/process.hpp"

#include <Poco/PipeStream.h>

#include <signal.h>
#include <condition_variable>
#include <mutex>
#include <regex>

namespace warden::test {

struct WardenProcess::Output {
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::string out, err;
  bool out_closed = false;
};

namespace {

Poco::Process::Env with_path(const std::map<std::string, std::string>& env) {
  Poco::Process::Env e;
  for (const auto& [k, v] : env) e[k] = v;
  return e;
}

}  // namespace

CommandResult run_command(const std::string& program, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env) {
  Poco::Pipe out, err;
  auto handle = Poco::Process::launch(program, args, ".", nullptr, &out, &err, with_path(env));
  CommandResult result;
  std::thread err_reader([&] {
    Poco::PipeInputStream s(err);
    result.err.assign(std::istreambuf_iterator<char>(s), {});
  });
  Poco::PipeInputStream s(out);
  result.out.assign(std::istreambuf_iterator<char>(s), {});
  err_reader.join();
  result.exit_code = handle.wait();
  return result;
}

WardenProcess::WardenProcess(std::vector<std::string> args, std::map<std::string, std::string> env)
    : output_(std::make_shared<Output>()) {
  Poco::Pipe out, err;
  handle_ = std::make_unique<Poco::ProcessHandle>(
      Poco::Process::launch(WARDEN_BIN, args, ".", nullptr, &out, &err, with_path(env)));
  auto output = output_;
  out_reader_ = std::thread([output, out]() mutable {
    Poco::PipeInputStream s(out);
    for (std::string line; std::getline(s, line);) {
      std::lock_guard lock(output->mutex);
      output->out += line + "\n";
      output->changed.notify_all();
    }
    std::lock_guard lock(output->mutex);
    output->out_closed = true;
    output->changed.notify_all();
  });
  err_reader_ = std::thread([output, err]() mutable {
    Poco::PipeInputStream s(err);
    for (std::string line; std::getline(s, line);) {
      std::lock_guard lock(output->mutex);
      output->err += line + "\n";
    }
  });
}

WardenProcess::~WardenProcess() {
  if (!stopped_ && running()) {
    Poco::Process::kill(*handle_);
    handle_->wait();
  }
  if (out_reader_.joinable()) out_reader_.join();
  if (err_reader_.joinable()) err_reader_.join();
}

bool WardenProcess::wait_until_serving(std::chrono::milliseconds timeout) {
  static const std::regex listening(R"(listening on http://[^:\s]+:(\d+))");
  std::unique_lock lock(output_->mutex);
  std::smatch m;
  bool found = output_->changed.wait_for(lock, timeout, [&] {
    return std::regex_search(output_->out, m, listening) || output_->out_closed;
  });
  if (!found || !std::regex_search(output_->out, m, listening)) return false;
  port_ = std::stoi(m[1]);
  return true;
}

int WardenProcess::stop() {
  ::kill(handle_->id(), SIGTERM);
  exit_code_ = handle_->wait();
  stopped_ = true;
  return exit_code_;
}

void WardenProcess::kill() {
  ::kill(handle_->id(), SIGKILL);
  handle_->wait();
  stopped_ = true;
}

void WardenProcess::signal(int number) {
  ::kill(handle_->id(), number);
}

bool WardenProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  int code = -1;
  while ((code = handle_->tryWait()) == -1) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  exit_code_ = code;
  stopped_ = true;
  return true;
}

bool WardenProcess::running() const {
  return Poco::Process::isRunning(*handle_);
}

std::string WardenProcess::log() const {
  std::lock_guard lock(output_->mutex);
  return output_->err;
}

std::string WardenProcess::out() const {
  std::lock_guard lock(output_->mutex);
  return output_->out;
}

}  // namespace warden::test
