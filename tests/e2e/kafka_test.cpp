// Issue 19 on the real binary against a Kafka protocol broker (librdkafka's mock cluster in a
// process of its own): external tasks published through the outbox and read by a consumer group
// that reports back over the API, the broker down at create_task, a kill -9 with a thousand
// messages unpublished, two workers racing for one task, the timeout of an unclaimed task, the
// message_queue action and its circuit breaking, and the configuration an external service needs.
#include "tests/support/eventually.hpp"
#include "tests/support/kafka_peer.hpp"
#include "tests/support/serve_test.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <latch>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace warden::test {
namespace {
using namespace std::chrono_literals;

Poco::JSON::Object::Ptr parse(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// The value of the Prometheus line `series` (e.g. `name{label="x"}`), or -1 when absent.
double metric(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size() + 2));
}

const std::string kPending = R"(warden_outbox_messages{state="pending"})";
const std::string kFailed = R"(warden_outbox_messages{state="failed"})";
const std::string kSent = "warden_outbox_sent_total";
const std::string kOldest = "warden_outbox_oldest_pending_seconds";

/// Seed 004's message for a task of `aaa`: compact, keys in this order, `condition` as given
/// (compact, its keys in alphabetical order so that any JSON writer keeps them so).
std::string seed_004_value(const std::string& task_id, const std::string& condition) {
  return R"({"Task":{"task_id":")" + task_id +
         R"(","service":"aaa","source_name":"mongo","condition":)" + condition + "}}";
}

class Kafka : public ServeTest {
 protected:
  Kafka() : ServeTest("e2e-kafka-token") {}

  void SetUp() override {
    broker_.topic("mq_aaa", 3);
    broker_.topic("alerts", 1);
    configure(config());
  }

  enum class MqConf { string, list, none };

  /// `aaa` external on mq_aaa beside the bundled `test` solution; `mq_conf` names the mock broker
  /// in either of its spellings (or is left out).
  std::string config(MqConf mq_conf = MqConf::string) const {
    std::string yaml = "plugins_dir: " + std::string(WARDEN_STAGED_PLUGINS_DIR) +
                       "\nlog_level: warn\nservice: [test, aaa]\nsource_db:\n"
                       "  aaa: {source_name: mongo, topic_name: mq_aaa, consumer_id: c_aaa}\n";
    if (mq_conf == MqConf::string)
      yaml += "mq_conf:\n  bootstrap_servers: \"" + broker_.bootstrap() + "\"\n";
    if (mq_conf == MqConf::list) {
      yaml += "mq_conf:\n  bootstrap_servers:\n";
      std::stringstream servers(broker_.bootstrap());
      for (std::string server; std::getline(servers, server, ',');)
        yaml += "    - \"" + server + "\"\n";
    }
    return yaml;
  }

  ApiResponse post(const std::string& path, const std::string& body) const {
    return call("POST", path, body);
  }

  std::string create(const std::string& condition, const std::string& extra = "") const {
    auto r = post("/api/create_task",
                  R"({"data": {"service": "aaa", "condition": )" + condition + extra + "}}");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json && r.json->has("task_id") ? r.json->getValue<std::string>("task_id") : "";
  }

