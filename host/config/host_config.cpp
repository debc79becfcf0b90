#include "host/config/host_config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace warden::host {
namespace {

const std::set<std::string> kEnvironments = {"TEST", "STAGE", "PRODUCTION"};
const std::set<std::string> kKnownKeys = {"default_env",
                                          "service",
                                          "source_db",
                                          "max_status_task",
                                          "listen",
                                          "plugins_dir",
                                          "workers",
                                          "http_threads",
                                          "log_level",
                                          "max_body_bytes",
                                          "task_timeout",
                                          "task_timeouts",
                                          "timer_workers",
                                          "timer_max_age",
                                          "notice_max_age",
                                          "mq_conf",
                                          "TEST",
                                          "STAGE",
                                          "PRODUCTION",
                                          "action_workers",
                                          "alert_close_after",
                                          "isolation",
                                          "secret_key_file",
                                          "host_id",
                                          "lease_ttl",
                                          "ui_dir",
                                          "console_session_ttl"};
const std::set<std::string> kHttpLimitKeys = {"http_header_timeout", "http_body_timeout",
                                              "http_idle_timeout"};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& what) const {
    std::string where = file_;
    if (node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
    throw ConfigError(where + ": " + key + ": " + what);
  }

  std::string string(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, "must be a string");
    return node.as<std::string>();
  }

  int positive_int(const YAML::Node& node, const std::string& key) const {
    try {
      int v = node.as<int>();
      if (v < 1) fail(node, key, "must be at least 1");
      return v;
    } catch (const YAML::Exception&) {
      fail(node, key, "must be an integer");
    }
  }

  int non_negative_int(const YAML::Node& node, const std::string& key) const {
    try {
      int v = node.as<int>();
      if (v < 0) fail(node, key, "must not be negative");
      return v;
    } catch (const YAML::Exception&) {
      fail(node, key, "must be an integer");
    }
  }

  std::vector<std::string> strings(const YAML::Node& node, const std::string& key) const {
    std::vector<std::string> out;
    if (node.IsScalar()) return {node.as<std::string>()};
    if (!node.IsSequence()) fail(node, key, "must be a string or a list of strings");
    for (const auto& item : node) out.push_back(string(item, key + "[]"));
    return out;
  }

 private:
  std::string file_;
};

void read_task_timeouts(const Reader& r, const YAML::Node& n, HostConfig& config) {
  if (!n.IsMap()) r.fail(n, "task_timeouts", "must map a solution to its timeout in seconds");
  for (const auto& s : n) {
    auto service = s.first.as<std::string>();
    config.task_timeouts[service] = r.non_negative_int(s.second, "task_timeouts." + service);
  }
}

void read_source_db(const Reader& r, const YAML::Node& n, HostConfig& config) {
  if (!n.IsMap())
    r.fail(n, "source_db", "must map a service to its source_name, topic_name, consumer_id");
  for (const auto& s : n) {
    auto service = s.first.as<std::string>();
    auto path = "source_db." + service;
    if (!s.second.IsMap()) r.fail(s.second, path, "must be a mapping");
    SourceDb db;
    if (auto v = s.second["source_name"]) db.source_name = r.string(v, path + ".source_name");
    if (auto v = s.second["topic_name"]) db.topic_name = r.string(v, path + ".topic_name");
    if (auto v = s.second["consumer_id"]) db.consumer_id = r.string(v, path + ".consumer_id");
    config.source_db[service] = db;
  }
}

// A host name has at most 253 characters; an entry much longer than host:port is a mistake.
constexpr std::size_t kMaxBootstrapServerLength = 300;

std::string trimmed(std::string text) {
  text.erase(0, text.find_first_not_of(" \t"));
  text.erase(text.find_last_not_of(" \t") + 1);
  return text;
}

