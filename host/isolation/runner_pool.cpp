#include "host/isolation/runner_pool.hpp"

#include "host/plugins/plugin_calls_json.hpp"

#include <Poco/JSON/Array.h>

#include <thread>

namespace warden::host {

LoadedRunner start_loaded_runner(const RunnerOptions& options, const std::filesystem::path& folder,
                                 const std::string& label, Deadline deadline) {
  LoadedRunner out;
  std::unique_ptr<RunnerProcess> runner;
  try {
    runner = RunnerProcess::start(options, deadline);
  } catch (const RunnerStartError& e) {
    out.failure = e.what();
    return out;
  }
  Poco::JSON::Object load;
  load.set("op", "load");
  load.set("folder", folder.string());
  load.set("label", label);
  const auto answer = runner->exchange(load, deadline, {});
  if (answer.kind != RunnerAnswer::Kind::answered) {
    out.failure = "its runner (pid " + std::to_string(runner->pid()) + ") " + answer.reason +
                  (answer.kind == RunnerAnswer::Kind::timed_out ? " and was killed" : "");
    return out;
  }
  try {
    const auto problems = answer.message->getArray("problems");
    if (!problems) throw std::invalid_argument("no problems list");
    for (std::size_t i = 0; i < problems->size(); ++i) {
      const auto problem = problems->getObject(static_cast<unsigned>(i));
      if (!problem) throw std::invalid_argument("a problem is not an object");
      out.problems.push_back(problem_from_json(*problem));
    }
  } catch (const std::exception& e) {
    out.failure = std::string("its runner answered the load with a malformed message: ") + e.what();
    return out;
  }
  if (out.problems.empty()) out.runner = std::move(runner);
  return out;
}

RunnerPool::RunnerPool(std::string key, std::filesystem::path folder, RunnerOptions options,
                       int size, int crash_limit, std::chrono::seconds crash_window,
                       std::function<void(const std::string&)> on_failed)
    : key_(std::move(key)),
      folder_(std::move(folder)),
      options_(std::move(options)),
      size_(std::max(1, size)),
      on_failed_(std::move(on_failed)),
      crashes_(crash_limit, crash_window),
      window_(crash_window),
      limit_(crash_limit) {}

RunnerPool::~RunnerPool() {
  stop();
}

void RunnerPool::keep(std::unique_ptr<RunnerProcess> runner) {
  std::lock_guard lock(mutex_);
  if (stopped_ || live_ >= size_) return;  // killed as it goes
  ++live_;
  idle_.push_back(std::move(runner));
}

void RunnerPool::stop() {
  std::vector<std::unique_ptr<RunnerProcess>> idle;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    idle.swap(idle_);
    live_ -= static_cast<int>(idle.size());
  }
  freed_.notify_all();
}

void RunnerPool::crashed(const std::string& reason) {
  std::string failure;
  {
    std::lock_guard lock(mutex_);
    if (!crashes_.record(std::chrono::steady_clock::now()) || failed_) return;
    failure = "crashed " + std::to_string(limit_) + " times within " +
              std::to_string(window_.count()) +
              " s; it is not run again until POST /api/plugins/reload (last: " + reason + ")";
    failed_ = failure;
  }
  freed_.notify_all();
  if (on_failed_) on_failed_(failure);
}

std::unique_ptr<RunnerProcess> RunnerPool::start_one(Deadline deadline, std::string& refused) {
  std::chrono::milliseconds backoff;
  {
    std::lock_guard lock(mutex_);
    backoff = crashes_.backoff(std::chrono::steady_clock::now());
  }
  if (backoff.count() > 0) {
    const auto until = std::chrono::steady_clock::now() + backoff;
    if (deadline && *deadline < until) {
      // Waiting out the backoff would take the call past its deadline: the call fails, but this
      // is no crash of the plugin's (counting it would stretch the backoff it waited for).
      std::this_thread::sleep_until(*deadline);
      refused = "its runner is being restarted after crashes and was not back in time";
      return nullptr;
    }
    std::this_thread::sleep_until(until);
  }
  // A start has its own time: the call's deadline must not cut a handshake short.
  auto loaded = start_loaded_runner(options_, folder_, key_,
                                    std::chrono::steady_clock::now() + kRunnerStartTimeout);
  if (loaded.runner) return std::move(loaded.runner);
  if (!loaded.failure.empty()) {
    refused = "its runner could not be started: " + loaded.failure;
  } else {
    refused = "its runner could not load it:";
    for (const auto& p : loaded.problems) refused += " " + p.to_string();
  }
  crashed(refused);
  return nullptr;
}

std::unique_ptr<RunnerProcess> RunnerPool::acquire(Deadline deadline, std::string& refused) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (failed_) {
      refused = *failed_;
      return nullptr;
    }
    if (stopped_) {
      refused = "it was reloaded; try again";
      return nullptr;
    }
    while (!idle_.empty()) {
      auto runner = std::move(idle_.back());
      idle_.pop_back();
      if (runner->alive()) return runner;
      --live_;  // died between calls (a thread of the plugin): no unit of work to fail
      lock.unlock();
      runner.reset();
      crashed("a runner died between calls");
      lock.lock();
    }
    if (live_ < size_) {
      ++live_;
      lock.unlock();
      auto runner = start_one(deadline, refused);
      if (!runner) {
        lock.lock();
        --live_;
        freed_.notify_one();
        return nullptr;
      }
      return runner;
    }
    if (deadline) {
      if (freed_.wait_until(lock, *deadline) == std::cv_status::timeout) {
        refused = "no runner became free in time";
        return nullptr;
      }
    } else {
      freed_.wait(lock);
    }
  }
}

std::variant<RunnerAnswer, RunnerPool::Refused> RunnerPool::call(const Poco::JSON::Object& request,
                                                                 Deadline deadline,
                                                                 const RunnerEvents& events,
                                                                 pid_t& pid) {
  std::string refused;
  auto runner = acquire(deadline, refused);
  if (!runner) return Refused{refused};
  pid = runner->pid();
  auto answer = runner->exchange(request, deadline, events);
  if (answer.kind == RunnerAnswer::Kind::answered) {
    std::lock_guard lock(mutex_);
    if (!stopped_) {
      idle_.push_back(std::move(runner));
      freed_.notify_one();
      return answer;
    }
  }
  runner.reset();  // killed and reaped
  {
    std::lock_guard lock(mutex_);
    --live_;
  }
  freed_.notify_one();
  if (answer.kind != RunnerAnswer::Kind::answered) crashed(answer.reason);
  return answer;
}

}  // namespace warden::host
