// `warden serve` as an operator runs it: the real binary on a free loopback port, real plugin
// folders (the bundled ones beside the broken corpus), called over HTTP.
#include "tests/support/api_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace warden::test {
namespace {
namespace fs = std::filesystem;

const std::string kToken = "e2e-token-7f3a";

class Serve : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& bundled : fs::directory_iterator(WARDEN_STAGED_PLUGINS_DIR))
      copy_folder(bundled.path(), plugins() / bundled.path().filename());
    for (const auto& broken :
         fs::directory_iterator(fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "broken"))
      if (!fs::is_symlink(broken.path()))
        copy_folder(broken.path(), plugins() / broken.path().filename());
    start();
  }

  void start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"serve",
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--plugins-dir",
                                     plugins().string(),
                                     "--db",
                                     "sqlite:" + (dir_.path() / "var/warden.db").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    warden_ = std::make_unique<WardenProcess>(
        args, std::map<std::string, std::string>{{"AUTH_TOKEN", kToken}});
    ASSERT_TRUE(warden_->wait_until_serving()) << warden_->log();
  }

  fs::path plugins() const { return dir_.path() / "plugins"; }
  ApiResponse get(const std::string& path, std::optional<std::string> token = kToken) {
    return call_api(warden_->port(), "GET", path, token);
  }

  TempDir dir_;
  std::unique_ptr<WardenProcess> warden_;
};

TEST_F(Serve, HealthzNeedsNoToken) {
  auto r = get("/healthz", std::nullopt);
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(r.json);
  EXPECT_EQ(r.json->getValue<std::string>("status"), "ok");
}

TEST_F(Serve, ApiRefusesMissingOrWrongTokenAndAcceptsBearer) {
  for (const auto& token :
       std::vector<std::optional<std::string>>{std::nullopt, "wrong", "Bearer wrong"}) {
    auto r = get("/api/plugins", token);
    EXPECT_EQ(r.status, 401);
    ASSERT_TRUE(r.json) << r.body;
    EXPECT_EQ(r.json->getValue<std::string>("result"), "exception");
    EXPECT_EQ(r.json->getValue<std::string>("message"), "unauthorized");
  }
  EXPECT_EQ(get("/api/plugins", "Bearer " + kToken).status, 200);
}

TEST_F(Serve, ListsGoodPluginsLoadedAndBrokenOnesWithTheirErrors) {
  auto r = get("/api/plugins");
  ASSERT_EQ(r.status, 200) << r.body;
  auto list = r.json->getArray("data");
  ASSERT_TRUE(list);
  std::map<std::string, Poco::JSON::Object::Ptr> by_key;
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto p = list->getObject(i);
    by_key[p->getValue<std::string>("key")] = p;
  }
  for (const auto& key : {"test", "example", "http_callback"}) {
    ASSERT_TRUE(by_key.count(key)) << key;
    EXPECT_EQ(by_key[key]->getValue<std::string>("status"), "loaded") << key;
  }
  EXPECT_EQ(by_key["test"]->getValue<std::string>("kind"), "solution");
  EXPECT_EQ(by_key["example"]->getValue<std::string>("kind"), "timer_action");
  EXPECT_EQ(by_key["http_callback"]->getValue<std::string>("kind"), "alert_channel");
  ASSERT_TRUE(by_key.count("factory_throws"));
  EXPECT_EQ(by_key["factory_throws"]->getValue<std::string>("status"), "failed");
  auto errors = by_key["factory_throws"]->getArray("errors");
  ASSERT_TRUE(errors && errors->size() == 1);
  EXPECT_NE(errors->getElement<std::string>(0).find("cannot reach the license server"),
            std::string::npos);
}

