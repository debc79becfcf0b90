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
  EXPECT_NE(r.out.find("warden " WARDEN_VERSION " (plugin SDK 3."), std::string::npos) << r.out;
}

TEST(Cli, HelpOnEachCommand) {
  for (const auto& command : {"serve", "validate", "rekey", "version"}) {
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
    "key": "dingtalk", "kind": "alert_channel", "name": "DingTalk", "version": "1.0.0", "sdk": 3,
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
  for (const char* line :
       {"factory_throws/libfactory_throws.so: the factory failed",
        "ordinal_2_63/manifest.json: fields.a.ordinal: must be a whole number from 0 to "
        "2147483647, not 9223372036854775808\n",
        "help_symlink_escapes/help.md: path \"help.md\" escapes the plugin folder (through a "
        "symbolic link)\n",
        "no_manifest/: no manifest.json\n"})
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  EXPECT_EQ(r.out.find("root:"), std::string::npos) << "/etc/passwd must not be read";
  EXPECT_NE(r.err.find("with problems"), std::string::npos);
}

TEST(Cli, ValidateHostileNumbersIsAProblemNotACrash) {
  TempDir dir;
  for (const std::string n :
       {"4294967296", "9223372036854775808", "-9223372036854775808", "1e300", "-1"}) {
    SCOPED_TRACE(n);
    dir.write("chan/manifest.json", R"({"key": "chan", "kind": "alert_channel", "name": "Chan",
      "version": "1.0.0", "sdk": 3, "library": "libchan.so",
      "fields": {"a": {"type": "input_text", "ordinal": )" +
                                        n + "}}}");
    auto r = run_command(WARDEN_BIN, {"validate", (dir.path() / "chan").string()});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("chan/manifest.json: fields.a.ordinal: must be a whole number from 0 to "
                         "2147483647, not "),
              std::string::npos)
        << r.out;
  }
}

TEST(Cli, ValidateAFolderWithALibraryButNoManifestFails) {
  TempDir dir;
  dir.write("hello/libhello.so", "a library");
  auto r = run_command(WARDEN_BIN, {"validate", (dir.path() / "hello").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, "hello/: no manifest.json\n");
  EXPECT_NE(r.err.find("1 plugin folder(s) checked, 1 with problems"), std::string::npos) << r.err;

  TempDir help_only;
  help_only.write("hello/help.md", "Greets.\n");
  r = run_command(WARDEN_BIN, {"validate", (help_only.path() / "hello").string() + "/"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, "hello/: no manifest.json\n");
}

TEST(Cli, ValidateADirectoryOfFoldersListsTheOneWithoutAManifest) {
  TempDir dir;
  dir.write("plugins/bare/libbare.so", "a library");
  dir.write("plugins/notes/README.txt", "not a plugin, but a file where a plugin should be");
  std::filesystem::create_directories(dir.path() / "plugins/empty");
  std::filesystem::create_directories(dir.path() / "plugins/grouping/inner");
  dir.write("plugins/.hidden/libx.so", "");
  auto r = run_command(WARDEN_BIN, {"validate", (dir.path() / "plugins").string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out, "bare/: no manifest.json\nnotes/: no manifest.json\n");
  EXPECT_NE(r.err.find("2 plugin folder(s) checked, 2 with problems"), std::string::npos) << r.err;

  TempDir only_empty;
  std::filesystem::create_directories(only_empty.path() / "plugins/empty");
  r = run_command(WARDEN_BIN, {"validate", (only_empty.path() / "plugins").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("0 plugin folder(s) checked"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace warden::test
