#pragma once

#include "host/tasks/task_record.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace warden::host {

class TaskStore;

/// Group commit for task rows. Writers hand in whole rows and go on; one thread writes everything
/// that has gathered since its last commit in one transaction, then runs each row's `then` in the
/// order the rows came. So a commit costs one fsync however many state changes it carries, and a
/// caller that must not act before its row is durable (answering create_task, running the next
/// step) acts in `then`.
class TaskJournal {
 public:
  /// Runs on the journal's thread after the commit: `ok` is false when the row could not be
  /// written (the error is logged). Keep it short: the next batch waits for it.
  using Then = std::function<void(bool ok)>;

  explicit TaskJournal(TaskStore& store);
  ~TaskJournal();
  TaskJournal(const TaskJournal&) = delete;
  TaskJournal& operator=(const TaskJournal&) = delete;

  void submit(TaskRecord row, Then then = {});
  /// Waits until everything submitted before the call is committed (or has failed).
  void flush();
  /// Commits what is pending, then stops the thread. Idempotent.
  void stop();

  /// Transactions committed and rows written so far (rows per commit shows how well it groups).
  std::uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }
  std::uint64_t rows() const { return rows_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    TaskRecord row;
    Then then;
  };
  void loop();
  void commit(std::vector<Entry>& batch);

  TaskStore& store_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable committed_;
  std::vector<Entry> pending_;
  std::uint64_t submitted_ = 0;  // rows handed in so far
  std::uint64_t done_ = 0;       // rows committed (or failed) so far
  bool stopping_ = false;
  std::atomic<std::uint64_t> commits_{0}, rows_{0};
  std::thread thread_;
};

}  // namespace warden::host
