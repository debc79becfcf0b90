#include "tests/support/bundled_plugin.hpp"

#include "host/services/spdlog_logger.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

namespace warden::test {

BundledPlugin::BundledPlugin(const std::string& key, const std::string& task_id)
    : registry_({WARDEN_STAGED_PLUGINS_DIR}) {
  registry_.reload();
  record_ = registry_.find(key);
  if (!record_ || !record_->loaded()) {
    ADD_FAILURE() << "bundled plugin " << key << " did not load";
    record_ = nullptr;
    return;
  }
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*lines_);
  auto logger = std::make_shared<spdlog::logger>("capture-" + key, sink);
  logger->set_level(spdlog::level::trace);
  services_ = std::make_unique<host::HostServicesImpl>(
      host::make_shared_services(),
      std::make_unique<host::SpdlogLogger>(host::plugin_log_tag(key, task_id), logger));
}

std::shared_ptr<Plugin> BundledPlugin::make_plugin(const Poco::JSON::Object& config,
                                                   const Poco::JSON::Object& stored) {
  if (!record_) return nullptr;
  auto checked = record_->manifest->schema.apply(config);
  if (!checked.ok()) {
    ADD_FAILURE() << "config refused: " << checked.errors.begin()->first << ": "
                  << checked.errors.begin()->second;
    return nullptr;
  }
  for (const auto& [name, value] : stored) checked.values->set(name, value);
  std::string error;
  auto object = record_->library->create(error);
  if (!object) {
    ADD_FAILURE() << "factory failed: " << error;
    return nullptr;
  }
  object->bind(*services_, Config(checked.values));
  return object;
}

}  // namespace warden::test
