#pragma once

#include "host/config/mq_conf.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace warden::host {

/// A `source_db` entry of seed 004: where a service's tasks come from.
struct SourceDb {
  std::string source_name;
  std::string topic_name;
  std::string consumer_id;
};

/// Where a plugin's code runs: in a runner process of its own, or inside the host.
enum class Isolation { process, in_process };

const char* to_string(Isolation isolation);

/// True for the plugins this repository ships (plugins/ and manifests/).
bool is_bundled_plugin(const std::string& key);

/// The `isolation` setting: where plugins run, and the runner processes' limits.
struct IsolationSettings {
  Isolation outside = Isolation::process;     ///< `default`: plugins outside the bundled set
  Isolation bundled = Isolation::in_process;  ///< `bundled`: the bundled plugins (README: why)
  std::map<std::string, Isolation> plugins;   ///< per plugin key, winning over both
  int runners_per_plugin = 4;                 ///< runner processes kept per plugin
  int call_timeout = 600;                     ///< seconds a step or a timer firing may take
  int crash_limit = 5;                  ///< crashes within crash_window that make a plugin failed
  int crash_window = 60;                ///< seconds
  std::int64_t memory_limit_mb = 1024;  ///< a runner's address space; 0: none
  int open_files = 256;                 ///< a runner's open files

  Isolation mode_of(const std::string& key) const;
};

/// The host's configuration (SPEC §4): the YAML file, then command-line overrides.
struct HostConfig {
  std::string env = "TEST";  ///< TEST, STAGE or PRODUCTION
  std::string listen = "127.0.0.1:8080";
  std::vector<std::filesystem::path> plugins_dirs = {"plugins"};
  std::string database = "sqlite:var/warden.db";  ///< the chosen environment's `database`
  /// Where the key that seals secrets is kept when WARDEN_SECRET_KEY is not set; empty: beside
  /// the SQLite file (default_secret_key_file).
  std::string secret_key_file;
  std::string log_level = "info";
  int workers = 4;               ///< threads that run task steps
  int http_threads = 64;         ///< requests served at once
  int http_header_timeout = 10;  ///< seconds a request header may take to arrive whole
  int http_body_timeout = 30;    ///< seconds reading a request body (or sending an answer) may take
  int http_idle_timeout = 15;    ///< seconds a kept-alive connection may wait for its next request
  int max_status_task = 10;
  std::size_t max_body_bytes = 1 << 20;
  std::optional<std::vector<std::string>> services;  ///< `service`: absent means every solution
  std::map<std::string, SourceDb> source_db;
  /// The chosen environment's `mq_conf` when it has one, else the top-level one.
  MqConf mq_conf;
  int task_timeout = 3600;                   ///< seconds a task may run in all; 0: none
  std::map<std::string, int> task_timeouts;  ///< per solution, overriding task_timeout
  int timer_workers = 4;                     ///< threads that run timer actions
  /// Seconds a timer that will not fire again is kept (seed 001's 15 days).
  std::int64_t timer_max_age = 15LL * 24 * 3600;
  /// Seconds an ended notice (sent, failed or blocked) is kept after its last change.
  std::int64_t notice_max_age = 15LL * 24 * 3600;
  int action_workers = 4;  ///< threads that run policies' actions
  /// Seconds after its recovery a recovered alert record closes itself.
  std::int64_t alert_close_after = 3600;
  IsolationSettings isolation;
  /// This host among the hosts sharing its database; empty: the machine's host name. Unique per
  /// running host: a host restarted with its id takes its lease back at once.
  std::string host_id;
  /// Seconds a host's lease lasts unrenewed: how long a dead host's work waits to be taken over.
  int lease_ttl = 15;
  /// Serve the console from this folder, read at each request (development); empty: the files
  /// compiled into the binary.
  std::string ui_dir;
  /// Seconds a console sign-in lasts.
  int console_session_ttl = 12 * 3600;
};

/// Command-line values that win over the file (empty: not given).
struct ConfigOverrides {
  std::string env, listen, database, log_level, ui_dir;
  std::vector<std::string> plugins_dirs;
};

/// A configuration file that cannot be used; the message names the file, the line and the key.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads `file` (YAML, seed 004's shape extended per SPEC §4) and applies `overrides`. Relative
/// paths in the file are relative to the current directory. Throws ConfigError.
HostConfig load_host_config(const std::optional<std::filesystem::path>& file,
                            const ConfigOverrides& overrides);

}  // namespace warden::host