TEST_F(Serve, PluginDetailHasFieldsInOrdinalOrderWithMarkdownHelp) {
  auto r = get("/api/plugins/http_callback");
  ASSERT_EQ(r.status, 200) << r.body;
  auto fields = r.json->getObject("data")->getArray("fields");
  ASSERT_TRUE(fields);
  int last = -1;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < fields->size(); ++i) {
    auto f = fields->getObject(i);
    EXPECT_GE(f->getValue<int>("ordinal"), last);
    last = f->getValue<int>("ordinal");
    names.push_back(f->getValue<std::string>("name"));
  }
  EXPECT_EQ(names.front(), "url");
  auto test = get("/api/plugins/test");
  ASSERT_EQ(test.status, 200);
  auto message = test.json->getObject("data")->getArray("fields")->getObject(0);
  EXPECT_NE(message->getValue<std::string>("help").find("tell two test tasks apart"),
            std::string::npos)
      << "help.md's section wins over the JSON help";
  EXPECT_NE(test.json->getObject("data")->getValue<std::string>("overview").find("seed 000"),
            std::string::npos);
}

TEST_F(Serve, UnknownPluginIs404WithTheErrorShape) {
  auto r = get("/api/plugins/nope");
  EXPECT_EQ(r.status, 404);
  ASSERT_TRUE(r.json);
  EXPECT_EQ(r.json->getValue<std::string>("result"), "exception");
  EXPECT_NE(r.json->getValue<std::string>("message").find("nope"), std::string::npos);
}

TEST_F(Serve, ReloadPicksUpAddedChangedAndRemovedFolders) {
  // removed
  fs::remove_all(plugins() / "factory_throws");
  // changed: the test plugin's help (appended to its last section, `## message`)
  {
    std::ofstream help(plugins() / "test/help.md", std::ios::app);
    help << "\nA line added while serving.\n";
  }
  // added: a new (broken) folder
  copy_folder(fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "duplicate/example", plugins() / "late");
  auto r = call_api(warden_->port(), "POST", "/api/plugins/reload", kToken);
  ASSERT_EQ(r.status, 200) << r.body;
  auto has = [&](const char* list, const std::string& key) {
    auto a = r.json->getArray(list);
    for (std::size_t i = 0; a && i < a->size(); ++i)
      if (a->getElement<std::string>(i) == key) return true;
    return false;
  };
  EXPECT_TRUE(has("removed", "factory_throws")) << r.body;
  EXPECT_TRUE(has("changed", "test")) << r.body;
  EXPECT_TRUE(has("added", "late")) << r.body;
  EXPECT_TRUE(has("unchanged", "example")) << r.body;

  EXPECT_EQ(get("/api/plugins/factory_throws").status, 404);
  auto test = get("/api/plugins/test");
  EXPECT_EQ(test.json->getObject("data")->getValue<std::string>("status"), "loaded");
  auto message = test.json->getObject("data")->getArray("fields")->getObject(0);
  EXPECT_NE(message->getValue<std::string>("help").find("added while serving"), std::string::npos)
      << test.body;
  auto late = get("/api/plugins/late");
  EXPECT_EQ(late.json->getObject("data")->getValue<std::string>("status"), "failed");
}

TEST_F(Serve, MalformedAndOversizedRequestsDoNotHurtTheHost) {
  std::string huge(2 * 1024 * 1024, 'x');
  auto r = call_api(warden_->port(), "POST", "/api/plugins/reload", kToken, huge);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(get("/healthz", std::nullopt).status, 200);
  EXPECT_TRUE(warden_->running());
}

TEST_F(Serve, SigtermStopsCleanlyAndTheTokenIsNeverLogged) {
  get("/api/plugins");
  get("/api/plugins", "Bearer not-the-token");
  EXPECT_EQ(warden_->stop(), 0);
  EXPECT_EQ(warden_->log().find(kToken), std::string::npos);
  EXPECT_NE(warden_->log().find("plugin folder factory_throws not loaded"), std::string::npos);
}

