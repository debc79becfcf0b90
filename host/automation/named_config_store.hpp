#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace warden::host {

class Database;

/// One row of `named_configs`: a named JSON body in a collection (`policy`, `solution`).
struct NamedConfig {
  std::string name;
  std::string body;  ///< JSON text
  std::int64_t updated_ms = 0;
};

/// The `named_configs` table (migration 15): named JSON documents by collection. Parameterised
/// SQL only; thread-safe (a session per call).
class NamedConfigStore {
 public:
  NamedConfigStore(Database& database, std::string collection)
      : database_(database), collection_(std::move(collection)) {}

  /// Every document of the collection, by name.
  std::vector<NamedConfig> list() const;
  /// Inserts or replaces `config.name`.
  void put(const NamedConfig& config);
  /// False when there was no such document.
  bool remove(const std::string& name);

 private:
  Database& database_;
  std::string collection_;
};

}  // namespace warden::host
