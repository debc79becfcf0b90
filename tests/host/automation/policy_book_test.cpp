// The policy book over a real SQLite file: checks on save (each action by its kind, with the sample
// alert), order, the stored form across a reopened database, matching from the snapshot.
#include "host/automation/policy_book.hpp"

#include "host/automation/sample_alert.hpp"
#include "host/store/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <warden/json_value.hpp>

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

/// A kind that refuses a `bad` param and a `{{title}}`-less `text`, and remembers the sample.
class FakeKind : public ActionKind {
 public:
  explicit FakeKind(std::shared_ptr<std::vector<Alert>> samples, std::string name = "fake")
      : samples_(std::move(samples)), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  void check(const Poco::JSON::Object& params, const Alert& sample, const std::string& place,
             std::map<std::string, std::string>& errors) const override {
    samples_->push_back(sample);
    if (params.has("bad")) errors[place + ".bad"] = "is bad";
    if (params.has("boom")) throw std::runtime_error("kaboom");
  }
  ActionAttempt run(const ActionInput&) const noexcept override { return {}; }

 private:
  std::shared_ptr<std::vector<Alert>> samples_;
  std::string name_;
};

class PolicyBookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kinds.add(std::make_unique<FakeKind>(samples));
    open();
  }

  /// (Re)opens the database and the book, as a restart does.
  void open() {
    book.reset();
    database = std::make_unique<Database>("sqlite:" + (dir.path() / "warden.db").string());
    book = std::make_unique<PolicyBook>(
        *database, kinds, [this](const std::string& name) { return channels.contains(name); });
  }

  StoredPolicy put(const std::string& name, const std::string& body) {
    try {
      return book->put(name, *parse(body));
    } catch (const RequestError& e) {
      std::string errors;
      for (const auto& [k, v] : e.errors()) errors += k + ": " + v + "\n";
      ADD_FAILURE() << e.what() << "\n" << errors;
      return {};
    }
  }

  std::map<std::string, std::string> refusal(const std::string& name, const std::string& body,
                                             std::string* message = nullptr) {
    try {
      book->put(name, *parse(body));
    } catch (const RequestError& e) {
      EXPECT_EQ(e.kind(), RequestError::Kind::invalid);
      if (message) *message = e.what();
      return e.errors();
    }
    ADD_FAILURE() << "accepted: " << body;
    return {};
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& stored : book->list()) out.push_back(stored.policy->name);
    return out;
  }

  test::TempDir dir;
  std::shared_ptr<std::vector<Alert>> samples = std::make_shared<std::vector<Alert>>();
  ActionKinds kinds;
  std::set<std::string> channels{"oncall"};
  std::unique_ptr<Database> database;
  std::unique_ptr<PolicyBook> book;
};

TEST(ActionKinds, AddFindNames) {
  ActionKinds kinds;
  EXPECT_TRUE(kinds.names().empty());
  EXPECT_EQ(kinds.find("fake"), nullptr);
  auto samples = std::make_shared<std::vector<Alert>>();
  kinds.add(std::make_unique<FakeKind>(samples));
  ASSERT_NE(kinds.find("fake"), nullptr);
  EXPECT_EQ(kinds.find("fake")->name(), "fake");
  EXPECT_EQ(kinds.names(), std::vector<std::string>{"fake"});
  EXPECT_THROW(kinds.add(std::make_unique<FakeKind>(samples)), std::logic_error);
}

TEST(SampleAlert, EveryFieldAndSomeLabelsAreSet) {
  const auto alert = sample_alert();
  const auto json = alert.to_json();
  for (const auto& [name, value] : *json) {
    if (value.isString()) {
      EXPECT_FALSE(value.extract<std::string>().empty()) << name;
    } else if (value.isBoolean()) {
      EXPECT_TRUE(value.extract<bool>()) << name;
    } else if (value.isInteger()) {
      EXPECT_NE(value.convert<std::int64_t>(), 0) << name;
    }
  }
  EXPECT_GE(alert.labels.size(), 3u);
  EXPECT_FALSE(alert.at_mobiles.empty());
  const auto data = sample_action_data();
  for (const auto* key : {"signal", "policy", "action_id", "alert_id", "repeat", "label_list"})
    EXPECT_TRUE(data->has(key)) << key;
}

TEST_F(PolicyBookTest, StoredAndReadBackAfterAReopen) {
  const auto saved = put("disk-full", R"({"order": 5, "description": "disk",
      "match": [{"field": "labels.env", "op": "regex", "value": "prod.*"}],
      "signals": ["abnormal", "recovered"], "continue": true, "approval_channels": ["oncall"],
      "defense": {"max_actions": 3, "window": 120},
      "actions": [{"kind": "fake", "text": "{{title}}", "timeout": 30, "retries": 2}]})");
  ASSERT_TRUE(saved.policy);
  EXPECT_GT(saved.updated_ms, 0);
  const auto text = compact_json(*policy_to_json(*saved.policy));

  open();
  const auto again = book->get("disk-full");
  ASSERT_TRUE(again);
  EXPECT_EQ(compact_json(*policy_to_json(*again->policy)), text);
  EXPECT_EQ(again->updated_ms, saved.updated_ms);
  ASSERT_EQ(again->policy->match.size(), 1u);
  EXPECT_NE(again->policy->match[0].regex, nullptr);  // compiled again when read

  Alert alert;
  alert.labels = {{"env", "production"}};
  EXPECT_EQ(book->match(alert, Signal::recovered).size(), 1u);
  alert.labels = {{"env", "staging"}};
  EXPECT_TRUE(book->match(alert, Signal::recovered).empty());

  EXPECT_TRUE(book->remove("disk-full"));
  EXPECT_FALSE(book->remove("disk-full"));
  EXPECT_FALSE(book->get("disk-full"));
  open();
  EXPECT_TRUE(book->list().empty());
}