TEST_F(Serve, CheckConfigFillsDefaultsMasksPasswordsAndReportsEveryBadField) {
  auto good = call_api(warden_->port(), "POST", "/api/plugins/http_callback/check_config", kToken,
                       R"({"config": {"url": "http://127.0.0.1:9/hook", "method": "PUT"}})");
  ASSERT_EQ(good.status, 200) << good.body;
  auto values = good.json->getObject("data");
  EXPECT_EQ(values->getValue<std::string>("method"), "PUT");
  EXPECT_EQ(values->getValue<std::string>("contentType"), "application/json");
  EXPECT_FALSE(values->getValue<std::string>("alertTpl").empty())
      << "default_file fills the default";

  auto bad = call_api(warden_->port(), "POST", "/api/plugins/http_callback/check_config", kToken,
                      R"({"config": {"url": "ftp://x", "method": "GET", "colour": "red"}})");
  EXPECT_EQ(bad.status, 400);
  ASSERT_TRUE(bad.json) << bad.body;
  EXPECT_EQ(bad.json->getValue<std::string>("result"), "exception");
  EXPECT_EQ(bad.json->getValue<std::string>("message"), "invalid config");
  auto errors = bad.json->getObject("errors");
  ASSERT_TRUE(errors) << bad.body;
  EXPECT_TRUE(errors->has("url"));
  EXPECT_TRUE(errors->has("method"));
  EXPECT_EQ(errors->getValue<std::string>("colour"), "unknown field");

  auto broken = call_api(warden_->port(), "POST", "/api/plugins/factory_throws/check_config",
                         kToken, R"({"config": {}})");
  EXPECT_EQ(broken.status, 409);
  auto malformed =
      call_api(warden_->port(), "POST", "/api/plugins/test/check_config", kToken, R"({"config": )");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.json->getValue<std::string>("message").find("not valid JSON"),
            std::string::npos);
}

TEST_F(Serve, MetricsInPrometheusTextFormat) {
  get("/api/plugins");
  get("/api/plugins", "wrong");
  auto r = get("/metrics", std::nullopt);
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.content_type.find("text/plain; version=0.0.4"), std::string::npos);
  int loaded_solutions = 0;
  auto plugins = get("/api/plugins").json->getArray("data");
  for (std::size_t i = 0; i < plugins->size(); ++i) {
    auto p = plugins->getObject(i);
    if (p->optValue<std::string>("kind", "") == "solution" &&
        p->optValue<std::string>("status", "") == "loaded")
      ++loaded_solutions;
  }
  EXPECT_GE(loaded_solutions, 1);
  EXPECT_NE(r.body.find("warden_plugins{kind=\"solution\",status=\"loaded\"} " +
                        std::to_string(loaded_solutions) + "\n"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("warden_plugins{kind=\"alert_channel\",status=\"failed\"}"),
            std::string::npos);
  EXPECT_NE(r.body.find("warden_http_requests_total{code=\"4xx\"} 1\n"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("warden_http_requests_total{code=\"2xx\"} 1\n"), std::string::npos);
}

/// The `errors` of plugin `key` joined by lines; its status first.
std::string status_and_errors(const ApiResponse& r) {
  if (r.status != 200 || !r.json) return "(HTTP " + std::to_string(r.status) + ") " + r.body;
  auto data = r.json->getObject("data");
  std::string out = data->getValue<std::string>("status") + "\n";
  auto errors = data->getArray("errors");
  for (std::size_t i = 0; errors && i < errors->size(); ++i)
    out += errors->getElement<std::string>(i) + "\n";
  return out;
}

TEST_F(Serve, HostileManifestsAreTheirFoldersProblemAtStartAndOnReload) {
  // Started beside the corpus's hostile numbers (ordinal 2^32, ±2^63, 1e300, -1; sdk 2^63).
  EXPECT_EQ(status_and_errors(get("/api/plugins/ordinal_2_63")),
            "failed\nordinal_2_63/manifest.json: fields.a.ordinal: must be a whole number from 0 "
            "to 2147483647, not 9223372036854775808\n");
  EXPECT_EQ(status_and_errors(get("/api/plugins/no_manifest")),
            "failed\nno_manifest/: no manifest.json\n");

  // Take a good plugin away, then bring it back with new bad folders beside it.
  fs::rename(plugins() / "example", dir_.path() / "example_aside");
  auto r = call_api(warden_->port(), "POST", "/api/plugins/reload", kToken);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(get("/api/plugins/example").status, 404);
  dir_.write("plugins/late_huge/manifest.json",
             R"({"key": "late_huge", "kind": "solution", "name": "x", "version": "1.0.0",
                 "sdk": 3, "library": "liblate_huge.so",
                 "fields": {"a": {"type": "int_number", "ordinal": 4294967296}}})");
  dir_.write("plugins/late_bare/liblate_bare.so", "a library without its manifest");
  fs::create_directories(plugins() / "late_empty");
  fs::rename(dir_.path() / "example_aside", plugins() / "example");
  r = call_api(warden_->port(), "POST", "/api/plugins/reload", kToken);
  ASSERT_EQ(r.status, 200) << r.body;
  auto listed = [&](const char* list) {
    std::string out;
    auto a = r.json->getArray(list);
    for (std::size_t i = 0; a && i < a->size(); ++i) out += a->getElement<std::string>(i) + " ";
    return out;
  };
  EXPECT_EQ(listed("added"), "example late_bare late_huge ") << r.body;
  EXPECT_EQ(listed("failed"), "late_bare late_huge ") << r.body;
  EXPECT_EQ(status_and_errors(get("/api/plugins/example")), "loaded\n");
  EXPECT_EQ(status_and_errors(get("/api/plugins/late_huge")),
            "failed\nlate_huge/manifest.json: fields.a.ordinal: must be a whole number from 0 to "
            "2147483647, not 4294967296\n");
  EXPECT_EQ(status_and_errors(get("/api/plugins/late_bare")),
            "failed\nlate_bare/: no manifest.json\n");
  EXPECT_EQ(get("/api/plugins/late_empty").status, 404) << "a folder with no file is no plugin";
  EXPECT_TRUE(warden_->running());
}

TEST_F(Serve, HelpThatLinksOutOfTheFolderIsRefusedAndNeverServed) {
  fs::remove(plugins() / "test/help.md");
  fs::create_symlink("/etc/passwd", plugins() / "test/help.md");
  auto r = call_api(warden_->port(), "POST", "/api/plugins/reload", kToken);
  ASSERT_EQ(r.status, 200) << r.body;
  auto test = get("/api/plugins/test");
  EXPECT_EQ(status_and_errors(test),
            "failed\ntest/help.md: path \"help.md\" escapes the plugin folder (through a "
            "symbolic link)\n");
  EXPECT_EQ(test.body.find("root:"), std::string::npos) << test.body;
  EXPECT_EQ(get("/api/plugins").body.find("root:"), std::string::npos);
}

TEST(ServeStartup, RefusesToStartWithoutAToken) {
  TempDir dir;
  auto r = run_command(WARDEN_BIN,
                       {"serve", "--listen", "127.0.0.1:0", "--plugins-dir", dir.path().string(),
                        "--db", "sqlite:" + (dir.path() / "w.db").string()},
                       {{"AUTH_TOKEN", ""}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("AUTH_TOKEN is not set"), std::string::npos) << r.err;
}

TEST(ServeStartup, BadConfigFileNamesFileLineAndKey) {
  TempDir dir;
  auto file = dir.write("warden.yaml", "listen: 127.0.0.1:0\nworkers: many\n");
  auto r = run_command(WARDEN_BIN, {"serve", "--config", file.string()}, {{"AUTH_TOKEN", "x"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("warden.yaml:2: workers: must be an integer"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace warden::test
