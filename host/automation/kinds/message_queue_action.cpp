#include "host/automation/kinds/message_queue_action.hpp"

#include "host/automation/kinds/action_params.hpp"
#include "host/automation/sample_alert.hpp"
#include "host/queue/outbox_relay.hpp"
#include "host/runtime/alert_json.hpp"
#include "host/runtime/clock.hpp"
#include "host/runtime/ids.hpp"

#include <warden/json_value.hpp>

#include <cctype>
#include <exception>

namespace warden::host {
namespace {

constexpr std::size_t kMaxKeyBytes = 1024;

struct Params {
  std::string topic, key;
};

Params params_from(const Poco::JSON::Object& params, const std::string& place,
                   ParamErrors& errors) {
  Params p;
  if (auto topic = read_text(params, "topic", place, 249, errors)) {
    p.topic = *topic;
    if (!is_valid_topic_name(p.topic))
      errors[place_of(place, "topic")] =
          "a Kafka topic name is 1 to 249 of the letters, digits, '.', '_' and '-'";
  }
  if (auto key = read_text(params, "key", place, kMaxKeyBytes, errors)) p.key = *key;
  return p;
}

}  // namespace

bool is_valid_topic_name(const std::string& name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

void MessageQueueAction::check(const Poco::JSON::Object& params, const Alert& sample,
                               const std::string& place,
                               std::map<std::string, std::string>& errors) const {
  refuse_unknown(params, {"topic", "key"}, "message_queue", place, errors);
  if (!relay_)
    errors[place_of(place, "kind")] =
        "message_queue needs Kafka: set mq_conf.bootstrap_servers in the host's configuration";
  if (!has_param(params, "topic"))
    errors[place_of(place, "topic")] = "required: the Kafka topic to publish the alert to";
  ParamErrors mine;
  const auto p = params_from(params, place, mine);
  errors.insert(mine.begin(), mine.end());
  if (!p.key.empty())
    render_checked(renderer_, p.key, *sample_action_data(sample), Escape::none,
                   place_of(place, "key"), errors);
}

ActionAttempt MessageQueueAction::run(const ActionInput& input) const noexcept {
  ActionAttempt attempt;
  try {
    if (!relay_) {
      attempt.message = "this host has no mq_conf: message_queue cannot publish";
      return attempt;
    }
    ParamErrors errors;
    const auto p = params_from(*params_of(input.action), "", errors);
    if (!errors.empty()) {
      attempt.message = errors_text("the message_queue params cannot be read", errors);
      return attempt;
    }
    // The alert's own id; an alert without one is known by its record's.
    std::string key = input.alert.id.empty() ? input.action.alert_id : input.alert.id;
    if (!p.key.empty()) {
      auto rendered = renderer_.render(p.key, *input.data, Escape::none);
      if (!rendered.ok()) {
        attempt.message = "the key template does not render: " + rendered.error;
        return attempt;
      }
      key = rendered.text.substr(0, kMaxKeyBytes);
    }
    OutboxMessage m;
    m.created_ms = system_clock().now_ms();
    m.id = uuid_v7(m.created_ms);
    m.topic = p.topic;
    m.key = key;
    m.payload = compact_json(*alert_to_json(input.alert));
    m.headers = {{"warden-policy", input.action.policy},
                 {"warden-action-id", input.action.id},
                 {"warden-signal", input.action.signal}};
    relay_->store().append({m});
    relay_->committed({m});
    attempt.outcome = ActionAttempt::Outcome::success;
    attempt.message = "message " + m.id + " to topic " + p.topic + " committed to the outbox";
  } catch (const std::exception& e) {
    attempt.message = std::string("the message could not be stored: ") + e.what();
  } catch (...) {
    attempt.message = "the message could not be stored";
  }
  return attempt;
}

}  // namespace warden::host