  /// update_status_task; `data` is JSON text, left out when empty (as are worker and message).
  ApiResponse update(const std::string& id, const std::string& status, const std::string& worker,
                     const std::string& message = "", const std::string& data = "") const {
    std::string body = R"({"data": {"task_id": ")" + id + R"(", "status": ")" + status + "\"";
    if (!worker.empty()) body += R"(, "worker": ")" + worker + "\"";
    if (!message.empty()) body += R"(, "message": ")" + message + "\"";
    if (!data.empty()) body += R"(, "data": )" + data;
    return post("/api/update_status_task", body + "}}");
  }

  std::string status_of(const std::string& id) const {
    auto r = post("/api/status_task", R"({"data": [{"task_id": ")" + id + R"("}]})");
    if (r.status != 200 || !r.json) return "(status_task answered " + r.body + ")";
    return r.json->getArray("status")->getObject(0)->getValue<std::string>("status");
  }

  Poco::JSON::Object::Ptr result_of(const std::string& id) const {
    auto r = post("/api/result_task", R"({"data": {"task_id": ")" + id + R"("}})");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json;
  }

  std::string metrics() const { return call("GET", "/metrics").body; }

  /// Reads until every id in `wanted` has arrived as a message's key or `limit` has passed;
  /// answers how many messages came with each key (others too).
  static std::map<std::string, int> consume_ids(KafkaConsumer& consumer,
                                                const std::set<std::string>& wanted,
                                                std::chrono::milliseconds limit) {
    std::map<std::string, int> seen;
    std::size_t missing = wanted.size();
    const auto until = std::chrono::steady_clock::now() + limit;
    while (missing > 0 && std::chrono::steady_clock::now() < until) {
      for (const auto& m : consumer.poll_messages(missing, 1s))
        if (++seen[m.key] == 1 && wanted.contains(m.key)) --missing;
    }
    return seen;
  }

  /// 1,000 tasks of `aaa` made by four clients at once; answers their ids (all must be made).
  std::set<std::string> create_thousand() {
    constexpr int kThreads = 4, kEach = 250;
    std::vector<std::vector<std::string>> made(kThreads);
    std::vector<std::thread> clients;
    for (int t = 0; t < kThreads; ++t)
      clients.emplace_back([&, t] {
        for (int i = 0; i < kEach; ++i) {
          auto r = call_api(warden_->port(), "POST", "/api/create_task", token_,
                            R"({"data": {"service": "aaa", "condition": {"t": )" +
                                std::to_string(t) + R"(, "i": )" + std::to_string(i) + "}}}");
          if (r.status == 200 && r.json && r.json->has("task_id"))
            made[t].push_back(r.json->getValue<std::string>("task_id"));
        }
      });
    for (auto& c : clients) c.join();
    std::set<std::string> ids;
    for (const auto& some : made) ids.insert(some.begin(), some.end());
    return ids;
  }

  /// After a restart: every id of `ids` must arrive on the topic; the copies beyond one are
  /// counted and printed (at least once allows them).
  void expect_all_published(const std::set<std::string>& ids, const std::string& what) {
    KafkaConsumer consumer(broker_.bootstrap(), "c_aaa", {"mq_aaa"});
    auto arrived = consume_ids(consumer, ids, 150s);
    // Late copies would still be on their way: a short look more, for the count.
    for (const auto& m : consumer.poll_messages(1000, 2s)) ++arrived[m.key];
    int missing = 0, duplicates = 0;
    for (const auto& id : ids) {
      const auto n = arrived.contains(id) ? arrived.at(id) : 0;
      missing += n == 0;
      duplicates += n > 1 ? n - 1 : 0;
    }
    EXPECT_EQ(missing, 0) << "messages lost\n" << warden_->log();
    RecordProperty("duplicates", duplicates);
    std::cout << "[kafka] after kill -9 " << what << ": " << duplicates
              << " duplicate message(s) (at least once allows them)\n";
  }

  KafkaMockBroker broker_;
};

