#include "host/automation/policy_book.hpp"

#include "host/automation/sample_alert.hpp"
#include "host/runtime/clock.hpp"

#include <warden/json_value.hpp>

#include <Poco/JSON/Parser.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace warden::host {
namespace {

constexpr const char* kCollection = "policy";

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

/// A stored policy read back; nullopt when its text no longer reads (logged, left out).
std::optional<StoredPolicy> read_stored(const NamedConfig& row) {
  try {
    const auto body = Poco::JSON::Parser().parse(row.body).extract<Poco::JSON::Object::Ptr>();
    std::map<std::string, std::string> errors;
    auto policy = policy_from_json(row.name, *body, errors);
    for (const auto& [place, message] : errors)
      spdlog::warn("stored policy \"{}\": {}: {}", row.name, place, message);
    return StoredPolicy{std::make_shared<const Policy>(std::move(policy)), row.updated_ms};
  } catch (const std::exception& e) {
    spdlog::error("stored policy \"{}\" is not a JSON object and is left out: {}", row.name,
                  e.what());
    return std::nullopt;
  }
}

}  // namespace

PolicyBook::PolicyBook(Database& database, const ActionKinds& kinds,
                       std::function<bool(const std::string&)> channel_exists)
    : store_(database, kCollection), kinds_(kinds), channel_exists_(std::move(channel_exists)) {
  std::map<std::string, StoredPolicy> by_name;
  for (const auto& row : store_.list())
    if (auto stored = read_stored(row)) by_name[row.name] = std::move(*stored);
  std::lock_guard lock(write_mutex_);
  publish(std::move(by_name));
}

std::shared_ptr<const PolicyBook::Snapshot> PolicyBook::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

void PolicyBook::publish(std::map<std::string, StoredPolicy> by_name) {
  auto next = std::make_shared<Snapshot>();
  next->ordered.reserve(by_name.size());
  for (const auto& [_, stored] : by_name) next->ordered.push_back(stored.policy);
  std::stable_sort(next->ordered.begin(), next->ordered.end(),  // by_name is already by name
                   [](const auto& a, const auto& b) { return a->order < b->order; });
  next->by_name = std::move(by_name);
  std::lock_guard lock(snapshot_mutex_);
  snapshot_ = std::move(next);
}

void PolicyBook::check_actions(const Policy& policy,
                               std::map<std::string, std::string>& errors) const {
  const auto sample = sample_alert();
  for (std::size_t i = 0; i < policy.actions.size(); ++i) {
    const auto& action = policy.actions[i];
    const auto place = "actions[" + std::to_string(i) + "]";
    if (action.kind.empty()) continue;  // refused by policy_from_json
    const auto* kind = kinds_.find(action.kind);
    if (!kind) {
      errors[place + ".kind"] =
          "unknown action kind \"" + action.kind + "\" (known: " + joined(kinds_.names()) + ")";
      continue;
    }
    try {
      kind->check(*action.params, sample, place, errors);
    } catch (const std::exception& e) {
      errors[place] = "could not be checked: " + std::string(e.what());
    }
  }
  for (std::size_t i = 0; i < policy.approval_channels.size(); ++i) {
    const auto& channel = policy.approval_channels[i];
    if (channel_exists_ && !channel_exists_(channel))
      errors["approval_channels[" + std::to_string(i) + "]"] =
          "unknown channel instance \"" + channel + "\"";
  }
}

StoredPolicy PolicyBook::put(const std::string& name, const Poco::JSON::Object& body) {
  std::map<std::string, std::string> errors;
  auto policy = policy_from_json(name, body, errors);
  check_actions(policy, errors);
  if (!errors.empty())
    throw RequestError(RequestError::Kind::invalid, "invalid policy \"" + name + "\"", errors);

  StoredPolicy stored{std::make_shared<const Policy>(std::move(policy)), now_ms()};
  std::lock_guard lock(write_mutex_);
  store_.put({name, compact_json(*policy_to_json(*stored.policy)), stored.updated_ms});
  auto by_name = snapshot()->by_name;
  by_name[name] = stored;
  publish(std::move(by_name));
  return stored;
}

std::optional<StoredPolicy> PolicyBook::get(const std::string& name) const {
  const auto current = snapshot();
  const auto it = current->by_name.find(name);
  if (it == current->by_name.end()) return std::nullopt;
  return it->second;
}

std::vector<StoredPolicy> PolicyBook::list() const {
  const auto current = snapshot();
  std::vector<StoredPolicy> out;
  out.reserve(current->ordered.size());
  for (const auto& policy : current->ordered) out.push_back(current->by_name.at(policy->name));
  return out;
}

bool PolicyBook::remove(const std::string& name) {
  std::lock_guard lock(write_mutex_);
  const bool stored = store_.remove(name);
  auto by_name = snapshot()->by_name;
  const bool held = by_name.erase(name) > 0;
  if (held) publish(std::move(by_name));
  return stored || held;
}

std::vector<std::shared_ptr<const Policy>> PolicyBook::match(const Alert& alert,
                                                             Signal signal) const {
  const auto current = snapshot();
  return matching_policies(current->ordered, alert, signal);
}

std::vector<std::string> PolicyBook::using_solution(const std::string& solution) const {
  const auto current = snapshot();
  std::vector<std::string> names;
  for (const auto& [name, stored] : current->by_name)
    for (const auto& action : stored.policy->actions)
      if (action.kind == "solution" && action.params && action.params->has("solution") &&
          action.params->get("solution").isString() &&
          action.params->getValue<std::string>("solution") == solution) {
        names.push_back(name);
        break;
      }
  return names;
}

}  // namespace warden::host
