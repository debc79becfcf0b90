#include "host/alerts/alert_json.hpp"
#include "host/alerts/alertmanager.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string refusal(const std::string& json) {
  try {
    alert_from_json(*parse(json));
  } catch (const AlertInputError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(AlertJson, ReadsEverySpecField) {
  auto a = alert_from_json(*parse(R"({"type": "checkpoint", "subject": "s", "title": "t",
      "source": "job", "id": "7", "status": "FAILED", "severity": "critical",
      "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:01:00Z", "duration": "1m",
      "link": "http://x/", "restart": true, "restart_index": 2, "total_restart": "5",
      "cp_failure_rate_interval": 60, "cp_max_failure_interval": 300, "message": "m",
      "labels": {"strategy_id": 12345, "team": "data"}, "at_all": true,
      "at_mobiles": ["13800000000"], "dedupe_key": "k"})"));
  EXPECT_EQ(a.type, "checkpoint");
  EXPECT_EQ(a.total_restart, 5);
  EXPECT_EQ(a.labels.at("strategy_id"), "12345");
  EXPECT_EQ(a.at_mobiles, std::vector<std::string>{"13800000000"});
  EXPECT_EQ(a.effective_dedupe_key(), "k");
  auto b = alert_from_json(*parse(R"({"title": "t", "source": "job", "status": "FAILED"})"));
  EXPECT_EQ(b.effective_dedupe_key(), "job|external|FAILED");
  auto back = alert_from_json(*alert_to_json(a));
  EXPECT_EQ(back.labels, a.labels);
  EXPECT_EQ(back.dedupe_key, "k");
}

TEST(AlertJson, RefusalsNameTheField) {
  EXPECT_EQ(refusal(R"({"title": 3})"), "\"alert.title\" must be a string");
  EXPECT_EQ(refusal(R"({"title": "t", "colour": "red"})"),
            "\"alert.colour\" is not a field of an alert");
  EXPECT_EQ(refusal(R"({"title": "t", "labels": {"a": [1]}})"),
            "\"alert.labels.a\" must be a string");
  EXPECT_EQ(refusal(R"({"title": "t", "restart_index": "two"})"),
            "\"alert.restart_index\" must be a whole number from -9223372036854775808 to "
            "9223372036854775807");
  EXPECT_EQ(refusal(R"({"title": "t", "total_restart": 9223372036854775808})"),
            "\"alert.total_restart\" must be a whole number from -9223372036854775808 to "
            "9223372036854775807, not 9223372036854775808");
  EXPECT_EQ(refusal(R"({"title": "t", "cp_max_failure_interval": 1.5})"),
            "\"alert.cp_max_failure_interval\" must be a whole number from -9223372036854775808 "
            "to 9223372036854775807, not 1.5");
  EXPECT_EQ(refusal(R"({"title": "t", "type": "weird"})").substr(0, 25),
            "\"alert.type\" must be one ");
  EXPECT_EQ(refusal(R"({"source": "x"})"),
            "\"alert\" needs at least one of \"title\", \"subject\" or \"message\"");
}

TEST(Alertmanager, Version4MessagesBecomeOneAlertEach) {
  auto alerts = alerts_from_alertmanager(*parse(R"({
    "version": "4", "groupKey": "{}:{alertname=\"DiskFull\"}", "truncatedAlerts": 0,
    "status": "firing", "receiver": "warden",
    "groupLabels": {"alertname": "DiskFull"}, "commonLabels": {}, "commonAnnotations": {},
    "externalURL": "http://am:9093",
    "alerts": [
      {"status": "firing", "labels": {"alertname": "DiskFull", "job": "node", "severity": "critical"},
       "annotations": {"summary": "Disk full on db1", "description": "98% used"},
       "startsAt": "2026-11-23T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
       "generatorURL": "http://prom/graph", "fingerprint": "abc123"},
      {"status": "resolved", "labels": {"alertname": "DiskFull"}, "annotations": {},
       "startsAt": "2026-11-23T09:00:00Z", "endsAt": "2026-11-23T09:30:00Z",
       "generatorURL": "", "fingerprint": "def456"}]})"));
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].title, "Disk full on db1");
  EXPECT_EQ(alerts[0].subject, "DiskFull");
  EXPECT_EQ(alerts[0].message, "98% used");
  EXPECT_EQ(alerts[0].severity, "critical");
  EXPECT_EQ(alerts[0].source, "node");
  EXPECT_EQ(alerts[0].end_time, "");
  EXPECT_EQ(alerts[0].link, "http://prom/graph");
  EXPECT_EQ(alerts[0].labels.at("alertname"), "DiskFull");
  EXPECT_EQ(alerts[0].effective_dedupe_key(), "abc123|firing");
  EXPECT_EQ(alerts[1].title, "DiskFull");
  EXPECT_EQ(alerts[1].status, "resolved");
  EXPECT_EQ(alerts[1].source, "warden");
  EXPECT_EQ(alerts[1].end_time, "2026-11-23T09:30:00Z");
}

TEST(Alertmanager, OtherVersionsAndShapesAreRefused) {
  EXPECT_THROW(alerts_from_alertmanager(*parse(R"({"version": "3", "alerts": []})")),
               AlertInputError);
  EXPECT_THROW(alerts_from_alertmanager(*parse(R"({"version": "4"})")), AlertInputError);
  try {
    alerts_from_alertmanager(*parse(R"({"version": "4", "alerts": [{"labels": {"a": 1}}]})"));
    FAIL();
  } catch (const AlertInputError& e) {
    EXPECT_STREQ(e.what(), "\"alerts[0].labels.a\" must be a string");
  }
}

}  // namespace
}  // namespace warden::host