TEST_F(Kafka, ConsumerGroupReadsAndReports) {
  configure(config(MqConf::list));
  start();
  std::map<std::string, int> number_of;
  std::map<std::string, std::string> condition_of;
  for (int i = 0; i < 20; ++i) {
    // Not ASCII on purpose: the value is UTF-8 bytes, not \u escapes.
    const auto condition = R"({"host":"db-)" + std::to_string(i) + R"(","n":)" + std::to_string(i) +
                           R"(,"note":"磁盘满"})";
    const auto id = create(condition);
    ASSERT_FALSE(id.empty());
    number_of[id] = i;
    condition_of[id] = condition;
  }
  EXPECT_EQ(status_of(number_of.begin()->first), "waiting");

  KafkaConsumer consumer(broker_.bootstrap(), "c_aaa", {"mq_aaa"});
  const auto messages = consumer.poll_messages(20, 120s);
  ASSERT_EQ(messages.size(), 20u) << consumer.last_error() << "\n" << warden_->log();
  std::set<std::string> keys;
  for (const auto& m : messages) {
    SCOPED_TRACE(m.key);
    ASSERT_TRUE(number_of.contains(m.key)) << "not a task of this test: " << m.value;
    keys.insert(m.key);
    EXPECT_EQ(m.topic, "mq_aaa");
    EXPECT_EQ(m.value, seed_004_value(m.key, condition_of[m.key]));
    for (const char* header :
         {"warden-outbox-id", "warden-host", "warden-generation", "warden-consumer-id"})
      EXPECT_TRUE(m.headers.contains(header)) << header;
    EXPECT_EQ(m.header("warden-consumer-id"), "c_aaa");
    // The outbox row's id: a UUIDv7, so ids sort by creation.
    EXPECT_TRUE(
        std::regex_match(m.header("warden-outbox-id"),
                         std::regex("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                    "[0-9a-f]{12}")))
        << m.header("warden-outbox-id");
    EXPECT_EQ(m.header("warden-generation"), "0");
  }
  EXPECT_EQ(keys.size(), 20u) << "a task's message came twice, another's not at all";
  EXPECT_TRUE(consumer.commit()) << consumer.last_error();

  for (const auto& m : messages) {
    const auto n = std::to_string(number_of[m.key]);
    auto r = update(m.key, "running", "w1", "working on " + n);
    EXPECT_EQ(r.status, 200) << r.body;
    r = update(m.key, "finished", "w1", "done " + n, R"({"answer": )" + n + "}");
    EXPECT_EQ(r.status, 200) << r.body;
  }

  for (const auto& [id, i] : number_of) {
    SCOPED_TRACE(id);
    auto result = result_of(id);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->getValue<std::string>("status"), "finished");
    ASSERT_TRUE(result->getObject("data")) << "no data";
    EXPECT_EQ(result->getObject("data")->getValue<int>("answer"), i);
    auto messages_by_status = result->getObject("status_message");
    ASSERT_TRUE(messages_by_status) << "no status_message";
    EXPECT_EQ(messages_by_status->getValue<std::string>("running"),
              "working on " + std::to_string(i));
    EXPECT_EQ(messages_by_status->getValue<std::string>("finished"), "done " + std::to_string(i));
  }

  auto listed = post("/api/tasks", R"({"service": "aaa", "p_size": 100})");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json->getValue<int>("total"), 20);
  auto entries = listed.json->getArray("data");
  ASSERT_EQ(entries->size(), 20u);
  for (std::size_t e = 0; e < entries->size(); ++e) {
    auto entry = entries->getObject(e);
    const auto id = entry->getValue<std::string>("task_id");
    SCOPED_TRACE(id);
    EXPECT_EQ(entry->optValue<std::string>("source_name", "(none)"), "mongo");
    EXPECT_EQ(entry->optValue<std::string>("worker", "(none)"), "w1");
    auto by_status = entry->getObject("status_message");
    ASSERT_TRUE(by_status) << "no status_message";
    EXPECT_EQ(by_status->getValue<std::string>("finished"),
              "done " + std::to_string(number_of[id]));
  }

  auto services = post("/api/service_task", "");
  ASSERT_EQ(services.status, 200) << services.body;
  std::set<std::string> names;
  for (const auto& s : *services.json->getArray("data")) names.insert(s.convert<std::string>());
  EXPECT_TRUE(names.contains("aaa") && names.contains("test")) << services.body;
  auto described = services.json->getArray("services");
  ASSERT_TRUE(described) << services.body;
  bool saw_aaa = false, saw_test = false;
  for (std::size_t s = 0; s < described->size(); ++s) {
    auto service = described->getObject(s);
    const auto name = service->getValue<std::string>("service");
    if (name == "aaa") {
      saw_aaa = true;
      EXPECT_TRUE(service->getValue<bool>("external"));
      EXPECT_EQ(service->getValue<std::string>("topic_name"), "mq_aaa");
      EXPECT_EQ(service->getValue<std::string>("source_name"), "mongo");
      EXPECT_EQ(service->getValue<std::string>("consumer_id"), "c_aaa");
    } else if (name == "test") {
      saw_test = true;
      EXPECT_FALSE(service->getValue<bool>("external"));
    }
  }
  EXPECT_TRUE(saw_aaa && saw_test) << services.body;
  // Nothing published twice, nothing left.
  EXPECT_TRUE(consumer.poll_messages(1, 2s).empty());
  // A row is marked sent on its delivery report, which may trail the consumer.
  EXPECT_TRUE(eventually([&] { return metric(metrics(), kPending) == 0; })) << metrics();
}

TEST_F(Kafka, BrokerDownAtCreate) {
  start();
  broker_.down();
  std::set<std::string> ids;
  auto slowest = 0ms;
  for (int i = 0; i < 50; ++i) {
    const auto began = std::chrono::steady_clock::now();
    const auto id = create(R"({"n":)" + std::to_string(i) + "}");
    slowest = std::max(slowest, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - began));
    ASSERT_FALSE(id.empty());
    ids.insert(id);
  }
  // librdkafka gives up on a message after 10 s: an answer that waited for the broker is slower.
  EXPECT_LT(slowest, 5s) << "create_task waited for the broker";
  ASSERT_EQ(ids.size(), 50u);

  std::string seen;
  EXPECT_TRUE(eventually([&] {
    seen = metrics();
    return metric(seen, kPending) > 0 && metric(seen, kOldest) > 0;
  })) << seen;
  EXPECT_EQ(metric(seen, kFailed), 0) << seen;
  // librdkafka holds a message 10 s before it reports it undelivered; then the relay retries.
  EXPECT_TRUE(eventually([&] {
    seen = metrics();
    return metric(seen, "warden_outbox_retries_total") > 0;
  })) << seen;

  broker_.up();
  KafkaConsumer consumer(broker_.bootstrap(), "c_aaa", {"mq_aaa"});
  const auto arrived = consume_ids(consumer, ids, 120s);
  for (const auto& id : ids) EXPECT_TRUE(arrived.contains(id)) << id << " never arrived";
  EXPECT_TRUE(eventually([&] {
    seen = metrics();
    return metric(seen, kPending) == 0 && metric(seen, kSent) >= 50 && metric(seen, kOldest) == 0;
  })) << seen;
  EXPECT_EQ(metric(seen, kFailed), 0) << seen;
}

