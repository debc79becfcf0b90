// GET /api/alerts, GET /api/alerts/{id} and POST /api/alerts/{id}/close through the router, over
// a real store and a fake automation engine: the answers' shapes, every bad query parameter and
// body field named at once, and the alert intake's routes left where they are.
#include "host/http/alert_record_routes.hpp"

#include "host/automation/action_engine.hpp"
#include "host/automation/alert_record_store.hpp"
#include "host/runtime/iso_time.hpp"
#include "host/store/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/Data/Transaction.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace warden::host::http {
namespace {

/// The engine as the routes see it: open records in memory, actions handed out by alert id.
class FakeAutomation : public AutomationApi {
 public:
  std::map<std::string, AlertRecord> open;
  std::map<std::string, std::vector<ActionRecord>> actions;
  std::vector<std::string> closes;  ///< "id|by|reason"

  Ingested ingest(const Alert&, const std::string&) override { return {}; }
  AlertRecord close_alert(const std::string& id, const std::string& by,
                          const std::string& reason) override {
    closes.push_back(id + "|" + by + "|" + reason);
    const auto found = open.find(id);
    if (found == open.end())
      throw RequestError(RequestError::Kind::not_found, "unknown alert record \"" + id + "\"");
    auto closed = close(found->second, 9000, by, reason).record;
    open.erase(found);
    return closed;
  }
  std::optional<AlertRecord> find_alert(const std::string& id) override {
    const auto found = open.find(id);
    if (found == open.end()) return std::nullopt;
    return found->second;
  }
  std::vector<ActionRecord> actions_of_alert(const std::string& alert_id) override {
    return actions[alert_id];
  }
  ActionPage list_actions(const ActionQuery&) override { return {}; }
  std::optional<ActionRecord> find_action(const std::string&) override { return std::nullopt; }
  ActionRecord retry(const std::string&, const std::string&) override { return {}; }
  ActionRecord skip(const std::string&, const std::string&, const std::string&) override {
    return {};
  }
  ActionRecord approve(const std::string&, const std::string&, const std::string&) override {
    return {};
  }
  ActionRecord reject(const std::string&, const std::string&, const std::string&) override {
    return {};
  }
  std::vector<std::string> replay_blocked(const std::string&) override { return {}; }
};

AlertRecord record(const std::string& id, const std::string& state, std::int64_t last_ms,
                   const std::map<std::string, std::string>& labels = {}) {
  AlertRecord r;
  r.id = id;
  r.fingerprint = "fp-" + id;
  r.state = state;
  r.alert.title = "alert " + id;
  r.alert.source = "prometheus";
  r.alert.status = state == "recovered" ? "resolved" : "firing";
  r.alert.labels = labels;
  r.count = 3;
  r.first_ms = last_ms - 1000;
  r.last_ms = last_ms;
  r.origin = "alertmanager";
  return r;
}

struct Reply {
  int status = 0;
  Poco::JSON::Object::Ptr body;
};

class HttpAlertRecordRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    // The alert intake's routes, as add_alert_routes registers them.
    router_.add("POST", "/api/alerts", [](const Request&) { return stub("intake"); });
    router_.add("POST", "/api/alerts/alertmanager",
                [](const Request&) { return stub("alertmanager"); });
    add_alert_record_routes(router_, api_, db_);
  }

  static Response stub(const std::string& name) {
    auto body = ok();
    body->set("route", name);
    return Response::json(body);
  }

  void store(const std::vector<AlertRecord>& records) {
    auto session = db_.session();
    Poco::Data::Transaction tx(session);
    upsert_alert_records(session, records);
    tx.commit();
  }

  Reply call(const std::string& method, const std::string& target, const std::string& body = "") {
    Request request;
    request.method = method;
    request.set_target(target);
    request.body = body;
    const auto response = router_.dispatch(request);
    return {response.status,
            Poco::JSON::Parser().parse(response.body).extract<Poco::JSON::Object::Ptr>()};
  }

  std::vector<std::string> listed(const std::string& target) {
    const auto reply = call("GET", target);
    EXPECT_EQ(reply.status, 200) << target;
    std::vector<std::string> ids;
    if (reply.status != 200) return ids;
    const auto items = reply.body->getObject("data")->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i)
      ids.push_back(items->getObject(i)->getValue<std::string>("id"));
    return ids;
  }

  static std::string errors_of(const Reply& reply) {
    std::string out;
    const auto errors = reply.body->getObject("errors");
    if (!errors) return out;
    for (const auto& [name, _] : *errors) out += name + ";";
    return out;
  }

  test::TempDir dir_;
  Database db_{"sqlite:" + (dir_.path() / "a.db").string()};
  FakeAutomation api_;
  Router router_;
};

