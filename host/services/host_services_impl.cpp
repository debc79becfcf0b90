#include "host/services/host_services_impl.hpp"

#include "host/services/mustache_renderer.hpp"
#include "host/services/poco_http_client.hpp"
#include "host/services/spdlog_logger.hpp"

#include <stdexcept>

namespace warden::host {

SharedServices make_shared_services(const std::string& extra_ca_file) {
  return {std::make_shared<PocoHttpClient>(PocoHttpClient::Options{extra_ca_file}),
          std::make_shared<MustacheRenderer>()};
}

HostServicesImpl::HostServicesImpl(SharedServices shared, std::string log_tag)
    : HostServicesImpl(std::move(shared), std::make_unique<SpdlogLogger>(std::move(log_tag))) {}

HostServicesImpl::HostServicesImpl(SharedServices shared, std::unique_ptr<Logger> logger)
    : shared_(std::move(shared)), logger_(std::move(logger)) {
  if (!shared_.http || !shared_.templates || !logger_)
    throw std::invalid_argument("HostServicesImpl needs a logger, an HTTP client and a renderer");
}

}  // namespace warden::host