TEST_F(Kafka, KilledWithThousandUnpublished) {
  start();
  broker_.down();
  const auto ids = create_thousand();
  ASSERT_EQ(ids.size(), 1000u);
  std::string seen;
  ASSERT_TRUE(eventually([&] {
    seen = metrics();
    return metric(seen, kPending) == 1000;
  })) << "not every message is waiting in the outbox\n"
      << seen;

  warden_->kill();
  broker_.up();
  start();
  expect_all_published(ids, "with 1000 unpublished");
  EXPECT_TRUE(eventually([&] {
    seen = metrics();
    return metric(seen, kPending) == 0;
  })) << seen;
}

TEST_F(Kafka, KilledWhilePublishingLosesNothing) {
  // The broker up: warden dies while messages are in flight or delivered but not yet marked
  // sent. Those are sent again after the restart (at least once); none is lost.
  start();
  const auto ids = create_thousand();
  warden_->kill();
  ASSERT_EQ(ids.size(), 1000u);
  start();
  expect_all_published(ids, "while publishing 1000");
}

TEST_F(Kafka, WithoutACrashEveryMessageComesOnce) {
  // The relay sends what was just committed at once and rescans the table for the rest: the two
  // must never both send a row (nor librdkafka's own retries: the producer is idempotent).
  start();
  const auto ids = create_thousand();
  ASSERT_EQ(ids.size(), 1000u);
  KafkaConsumer consumer(broker_.bootstrap(), "c_aaa", {"mq_aaa"});
  auto arrived = consume_ids(consumer, ids, 150s);
  // A rescan happens every second: long enough to see one that would send a row again.
  for (const auto& m : consumer.poll_messages(1000, 3s)) ++arrived[m.key];
  for (const auto& id : ids) EXPECT_EQ(arrived[id], 1) << id;
  EXPECT_TRUE(eventually([&] { return metric(metrics(), kPending) == 0; })) << metrics();
}

