#include "host/services/host_services_impl.hpp"

#include "host/services/mustache_renderer.hpp"
#include "host/services/poco_http_client.hpp"
#include "host/services/spdlog_logger.hpp"

#include <stdexcept>

namespace warden::host {

SharedServices make_shared_services(const std::string& extra_ca_file) {
  return {std::make_shared<PocoHttpClient>(PocoHttpClient::Options{extra_ca_file}),
          std::make_shared<MustacheRenderer>(), std::make_shared<AlertRelay>()};
}

namespace {

/// "plugin=sleep task=…" -> "plugin:sleep": how notices name a plugin that raised their alert.
std::string alert_origin(const std::string& log_tag) {
  if (!log_tag.starts_with("plugin=")) return "plugin";
  const auto end = log_tag.find(' ');
  return "plugin:" + log_tag.substr(7, end == std::string::npos ? end : end - 7);
}

}  // namespace

HostServicesImpl::HostServicesImpl(SharedServices shared, std::string log_tag)
    : HostServicesImpl(std::move(shared), std::make_unique<SpdlogLogger>(log_tag),
                       alert_origin(log_tag)) {}

HostServicesImpl::HostServicesImpl(SharedServices shared, std::unique_ptr<Logger> logger,
                                   std::string origin)
    : shared_(std::move(shared)),
      logger_(std::move(logger)),
      alerts_(shared_.alerts, std::move(origin)) {
  if (!shared_.http || !shared_.templates || !logger_)
    throw std::invalid_argument("HostServicesImpl needs a logger, an HTTP client and a renderer");
}

}  // namespace warden::host
