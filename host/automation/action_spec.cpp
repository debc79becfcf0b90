#include "host/automation/action_spec.hpp"

#include "host/automation/kinds/notice_plan.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host {
namespace {

std::int64_t int_or(const Poco::JSON::Object& o, const std::string& name, std::int64_t fallback) {
  if (!o.has(name) || o.isNull(name)) return fallback;
  try {
    return o.getValue<std::int64_t>(name);
  } catch (...) {
    return fallback;
  }
}

}  // namespace

Poco::JSON::Object::Ptr action_spec_to_json(const Policy& policy, std::size_t index) {
  const auto& a = policy.actions.at(index);
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("kind", a.kind);
  o->set("params", a.params ? a.params : Poco::JSON::Object::Ptr(new Poco::JSON::Object));
  o->set("timeout", a.timeout_s);
  o->set("retries", a.retries);
  o->set("retry_interval", a.retry_interval_s);
  o->set("approval", a.approval);
  o->set("approval_timeout", a.approval_timeout_s);
  Poco::JSON::Array::Ptr channels = new Poco::JSON::Array;
  for (const auto& c : policy.approval_channels) channels->add(c);
  o->set("approval_channels", channels);
  return o;
}

ActionSpec action_spec_from_json(const Poco::JSON::Object& spec) {
  ActionSpec s;
  auto& a = s.action;
  a.kind = spec.has("kind") ? spec.getValue<std::string>("kind") : std::string();
  a.params = spec.getObject("params");
  if (!a.params) a.params = new Poco::JSON::Object;
  a.timeout_s = int_or(spec, "timeout", a.timeout_s);
  a.retries = static_cast<int>(int_or(spec, "retries", a.retries));
  a.retry_interval_s = int_or(spec, "retry_interval", a.retry_interval_s);
  a.approval = spec.has("approval") && spec.getValue<bool>("approval");
  a.approval_timeout_s = int_or(spec, "approval_timeout", a.approval_timeout_s);
  if (auto channels = spec.getArray("approval_channels"))
    for (std::size_t i = 0; i < channels->size(); ++i)
      s.approval_channels.push_back(channels->getElement<std::string>(i));
  return s;
}

std::int64_t group_wait_ms(const PolicyAction& action) {
  if (action.kind != "notice" || !action.params) return 0;
  return notice_plan_from(*action.params).group_wait_ms;
}

std::string aggregation_key(const std::string& policy, std::size_t index, const std::string& signal,
                            const PolicyAction& action, const Alert& alert) {
  if (action.kind != "notice" || !action.params) return {};
  const auto plan = notice_plan_from(*action.params);
  if (plan.group_wait_ms <= 0) return {};
  std::string key = policy + '\x1f' + std::to_string(index) + '\x1f' + signal;
  for (const auto& name : plan.group_by) {
    const auto it = alert.labels.find(name);
    key += '\x1f';
    key += it == alert.labels.end() ? std::string() : it->second;
  }
  return key;
}

}  // namespace warden::host
