#pragma once

#include "host/automation/action_kind.hpp"

#include <warden/templates.hpp>

namespace warden::host {

class OutboxRelay;

/// `message_queue` (seed 002): the alert as JSON (as GET /api/alerts shows it) published to a
/// Kafka topic through the transactional outbox, as external tasks are. Params: `topic`, and `key`
/// (a Mustache template over the alert, plain text; absent: the alert's id, or its record's).
/// Headers name the policy, the action and the signal. An attempt succeeds once the message is
/// committed to the outbox: from there the relay delivers it at least once, whatever the broker's
/// state.
class MessageQueueAction final : public ActionKind {
 public:
  /// `relay`: null when the host has no `mq_conf`; a policy naming this kind is then refused.
  MessageQueueAction(OutboxRelay* relay, TemplateRenderer& renderer)
      : relay_(relay), renderer_(renderer) {}

  std::string name() const override { return "message_queue"; }
  void check(const Poco::JSON::Object& params, const Alert& sample, const std::string& place,
             std::map<std::string, std::string>& errors) const override;
  ActionAttempt run(const ActionInput& input) const noexcept override;

 private:
  OutboxRelay* relay_;
  TemplateRenderer& renderer_;
};

/// Kafka's rule for a topic name: 1 to 249 of [A-Za-z0-9._-], not "." or "..".
bool is_valid_topic_name(const std::string& name);

}  // namespace warden::host