std::vector<std::string> read_bootstrap_servers(const Reader& r, const YAML::Node& n,
                                                const std::string& key) {
  std::vector<std::string> servers;
  if (n.IsScalar()) {
    const auto text = n.as<std::string>();
    for (std::size_t start = 0;;) {
      const auto comma = text.find(',', start);
      servers.push_back(trimmed(text.substr(start, comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else if (n.IsSequence()) {
    for (const auto& item : n) servers.push_back(trimmed(r.string(item, key + "[]")));
  } else {
    r.fail(n, key, "must be a list of host:port strings or one \"host:port,host:port\" string");
  }
  if (servers.empty()) r.fail(n, key, "must name at least one host:port");
  for (const auto& server : servers) {
    if (server.empty()) r.fail(n, key, "has an empty entry");
    if (server.size() > kMaxBootstrapServerLength)
      r.fail(
          n, key,
          "has an entry longer than " + std::to_string(kMaxBootstrapServerLength) + " characters");
  }
  return servers;
}

std::string read_security_protocol(const Reader& r, const YAML::Node& n, const std::string& key) {
  auto protocol = r.string(n, key);
  std::transform(protocol.begin(), protocol.end(), protocol.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  static const std::set<std::string> known = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"};
  if (!known.contains(protocol))
    r.fail(n, key, "must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
  return protocol;
}

MqConf read_mq_conf(const Reader& r, const YAML::Node& n, const std::string& path) {
  static const std::set<std::string> known = {"bootstrap_servers", "security_protocol",
                                              "sasl_plain_username", "sasl_plain_password",
                                              "librdkafka"};
  MqConf conf;
  if (n.IsNull()) return conf;  // `mq_conf:` with nothing: no Kafka (an environment's way out)
  if (!n.IsMap()) r.fail(n, path, "must be a mapping");
  for (const auto& entry : n) {
    const auto key = entry.first.as<std::string>();
    if (!known.contains(key)) r.fail(entry.first, path + "." + key, "unknown setting");
  }
  if (auto v = n["bootstrap_servers"])
    conf.bootstrap_servers = read_bootstrap_servers(r, v, path + ".bootstrap_servers");
  if (auto v = n["security_protocol"])
    conf.security_protocol = read_security_protocol(r, v, path + ".security_protocol");
  if (auto v = n["sasl_plain_username"])
    conf.sasl_plain_username = r.string(v, path + ".sasl_plain_username");
  if (auto v = n["sasl_plain_password"])
    conf.sasl_plain_password = r.string(v, path + ".sasl_plain_password");
  if (auto v = n["librdkafka"]) {
    if (!v.IsMap())
      r.fail(v, path + ".librdkafka", "must map a librdkafka property name to its value");
    for (const auto& property : v) {
      const auto name = property.first.as<std::string>();
      if (name.empty()) r.fail(property.first, path + ".librdkafka", "has an empty property name");
      conf.librdkafka[name] = r.string(property.second, path + ".librdkafka." + name);
    }
  }
  return conf;
}

// Checked once the environment is chosen: its mq_conf may be the one that supplies the servers.
void check_external_services(const Reader& r, const YAML::Node& root, const HostConfig& config) {
  if (config.mq_conf.configured()) return;
  for (const auto& [service, db] : config.source_db) {
    if (db.topic_name.empty()) continue;
    r.fail(root["source_db"][service]["topic_name"], "source_db." + service + ".topic_name",
           "an external service needs mq_conf.bootstrap_servers");
  }
}

Isolation read_isolation_mode(const Reader& r, const YAML::Node& n, const std::string& key) {
  const auto text = r.string(n, key);
  if (text == "process") return Isolation::process;
  if (text == "in_process") return Isolation::in_process;
  r.fail(n, key, "must be process or in_process");
}

void read_isolation(const Reader& r, const YAML::Node& n, IsolationSettings& s) {
  static const std::set<std::string> known = {
      "default",     "bundled",      "plugins",         "runners_per_plugin", "call_timeout",
      "crash_limit", "crash_window", "memory_limit_mb", "open_files"};
  if (!n.IsMap()) r.fail(n, "isolation", "must be a mapping");
  for (const auto& entry : n) {
    const auto key = entry.first.as<std::string>();
    if (!known.contains(key)) r.fail(entry.first, "isolation." + key, "unknown setting");
  }
  if (auto v = n["default"]) s.outside = read_isolation_mode(r, v, "isolation.default");
  if (auto v = n["bundled"]) s.bundled = read_isolation_mode(r, v, "isolation.bundled");
  if (auto v = n["plugins"]) {
    if (!v.IsMap())
      r.fail(v, "isolation.plugins", "must map a plugin key to process or in_process");
    for (const auto& p : v) {
      const auto key = p.first.as<std::string>();
      s.plugins[key] = read_isolation_mode(r, p.second, "isolation.plugins." + key);
    }
  }
  if (auto v = n["runners_per_plugin"])
    s.runners_per_plugin = r.positive_int(v, "isolation.runners_per_plugin");
  if (auto v = n["call_timeout"]) s.call_timeout = r.positive_int(v, "isolation.call_timeout");
  if (auto v = n["crash_limit"]) s.crash_limit = r.non_negative_int(v, "isolation.crash_limit");
  if (auto v = n["crash_window"]) s.crash_window = r.positive_int(v, "isolation.crash_window");
  if (auto v = n["memory_limit_mb"])
    s.memory_limit_mb = r.non_negative_int(v, "isolation.memory_limit_mb");
  if (auto v = n["open_files"]) s.open_files = r.positive_int(v, "isolation.open_files");
  if (s.memory_limit_mb != 0 && s.memory_limit_mb < 64)
    r.fail(n["memory_limit_mb"], "isolation.memory_limit_mb", "must be 0 (none) or at least 64");
  if (s.open_files < 16) r.fail(n["open_files"], "isolation.open_files", "must be at least 16");
}

void read_file(const std::filesystem::path& file, HostConfig& config,
               const std::string& env_override) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile&) {
    throw ConfigError(file.string() + ": cannot read the configuration file");
  } catch (const YAML::ParserException& e) {
    throw ConfigError(file.string() + ":" + std::to_string(e.mark.line + 1) +
                      ": invalid YAML: " + e.msg);
  }
  if (root.IsNull()) return;
  Reader r(file.string());
  if (!root.IsMap()) r.fail(root, "(top level)", "must be a mapping of settings");

  for (const auto& entry : root) {
    auto key = entry.first.as<std::string>();
    if (!kKnownKeys.contains(key) && !kHttpLimitKeys.contains(key))
      r.fail(entry.first, key, "unknown setting");
  }
  if (auto n = root["default_env"]) config.env = r.string(n, "default_env");
  if (!env_override.empty()) config.env = env_override;
  if (!kEnvironments.contains(config.env))
    throw ConfigError(file.string() + ": default_env: unknown environment \"" + config.env +
                      "\" (expected TEST, STAGE or PRODUCTION)");
  if (auto n = root["listen"]) config.listen = r.string(n, "listen");
  if (auto n = root["plugins_dir"]) {
    config.plugins_dirs.clear();
    for (auto& d : r.strings(n, "plugins_dir")) config.plugins_dirs.emplace_back(d);
  }
  if (auto n = root["workers"]) config.workers = r.positive_int(n, "workers");
  if (auto n = root["http_threads"]) config.http_threads = r.positive_int(n, "http_threads");
  for (auto [key, value] : {std::pair{"http_header_timeout", &config.http_header_timeout},
                            std::pair{"http_body_timeout", &config.http_body_timeout},
                            std::pair{"http_idle_timeout", &config.http_idle_timeout}}) {
    if (auto n = root[key]) *value = r.positive_int(n, key);
  }
  if (auto n = root["timer_workers"]) config.timer_workers = r.positive_int(n, "timer_workers");
  if (auto n = root["timer_max_age"]) config.timer_max_age = r.non_negative_int(n, "timer_max_age");
  if (auto n = root["action_workers"]) config.action_workers = r.positive_int(n, "action_workers");
  if (auto n = root["alert_close_after"])
    config.alert_close_after = r.positive_int(n, "alert_close_after");
  if (auto n = root["notice_max_age"])
    config.notice_max_age = r.non_negative_int(n, "notice_max_age");
  if (auto n = root["task_timeout"]) config.task_timeout = r.non_negative_int(n, "task_timeout");
  if (auto n = root["task_timeouts"]) read_task_timeouts(r, n, config);
  if (auto n = root["isolation"]) read_isolation(r, n, config.isolation);
  if (auto n = root["max_status_task"])
    config.max_status_task = r.positive_int(n, "max_status_task");
  if (auto n = root["max_body_bytes"]) config.max_body_bytes = r.positive_int(n, "max_body_bytes");
  if (auto n = root["log_level"]) config.log_level = r.string(n, "log_level");
  if (auto n = root["secret_key_file"]) config.secret_key_file = r.string(n, "secret_key_file");
  if (auto n = root["host_id"]) {
    config.host_id = r.string(n, "host_id");
    if (config.host_id.empty() || config.host_id.size() > 128)
      r.fail(n, "host_id", "must be 1 to 128 characters");
  }
  if (auto n = root["lease_ttl"]) {
    config.lease_ttl = r.positive_int(n, "lease_ttl");
    if (config.lease_ttl < 3 || config.lease_ttl > 3600)
      r.fail(n, "lease_ttl", "must be 3 to 3600 seconds");
  }
  if (auto n = root["ui_dir"]) config.ui_dir = r.string(n, "ui_dir");
  if (auto n = root["console_session_ttl"]) {
    config.console_session_ttl = r.positive_int(n, "console_session_ttl");
    if (config.console_session_ttl < 60 || config.console_session_ttl > 30 * 24 * 3600)
      r.fail(n, "console_session_ttl", "must be 60 to 2592000 seconds (30 days)");
  }
  if (auto n = root["service"]) config.services = r.strings(n, "service");
  if (auto n = root["source_db"]) read_source_db(r, n, config);
  if (auto n = root["mq_conf"]) config.mq_conf = read_mq_conf(r, n, "mq_conf");
  if (auto section = root[config.env]) {
    if (!section.IsMap()) r.fail(section, config.env, "must be a mapping with a database URI");
    if (auto db = section["database"]) config.database = r.string(db, config.env + ".database");
    if (auto n = section["mq_conf"]) config.mq_conf = read_mq_conf(r, n, config.env + ".mq_conf");
  }
  check_external_services(r, root, config);
}

}  // namespace

const char* to_string(Isolation isolation) {
  return isolation == Isolation::process ? "process" : "in_process";
}

bool is_bundled_plugin(const std::string& key) {
  static const std::set<std::string> bundled = {"dingtalk",
                                                "email",
                                                "example",
                                                "flink_cancel_job",
                                                "flink_jobs_monitor",
                                                "http_callback",
                                                "http_poll",
                                                "lark",
                                                "sleep",
                                                "test",
                                                "webhook",
                                                "wecom"};
  return bundled.contains(key);
}

Isolation IsolationSettings::mode_of(const std::string& key) const {
  if (auto it = plugins.find(key); it != plugins.end()) return it->second;
  return is_bundled_plugin(key) ? bundled : outside;
}

HostConfig load_host_config(const std::optional<std::filesystem::path>& file,
                            const ConfigOverrides& overrides) {
  HostConfig config;
  if (file) read_file(*file, config, overrides.env);
  if (!overrides.env.empty()) {
    if (!kEnvironments.contains(overrides.env))
      throw ConfigError("--env: unknown environment \"" + overrides.env +
                        "\" (expected TEST, STAGE or PRODUCTION)");
    config.env = overrides.env;
  }
  if (!overrides.listen.empty()) config.listen = overrides.listen;
  if (!overrides.database.empty()) config.database = overrides.database;
  if (!overrides.log_level.empty()) config.log_level = overrides.log_level;
  if (!overrides.ui_dir.empty()) config.ui_dir = overrides.ui_dir;
  if (!overrides.plugins_dirs.empty())
    config.plugins_dirs.assign(overrides.plugins_dirs.begin(), overrides.plugins_dirs.end());
  return config;
}

}  // namespace warden::host
