#include "host/http/plugin_routes.hpp"

#include "host/http/health_routes.hpp"
#include "host/http/server.hpp"
#include "tests/host/http/http_test_client.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace warden::host::http {
namespace {

using test::http_call;

constexpr const char* kToken = "plugin-routes-token";

// A manifest that reads well but whose library is missing: the record fails yet keeps its fields.
constexpr const char* kNoLibraryManifest = R"({
  "key": "nolib", "kind": "alert_channel", "name": "No library", "version": "1.0.0", "sdk": 3,
  "library": "libnolib.so", "description": "A channel whose library is missing",
  "fields": {
    "token":  {"type": "password", "ordinal": 1, "validate": ["require"], "label": "Access token",
               "help": "JSON help"},
    "url":    {"type": "input_text", "ordinal": 2, "advanced": true, "validate": ["url"],
               "default": "https://example.com/hook"},
    "secret": {"type": "password", "ordinal": 3, "default": "hunter2"},
    "mode":   {"type": "enum", "ordinal": 0, "default": "a",
               "options": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}]}
  }
})";

class HttpPluginRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("broken/manifest.json", "{ not json");
    dir_.write("nolib/manifest.json", kNoLibraryManifest);
    dir_.write("nolib/help.md", "Delivers nothing.\n\n## token\nThe robot's **token**.\n");
    registry_.reload();

    Router router;
    add_health_routes(router);
    add_plugin_routes(router, registry_, make_shared_services());
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    options.token = kToken;
    server_ = std::make_unique<HttpServer>(options, std::move(router));
    server_->start();
  }

  test::HttpReply api(const std::string& method, const std::string& target) {
    return http_call(server_->port(), {method, target, {}, {{"Authorization", kToken}}});
  }

  test::TempDir dir_;
  PluginRegistry registry_{{dir_.path()}};
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpPluginRoutes, ListShowsFailedPluginsWithTheirErrors) {
  const auto reply = api("GET", "/api/plugins");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "application/json; charset=utf-8");
  const auto body = reply.json();
  EXPECT_EQ(body->getValue<std::string>("result"), "ok");
  EXPECT_EQ(body->getValue<int>("count"), 2);
  const auto plugins = body->getArray("data");
  ASSERT_EQ(plugins->size(), 2u);

  const auto broken = plugins->getObject(0);
  EXPECT_EQ(broken->getValue<std::string>("key"), "broken");
  EXPECT_EQ(broken->getValue<std::string>("status"), "failed");
  EXPECT_TRUE(broken->get("kind").isEmpty());
  ASSERT_GE(broken->getArray("errors")->size(), 1u);
  EXPECT_EQ(broken->getArray("errors")->getElement<std::string>(0).rfind("broken/manifest.json", 0),
            0u);

  const auto nolib = plugins->getObject(1);
  EXPECT_EQ(nolib->getValue<std::string>("key"), "nolib");
  EXPECT_EQ(nolib->getValue<std::string>("status"), "failed");
  EXPECT_EQ(nolib->getValue<std::string>("kind"), "alert_channel") << reply.body;
  EXPECT_EQ(nolib->getValue<std::string>("name"), "No library");
  EXPECT_EQ(nolib->getValue<std::string>("version"), "1.0.0");
  EXPECT_EQ(nolib->getValue<std::string>("library"), "libnolib.so");
  EXPECT_GE(nolib->getArray("errors")->size(), 1u);
}

TEST_F(HttpPluginRoutes, DetailShowsFieldsInFormOrderWithMergedHelpAndMaskedSecrets) {
  const auto reply = api("GET", "/api/plugins/nolib");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto plugin = reply.json()->getObject("data");
  ASSERT_FALSE(plugin->get("kind").isEmpty()) << reply.body;
  EXPECT_EQ(plugin->getValue<std::string>("overview"), "Delivers nothing.");
  EXPECT_EQ(plugin->getValue<std::string>("description"), "A channel whose library is missing");

  const auto fields = plugin->getArray("fields");
  ASSERT_EQ(fields->size(), 4u);
  std::vector<std::string> order;
  for (std::size_t i = 0; i < fields->size(); ++i) {
    order.push_back(fields->getObject(i)->getValue<std::string>("name"));
  }
  EXPECT_EQ(order, (std::vector<std::string>{"mode", "token", "url", "secret"}));

  const auto mode = fields->getObject(0);
  EXPECT_EQ(mode->getValue<std::string>("type"), "enum");
  EXPECT_EQ(mode->getArray("options")->size(), 2u);
  const auto token = fields->getObject(1);
  EXPECT_EQ(token->getValue<std::string>("help"), "The robot's **token**.");
  EXPECT_EQ(token->getValue<std::string>("label"), "Access token");
  EXPECT_EQ(token->getArray("validate")->getElement<std::string>(0), "require");
  EXPECT_TRUE(token->get("default").isEmpty());
  const auto url = fields->getObject(2);
  EXPECT_TRUE(url->getValue<bool>("advanced"));
  EXPECT_EQ(url->getValue<std::string>("default"), "https://example.com/hook");
  const auto secret = fields->getObject(3);
  EXPECT_EQ(secret->getValue<std::string>("default"), "******");
  EXPECT_EQ(reply.body.find("hunter2"), std::string::npos);
}

TEST_F(HttpPluginRoutes, UnknownPluginAnswers404) {
  const auto reply = api("GET", "/api/plugins/missing");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.body, R"({"result":"exception","message":"unknown plugin \"missing\""})");
}

TEST_F(HttpPluginRoutes, ReloadReportsAddedChangedAndRemovedFolders) {
  dir_.write("later/manifest.json", "[]");
  std::filesystem::remove_all(dir_.path() / "broken");
  auto reply = api("POST", "/api/plugins/reload");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body, R"({"result":"ok","added":["later"],"changed":[],"removed":["broken"],)"
                        R"("unchanged":["nolib"],"failed":["later"]})");
  EXPECT_EQ(api("GET", "/api/plugins/later").status, 200);
  EXPECT_EQ(api("GET", "/api/plugins/broken").status, 404);
  EXPECT_EQ(api("GET", "/api/plugins/reload").status, 404);  // GET names a plugin "reload"
}

TEST_F(HttpPluginRoutes, NeedTheToken) {
  EXPECT_EQ(http_call(server_->port(), {"GET", "/api/plugins"}).status, 401);
  EXPECT_EQ(http_call(server_->port(), {"POST", "/api/plugins/reload"}).status, 401);
  EXPECT_EQ(http_call(server_->port(), {"GET", "/healthz"}).status, 200);
}

}  // namespace
}  // namespace warden::host::http
