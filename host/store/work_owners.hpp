#pragma once

#include "host/store/database.hpp"

#include <optional>
#include <string>

namespace warden::host {

/// Where a call about one piece of work is served when several hosts share the database: the
/// address of the live host (its own lease held and not lapsed) that owns it, unless that is this
/// host. Nothing means "answer it here": this host owns it, it is unknown, or its owner is gone
/// (its work is being claimed, and reads and writes of a row nobody runs are safe here).
class WorkOwners {
 public:
  WorkOwners(Database& database, std::string self_id)
      : database_(database), self_id_(std::move(self_id)) {}

  std::optional<std::string> of_task(const std::string& task_id);
  std::optional<std::string> of_timer_event(const std::string& event_id);
  /// The coordinator (the work lease's holder), or nothing when it is this host or nobody.
  std::optional<std::string> coordinator();

 private:
  std::optional<std::string> live_address(const std::string& table, const std::string& where,
                                          const std::string& value);

  Database& database_;
  std::string self_id_;
};

}  // namespace warden::host
