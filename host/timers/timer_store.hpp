#pragma once

#include "host/timers/timer_record.hpp"

#include <functional>
#include <memory>
#include <vector>

namespace warden::host {

class Database;
class PgWriterSlot;

/// Where timers live. The timer service keeps every timer in memory and writes changes behind
/// (group commit); the store is read once, at start-up. Throws on a database error.
class TimerStore {
 public:
  virtual ~TimerStore() = default;
  /// Upserts every row, or deletes it when `removed`, all in one transaction.
  virtual void write(const std::vector<TimerRecord>& rows) = 0;
  /// Hands every timer this host owns to `each`, one at a time (no list of them all is built).
  virtual void load(const std::function<void(TimerRecord&&)>& each) = 0;
  /// Takes over up to `limit` timers of hosts whose lease was fenced (an event goes with its task;
  /// schedules only `with_schedules`: they are the coordinator's) and answers them as now owned by
  /// this host.
  virtual std::vector<TimerRecord> claim(std::size_t limit, bool with_schedules) = 0;
  /// The events of the tasks `node_ids` that this host owns (moved with their tasks by
  /// TaskStore::claim).
  virtual std::vector<TimerRecord> events_of(const std::vector<std::string>& node_ids) = 0;
  /// `count` event numbers no host has used or will: the first of them.
  virtual std::uint64_t reserve_event_ids(std::uint64_t count) = 0;
  /// Every stored timer, as a list.
  std::vector<TimerRecord> load() {
    std::vector<TimerRecord> out;
    load([&](TimerRecord&& r) { out.push_back(std::move(r)); });
    return out;
  }
};

/// The timers table through Poco Data, with parameterised, portable SQL.
class SqlTimerStore : public TimerStore {
 public:
  explicit SqlTimerStore(Database& database);
  ~SqlTimerStore() override;
  void write(const std::vector<TimerRecord>& rows) override;
  void load(const std::function<void(TimerRecord&&)>& each) override;
  using TimerStore::load;
  std::vector<TimerRecord> claim(std::size_t limit, bool with_schedules) override;
  std::vector<TimerRecord> events_of(const std::vector<std::string>& node_ids) override;
  std::uint64_t reserve_event_ids(std::uint64_t count) override;

 private:
  Database& database_;
  std::unique_ptr<PgWriterSlot> pg_;  ///< PostgreSQL: writes go through libpq's pipeline
};

}  // namespace warden::host