TEST_F(HttpAlertRecordRoutes, ListAnswersTotalAndItemsNewestFirst) {
  auto first = record("al_1", "recovered", 1'700'000'000'000, {{"env", "prod"}});
  first.recovered_ms = 1'700'000'000'500;
  store({first, record("al_2", "abnormal", 1'700'000'100'000, {{"env", "dev"}}),
         record("al_3", "closed", 1'700'000'200'000)});
  const auto reply = call("GET", "/api/alerts");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body->getValue<std::string>("result"), "ok");
  const auto data = reply.body->getObject("data");
  EXPECT_EQ(data->getValue<int>("total"), 3);
  const auto items = data->getArray("items");
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("id"), "al_3");
  const auto one = items->getObject(2);
  EXPECT_EQ(one->getValue<std::string>("id"), "al_1");
  EXPECT_EQ(one->getValue<std::string>("fingerprint"), "fp-al_1");
  EXPECT_EQ(one->getValue<std::string>("state"), "recovered");
  EXPECT_EQ(one->getValue<int>("count"), 3);
  EXPECT_EQ(one->getValue<std::string>("first_seen"), iso8601(1'699'999'999'000));
  EXPECT_EQ(one->getValue<std::string>("last_seen"), iso8601(1'700'000'000'000));
  EXPECT_EQ(one->getValue<std::string>("recovered_at"), iso8601(1'700'000'000'500));
  EXPECT_TRUE(one->isNull("closed_at"));
  EXPECT_EQ(one->getValue<std::string>("closed_by"), "");
  EXPECT_EQ(one->getValue<std::string>("close_reason"), "");
  EXPECT_EQ(one->getValue<std::string>("origin"), "alertmanager");
  const auto alert = one->getObject("alert");
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->getValue<std::string>("title"), "alert al_1");
  EXPECT_EQ(alert->getObject("labels")->getValue<std::string>("env"), "prod");
}

TEST_F(HttpAlertRecordRoutes, ListFiltersByEveryQueryParameter) {
  store({record("al_1", "abnormal", 1'700'000'000'000, {{"env", "prod"}}),
         record("al_2", "recovered", 1'700'000'100'000, {{"env", "prod=1&x"}}),
         record("al_3", "abnormal", 1'700'000'200'000, {{"env", "dev"}})});
  EXPECT_EQ(listed("/api/alerts?state=abnormal"), (std::vector<std::string>{"al_3", "al_1"}));
  EXPECT_EQ(listed("/api/alerts?source=prometheus").size(), 3u);
  EXPECT_TRUE(listed("/api/alerts?source=flink").empty());
  EXPECT_EQ(listed("/api/alerts?label=env=prod"), std::vector<std::string>{"al_1"});
  EXPECT_EQ(listed("/api/alerts?label=env%3Dprod%3D1%26x"), std::vector<std::string>{"al_2"});
  // `+` in a query reads as a space: the offset's sign is percent-encoded.
  const auto at = [](std::int64_t ms) {
    auto text = iso8601(ms);
    return text.replace(text.find('+'), 1, "%2B");
  };
  EXPECT_EQ(listed("/api/alerts?from=" + at(1'700'000'100'000)),
            (std::vector<std::string>{"al_3", "al_2"}));
  EXPECT_EQ(listed("/api/alerts?to=" + at(1'700'000'100'000)),
            (std::vector<std::string>{"al_2", "al_1"}));
  EXPECT_EQ(listed("/api/alerts?from=2023-11-14T22:13:20Z&to=2023-11-14T22:15:00Z"),
            (std::vector<std::string>{"al_2", "al_1"}));
  EXPECT_EQ(listed("/api/alerts?limit=1&offset=1"), std::vector<std::string>{"al_2"});
  const auto page = call("GET", "/api/alerts?limit=1");
  EXPECT_EQ(page.body->getObject("data")->getValue<int>("total"), 3);
  EXPECT_EQ(page.body->getObject("data")->getArray("items")->size(), 1u);
}

