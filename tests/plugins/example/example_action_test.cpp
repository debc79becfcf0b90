// The bundled `example` timer action (seed 001's example), loaded through the real loader.
#include "tests/support/bundled_plugin.hpp"

#include <gtest/gtest.h>

namespace warden::test {
namespace {

TEST(ExampleAction, LogsDataAndParentDataAndSucceeds) {
  BundledPlugin plugin("example");
  auto action = plugin.make<TimerAction>(Poco::JSON::Object());  // the default label
  ASSERT_TRUE(action);
  Poco::JSON::Object data, parent;
  data.set("fire_count", 1);
  parent.set("node", "ts_test_9");
  auto status = action->fire(data, parent);
  EXPECT_TRUE(status.ok) << status.message;
  EXPECT_NE(plugin.log().find(R"([Action] example do: data -> {"fire_count":1}, )"
                              R"(parent_data -> {"node":"ts_test_9"})"),
            std::string::npos)
      << plugin.log();
}

TEST(ExampleAction, ItsLabelParamIsCheckedByTheManifest) {
  BundledPlugin plugin("example");
  Poco::JSON::Object params;
  params.set("label", "has spaces");
  auto checked = plugin.record()->manifest->schema.apply(params);
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.errors.count("label"), 1u);
}

TEST(ExampleAction, ItsZonesComeFromTheCodeAndOthersFailTheFiring) {
  BundledPlugin plugin("example");
  auto action = plugin.make<TimerAction>(Poco::JSON::Object());
  ASSERT_TRUE(action);
  const auto zones = action->select_options("zone");
  ASSERT_EQ(zones.size(), 4u);
  EXPECT_EQ(zones[1].label, "Berlin (Europe/Berlin)");
  EXPECT_EQ(zones[1].value, "Europe/Berlin");
  EXPECT_TRUE(action->select_options("label").empty());

  Poco::JSON::Object params, nothing;
  params.set("zone", "Asia/Shanghai");
  EXPECT_TRUE(plugin.make<TimerAction>(params)->fire(nothing, nothing).ok);
  params.set("zone", "Mars/Olympus");
  EXPECT_FALSE(plugin.make<TimerAction>(params)->fire(nothing, nothing).ok);
  EXPECT_NE(plugin.log().find(R"(unknown zone "Mars/Olympus")"), std::string::npos) << plugin.log();
}

}  // namespace
}  // namespace warden::test
