// The policy and saved-solution routes over the real book and solutions, wired as serve wires them:
// a saved solution a policy names is not deleted (409 naming the policy).
#include "host/http/solution_routes.hpp"

#include "host/automation/policy_book.hpp"
#include "host/automation/saved_solutions.hpp"
#include "host/http/policy_routes.hpp"
#include "host/plugins/plugin_registry.hpp"
#include "host/services/mustache_renderer.hpp"
#include "host/store/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace warden::host::http {
namespace {

/// Stands in for the engine's `solution` kind: takes any params.
class AnySolution : public ActionKind {
 public:
  std::string name() const override { return "solution"; }
  void check(const Poco::JSON::Object&, const Alert&, const std::string&,
             std::map<std::string, std::string>&) const override {}
  ActionAttempt run(const ActionInput&) const noexcept override { return {}; }
};

class HttpSolutionRoutes : public ::testing::Test {
 protected:
  void SetUp() override {
    registry.reload();
    kinds.add(std::make_unique<AnySolution>());
    add_policy_routes(router, policies);
    add_solution_routes(router, solutions);
  }

  struct Answer {
    int status = 0;
    Poco::JSON::Object::Ptr json;
  };

  Answer call(const std::string& method, const std::string& target, const std::string& body = {}) {
    Request request;
    request.method = method;
    request.set_target(target);
    request.body = body;
    const auto response = router.dispatch(request);
    return {response.status,
            Poco::JSON::Parser().parse(response.body).extract<Poco::JSON::Object::Ptr>()};
  }

  test::TempDir dir;
  Database database{"sqlite:" + (dir.path() / "warden.db").string()};
  PluginRegistry registry{{WARDEN_STAGED_PLUGINS_DIR}};
  MustacheRenderer renderer;
  ActionKinds kinds;
  PolicyBook policies{database, kinds, [](const std::string&) { return false; }};
  SavedSolutions solutions{database, registry, renderer, [this](const std::string& name) {
                             return policies.using_solution(name);
                           }};
  Router router;
};

TEST_F(HttpSolutionRoutes, ASolutionAPolicyNamesIsNotDeleted) {
  ASSERT_EQ(call("PUT", "/api/solutions/nap", R"({"plugin": "sleep", "condition": {"seconds": 1}})")
                .status,
            200);
  ASSERT_EQ(call("PUT", "/api/policies/night",
                 R"({"actions": [{"kind": "solution", "solution": "nap"}]})")
                .status,
            200);
  auto answer = call("DELETE", "/api/solutions/nap");
  EXPECT_EQ(answer.status, 409);
  EXPECT_EQ(answer.json->getValue<std::string>("result"), "exception");
  EXPECT_EQ(answer.json->getValue<std::string>("message"),
            "solution \"nap\" is used by the policies night");
  EXPECT_EQ(call("GET", "/api/solutions/nap").status, 200);

  EXPECT_EQ(call("DELETE", "/api/policies/night").status, 200);
  EXPECT_EQ(call("DELETE", "/api/solutions/nap").status, 200);
  EXPECT_EQ(call("DELETE", "/api/solutions/nap").status, 404);
  answer = call("GET", "/api/solutions");
  EXPECT_EQ(answer.json->getValue<int>("count"), 0);
}

TEST_F(HttpSolutionRoutes, RefusalsCarryEveryErrorByPlace) {
  auto answer = call("PUT", "/api/policies/p", R"({"actions": [{"kind": "notice"}], "x": 1})");
  EXPECT_EQ(answer.status, 400);
  const auto errors = answer.json->getObject("errors");
  ASSERT_TRUE(errors);
  EXPECT_EQ(errors->getValue<std::string>("actions[0].kind"),
            "unknown action kind \"notice\" (known: solution)");
  EXPECT_TRUE(errors->has("x"));
  EXPECT_EQ(call("GET", "/api/policies/p").status, 404);
  EXPECT_EQ(call("DELETE", "/api/policies/p").status, 404);
  EXPECT_EQ(call("PUT", "/api/solutions/s", R"({"plugin": "sleep"})").status, 400);
}

}  // namespace
}  // namespace warden::host::http