TEST_F(HttpAlertRecordRoutes, BadQueryParametersAreNamedAllAtOnce) {
  const auto one = call("GET", "/api/alerts?limit=501");
  EXPECT_EQ(one.status, 400);
  EXPECT_EQ(one.body->getValue<std::string>("result"), "exception");
  EXPECT_NE(one.body->getValue<std::string>("message").find("\"limit\""), std::string::npos)
      << one.body->getValue<std::string>("message");
  EXPECT_EQ(errors_of(one), "limit;");

  const auto many = call("GET",
                         "/api/alerts?state=firing&label=novalue&from=yesterday&to=2026-13-01T00:"
                         "00:00Z&limit=0&offset=-1&colour=red");
  EXPECT_EQ(many.status, 400);
  EXPECT_EQ(errors_of(many), "colour;from;label;limit;offset;state;to;");

  EXPECT_EQ(errors_of(call("GET", "/api/alerts?label==v")), "label;");
  EXPECT_EQ(errors_of(call("GET", "/api/alerts?label=a=1&label=b=2")), "label;");
  EXPECT_EQ(errors_of(call("GET", "/api/alerts?limit=abc")), "limit;");
  EXPECT_EQ(errors_of(call("GET", "/api/alerts?limit=99999999999999999999999")), "limit;");
  EXPECT_EQ(errors_of(call("GET", "/api/alerts?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z")),
            "to;");
  EXPECT_EQ(call("GET", "/api/alerts?limit=500").status, 200);
  EXPECT_EQ(call("GET", "/api/alerts?state=no_data").status, 200);
  const auto huge = call("GET", "/api/alerts?state=" + std::string(100'000, 'x'));
  EXPECT_EQ(huge.status, 400);
  EXPECT_LT(huge.body->getValue<std::string>("message").size(), 200u);  // not echoed
  const auto long_name = call("GET", "/api/alerts?" + std::string(5000, 'n') + "=1");
  EXPECT_EQ(long_name.status, 400);
  EXPECT_LT(long_name.body->getObject("errors")->begin()->first.size(), 100u);
}

TEST_F(HttpAlertRecordRoutes, OneRecordComesFromTheEngineOrElseTheStoreWithItsActions) {
  api_.open["al_open"] = record("al_open", "abnormal", 1'700'000'000'000);
  store({record("al_open", "abnormal", 1'600'000'000'000), record("al_old", "closed", 5000)});
  ActionRecord action;
  action.id = "ac_1";
  action.policy = "disk";
  action.action_index = 1;
  action.alert_id = "al_open";
  action.alert_ids = {"al_open", "al_other"};
  action.kind = "notice";
  action.signal = "abnormal";
  action.status = "success";
  action.spec = new Poco::JSON::Object;
  action.spec->set("kind", "notice");
  action.attempts = 2;
  action.repeats = 1;
  action.created_ms = 1'700'000'000'000;
  action.ended_ms = 1'700'000'001'000;
  action.task_id = "ts_x";
  action.notice_ids = {"nt_1"};
  action.message = "sent";
  action.approval = "approved";
  action.decided_by = "alice";
  action.decision_reason = "go";
  action.log = {{1'700'000'000'000, "created", "matched"}, {1'700'000'001'000, "success", "ok"}};
  api_.actions["al_open"] = {action};

  const auto reply = call("GET", "/api/alerts/al_open");
  ASSERT_EQ(reply.status, 200);
  const auto data = reply.body->getObject("data");
  EXPECT_EQ(data->getValue<std::string>("last_seen"), iso8601(1'700'000'000'000));  // the engine's
  const auto actions = data->getArray("actions");
  ASSERT_EQ(actions->size(), 1u);
  const auto a = actions->getObject(0);
  EXPECT_EQ(a->getValue<std::string>("id"), "ac_1");
  EXPECT_EQ(a->getValue<std::string>("policy"), "disk");
  EXPECT_EQ(a->getValue<int>("action_index"), 1);
  EXPECT_EQ(a->getValue<std::string>("alert_id"), "al_open");
  EXPECT_EQ(a->getArray("alert_ids")->size(), 2u);
  EXPECT_EQ(a->getValue<std::string>("kind"), "notice");
  EXPECT_EQ(a->getValue<std::string>("signal"), "abnormal");
  EXPECT_EQ(a->getValue<std::string>("status"), "success");
  EXPECT_EQ(a->getObject("spec")->getValue<std::string>("kind"), "notice");
  EXPECT_EQ(a->getValue<int>("attempts"), 2);
  EXPECT_EQ(a->getValue<int>("repeats"), 1);
  EXPECT_EQ(a->getValue<std::string>("created_at"), iso8601(1'700'000'000'000));
  EXPECT_EQ(a->getValue<std::string>("ended_at"), iso8601(1'700'000'001'000));
  EXPECT_TRUE(a->isNull("started_at"));
  EXPECT_TRUE(a->isNull("due_at"));
  EXPECT_TRUE(a->isNull("deadline_at"));
  EXPECT_TRUE(a->isNull("updated_at"));
  EXPECT_EQ(a->getValue<std::string>("group_key"), "");
  EXPECT_EQ(a->getValue<std::string>("task_id"), "ts_x");
  EXPECT_EQ(a->getArray("notice_ids")->getElement<std::string>(0), "nt_1");
  EXPECT_EQ(a->getValue<std::string>("message"), "sent");
  EXPECT_EQ(a->getValue<std::string>("blocked_by"), "");
  EXPECT_EQ(a->getValue<std::string>("approval"), "approved");
  EXPECT_EQ(a->getValue<std::string>("decided_by"), "alice");
  EXPECT_EQ(a->getValue<std::string>("decision_reason"), "go");
  const auto log = a->getArray("log");
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ(log->getObject(1)->getValue<std::string>("at"), iso8601(1'700'000'001'000));
  EXPECT_EQ(log->getObject(1)->getValue<std::string>("event"), "success");
  EXPECT_EQ(log->getObject(1)->getValue<std::string>("message"), "ok");

  const auto old = call("GET", "/api/alerts/al_old");
  ASSERT_EQ(old.status, 200);
  EXPECT_EQ(old.body->getObject("data")->getValue<std::string>("state"), "closed");
  EXPECT_EQ(old.body->getObject("data")->getArray("actions")->size(), 0u);

  EXPECT_EQ(call("GET", "/api/alerts/al_missing").status, 404);
}

TEST_F(HttpAlertRecordRoutes, CloseTakesAnOptionalByAndReason) {
  api_.open["al_a"] = record("al_a", "abnormal", 1000);
  api_.open["al_b"] = record("al_b", "abnormal", 1000);
  const auto reply =
      call("POST", "/api/alerts/al_a/close", R"({"by": "alice", "reason": "known issue"})");
  ASSERT_EQ(reply.status, 200);
  const auto data = reply.body->getObject("data");
  EXPECT_EQ(data->getValue<std::string>("state"), "closed");
  EXPECT_EQ(data->getValue<std::string>("closed_by"), "alice");
  EXPECT_EQ(data->getValue<std::string>("close_reason"), "known issue");
  EXPECT_EQ(data->getValue<std::string>("closed_at"), iso8601(9000));

  EXPECT_EQ(call("POST", "/api/alerts/al_b/close").status, 200);  // no body at all
  EXPECT_EQ(api_.closes, (std::vector<std::string>{"al_a|alice|known issue", "al_b||"}));
  EXPECT_EQ(call("POST", "/api/alerts/al_a/close", "{}").status, 404);  // the engine's answer
}

TEST_F(HttpAlertRecordRoutes, BadCloseBodiesAreRefusedWithEveryField) {
  api_.open["al_a"] = record("al_a", "abnormal", 1000);
  const auto bad = call("POST", "/api/alerts/al_a/close",
                        R"({"by": 7, "reason": ")" + std::string(257, 'r') + R"(", "why": "x"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(errors_of(bad), "by;reason;why;");
  EXPECT_EQ(call("POST", "/api/alerts/al_a/close", "[1]").status, 400);
  EXPECT_EQ(call("POST", "/api/alerts/al_a/close", "{not json").status, 400);
  // 256 characters of two bytes each are within the limit.
  std::string umlauts;
  for (int i = 0; i < 256; ++i) umlauts += "ü";
  EXPECT_EQ(call("POST", "/api/alerts/al_a/close", R"({"reason": ")" + umlauts + "\"}").status,
            200);
  EXPECT_EQ(api_.closes.size(), 1u);  // the refused ones never reached the engine
}

TEST_F(HttpAlertRecordRoutes, TheIntakeRoutesStayApartFromOneRecordsRoutes) {
  EXPECT_EQ(call("POST", "/api/alerts/alertmanager").body->getValue<std::string>("route"),
            "alertmanager");
  EXPECT_EQ(call("POST", "/api/alerts").body->getValue<std::string>("route"), "intake");
  // POST /api/alerts/{id} is no route: an id is closed at /api/alerts/{id}/close.
  EXPECT_EQ(call("POST", "/api/alerts/al_x").status, 405);
  EXPECT_EQ(call("POST", "/api/alerts/alertmanager/close").status, 404);  // the engine's 404
  EXPECT_EQ(api_.closes, std::vector<std::string>{"alertmanager||"});
  EXPECT_EQ(call("GET", "/api/alerts/alertmanager").status, 404);  // no record of that id
  EXPECT_EQ(call("DELETE", "/api/alerts/al_x/close").status, 405);
}

}  // namespace
}  // namespace warden::host::http
