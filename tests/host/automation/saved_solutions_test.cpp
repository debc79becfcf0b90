// Saved solutions against the real bundled manifests (staged solution plugins through the real
// registry), the real renderer and a real SQLite file.
#include "host/automation/saved_solutions.hpp"

#include "host/plugins/plugin_registry.hpp"
#include "host/services/mustache_renderer.hpp"
#include "host/store/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <warden/json_value.hpp>

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

class SavedSolutionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry.reload();
    open();
  }

  void open() {
    solutions.reset();
    database = std::make_unique<Database>("sqlite:" + (dir.path() / "warden.db").string());
    solutions = std::make_unique<SavedSolutions>(
        *database, registry, renderer, [this](const std::string& name) {
          auto it = users.find(name);
          return it == users.end() ? std::vector<std::string>{} : it->second;
        });
  }

  SavedSolutions::Snapshot put(const std::string& name, const std::string& body) {
    try {
      return solutions->put(name, *parse(body));
    } catch (const RequestError& e) {
      std::string errors;
      for (const auto& [k, v] : e.errors()) errors += k + ": " + v + "\n";
      ADD_FAILURE() << e.what() << "\n" << errors;
      return nullptr;
    }
  }

  std::map<std::string, std::string> refusal(const std::string& name, const std::string& body,
                                             std::string* message = nullptr) {
    try {
      solutions->put(name, *parse(body));
    } catch (const RequestError& e) {
      EXPECT_EQ(e.kind(), RequestError::Kind::invalid);
      if (message) *message = e.what();
      return e.errors();
    }
    ADD_FAILURE() << "accepted: " << body;
    return {};
  }

  test::TempDir dir;
  PluginRegistry registry{{WARDEN_STAGED_PLUGINS_DIR}};
  MustacheRenderer renderer;
  std::map<std::string, std::vector<std::string>> users;
  std::unique_ptr<Database> database;
  std::unique_ptr<SavedSolutions> solutions;
};

TEST_F(SavedSolutionsTest, AnObjectConditionIsCheckedCompletedAndStored) {
  const auto saved = put("nap", R"({"plugin": "sleep", "condition": {"seconds": "90s"},
                                    "description": "a short nap"})");
  ASSERT_TRUE(saved);
  EXPECT_FALSE(saved->condition.isString());
  const auto condition = saved->condition.extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(condition->getValue<std::int64_t>("seconds"), 90);  // coerced by the manifest
  EXPECT_GT(saved->updated_ms, 0);
  EXPECT_TRUE(solutions->plugin_loaded(*saved));

  open();
  const auto again = solutions->find("nap");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->plugin, "sleep");
  EXPECT_EQ(again->description, "a short nap");
  EXPECT_EQ(again->updated_ms, saved->updated_ms);
  EXPECT_EQ(compact_json(again->condition), compact_json(saved->condition));
  ASSERT_EQ(solutions->list().size(), 1u);
}

TEST_F(SavedSolutionsTest, EveryProblemIsReportedAtOnce) {
  std::string message;
  auto errors = refusal("nap", R"({"plugin": "sleep", "condition": {"seconds": "soon", "pace": 1},
                                  "description": 5, "colour": "red", "name": "other"})",
                        &message);
  EXPECT_EQ(message, "invalid solution \"nap\"");
  for (const auto* place : {"condition.seconds", "condition.pace", "description", "colour", "name"})
    EXPECT_TRUE(errors.contains(place)) << place;
  EXPECT_EQ(errors.size(), 5u);

  errors = refusal("bad name!", R"({"plugin": "dingtalk", "condition": 3})");
  EXPECT_TRUE(errors.contains("name"));
  EXPECT_NE(errors.at("plugin").find("unknown solution \"dingtalk\" (loaded: "), std::string::npos);
  EXPECT_NE(errors.at("plugin").find("sleep"), std::string::npos);
  EXPECT_TRUE(errors.contains("condition"));

  errors = refusal("x", "{}");
  EXPECT_TRUE(errors.contains("plugin"));
  EXPECT_TRUE(errors.contains("condition"));
  errors = refusal("x", R"({"plugin": "sleep", "condition": [1]})");
  EXPECT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors.contains("condition"));
  errors = refusal("x", R"({"plugin": ")" + std::string(100'000, 'p') + R"(", "condition": {}})");
  EXPECT_LT(errors.at("plugin").size(), 200u);
  EXPECT_TRUE(solutions->list().empty());
}

