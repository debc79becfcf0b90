#pragma once

#include "tests/support/api_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_database.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

namespace warden::test {

/// The base of an end-to-end test: the real `warden serve` on 127.0.0.1 with a free port and an
/// API token, its warden.yaml and SQLite database in a temporary folder. With
/// WARDEN_E2E_DATABASE=postgresql the database is a fresh schema on the test cluster instead
/// (scripts/test.sh runs these suites a second time so).
class ServeTest : public ::testing::Test {
 protected:
  explicit ServeTest(std::string token) : token_(std::move(token)) {}

  /// Writes warden.yaml: `yaml` (top-level keys, every line ending with a newline) and the TEST
  /// environment's database (warden.db in the folder, or the PostgreSQL schema) and key file.
  void configure(const std::string& yaml) const;
  /// Starts the host on warden.yaml (see configure) and waits until it serves. A host still
  /// running from before is killed first.
  void start(const std::map<std::string, std::string>& env = {});
  /// The same without waiting: for a host expected to stop on its own while it starts.
  void launch(const std::map<std::string, std::string>& env = {});
  /// Calls the host's API with the token.
  ApiResponse call(const std::string& method, const std::string& path,
                   const std::string& body = {}) const;
  /// The host goes before anything a derived fixture holds (receivers, fake servers).
  void TearDown() override { warden_.reset(); }

  const std::string token_;
  TempDir dir_;
  TestDatabase database_{e2e_database_kind(), dir_.path()};
  std::unique_ptr<WardenProcess> warden_;
};

}  // namespace warden::test
