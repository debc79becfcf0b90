// The calls cross to a runner and back as JSON: every field survives, and a malformed message is
// an exception, never a default.
#include "host/plugins/plugin_calls_json.hpp"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr reparse(const Poco::JSON::Object::Ptr& json) {
  std::ostringstream out;
  json->stringify(out);
  return Poco::JSON::Parser().parse(out.str()).extract<Poco::JSON::Object::Ptr>();
}

TEST(PluginCallsJson, AStepAndItsResultRoundTrip) {
  StepCall call{"svc",
                "t-1",
                "step2",
                "{\"a\":1}",
                "{\"mode\":\"x\"}",
                "",
                "{\"s\":2}",
                "{}",
                {"src", "topic", "consumer"}};
  const auto back = step_call_from_json(*reparse(to_json(call)));
  EXPECT_EQ(back.service, "svc");
  EXPECT_EQ(back.step, "step2");
  EXPECT_EQ(back.answer, "{\"a\":1}");
  EXPECT_EQ(back.condition, "{\"mode\":\"x\"}");
  EXPECT_EQ(back.state, "{\"s\":2}");
  EXPECT_EQ(back.source.topic_name, "topic");
  EXPECT_EQ(back.source.consumer_id, "consumer");

  StepResult result;
  result.outcome.next = SolutionOutcome::Next::wait_polling;
  result.outcome.step = "answer";
  result.outcome.url = "http://127.0.0.1:1/x";
  result.outcome.poll.interval = std::chrono::milliseconds(70);
  result.outcome.poll.max_attempts = 3;
  result.outcome.poll.field = "a.b";
  result.outcome.poll.equals = "done";
  result.state = "{\"k\":true}";
  const auto r = step_result_from_json(*reparse(to_json(result)));
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.outcome.next, SolutionOutcome::Next::wait_polling);
  EXPECT_EQ(r.outcome.url, "http://127.0.0.1:1/x");
  EXPECT_EQ(r.outcome.poll.interval, std::chrono::milliseconds(70));
  EXPECT_EQ(r.outcome.poll.max_attempts, 3);
  EXPECT_EQ(r.outcome.poll.equals, "done");
  EXPECT_EQ(r.state, "{\"k\":true}");
}

TEST(PluginCallsJson, ADeliveryAndAFiringRoundTrip) {
  DeliveryCall call;
  call.channel = "webhook";
  call.instance = "ops";
  call.config->set("url", "http://x");
  call.timeout = std::chrono::milliseconds(1234);
  call.alert.title = "disk full";
  call.alert.labels["team"] = "db";
  const auto back = delivery_call_from_json(*reparse(to_json(call)));
  EXPECT_EQ(back.instance, "ops");
  EXPECT_EQ(back.config->getValue<std::string>("url"), "http://x");
  EXPECT_EQ(back.timeout, std::chrono::milliseconds(1234));
  EXPECT_EQ(back.alert.title, "disk full");
  EXPECT_EQ(back.alert.labels.at("team"), "db");

  DeliveryResult result{{false, "503 from vendor", 503, 30}, "alertTpl: line 1"};
  const auto r = delivery_result_from_json(*reparse(to_json(result)));
  EXPECT_FALSE(r.delivery.delivered);
  EXPECT_EQ(r.delivery.http_status, 503);
  EXPECT_EQ(r.delivery.retry_after_s, 30);
  EXPECT_EQ(r.template_error, "alertTpl: line 1");

  FiringCall firing;
  firing.action = "probe";
  firing.timer_id = "tm";
  firing.data->set("fire_count", 3);
  const auto f = firing_call_from_json(*reparse(to_json(firing)));
  EXPECT_EQ(f.data->getValue<int>("fire_count"), 3);
  const auto a = action_result_from_json(*reparse(to_json(ActionResult{true, "", "{}"})));
  EXPECT_TRUE(a.ok);
}

TEST(PluginCallsJson, MalformedMessagesThrow) {
  Poco::JSON::Object bad;
  bad.set("ok", "yes");
  EXPECT_ANY_THROW(step_result_from_json(bad));
  Poco::JSON::Object no_outcome;
  no_outcome.set("ok", true);
  EXPECT_ANY_THROW(step_result_from_json(no_outcome));
  Poco::JSON::Object delivery;
  delivery.set("channel", 5);
  EXPECT_ANY_THROW(delivery_call_from_json(delivery));
}

}  // namespace
}  // namespace warden::host
