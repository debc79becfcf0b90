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

TEST(PluginCallsJson, SelectOptionsAndTheirResultRoundTrip) {
  EXPECT_EQ(select_options_call_from_json(*reparse(to_json(SelectOptionsCall{"zone"}))).field,
            "zone");
  SelectOptionsResult result;
  result.ok = true;
  result.options = {{"UTC", "UTC"}, {"Berlin", "Europe/Berlin"}};
  const auto back = select_options_result_from_json(*reparse(to_json(result)));
  EXPECT_TRUE(back.ok);
  ASSERT_EQ(back.options.size(), 2u);
  EXPECT_EQ(back.options[1].label, "Berlin");
  EXPECT_EQ(back.options[1].value, "Europe/Berlin");
  SelectOptionsResult failed;
  failed.error = "no zones";
  failed.failure_type = kPluginTimeout;
  const auto failed_back = select_options_result_from_json(*reparse(to_json(failed)));
  EXPECT_FALSE(failed_back.ok);
  EXPECT_EQ(failed_back.error, "no zones");
  EXPECT_EQ(failed_back.failure_type, kPluginTimeout);
}

TEST(PluginCallsJson, SelectOptionsPastTheirBoundsAreAnError) {
  SelectOptionsResult many;
  many.ok = true;
  many.options.assign(kMaxSelectOptions + 1, {"a", "a"});
  auto read = select_options_result_from_json(*reparse(to_json(many)));
  EXPECT_FALSE(read.ok);
  EXPECT_TRUE(read.options.empty());
  EXPECT_EQ(read.error, "gave 1001 options; at most 1000 are shown");

  SelectOptionsResult huge;
  huge.ok = true;
  huge.options = {{"fine", std::string(kMaxSelectOptionBytes + 1, 'v')}};
  enforce_select_option_bounds(huge);
  EXPECT_FALSE(huge.ok);
  EXPECT_EQ(huge.error, "gave an option longer than 1024 bytes");

  SelectOptionsResult enough;
  enough.ok = true;
  enough.options.assign(kMaxSelectOptions, {"a", std::string(kMaxSelectOptionBytes, 'v')});
  enforce_select_option_bounds(enough);
  EXPECT_TRUE(enough.ok);
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
  Poco::JSON::Object options;
  options.set("ok", true);
  EXPECT_ANY_THROW(select_options_result_from_json(options));  // no "options" list
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  list->add(5);
  options.set("options", list);
  EXPECT_ANY_THROW(select_options_result_from_json(options));
}

}  // namespace
}  // namespace warden::host
