// What a console reads to draw a plugin's form (issue 18): help as safe HTML, the plugin's group,
// and the choices a plugin gives at run time — through a runner, in process, and when the plugin
// throws, crashes, hangs or gives too much (a 200 whatever it does, with `options_error`).
#include "tests/support/serve_test.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

namespace warden::test {
namespace {
namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class PluginForms : public ServeTest {
 protected:
  PluginForms() : ServeTest("e2e-plugin-forms-token") {}

  void start_with(const std::string& plugins_dir, const std::string& isolation) {
    configure("plugins_dir:\n  - " + plugins_dir + "\nlog_level: warn\nisolation:\n" + isolation);
    ServeTest::start();
  }
  void start_bundled(const std::string& bundled) {
    start_with(WARDEN_STAGED_PLUGINS_DIR, "  default: process\n  bundled: " + bundled + "\n");
  }
  void start_crash_fixtures() {
    start_with((fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "crash").string(),
               "  default: process\n  call_timeout: 15\n  crash_limit: 1000\n");
  }

  Poco::JSON::Object::Ptr plugin(const std::string& key) {
    const auto r = call("GET", "/api/plugins/" + key);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json && r.json->getObject("data") ? r.json->getObject("data")
                                               : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
  }

  static Poco::JSON::Object::Ptr field(const Poco::JSON::Object::Ptr& plugin,
                                       const std::string& name) {
    if (const auto fields = plugin->getArray("fields"))
      for (std::size_t i = 0; i < fields->size(); ++i)
        if (fields->getObject(i)->getValue<std::string>("name") == name)
          return fields->getObject(i);
    ADD_FAILURE() << "no field " << name;
    return new Poco::JSON::Object;
  }

  static std::string options_error(const Poco::JSON::Object::Ptr& field) {
    return field->isNull("options_error") ? "" : field->getValue<std::string>("options_error");
  }

  /// The example action's zones, as the form shows them, and check_config on two of them.
  void expect_the_example_zones(const std::string& isolation) {
    const auto example = plugin("example");
    EXPECT_EQ(example->getValue<std::string>("isolation"), isolation);
    EXPECT_EQ(example->getValue<std::string>("group"), "Examples");
    EXPECT_TRUE(contains(example->getValue<std::string>("overview_html"), "<code>data</code>"))
        << example->getValue<std::string>("overview_html");
    const auto zone = field(example, "zone");
    EXPECT_EQ(options_error(zone), "");
    const auto options = zone->getArray("options");
    ASSERT_TRUE(options);
    ASSERT_EQ(options->size(), 4u);
    EXPECT_EQ(options->getObject(1)->getValue<std::string>("label"), "Berlin (Europe/Berlin)");
    EXPECT_EQ(options->getObject(1)->getValue<std::string>("value"), "Europe/Berlin");
    EXPECT_TRUE(contains(zone->getValue<std::string>("help_html"), "<code>select_options</code>"));
    EXPECT_TRUE(field(example, "label")->getArray("options")->size() == 0);

    auto r = call("POST", "/api/plugins/example/check_config",
                  R"({"config": {"zone": "Asia/Shanghai"}})");
    EXPECT_EQ(r.status, 200) << r.body;
    r = call("POST", "/api/plugins/example/check_config",
             R"({"config": {"zone": "Mars/Olympus"}})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(contains(r.body, R"(unknown option \"Mars/Olympus\")")) << r.body;
  }
};

TEST_F(PluginForms, RunTimeOptionsArriveFromARunnerProcess) {
  start_bundled("process");
  expect_the_example_zones("process");
}

TEST_F(PluginForms, RunTimeOptionsArriveFromAPluginInProcess) {
  start_bundled("in_process");
  expect_the_example_zones("in_process");
}

TEST_F(PluginForms, ThePluginListShowsEachGroup) {
  start_bundled("in_process");
  const auto r = call("GET", "/api/plugins");
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<std::string, std::string> groups;
  for (const auto& entry : *r.json->getArray("data")) {
    const auto& p = entry.extract<Poco::JSON::Object::Ptr>();
    groups[p->getValue<std::string>("key")] =
        p->isNull("group") ? "null" : p->getValue<std::string>("group");
  }
  EXPECT_EQ(groups["flink_cancel_job"], "Flink");
  EXPECT_EQ(groups["http_poll"], "HTTP");
  EXPECT_EQ(groups["dingtalk"], "Chat");
  EXPECT_EQ(groups["email"], "E-mail");
  EXPECT_EQ(groups["sleep"], "Examples");
}

TEST_F(PluginForms, APluginThatFailsItsOptionsLeavesAFormThatStillAnswers) {
  start_crash_fixtures();
  const auto timer = plugin("crash_timer");
  EXPECT_TRUE(timer->isNull("group"));

  const auto ok = field(timer, "options_ok");  // made in a runner, not in the host
  EXPECT_EQ(options_error(ok), "");
  ASSERT_EQ(ok->getArray("options")->size(), 1u);
  EXPECT_EQ(ok->getArray("options")->getObject(0)->getValue<std::string>("label"),
            "warden-plugin-r");  // /proc's comm: 15 characters of warden-plugin-runner

  const auto thrown = field(timer, "options_throw");
  EXPECT_TRUE(contains(options_error(thrown), "no options today")) << options_error(thrown);
  ASSERT_EQ(thrown->getArray("options")->size(), 1u);  // the manifest's
  EXPECT_EQ(thrown->getArray("options")->getObject(0)->getValue<std::string>("value"), "m");

  EXPECT_EQ(options_error(field(timer, "options_many")),
            "gave 1001 options; at most 1000 are shown");
  EXPECT_EQ(field(timer, "options_many")->getArray("options")->size(), 0u);
  EXPECT_EQ(options_error(field(timer, "options_huge")), "gave an option longer than 1024 bytes");
  EXPECT_EQ(options_error(field(timer, "options_from_host")), "");  // the host's list: not asked

  const auto segv = options_error(field(timer, "options_segv"));
  EXPECT_TRUE(contains(segv, "crashed") && contains(segv, "SIGSEGV")) << segv;
  EXPECT_EQ(options_error(field(timer, "options_after_segv")), "not asked: " + segv);

  // The runner that died is replaced: the form reads again, and a dry run answers.
  EXPECT_EQ(options_error(field(plugin("crash_timer"), "options_ok")), "");
  const auto r = call("POST", "/api/plugins/crash_timer/check_config", R"({"config": {}})");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(PluginForms, APluginThatHangsIsCutAfterFiveSeconds) {
  start_crash_fixtures();
  const auto started = std::chrono::steady_clock::now();
  const auto step = plugin("crash_step");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
  const auto hang = options_error(field(step, "options_hang"));
  EXPECT_TRUE(contains(hang, "did not answer within 5 s")) << hang;
  // A timeout costs that runner, not the plugin: it is still listed loaded.
  const auto list = call("GET", "/api/plugins");
  ASSERT_TRUE(list.json && list.json->getArray("data")) << list.body;
  for (const auto& entry : *list.json->getArray("data")) {
    const auto& p = entry.extract<Poco::JSON::Object::Ptr>();
    if (p->getValue<std::string>("key") == "crash_step") {
      EXPECT_EQ(p->getValue<std::string>("status"), "loaded");
    }
  }
}

}  // namespace
}  // namespace warden::test
