// The `warden` command line, run as an operator would run it.
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace warden::test {
namespace {
namespace fs = std::filesystem;

TEST(Cli, VersionPrintsVersionAndSdk) {
  auto r = run_command(WARDEN_BIN, {"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("warden " WARDEN_VERSION " (plugin SDK 1."), std::string::npos) << r.out;
}

TEST(Cli, HelpOnEachCommand) {
  for (const auto& command : {"serve", "validate", "version"}) {
    auto r = run_command(WARDEN_BIN, {command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find(std::string("warden ") + command), std::string::npos) << r.out;
  }
  auto r = run_command(WARDEN_BIN, {"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("validate DIR..."), std::string::npos);
}

TEST(Cli, UnknownCommandAndOptionAreRefused) {
  auto r = run_command(WARDEN_BIN, {"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command \"frobnicate\""), std::string::npos);
  r = run_command(WARDEN_BIN, {"serve", "--no-such-option"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no-such-option"), std::string::npos) << r.err;
}

TEST(Cli, ValidateBundledPluginsPasses) {
  auto r = run_command(WARDEN_BIN, {"validate", WARDEN_STAGED_PLUGINS_DIR});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(Cli, ValidateOneFolderPrintsEachProblemWithItsPlace) {
  TempDir dir;
  dir.write("dingtalk/manifest.json", R"({
    "key": "dingtalk", "kind": "alert_channel", "name": "DingTalk", "version": "1.0.0", "sdk": 1,
    "library": "libdingtalk.so",
    "fields": {"webhookUrl": {"type": "input_text", "ordinal": 1, "validate": ["require", "uri"]},
               "mode": {"type": "radio", "ordinal": 2}}})");
  auto r = run_command(WARDEN_BIN, {"validate", (dir.path() / "dingtalk").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("dingtalk/manifest.json: fields.webhookUrl.validate[1]: unknown validator "
                       "\"uri\"\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("dingtalk/manifest.json: fields.mode.type: unknown field type \"radio\"\n"),
            std::string::npos)
      << r.out;
}

TEST(Cli, ValidateCorpusFailsWithOneLinePerProblem) {
  auto r = run_command(WARDEN_BIN, {"validate", WARDEN_FIXTURE_PLUGINS_DIR "/broken"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("factory_throws/libfactory_throws.so: the factory failed"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("with problems"), std::string::npos);
}

}  // namespace
}  // namespace warden::test