TEST_F(Kafka, AWorkersResultIsAnyJsonValue) {
  start();
  for (const std::string data :
       {R"("text \u4e2d \"quoted\"")", "[1, {\"a\": null}]", "42", "true"}) {
    SCOPED_TRACE(data);
    const auto id = create(R"({"k": 1})");
    ASSERT_EQ(update(id, "finished", "w1", "done", data).status, 200);
    const auto result = result_of(id);
    ASSERT_TRUE(result);
    // In a list each side: Poco neither reads nor writes a bare scalar as JSON text.
    Poco::JSON::Array back;
    back.add(result->get("data"));
    std::ostringstream got, expected;
    back.stringify(got);
    Poco::JSON::Stringifier::condense(Poco::JSON::Parser().parse("[" + data + "]"), expected);
    EXPECT_EQ(got.str(), expected.str());
  }
}

TEST_F(Kafka, TwoWorkersRace) {
  start();
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE(round);
    const auto id = create(R"({"round":)" + std::to_string(round) + "}");
    ASSERT_FALSE(id.empty());
    std::map<std::string, ApiResponse> answers;
    std::latch go(2);
    std::mutex mutex;
    std::vector<std::thread> workers;
    for (const std::string worker : {"w1", "w2"})
      workers.emplace_back([&, worker] {
        go.arrive_and_wait();
        auto r = update(id, "running", worker, "claimed by " + worker);
        std::lock_guard lock(mutex);
        answers[worker] = std::move(r);
      });
    for (auto& w : workers) w.join();
    const int w1 = answers["w1"].status, w2 = answers["w2"].status;
    ASSERT_TRUE((w1 == 200 && w2 == 409) || (w1 == 409 && w2 == 200))
        << "w1: " << answers["w1"].body << "\nw2: " << answers["w2"].body;
    const std::string winner = w1 == 200 ? "w1" : "w2", loser = w1 == 200 ? "w2" : "w1";
    const auto& refusal = answers[loser];
    ASSERT_TRUE(refusal.json) << refusal.body;
    EXPECT_EQ(refusal.json->getValue<std::string>("result"), "exception");
    EXPECT_TRUE(contains(refusal.json->getValue<std::string>("message"),
                         "owned by worker \"" + winner + "\""))
        << refusal.body;

    // The owner's message delivered again: harmless.
    auto r = update(id, "running", winner, "claimed by " + winner);
    EXPECT_EQ(r.status, 200) << r.body;
    r = update(id, "finished", loser, "mine", R"({"by": ")" + loser + "\"}");
    EXPECT_EQ(r.status, 409) << r.body;
    r = update(id, "finished", winner, "done", R"({"by": ")" + winner + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    auto result = result_of(id);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->getValue<std::string>("status"), "finished");
    EXPECT_EQ(result->getObject("data")->getValue<std::string>("by"), winner);
  }
}

TEST_F(Kafka, ExternalTaskTimesOut) {
  start();
  const auto id = create(R"({"n":1})", R"(, "timeout": 1)");
  ASSERT_FALSE(id.empty());
  const auto unbounded = create(R"({"n":2})");
  std::string status;
  EXPECT_TRUE(eventually([&] { return (status = status_of(id)) == "failed"; })) << status;
  auto result = result_of(id);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->getValue<std::string>("status"), "failed");
  EXPECT_EQ(result->optValue<std::string>("failure_type", ""), "timeout")
      << result->getValue<std::string>("message");
  // The other has the default hour.
  EXPECT_EQ(status_of(unbounded), "waiting");
}