TEST_F(SavedSolutionsTest, ATemplateIsRenderedWithTheSampleAlertAndChecked) {
  const auto saved = put("nap", R"({"plugin": "sleep",
      "condition": "{\"seconds\": \"{{repeat}}\"}"})");
  ASSERT_TRUE(saved);
  EXPECT_TRUE(
      saved->condition.isString());  // kept as written: rendered for each alert when it runs
  EXPECT_EQ(solutions->masked_condition(*saved).toString(), saved->condition.toString());

  // Renders text that is not JSON: a tag outside quotes.
  auto errors = refusal("x", R"({"plugin": "sleep", "condition": "{\"seconds\": {{title}}}"})");
  EXPECT_NE(errors.at("condition").find("not JSON for the sample alert"), std::string::npos);
  // Renders JSON, but not what the plugin takes.
  errors = refusal("x", R"({"plugin": "sleep", "condition": "{\"seconds\": \"{{title}}\"}"})");
  EXPECT_NE(errors.at("condition.seconds").find("(as rendered for the sample alert)"),
            std::string::npos);
  errors = refusal("x", R"({"plugin": "sleep", "condition": "[{{repeat}}]"})");
  EXPECT_NE(errors.at("condition").find("not an object"), std::string::npos);
  // Does not parse as a template.
  errors = refusal("x", R"({"plugin": "sleep", "condition": "{{#open}}"})");
  EXPECT_NE(errors.at("condition").find("not a Mustache template"), std::string::npos);
  // A value with quotes stays inside its string (Escape::json).
  const auto escaped =
      put("echo", R"({"plugin": "test", "condition": "{\"message\": \"{{message}} \\\"q\\\"\"}"})");
  EXPECT_TRUE(escaped);
}

TEST_F(SavedSolutionsTest, SecretsAreMaskedOnReadAndKeptWhenSentMasked) {
  put("hook", R"({"plugin": "webhook", "condition": {"url": "http://127.0.0.1:9/x",
                                                      "headers": "X-Token: abc"}})");
  auto saved = solutions->find("hook");
  ASSERT_TRUE(saved);
  const auto shown = solutions->masked_condition(*saved).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(shown->getValue<std::string>("headers"), "******");
  EXPECT_EQ(shown->getValue<std::string>("url"), "http://127.0.0.1:9/x");

  put("hook", R"({"plugin": "webhook", "condition": {"url": "http://127.0.0.1:9/y",
                                                      "headers": "******"}})");
  open();
  saved = solutions->find("hook");
  ASSERT_TRUE(saved);
  const auto kept = saved->condition.extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(kept->getValue<std::string>("headers"), "X-Token: abc");
  EXPECT_EQ(kept->getValue<std::string>("url"), "http://127.0.0.1:9/y");
}

TEST_F(SavedSolutionsTest, ASolutionAPolicyUsesIsNotRemoved) {
  put("nap", R"({"plugin": "sleep", "condition": {"seconds": 1}})");
  users["nap"] = {"disk-full", "night"};
  try {
    solutions->remove("nap");
    ADD_FAILURE() << "removed while used";
  } catch (const RequestError& e) {
    EXPECT_EQ(e.kind(), RequestError::Kind::conflict);
    EXPECT_EQ(std::string(e.what()), "solution \"nap\" is used by the policies disk-full, night");
  }
  EXPECT_TRUE(solutions->find("nap"));
  users.clear();
  EXPECT_TRUE(solutions->remove("nap"));
  EXPECT_FALSE(solutions->remove("nap"));
  open();
  EXPECT_FALSE(solutions->find("nap"));
}

}  // namespace
}  // namespace warden::host
