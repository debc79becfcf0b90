// Every folder of the broken-plugin corpus is refused with its own message, while the bundled
// plugins beside it load and work.
#include "host/plugins/plugin_registry.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

namespace warden::host {
namespace {
namespace fs = std::filesystem;

struct CorpusCase {
  std::string folder;
  std::string expected;  // the whole problem line, or a distinctive part of it
};

const std::vector<CorpusCase> kCorpus = {
    {"invalid_json", "invalid_json/manifest.json: invalid JSON:"},
    {"missing_key", "missing_key/manifest.json: key: is required"},
    {"key_mismatch",
     "key_mismatch/manifest.json: key: key \"another_name\" does not match the folder's name "
     "\"key_mismatch\""},
    {"unknown_kind", "unknown_kind/manifest.json: kind: unknown kind \"notifier\""},
    {"unknown_field_type",
     "unknown_field_type/manifest.json: fields.enabled.type: unknown field type \"checkbox\""},
    {"unknown_validator",
     "unknown_validator/manifest.json: fields.webhookUrl.validate[1]: unknown validator \"uri\""},
    {"default_refused",
     "default_refused/manifest.json: fields.from.default: default \"not-an-address\" is refused by "
     "its own field"},
    {"advanced_without_default",
     "advanced_without_default/manifest.json: fields.endpoint.advanced: an advanced field must "
     "have a default"},
    {"missing_library",
     "missing_library/manifest.json: library: \"libmissing_library.so\" not found in the plugin "
     "folder"},
    {"no_entry_point",
     "no_entry_point/libno_entry_point.so: no entry point \"warden_plugin_entry\""},
    {"wrong_key_library",
     "wrong_key_library/libwrong_key_library.so: the library reports key \"someone_else\", but the "
     "manifest says \"wrong_key_library\""},
    {"wrong_kind_library",
     "wrong_kind_library/libwrong_kind_library.so: the library reports kind \"solution\", but the "
     "manifest says \"timer_action\""},
    {"manifest_sdk_4",
     "manifest_sdk_4/manifest.json: sdk: built for SDK 4, but this host speaks SDK 3; the library "
     "was not opened"},
    {"library_sdk_4",
     "library_sdk_4/liblibrary_sdk_4.so: the library was built with SDK 4, but this host speaks "
     "SDK 3"},
    {"factory_throws",
     "factory_throws/libfactory_throws.so: the factory failed: cannot reach the license server"},
    {"library_escapes",
     "library_escapes/manifest.json: library: library path \"../test/libtest.so\" escapes the "
     "plugin folder"},
    {"library_symlink_escapes",
     "library_symlink_escapes/manifest.json: library: path \"liblibrary_symlink_escapes.so\" "
     "escapes the plugin folder (through a symbolic link)"},
    {"missing_default_file",
     "missing_default_file/manifest.json: fields.alertTpl.default_file: \"templates/missing.md\" "
     "not found in the plugin folder"},
    {"enum_without_options",
     "enum_without_options/manifest.json: fields.ssl.options: an enum field needs options"},
    {"help_names_unknown_field",
     "help_names_unknown_field/help.md: ## smtpHots: no field named \"smtpHots\""},
    {"Invalid_Key", "Invalid_Key/manifest.json: key: invalid key \"Invalid_Key\""},
    // Numbers no int holds: each is its folder's problem, never an exception out of the registry.
    {"ordinal_2_32",
     "ordinal_2_32/manifest.json: fields.a.ordinal: must be a whole number from 0 to 2147483647, "
     "not 4294967296"},
    {"ordinal_2_63",
     "ordinal_2_63/manifest.json: fields.a.ordinal: must be a whole number from 0 to 2147483647, "
     "not 9223372036854775808"},
    {"ordinal_minus_2_63",
     "ordinal_minus_2_63/manifest.json: fields.a.ordinal: must be a whole number from 0 to "
     "2147483647, not -9223372036854775808"},
    {"ordinal_1e300",
     "ordinal_1e300/manifest.json: fields.a.ordinal: must be a whole number from 0 to 2147483647, "
     "not 1e+300"},
    {"ordinal_negative",
     "ordinal_negative/manifest.json: fields.a.ordinal: must be a whole number from 0 to "
     "2147483647, not -1"},
    {"sdk_2_63",
     "sdk_2_63/manifest.json: sdk: must be a whole number from 0 to 2147483647, not "
     "9223372036854775808 (the SDK major version)"},
    {"sdk_2_32",
     "sdk_2_32/manifest.json: sdk: must be a whole number from 0 to 2147483647, not 4294967297"},
    {"int_default_2_64",
     "int_default_2_64/manifest.json: invalid JSON: the number 18446744073709551616 on line 2 "
     "does not fit in 64 bits"},
    // Poco's parser would read this one as 1.
    {"ordinal_2_64_plus_1",
     "ordinal_2_64_plus_1/manifest.json: invalid JSON: the number 18446744073709551617 on line 2 "
     "does not fit in 64 bits"},
    {"decimal_default_1e400",
     "decimal_default_1e400/manifest.json: invalid JSON: Syntax error: Not a valid "
     "floating-point number: 1e400"},
    // A huge option value is just a value: the folder fails only for its missing library.
    {"enum_option_2_64",
     "enum_option_2_64/manifest.json: library: \"libenum_option_2_64.so\" not found"},
    {"help_symlink_escapes",
     "help_symlink_escapes/help.md: path \"help.md\" escapes the plugin folder (through a "
     "symbolic link)"},
    {"no_manifest", "no_manifest/: no manifest.json"},
};

std::string joined(const Problems& problems) {
  std::string out;
  for (const auto& p : problems) out += p.to_string() + "\n";
  return out;
}

class BrokenCorpus : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::path corpus = fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "broken";
    ASSERT_TRUE(fs::exists(corpus)) << "build the fixture_plugins target";
    test::copy_folder(corpus, dir_.path() / "plugins");
    for (const auto& bundled : fs::directory_iterator(WARDEN_STAGED_PLUGINS_DIR))
      test::copy_folder(bundled.path(), dir_.path() / "plugins" / bundled.path().filename());
    test::copy_folder(fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "duplicate", dir_.path() / "second");
    // The symlink must survive the copy as a link: recreate it.
    auto link = dir_.path() / "plugins/library_symlink_escapes/liblibrary_symlink_escapes.so";
    fs::remove(link);
    fs::create_symlink("/etc/hostname", link);
    auto help = dir_.path() / "plugins/help_symlink_escapes/help.md";
    fs::remove(help);
    fs::create_symlink("/etc/passwd", help);
  }