TEST_F(Kafka, MessageQueueAction) {
  start();
  auto r = call("PUT", "/api/policies/mq",
                R"({"match": [{"field": "labels.env", "op": "eq", "value": "production"}],
                    "actions": [{"kind": "message_queue", "topic": "alerts"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  KafkaConsumer consumer(broker_.bootstrap(), "g_alerts", {"alerts"});

  const auto fire = [&](const std::string& id) {
    auto fired =
        call("POST", "/api/alerts",
             R"({"alert": {"title": "disk full on )" + id + R"(", "source": "node", "id": ")" + id +
                 R"(", "status": "firing", "labels": {"env": "production"}}})");
    EXPECT_EQ(fired.status, 200) << fired.body;
    std::pair<std::string, std::vector<std::string>> out;
    if (fired.status != 200 || !fired.json->has("alert")) return out;
    auto alert = fired.json->getObject("alert");
    out.first = alert->getValue<std::string>("id");
    auto actions = alert->getArray("actions");
    for (std::size_t i = 0; i < actions->size(); ++i)
      out.second.push_back(actions->getElement<std::string>(i));
    return out;
  };
  const auto action_status = [&](const std::string& id) {
    auto a = call("GET", "/api/actions/" + id);
    return a.status == 200 ? a.json->getObject("data")->getValue<std::string>("status") : a.body;
  };

  const auto [record, actions] = fire("mq-1");
  ASSERT_EQ(actions.size(), 1u);
  const auto messages = consumer.poll_messages(1, 120s);
  ASSERT_EQ(messages.size(), 1u) << consumer.last_error() << "\n"
                                 << action_status(actions[0]) << "\n"
                                 << warden_->log();
  const auto& m = messages[0];
  EXPECT_EQ(m.topic, "alerts");
  auto value = parse(m.value);
  // The alert as GET /api/alerts shows it: its record, the alert inside.
  auto alert = value->has("alert") ? value->getObject("alert") : value;
  EXPECT_EQ(alert->getValue<std::string>("title"), "disk full on mq-1") << m.value;
  EXPECT_EQ(value->getValue<std::string>("id"), m.key) << m.value;
  EXPECT_TRUE(m.key == record || m.key == "mq-1") << m.key;
  EXPECT_EQ(m.header("warden-policy"), "mq");
  EXPECT_EQ(m.header("warden-action-id"), actions[0]);
  EXPECT_EQ(m.header("warden-signal"), "abnormal");
  EXPECT_FALSE(m.header("warden-outbox-id").empty());
  EXPECT_FALSE(m.header("warden-host").empty());
  EXPECT_TRUE(eventually([&] { return action_status(actions[0]) == "success"; }))
      << action_status(actions[0]);

  r = call("POST", "/api/circuit_breaking/rules",
           R"({"id": "mq_storm", "module": "action", "description": "alert storm",
               "conditions": [{"key": "policy", "method": "eq", "values": ["mq"]}]})");
  ASSERT_TRUE(r.status == 200 || r.status == 201) << r.body;
  const auto blocked = fire("mq-2").second;
  ASSERT_EQ(blocked.size(), 1u);
  EXPECT_TRUE(eventually([&] { return action_status(blocked[0]) == "blocked"; }))
      << action_status(blocked[0]);
  const auto more = consumer.poll_messages(1, 5s);
  EXPECT_TRUE(more.empty()) << "a blocked action published: " << more[0].value;
}

TEST_F(Kafka, AnExternalServiceWithoutMqConfIsAConfigError) {
  configure(config(MqConf::none));
  launch();
  ASSERT_FALSE(warden_->wait_until_serving(60s)) << "warden served without mq_conf";
  ASSERT_TRUE(warden_->wait_for_exit(60s)) << "warden neither served nor stopped";
  EXPECT_NE(warden_->exit_code(), 0);
  const auto said = warden_->log() + warden_->out();
  EXPECT_TRUE(contains(said, "source_db")) << said;
}

TEST(KafkaPeer, BrokerRoundTrip) {
  KafkaMockBroker broker;
  EXPECT_FALSE(broker.bootstrap().empty());
  broker.topic("peer", 2);
  EXPECT_THROW(broker.topic("peer_bad", 0), std::runtime_error);

  KafkaConsumer consumer(broker.bootstrap(), "g_peer", {"peer"});
  ASSERT_EQ(produce_one(broker.bootstrap(), "peer", "k1", "{\"v\":\"磁盘\"}",
                        {{"warden-host", "h1"}, {"x", "y"}}),
            "");
  auto got = consumer.poll_messages(1, 60s);
  ASSERT_EQ(got.size(), 1u) << consumer.last_error();
  EXPECT_EQ(got[0].topic, "peer");
  EXPECT_EQ(got[0].key, "k1");
  EXPECT_EQ(got[0].value, "{\"v\":\"磁盘\"}");
  EXPECT_EQ(got[0].header("warden-host"), "h1");
  EXPECT_EQ(got[0].header("x"), "y");
  EXPECT_EQ(got[0].header("absent"), "");
  EXPECT_TRUE(got[0].partition == 0 || got[0].partition == 1) << got[0].partition;
  EXPECT_EQ(got[0].offset, 0);
  EXPECT_TRUE(consumer.commit()) << consumer.last_error();

  broker.down();
  EXPECT_NE(produce_one(broker.bootstrap(), "peer", "k2", "lost", {}, 3s), "")
      << "delivered to a broker that is down";
  broker.up();
  ASSERT_EQ(produce_one(broker.bootstrap(), "peer", "k3", "after", {}, 60s), "");
  got = consumer.poll_messages(1, 60s);
  ASSERT_EQ(got.size(), 1u) << consumer.last_error();
  EXPECT_EQ(got[0].key, "k3");
  EXPECT_EQ(got[0].value, "after");
}

}  // namespace
}  // namespace warden::test
