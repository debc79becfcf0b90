#pragma once

#include "host/alerts/channel_instance.hpp"

#include <optional>
#include <string>
#include <vector>

namespace warden::host {

class Database;

/// The `channels` table: one row per channel instance (migration 10). Parameterised SQL only.
/// Thread-safe (a session per call).
class ChannelStore {
 public:
  explicit ChannelStore(Database& database) : database_(database) {}

  /// Every instance, by name.
  std::vector<ChannelInstance> list() const;
  /// Inserts or replaces the instance called `instance.name`.
  void put(const ChannelInstance& instance);
  /// False when there was no such instance.
  bool remove(const std::string& name);

 private:
  Database& database_;
};

}  // namespace warden::host