  test::TempDir dir_;
};

TEST_F(BrokenCorpus, HasAtLeastFourteenCases) {
  EXPECT_GE(kCorpus.size(), 14u);
}

TEST_F(BrokenCorpus, EachBrokenFolderIsRefusedWithItsOwnMessage) {
  PluginRegistry registry({dir_.path() / "plugins", dir_.path() / "second"});
  registry.reload();
  for (const auto& c : kCorpus) {
    SCOPED_TRACE(c.folder);
    auto record = registry.find(c.folder);
    ASSERT_NE(record, nullptr);
    EXPECT_FALSE(record->loaded());
    ASSERT_FALSE(record->problems.empty());
    EXPECT_NE(joined(record->problems).find(c.expected), std::string::npos)
        << "problems were:\n"
        << joined(record->problems);
  }
}

TEST_F(BrokenCorpus, ASecondFolderWithATakenKeyIsRefused) {
  PluginRegistry registry({dir_.path() / "plugins", dir_.path() / "second"});
  auto report = registry.reload();
  auto all = registry.list();
  int examples = 0;
  for (const auto& r : all) {
    if (r->key != "example") continue;
    ++examples;
    if (r->folder.parent_path() == dir_.path() / "second") {
      EXPECT_FALSE(r->loaded());
      EXPECT_NE(joined(r->problems).find("duplicate key \"example\": already provided by"),
                std::string::npos);
    } else {
      EXPECT_TRUE(r->loaded()) << joined(r->problems);
    }
  }
  EXPECT_EQ(examples, 2);
  ASSERT_NE(registry.find("example"), nullptr);
  EXPECT_TRUE(registry.find("example")->loaded());
}

TEST_F(BrokenCorpus, GoodPluginsBesideTheBrokenOnesLoadAndWork) {
  PluginRegistry registry({dir_.path() / "plugins", dir_.path() / "second"});
  registry.reload();
  for (const auto& key : {"test", "example"}) {
    auto record = registry.find(key);
    ASSERT_NE(record, nullptr) << key;
    EXPECT_TRUE(record->loaded()) << joined(record->problems);
  }
  // Only bundled folders load as solutions: no broken one sneaks in (wrong_kind_library's
  // library says "solution").
  const auto solutions = registry.loaded_keys(Kind::solution);
  EXPECT_NE(std::find(solutions.begin(), solutions.end(), "test"), solutions.end());
  for (const auto& key : solutions)
    EXPECT_TRUE(fs::exists(fs::path(WARDEN_STAGED_PLUGINS_DIR) / key)) << key;
  std::string error;
  auto solution = registry.find("test")->library->create_as<Solution>(error);
  ASSERT_NE(solution, nullptr) << error;
}

}  // namespace
}  // namespace warden::host
