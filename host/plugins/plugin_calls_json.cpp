#include "host/plugins/plugin_calls_json.hpp"

#include "host/runtime/alert_json.hpp"

#include <Poco/JSON/Array.h>

#include <stdexcept>

namespace warden::host {
namespace {

using Poco::JSON::Object;

std::string text(const Object& json, const std::string& name) {
  if (!json.has(name)) return {};
  const auto value = json.get(name);
  if (!value.isString()) throw std::invalid_argument("\"" + name + "\" must be a string");
  return value.extract<std::string>();
}

std::int64_t number(const Object& json, const std::string& name) {
  if (!json.has(name)) return 0;
  const auto value = json.get(name);
  if (!value.isInteger()) throw std::invalid_argument("\"" + name + "\" must be an integer");
  return value.convert<std::int64_t>();
}

bool flag(const Object& json, const std::string& name) {
  if (!json.has(name)) return false;
  const auto value = json.get(name);
  if (!value.isBoolean()) throw std::invalid_argument("\"" + name + "\" must be true or false");
  return value.extract<bool>();
}

Object::Ptr object(const Object& json, const std::string& name) {
  auto value = json.getObject(name);
  if (!value) throw std::invalid_argument("\"" + name + "\" must be an object");
  return value;
}

const char* to_string(SolutionOutcome::Next next) {
  switch (next) {
    case SolutionOutcome::Next::none:
      return "none";
    case SolutionOutcome::Next::finished:
      return "finished";
    case SolutionOutcome::Next::wait_callback:
      return "wait_callback";
    case SolutionOutcome::Next::wait_polling:
      return "wait_polling";
  }
  return "none";
}

SolutionOutcome::Next next_from(const std::string& name) {
  if (name == "none" || name.empty()) return SolutionOutcome::Next::none;
  if (name == "finished") return SolutionOutcome::Next::finished;
  if (name == "wait_callback") return SolutionOutcome::Next::wait_callback;
  if (name == "wait_polling") return SolutionOutcome::Next::wait_polling;
  throw std::invalid_argument("unknown outcome \"" + name + "\"");
}

Object::Ptr to_json(const SolutionOutcome& outcome) {
  Object::Ptr out = new Object;
  out->set("next", std::string(to_string(outcome.next)));
  out->set("result", outcome.result);
  out->set("comment", outcome.comment);
  out->set("failure_type", outcome.failure_type);
  out->set("step", outcome.step);
  out->set("delay_ms", static_cast<std::int64_t>(outcome.delay.count()));
  out->set("url", outcome.url);
  Object::Ptr poll = new Object;
  poll->set("interval_ms", static_cast<std::int64_t>(outcome.poll.interval.count()));
  poll->set("timeout_ms", static_cast<std::int64_t>(outcome.poll.timeout.count()));
  poll->set("max_attempts", outcome.poll.max_attempts);
  poll->set("method", outcome.poll.method);
  poll->set("body", outcome.poll.body);
  poll->set("field", outcome.poll.field);
  poll->set("equals", outcome.poll.equals);
  out->set("poll", poll);
  return out;
}

SolutionOutcome outcome_from_json(const Object& json) {
  SolutionOutcome out;
  out.next = next_from(text(json, "next"));
  out.result = text(json, "result");
  out.comment = text(json, "comment");
  out.failure_type = text(json, "failure_type");
  out.step = text(json, "step");
  out.delay = std::chrono::milliseconds(number(json, "delay_ms"));
  out.url = text(json, "url");
  const auto poll = object(json, "poll");
  out.poll.interval = std::chrono::milliseconds(number(*poll, "interval_ms"));
  out.poll.timeout = std::chrono::milliseconds(number(*poll, "timeout_ms"));
  out.poll.max_attempts = static_cast<int>(number(*poll, "max_attempts"));
  out.poll.method = text(*poll, "method");
  out.poll.body = text(*poll, "body");
  out.poll.field = text(*poll, "field");
  out.poll.equals = text(*poll, "equals");
  return out;
}

}  // namespace

Object::Ptr to_json(const StepCall& call) {
  Object::Ptr out = new Object;
  out->set("service", call.service);
  out->set("task_id", call.task_id);
  out->set("step", call.step);
  out->set("answer", call.answer);
  out->set("condition", call.condition);
  out->set("alarm", call.alarm);
  out->set("state", call.state);
  out->set("output", call.output);
  out->set("source_name", call.source.source_name);
  out->set("topic_name", call.source.topic_name);
  out->set("consumer_id", call.source.consumer_id);
  return out;
}

StepCall step_call_from_json(const Object& json) {
  StepCall call;
  call.service = text(json, "service");
  call.task_id = text(json, "task_id");
  call.step = text(json, "step");
  call.answer = text(json, "answer");
  call.condition = text(json, "condition");
  call.alarm = text(json, "alarm");
  call.state = text(json, "state");
  call.output = text(json, "output");
  call.source = {text(json, "source_name"), text(json, "topic_name"), text(json, "consumer_id")};
  return call;
}

Object::Ptr to_json(const StepResult& result) {
  Object::Ptr out = new Object;
  out->set("ok", result.ok);
  out->set("error", result.error);
  out->set("failure_type", result.failure_type);
  out->set("outcome", to_json(result.outcome));
  out->set("state", result.state);
  out->set("output", result.output);
  return out;
}

StepResult step_result_from_json(const Object& json) {
  StepResult result;
  result.ok = flag(json, "ok");
  result.error = text(json, "error");
  result.failure_type = text(json, "failure_type");
  result.outcome = outcome_from_json(*object(json, "outcome"));
  result.state = text(json, "state");
  result.output = text(json, "output");
  return result;
}

Object::Ptr to_json(const FiringCall& call) {
  Object::Ptr out = new Object;
  out->set("action", call.action);
  out->set("timer_id", call.timer_id);
  out->set("params", call.params);
  out->set("state", call.state);
  out->set("data", call.data);
  out->set("parent", call.parent);
  return out;
}

FiringCall firing_call_from_json(const Object& json) {
  FiringCall call;
  call.action = text(json, "action");
  call.timer_id = text(json, "timer_id");
  call.params = text(json, "params");
  call.state = text(json, "state");
  call.data = object(json, "data");
  call.parent = object(json, "parent");
  return call;
}

Object::Ptr to_json(const ActionResult& result) {
  Object::Ptr out = new Object;
  out->set("ok", result.ok);
  out->set("error", result.error);
  out->set("state", result.state);
  return out;
}

ActionResult action_result_from_json(const Object& json) {
  return {flag(json, "ok"), text(json, "error"), text(json, "state")};
}

Object::Ptr to_json(const DeliveryCall& call) {
  Object::Ptr out = new Object;
  out->set("channel", call.channel);
  out->set("instance", call.instance);
  out->set("config", call.config);
  out->set("timeout_ms", static_cast<std::int64_t>(call.timeout.count()));
  out->set("default_template", call.default_template);
  out->set("alert", alert_to_json(call.alert));
  out->set("notice_id", call.notice_id);
  return out;
}

DeliveryCall delivery_call_from_json(const Object& json) {
  DeliveryCall call;
  call.channel = text(json, "channel");
  call.instance = text(json, "instance");
  call.config = object(json, "config");
  call.timeout = std::chrono::milliseconds(number(json, "timeout_ms"));
  call.default_template = text(json, "default_template");
  call.alert = stored_alert_from_json(*object(json, "alert"));
  call.notice_id = text(json, "notice_id");
  return call;
}

Object::Ptr to_json(const DeliveryResult& result) {
  Object::Ptr out = new Object;
  out->set("delivered", result.delivery.delivered);
  out->set("detail", result.delivery.detail);
  out->set("http_status", result.delivery.http_status);
  out->set("retry_after_s", result.delivery.retry_after_s);
  out->set("template_error", result.template_error);
  return out;
}

DeliveryResult delivery_result_from_json(const Object& json) {
  DeliveryResult result;
  result.delivery.delivered = flag(json, "delivered");
  result.delivery.detail = text(json, "detail");
  result.delivery.http_status = static_cast<int>(number(json, "http_status"));
  result.delivery.retry_after_s = static_cast<int>(number(json, "retry_after_s"));
  result.template_error = text(json, "template_error");
  return result;
}

Object::Ptr to_json(const SelectOptionsCall& call) {
  Object::Ptr out = new Object;
  out->set("field", call.field);
  return out;
}

SelectOptionsCall select_options_call_from_json(const Object& json) {
  return {text(json, "field")};
}

Object::Ptr to_json(const SelectOptionsResult& result) {
  Object::Ptr out = new Object;
  out->set("ok", result.ok);
  out->set("error", result.error);
  out->set("failure_type", result.failure_type);
  Poco::JSON::Array::Ptr options = new Poco::JSON::Array;
  for (const auto& option : result.options) {
    Object::Ptr entry = new Object;
    entry->set("label", option.label);
    entry->set("value", option.value);
    options->add(entry);
  }
  out->set("options", options);
  return out;
}

SelectOptionsResult select_options_result_from_json(const Object& json) {
  SelectOptionsResult result;
  result.ok = flag(json, "ok");
  result.error = text(json, "error");
  result.failure_type = text(json, "failure_type");
  const auto options = json.getArray("options");
  if (!options) throw std::invalid_argument("\"options\" must be an array");
  // A runner's answer is read no further than the host would show it.
  if (options->size() > kMaxSelectOptions) {
    result.ok = false;
    result.error = "gave " + std::to_string(options->size()) + " options; at most " +
                   std::to_string(kMaxSelectOptions) + " are shown";
    return result;
  }
  for (std::size_t i = 0; i < options->size(); ++i) {
    const auto entry = options->getObject(static_cast<unsigned>(i));
    if (!entry) throw std::invalid_argument("an option must be an object");
    result.options.push_back({text(*entry, "label"), text(*entry, "value")});
  }
  enforce_select_option_bounds(result);
  return result;
}

Object::Ptr to_json(const Problem& problem) {
  Object::Ptr out = new Object;
  out->set("file", problem.file);
  out->set("path", problem.path);
  out->set("message", problem.message);
  return out;
}

Problem problem_from_json(const Object& json) {
  return {text(json, "file"), text(json, "path"), text(json, "message")};
}

}  // namespace warden::host
