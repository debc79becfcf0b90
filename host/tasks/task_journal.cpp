#include "host/tasks/task_journal.hpp"

#include "host/tasks/task_store.hpp"

#include <Poco/Exception.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <unordered_map>

namespace warden::host {

TaskJournal::TaskJournal(TaskStore& store) : store_(store), thread_([this] { loop(); }) {}

TaskJournal::~TaskJournal() {
  stop();
}

void TaskJournal::submit(TaskRecord row, Then then) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      pending_.push_back({std::move(row), std::move(then)});
      ++submitted_;
      wake_.notify_one();
      return;
    }
  }
  spdlog::error("task journal: {} changed after the journal stopped; the change is not stored",
                row.task_id);
  if (then) then(false);
}

void TaskJournal::flush() {
  std::unique_lock lock(mutex_);
  const auto target = submitted_;
  committed_.wait(lock, [&] { return done_ >= target || !thread_.joinable(); });
}

void TaskJournal::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  committed_.notify_all();
}

void TaskJournal::loop() {
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

void TaskJournal::commit(std::vector<Entry>& batch) {
  // A task changed several times since the last commit needs only its latest row.
  std::vector<TaskRecord> rows;
  rows.reserve(batch.size());
  std::unordered_map<std::string, std::size_t> slot;
  for (auto& entry : batch) {
    auto [it, fresh] = slot.try_emplace(entry.row.task_id, rows.size());
    if (fresh)
      rows.push_back(entry.row);
    else
      rows[it->second] = entry.row;
  }
  bool ok = false;
  for (int attempt = 1; attempt <= 3 && !ok; ++attempt) {
    try {
      store_.write(rows);
      ok = true;
      commits_.fetch_add(1, std::memory_order_relaxed);
      rows_.fetch_add(rows.size(), std::memory_order_relaxed);
    } catch (const Poco::Exception& e) {
      spdlog::error("task journal: writing {} task rows failed (attempt {} of 3): {}", rows.size(),
                    attempt, e.displayText());
      if (attempt < 3) std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
    } catch (const std::exception& e) {
      spdlog::error("task journal: writing {} task rows failed (attempt {} of 3): {}", rows.size(),
                    attempt, e.what());
      if (attempt < 3) std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
    }
  }
  for (auto& entry : batch) {
    if (!entry.then) continue;
    try {
      entry.then(ok);
    } catch (const std::exception& e) {
      spdlog::error("task journal: after commit of {}: {}", entry.row.task_id, e.what());
    }
  }
}

}  // namespace warden::host