TEST_F(PolicyBookTest, ListedAndMatchedByOrderThenName) {
  put("c", R"({"order": 1, "continue": true})");
  put("a", R"({"order": 2, "continue": true})");
  put("b", R"({"order": 1, "continue": true})");
  put("z", R"({"order": -7, "continue": true})");
  EXPECT_EQ(names(), (std::vector<std::string>{"z", "b", "c", "a"}));
  put("a", R"({"order": -8, "continue": true})");  // replaced: moves, not doubled
  EXPECT_EQ(names(), (std::vector<std::string>{"a", "z", "b", "c"}));
  std::vector<std::string> matched;
  for (const auto& policy : book->match(Alert{}, Signal::abnormal)) matched.push_back(policy->name);
  EXPECT_EQ(matched, names());
  open();
  EXPECT_EQ(names(), (std::vector<std::string>{"a", "z", "b", "c"}));
}

TEST_F(PolicyBookTest, EachActionIsCheckedByItsKindWithTheSampleAlert) {
  std::string message;
  const auto errors = refusal("p", R"({"order": "first",
      "approval_channels": ["oncall", "nobody"],
      "actions": [{"kind": "fake"}, {"kind": "fake", "bad": 1}, {"kind": "teleport"},
                  {"kind": "fake", "boom": true}, {"kind": "fake", "retries": 99}]})",
                              &message);
  EXPECT_EQ(message, "invalid policy \"p\"");
  EXPECT_EQ(errors.size(), 6u);
  EXPECT_TRUE(errors.contains("order"));
  EXPECT_TRUE(errors.contains("approval_channels[1]"));
  EXPECT_EQ(errors.at("actions[1].bad"), "is bad");
  EXPECT_EQ(errors.at("actions[2].kind"), "unknown action kind \"teleport\" (known: fake)");
  EXPECT_EQ(errors.at("actions[3]"), "could not be checked: kaboom");
  EXPECT_TRUE(errors.contains("actions[4].retries"));
  ASSERT_FALSE(samples->empty());
  EXPECT_FALSE(samples->front().title.empty());
  EXPECT_FALSE(samples->front().labels.empty());
  EXPECT_FALSE(book->get("p"));  // nothing stored
  open();
  EXPECT_TRUE(book->list().empty());
}

TEST_F(PolicyBookTest, ApprovalChannelsMustBeConfigured) {
  auto errors = refusal("p", R"({"approval_channels": ["pager"]})");
  EXPECT_EQ(errors.at("approval_channels[0]"), "unknown channel instance \"pager\"");
  channels.insert("pager");
  put("p", R"({"approval_channels": ["pager"]})");
  EXPECT_TRUE(book->get("p"));
}

TEST_F(PolicyBookTest, SaysWhichPoliciesUseASavedSolution) {
  kinds.add(std::make_unique<FakeKind>(samples, "solution"));
  put("b", R"({"actions": [{"kind": "fake", "solution": "cleanup"},
                           {"kind": "solution", "solution": "cleanup"},
                           {"kind": "solution", "solution": "cleanup"}]})");
  put("a", R"({"actions": [{"kind": "solution", "solution": "cleanup"}]})");
  put("c", R"({"actions": [{"kind": "solution", "solution": "other"},
                           {"kind": "solution", "plugin": "sleep", "condition": "{}"}]})");
  EXPECT_EQ(book->using_solution("cleanup"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(book->using_solution("other"), std::vector<std::string>{"c"});
  EXPECT_TRUE(book->using_solution("sleep").empty());
}

TEST_F(PolicyBookTest, MatchingReadsASnapshotWhileWritesGoOn) {
  put("steady", R"({"match": [{"field": "source", "value": "x"}]})");
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 100; ++i) {
      put("churn", R"({"order": )" + std::to_string(i % 3 - 1) + R"(, "continue": true})");
      book->remove("churn");
    }
    done = true;
  });
  Alert alert;
  alert.source = "x";
  std::size_t reads = 0;
  while (!done || reads == 0) {
    const auto matched = book->match(alert, Signal::abnormal);
    ASSERT_GE(matched.size(), 1u);
    ASSERT_LE(matched.size(), 2u);
    EXPECT_EQ(matched.back()->name, "steady");
    ++reads;
  }
  writer.join();
  EXPECT_EQ(names(), std::vector<std::string>{"steady"});
}

}  // namespace
}  // namespace warden::host
