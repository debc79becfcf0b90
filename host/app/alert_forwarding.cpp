#include "host/app/alert_forwarding.hpp"

#include "host/http/forward.hpp"
#include "host/runtime/alert_json.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>
#include <stdexcept>

namespace warden::host {

AlertRelay::Target forward_alerts_to_coordinator(WorkOwners& owners, std::string token,
                                                 std::chrono::milliseconds timeout) {
  return [&owners, token = std::move(token), timeout](
             const Alert& alert, const std::vector<std::string>& channels, const std::string&) {
    const auto address = owners.coordinator();
    if (!address) throw std::runtime_error("no host coordinates alerts yet");
    Poco::JSON::Object body;
    body.set("alert", alert_to_json(alert));
    if (!channels.empty()) {
      Poco::JSON::Array::Ptr names = new Poco::JSON::Array;
      for (const auto& name : channels) names->add(name);
      body.set("channels", names);
    }
    std::ostringstream text;
    body.stringify(text);
    http::Request request;
    request.method = "POST";
    request.path = "/api/alerts";
    request.headers["Authorization"] = "Bearer " + token;
    request.headers["Content-Type"] = "application/json";
    request.body = text.str();
    const auto answer = http::forward(request, *address, timeout);
    if (answer.status != 200)
      throw std::runtime_error("the coordinator at " + *address + " answered " +
                               std::to_string(answer.status) + ": " + answer.body.substr(0, 300));
  };
}

}  // namespace warden::host
