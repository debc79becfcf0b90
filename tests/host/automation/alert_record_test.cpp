// The pure life of an alert record: every transition and the signal it fires, which alerts meet in
// one record (fingerprint), the signal a status carries, and the stored form read back.
#include "host/automation/alert_record.hpp"

#include "host/alerts/alert_json.hpp"

#include <warden/json_value.hpp>

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

Alert alert_with(const std::string& status, const std::string& id = "fp-1") {
  Alert a;
  a.id = id;
  a.source = "prometheus";
  a.subject = "disk";
  a.title = "Disk full on " + status;
  a.status = status;
  a.labels = {{"env", "production"}};
  return a;
}

Observation first(const std::string& status, std::int64_t now = 1000) {
  return observe(std::nullopt, alert_with(status), "api", now, "al_new");
}

TEST(AlertRecordLife, AFiringAlertWithoutARecordMakesAnAbnormalOneAndFiresAbnormal) {
  const auto o = first("firing");
  EXPECT_TRUE(o.created);
  ASSERT_TRUE(o.fired);
  EXPECT_EQ(*o.fired, Signal::abnormal);
  EXPECT_EQ(o.record.id, "al_new");
  EXPECT_EQ(o.record.fingerprint, "fp-1");
  EXPECT_EQ(o.record.state, "abnormal");
  EXPECT_EQ(o.record.count, 1);
  EXPECT_EQ(o.record.first_ms, 1000);
  EXPECT_EQ(o.record.last_ms, 1000);
  EXPECT_EQ(o.record.recovered_ms, 0);
  EXPECT_EQ(o.record.origin, "api");
  EXPECT_EQ(o.record.alert.title, "Disk full on firing");
  EXPECT_TRUE(o.record.open());
}

TEST(AlertRecordLife, ARecordMayStartRecoveredOrWithoutData) {
  const auto recovered = first("resolved", 500);
  EXPECT_EQ(recovered.record.state, "recovered");
  EXPECT_EQ(recovered.fired, Signal::recovered);
  EXPECT_EQ(recovered.record.recovered_ms, 500);  // so that it closes itself later
  const auto no_data = first("no_data");
  EXPECT_EQ(no_data.record.state, "no_data");
  EXPECT_EQ(no_data.fired, Signal::no_data);
  EXPECT_EQ(no_data.record.recovered_ms, 0);
}

TEST(AlertRecordLife, TheSameStateAgainOnlyCounts) {
  const auto a = first("firing", 1000);
  auto later = alert_with("firing");
  later.title = "still full";
  const auto b = observe(a.record, later, "alertmanager", 2000, "al_unused");
  EXPECT_FALSE(b.created);
  EXPECT_FALSE(b.fired);
  EXPECT_EQ(b.record.id, "al_new");
  EXPECT_EQ(b.record.state, "abnormal");
  EXPECT_EQ(b.record.count, 2);
  EXPECT_EQ(b.record.first_ms, 1000);
  EXPECT_EQ(b.record.last_ms, 2000);
  EXPECT_EQ(b.record.alert.title, "still full");
  EXPECT_EQ(b.record.origin, "api");  // where the record began
}

TEST(AlertRecordLife, AbnormalRecoversAndFiresAgain) {
  const auto a = first("firing", 1000);
  const auto b = observe(a.record, alert_with("resolved"), "api", 2000, "x");
  EXPECT_EQ(b.fired, Signal::recovered);
  EXPECT_EQ(b.record.state, "recovered");
  EXPECT_EQ(b.record.recovered_ms, 2000);
  EXPECT_EQ(b.record.count, 2);
  const auto c = observe(b.record, alert_with("RESOLVED"), "api", 2500, "x");
  EXPECT_FALSE(c.fired);
  EXPECT_EQ(c.record.recovered_ms, 2000);  // recovered since the first resolved alert
  EXPECT_EQ(c.record.count, 3);
  const auto d = observe(c.record, alert_with("firing"), "api", 3000, "x");
  EXPECT_EQ(d.fired, Signal::abnormal);
  EXPECT_EQ(d.record.state, "abnormal");
  EXPECT_EQ(d.record.recovered_ms, 0);
  EXPECT_EQ(d.record.count, 4);
  EXPECT_EQ(d.record.id, "al_new");
  EXPECT_FALSE(d.created);
}

TEST(AlertRecordLife, NoDataIsAStateOfItsOwn) {
  const auto a = first("firing");
  const auto b = observe(a.record, alert_with("nodata"), "api", 2000, "x");
  EXPECT_EQ(b.fired, Signal::no_data);
  EXPECT_EQ(b.record.state, "no_data");
  const auto c = observe(b.record, alert_with("ok"), "api", 3000, "x");
  EXPECT_EQ(c.fired, Signal::recovered);
  EXPECT_EQ(c.record.recovered_ms, 3000);
  const auto d = observe(c.record, alert_with("no_data"), "api", 4000, "x");
  EXPECT_EQ(d.fired, Signal::no_data);
  EXPECT_EQ(d.record.recovered_ms, 0);  // no longer recovered: it does not close itself
}

