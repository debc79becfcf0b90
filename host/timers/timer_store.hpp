#pragma once

#include "host/timers/timer_record.hpp"

#include <vector>

namespace warden::host {

class Database;

/// Where timers live. The timer service keeps every timer in memory and writes changes behind
/// (group commit); the store is read once, at start-up. Throws on a database error.
class TimerStore {
 public:
  virtual ~TimerStore() = default;
  /// Upserts every row, or deletes it when `removed`, all in one transaction.
  virtual void write(const std::vector<TimerRecord>& rows) = 0;
  /// Every stored timer.
  virtual std::vector<TimerRecord> load() = 0;
};

/// The timers table through Poco Data, with parameterised, portable SQL.
class SqlTimerStore : public TimerStore {
 public:
  explicit SqlTimerStore(Database& database) : database_(database) {}
  void write(const std::vector<TimerRecord>& rows) override;
  std::vector<TimerRecord> load() override;

 private:
  Database& database_;
};

}  // namespace warden::host
