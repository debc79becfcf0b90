#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace warden::host {

/// A fixed set of threads taking jobs from one FIFO queue.
class WorkQueue {
 public:
  using Job = std::function<void()>;

  /// Starts `threads` threads (at least one); `name` appears in their error logs.
  WorkQueue(std::string name, int threads);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  /// Queues a job; ignored after stop().
  void post(Job job);
  /// Lets the jobs that are running finish, drops the queued ones, joins the threads. Idempotent.
  void stop();
  std::size_t queued() const;

 private:
  void loop();

  std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace warden::host