TEST(AlertRecordLife, CloseEndsTheRecordAndFiresClosed) {
  const auto a = first("firing", 1000);
  const auto b = close(a.record, 5000, "alice", "known issue");
  EXPECT_EQ(b.fired, Signal::closed);
  EXPECT_FALSE(b.created);
  EXPECT_EQ(b.record.state, "closed");
  EXPECT_FALSE(b.record.open());
  EXPECT_EQ(b.record.closed_ms, 5000);
  EXPECT_EQ(b.record.closed_by, "alice");
  EXPECT_EQ(b.record.close_reason, "known issue");
  EXPECT_EQ(b.record.last_ms, 1000);
  EXPECT_EQ(b.record.count, 1);
}

TEST(AlertRecordLife, AnAlertAfterTheRecordClosedStartsANewRecord) {
  const auto closed = close(first("firing").record, 5000, "", "");
  const auto again = observe(closed.record, alert_with("firing"), "api", 6000, "al_second");
  EXPECT_TRUE(again.created);
  EXPECT_EQ(again.record.id, "al_second");
  EXPECT_EQ(again.record.count, 1);
  EXPECT_EQ(again.record.closed_ms, 0);
  EXPECT_EQ(again.fired, Signal::abnormal);
}

TEST(AlertRecordFingerprint, IdThenDedupeKeyThenSourceTypeSubjectNeverStatus) {
  Alert a;
  a.source = "job";
  a.type = "checkpoint";
  a.subject = "cp";
  a.status = "FAILED";
  EXPECT_EQ(fingerprint_of(a), "job|checkpoint|cp");
  auto resolved = a;
  resolved.status = "RESOLVED";
  resolved.title = "another title";
  EXPECT_EQ(fingerprint_of(resolved), fingerprint_of(a));
  a.dedupe_key = "key-1";
  EXPECT_EQ(fingerprint_of(a), "key-1");
  a.id = "am-fingerprint";
  EXPECT_EQ(fingerprint_of(a), "am-fingerprint");
  Alert other = resolved;
  other.subject = "cp2";
  EXPECT_NE(fingerprint_of(other), fingerprint_of(resolved));
}

TEST(AlertRecordSignal, StatusesMapToSignalsInAnyCase) {
  for (const char* s : {"resolved", "Resolved", "RECOVERED", "ok", "OK", "normal", "Normal"})
    EXPECT_EQ(signal_of_status(s), Signal::recovered) << s;
  for (const char* s : {"no_data", "NO_DATA", "nodata", "NoData"})
    EXPECT_EQ(signal_of_status(s), Signal::no_data) << s;
  for (const char* s : {"firing", "FAILED", "", "critical", "resolvedx", "not ok"})
    EXPECT_EQ(signal_of_status(s), Signal::abnormal) << s;
}

TEST(AlertRecordSignal, NamesReadBack) {
  for (const auto s : {Signal::abnormal, Signal::recovered, Signal::no_data, Signal::closed})
    EXPECT_EQ(signal_from_string(to_string(s)), s);
  EXPECT_EQ(to_string(Signal::no_data), "no_data");
  EXPECT_FALSE(signal_from_string("Abnormal"));
  EXPECT_FALSE(signal_from_string(""));
}

TEST(AlertRecordJson, TheStoredFormReadsBackWhole) {
  AlertRecord r = close(first("firing", 1000).record, 9000, "bob", "done \"quoted\"").record;
  r.recovered_ms = 7000;
  r.count = 42;
  r.alert.dedupe_key = "";  // kept as given, not as effective_dedupe_key()
  r.alert.at_mobiles = {"1380000"};
  r.alert.restart_index = 3;
  r.alert.labels["odd \"key\""] = "100% _sure_";
  const auto text = compact_json(*alert_record_to_json(r));
  const auto back =
      alert_record_from_json(*Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>());
  EXPECT_EQ(back.id, r.id);
  EXPECT_EQ(back.fingerprint, r.fingerprint);
  EXPECT_EQ(back.state, "closed");
  EXPECT_EQ(back.count, 42);
  EXPECT_EQ(back.first_ms, 1000);
  EXPECT_EQ(back.last_ms, 1000);
  EXPECT_EQ(back.recovered_ms, 7000);
  EXPECT_EQ(back.closed_ms, 9000);
  EXPECT_EQ(back.closed_by, "bob");
  EXPECT_EQ(back.close_reason, "done \"quoted\"");
  EXPECT_EQ(back.origin, "api");
  EXPECT_EQ(compact_json(*alert_to_json(back.alert)), compact_json(*alert_to_json(r.alert)));
  EXPECT_EQ(back.alert.dedupe_key, "");
}

TEST(AlertRecordJson, APluginAlertWithoutTextOrAKnownTypeReadsBack) {
  AlertRecord r = first("firing").record;
  r.alert.type = "flink_metric";
  r.alert.title = r.alert.subject = r.alert.message = "";
  const auto back = alert_record_from_json(*alert_record_to_json(r));
  EXPECT_EQ(back.alert.type, "flink_metric");
  EXPECT_EQ(back.alert.title, "");
}

TEST(AlertRecordJson, AnUnknownStateIsRefused) {
  auto json = alert_record_to_json(first("firing").record);
  json->set("state", "firing");
  EXPECT_THROW(alert_record_from_json(*json), std::invalid_argument);
}

}  // namespace
}  // namespace warden::host
