#pragma once

#include <Poco/Exception.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace warden::host {

/// Group commit. Writers hand in whole rows and go on; one thread writes everything that has
/// gathered since its last commit in one transaction (`write`), keeping only the latest row per
/// key, then runs each row's `then` in the order the rows came. So a commit costs one fsync however
/// many changes it carries, and a caller that must not act before its row is durable acts in
/// `then`. A failed write is retried twice before its rows are reported failed.
template <class Row>
class GroupCommit {
 public:
  /// Runs on the writer's thread after the commit: `ok` is false when the row could not be
  /// written (the error is logged). Keep it short: the next batch waits for it.
  using Then = std::function<void(bool ok)>;
  /// Writes the rows in one transaction; it may bind them in place (they are not used after).
  using Write = std::function<void(std::vector<Row>&)>;
  using KeyOf = std::function<std::string(const Row&)>;
  /// Called when `newer` replaces `older` in a batch, for what `newer` must keep of it.
  using Carry = std::function<void(Row& newer, Row& older)>;

  /// `what` names the rows in log lines ("task", "timer").
  GroupCommit(std::string what, Write write, KeyOf key_of, Carry carry = {})
      : what_(std::move(what)),
        write_(std::move(write)),
        key_of_(std::move(key_of)),
        carry_(std::move(carry)),
        thread_([this] { loop(); }) {}
  ~GroupCommit() { stop(); }
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  void submit(Row row, Then then = {}) {
    {
      std::lock_guard lock(mutex_);
      if (!stopping_) {
        pending_.push_back({std::move(row), std::move(then)});
        ++submitted_;
        wake_.notify_one();
        return;
      }
    }
    spdlog::error("{} journal: {} changed after the journal stopped; the change is not stored",
                  what_, key_of_(row));
    if (then) then(false);
  }

  /// Several rows that go into one commit together; `then` runs once, after it.
  void submit_all(std::vector<Row> rows, Then then = {}) {
    if (rows.empty()) {
      if (then) then(true);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      if (!stopping_) {
        for (std::size_t i = 0; i < rows.size(); ++i)
          pending_.push_back({std::move(rows[i]), i + 1 == rows.size() ? std::move(then) : Then{}});
        submitted_ += rows.size();
        wake_.notify_one();
        return;
      }
    }
    spdlog::error("{} journal: {} changed after the journal stopped; the change is not stored",
                  what_, key_of_(rows.front()));
    if (then) then(false);
  }

  /// Waits until everything submitted before the call is committed (or has failed).
  void flush() {
    std::unique_lock lock(mutex_);
    const auto target = submitted_;
    committed_.wait(lock, [&] { return done_ >= target || !thread_.joinable(); });
  }

  /// Commits what is pending, then stops the thread. Idempotent.
  void stop() {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
    committed_.notify_all();
  }

  /// Transactions committed and rows written so far (rows per commit shows how well it groups).
  std::uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }
  std::uint64_t rows() const { return rows_.load(std::memory_order_relaxed); }
  /// Seconds spent writing (successful transactions): near the elapsed time, the journal is
  /// what everything waiting on it waits for.
  double write_seconds() const {
    return static_cast<double>(write_ns_.load(std::memory_order_relaxed)) / 1e9;
  }

 private:
  struct Entry {
    Row row;
    Then then;
  };

  void loop() {
    std::vector<Entry> batch;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
        if (pending_.empty()) return;  // stopping, and everything is written
        batch.swap(pending_);
      }
      commit(batch);
      {
        std::lock_guard lock(mutex_);
        done_ += batch.size();
      }
      committed_.notify_all();
      batch.clear();
    }
  }

  void commit(std::vector<Entry>& batch) {
    // A row changed several times since the last commit needs only its latest version. The rows
    // move out of the batch: only their keys are needed after this (for log lines).
    std::vector<Row> rows;
    rows.reserve(batch.size());
    std::vector<std::string> keys;
    keys.reserve(batch.size());
    std::unordered_map<std::string_view, std::size_t> slot;
    slot.reserve(batch.size());
    for (auto& entry : batch) keys.push_back(key_of_(entry.row));
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto [it, fresh] = slot.try_emplace(keys[i], rows.size());
      if (fresh) {
        rows.push_back(std::move(batch[i].row));
      } else {
        if (carry_) carry_(batch[i].row, rows[it->second]);
        rows[it->second] = std::move(batch[i].row);
      }
    }
    bool ok = false;
    for (int attempt = 1; attempt <= 3 && !ok; ++attempt) {
      std::string error;
      try {
        const auto started = std::chrono::steady_clock::now();
        write_(rows);
        ok = true;
        commits_.fetch_add(1, std::memory_order_relaxed);
        rows_.fetch_add(rows.size(), std::memory_order_relaxed);
        write_ns_.fetch_add(
            static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::steady_clock::now() - started)
                                           .count()),
            std::memory_order_relaxed);
      } catch (const Poco::Exception& e) {
        error = e.displayText();
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (ok) break;
      spdlog::error("{} journal: writing {} {} rows failed (attempt {} of 3): {}", what_,
                    rows.size(), what_, attempt, error);
      if (attempt < 3) std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (!batch[i].then) continue;
      try {
        batch[i].then(ok);
      } catch (const std::exception& e) {
        spdlog::error("{} journal: after commit of {}: {}", what_, keys[i], e.what());
      }
    }
  }

  std::string what_;
  Write write_;
  KeyOf key_of_;
  Carry carry_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable committed_;
  std::vector<Entry> pending_;
  std::uint64_t submitted_ = 0;  // rows handed in so far
  std::uint64_t done_ = 0;       // rows committed (or failed) so far
  bool stopping_ = false;
  std::atomic<std::uint64_t> commits_{0}, rows_{0}, write_ns_{0};
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace warden::host
