#include "host/runtime/work_queue.hpp"

#include <spdlog/spdlog.h>

namespace warden::host {

WorkQueue::WorkQueue(std::string name, int threads) : name_(std::move(name)) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { loop(); });
}

WorkQueue::~WorkQueue() {
  stop();
}

void WorkQueue::post(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void WorkQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  std::lock_guard lock(mutex_);
  threads_.clear();
}

std::size_t WorkQueue::queued() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

void WorkQueue::loop() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job();
    } catch (const std::exception& e) {
      spdlog::error("{}: a job failed: {}", name_, e.what());
    }
  }
}

}  // namespace warden::host
