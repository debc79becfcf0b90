#include "host/automation/action_data.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host {

Poco::JSON::Object::Ptr action_data(const std::vector<Alert>& alerts,
                                    const ActionContext& context) {
  auto data = alerts.empty() ? Alert{}.template_data() : alerts.front().template_data();
  Poco::JSON::Array::Ptr all = new Poco::JSON::Array;
  for (const auto& alert : alerts) all->add(alert.template_data());
  data->set("signal", context.signal);
  data->set("policy", context.policy);
  data->set("action_id", context.action_id);
  data->set("alert_id", context.alert_id);
  data->set("repeat", context.repeat);
  data->set("alerts", all);
  data->set("alert_count", static_cast<std::int64_t>(alerts.size()));
  return data;
}

}  // namespace warden::host
