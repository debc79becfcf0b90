#include "host/automation/action_spec.hpp"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

namespace warden::host {
namespace {

PolicyAction notice(const std::string& params) {
  PolicyAction a;
  a.kind = "notice";
  a.params = Poco::JSON::Parser().parse(params).extract<Poco::JSON::Object::Ptr>();
  return a;
}

Alert labelled(std::map<std::string, std::string> labels) {
  Alert a;
  a.labels = std::move(labels);
  return a;
}

TEST(AutomationActionSpec, AlertsShareAGroupByTheirGroupByLabels) {
  const auto a = notice(R"({"group_by": ["cluster", "dc"], "group_wait": 30})");
  const auto one =
      aggregation_key("p", 0, "abnormal", a, labelled({{"cluster", "c1"}, {"dc", "x"}}));
  EXPECT_EQ(one, aggregation_key("p", 0, "abnormal", a,
                                 labelled({{"cluster", "c1"}, {"dc", "x"}, {"host", "h9"}})));
  EXPECT_NE(one,
            aggregation_key("p", 0, "abnormal", a, labelled({{"cluster", "c2"}, {"dc", "x"}})));
  EXPECT_NE(one,
            aggregation_key("p", 1, "abnormal", a, labelled({{"cluster", "c1"}, {"dc", "x"}})));
  EXPECT_NE(one,
            aggregation_key("p", 0, "recovered", a, labelled({{"cluster", "c1"}, {"dc", "x"}})));
  EXPECT_NE(one,
            aggregation_key("q", 0, "abnormal", a, labelled({{"cluster", "c1"}, {"dc", "x"}})));
  // A value cannot pretend to be two: the separator is not a character a label would hold.
  EXPECT_NE(aggregation_key("p", 0, "abnormal", a,
                            labelled({{"cluster",
                                       "c1\x1f"
                                       "x"}})),
            aggregation_key("p", 0, "abnormal", a, labelled({{"cluster", "c1"}, {"dc", "x"}})));
  EXPECT_EQ(group_wait_ms(a), 30'000);
}

TEST(AutomationActionSpec, OnlyANoticeWithAGroupWaitAggregates) {
  EXPECT_EQ(aggregation_key("p", 0, "abnormal", notice(R"({"group_by": ["c"]})"), Alert{}), "");
  auto solution = notice(R"({"group_wait": 5})");
  solution.kind = "solution";
  EXPECT_EQ(aggregation_key("p", 0, "abnormal", solution, Alert{}), "");
}

TEST(AutomationActionSpec, TheSpecReadsBackAsTheActionWasMatched) {
  Policy policy;
  policy.name = "p";
  policy.approval_channels = {"ops", "leads"};
  auto a = notice(R"({"channels": ["oncall"]})");
  a.timeout_s = 42;
  a.retries = 3;
  a.retry_interval_s = 7;
  a.approval = true;
  a.approval_timeout_s = 99;
  policy.actions.push_back(a);
  const auto back = action_spec_from_json(*action_spec_to_json(policy, 0));
  EXPECT_EQ(back.action.kind, "notice");
  EXPECT_EQ(back.action.timeout_s, 42);
  EXPECT_EQ(back.action.retries, 3);
  EXPECT_EQ(back.action.retry_interval_s, 7);
  EXPECT_TRUE(back.action.approval);
  EXPECT_EQ(back.action.approval_timeout_s, 99);
  EXPECT_EQ(back.approval_channels, (std::vector<std::string>{"ops", "leads"}));
  EXPECT_EQ(back.action.params->getArray("channels")->getElement<std::string>(0), "oncall");
}

}  // namespace
}  // namespace warden::host
