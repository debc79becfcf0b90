#include "host/plugins/manifest.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace warden::host {
namespace {

std::string joined(const Problems& problems) {
  std::string out;
  for (const auto& p : problems) out += p.to_string() + "\n";
  return out;
}

std::string with_fields(const std::string& fields) {
  return R"({"key": "chan", "kind": "alert_channel", "name": "Chan", "version": "1.2.3",
             "sdk": 3, "library": "libchan.so", "fields": )" +
         fields + "}";
}

class ManifestTest : public ::testing::Test {
 protected:
  std::optional<Manifest> read(const std::string& manifest, const std::string& help = {}) {
    dir_.write("chan/manifest.json", manifest);
    if (!help.empty()) dir_.write("chan/help.md", help);
    problems_.clear();
    return read_manifest(dir_.path() / "chan", "chan", problems_);
  }

  test::TempDir dir_;
  Problems problems_;
};

TEST_F(ManifestTest, ReadsFieldsInOrdinalOrderWithDefaultsAndMergedHelp) {
  dir_.write("chan/templates/body.md", "Alert: {{title}}\n");
  auto m = read(with_fields(R"({
      "tpl":   {"type": "textarea", "ordinal": 9, "advanced": true, "default_file": "templates/body.md"},
      "port":  {"type": "int_number", "ordinal": 2, "default": "25", "help": "JSON help"},
      "host":  {"type": "input_text", "ordinal": 1, "validate": ["require", "host_without_port"],
                "help": "JSON help for host"},
      "ssl":   {"type": "enum", "ordinal": 3, "default": false,
                "options": [{"label": "yes", "value": true}, {"label": "no", "value": false}]}})"),
                "Sends things.\n\n## How it works\nIt sends.\n\n## host\nThe **server**.\n");
  ASSERT_TRUE(m) << joined(problems_);
  EXPECT_EQ(m->kind, Kind::alert_channel);
  std::vector<std::string> order;
  for (const auto& f : m->schema.fields()) order.push_back(f.name);
  EXPECT_EQ(order, (std::vector<std::string>{"host", "port", "ssl", "tpl"}));
  EXPECT_EQ(m->schema.find("host")->help, "The **server**.");
  EXPECT_EQ(m->schema.find("port")->help, "JSON help");
  EXPECT_EQ(m->schema.find("port")->default_value->convert<int>(), 25);
  EXPECT_EQ(m->schema.find("tpl")->default_value->toString(), "Alert: {{title}}\n");
  EXPECT_EQ(m->overview, "Sends things.\n\n## How it works\n\nIt sends.");
}

struct ManifestCase {
  std::string manifest;
  std::string expected;
};

class ManifestRefuses : public ManifestTest, public ::testing::WithParamInterface<ManifestCase> {};

TEST_P(ManifestRefuses, WithTheProblemsPlace) {
  auto m = read(GetParam().manifest);
  EXPECT_FALSE(m);
  EXPECT_NE(joined(problems_).find(GetParam().expected), std::string::npos) << "problems were:\n"
                                                                            << joined(problems_);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ManifestRefuses,
    ::testing::Values(
        ManifestCase{"[1, 2]", "chan/manifest.json: must be a JSON object"},
        ManifestCase{R"({"key": "chan", "kind": "solution", "name": "x", "version": "1.0",
                        "sdk": 3, "library": "l.so"})",
                     "chan/manifest.json: version: version \"1.0\" is not MAJOR.MINOR.PATCH"},
        ManifestCase{R"({"key": "chan", "kind": "solution", "name": "x", "version": "1.0.0",
                        "sdk": "1", "library": "l.so"})",
                     "chan/manifest.json: sdk: must be a whole number from 0 to 2147483647 (the "
                     "SDK major version)"},
        ManifestCase{R"({"key": "chan", "kind": "solution", "name": "x", "version": "1.0.0",
                        "sdk": 3, "library": "/usr/lib/libc.so", "colour": 1})",
                     "chan/manifest.json: colour: unknown property"},
        ManifestCase{R"({"key": "chan", "kind": "solution", "name": "x", "version": "1.0.0",
                        "sdk": 3, "library": "/usr/lib/libc.so"})",
                     "chan/manifest.json: library: library path \"/usr/lib/libc.so\" escapes"},
        ManifestCase{with_fields(R"({"a": {"type": "input_text"}})"),
                     "fields.a.ordinal: is required"},
        ManifestCase{with_fields(R"({"a": {"type": "input_text", "ordinal": 1,
                                                         "colour": "red"}})"),
                     "fields.a.colour: unknown property"},
        ManifestCase{with_fields(R"({"a": {"type": "input_text", "ordinal": 1,
                                                         "options": [{"label": "x", "value": 1}]}})"),
                     "fields.a.options: only enum and selectable fields take options"},
        ManifestCase{with_fields(R"({"a": {"type": "enum", "ordinal": 1, "options": [
                        {"label": "x", "value": 1}, {"label": "y", "value": 1}]}})"),
                     "fields.a.options[1].value: duplicate option value 1"},
        ManifestCase{with_fields(R"({"a": {"type": "multi_selectable", "ordinal": 1,
                                                         "options_from": "users"}})"),
                     "fields.a.options_from: unknown list \"users\""},
        ManifestCase{with_fields(R"({"a": {"type": "int_number", "ordinal": 1,
                                                         "default": "ten"}})"),
                     "fields.a.default: default \"ten\" is refused by its own field"},
        ManifestCase{with_fields(R"({"a": {"type": "textarea", "ordinal": 1,
                                                         "default_file": "../../etc/passwd"}})"),
                     "fields.a.default_file: path \"../../etc/passwd\" escapes the plugin folder"},
        ManifestCase{with_fields(R"({"a": {"type": "input_text", "ordinal": 1,
                                                         "validate": "require"}})"),
                     "fields.a.validate: must be a list of validator names"}));

std::string with_group(const std::string& group) {
  return R"({"key": "chan", "kind": "solution", "name": "x", "version": "1.0.0", "sdk": 3,
             "library": "l.so", "description": "d", "group": )" +
         group + "}";
}

TEST_F(ManifestTest, AGroupIsOptionalAndKept) {
  auto m = read(with_group("\"Flink\""));
  ASSERT_TRUE(m) << joined(problems_);
  EXPECT_EQ(m->group, "Flink");
  m = read(with_group("\"" + std::string(60, 'x') + "\u00e9\u00e9\u00e9\u00e9\""));
  ASSERT_TRUE(m) << joined(problems_);  // 64 characters, 68 bytes
  m = read(R"({"key": "chan", "kind": "solution", "name": "x", "version": "1.0.0", "sdk": 3,
               "library": "l.so"})");
  ASSERT_TRUE(m) << joined(problems_);
  EXPECT_EQ(m->group, "");
}

TEST_F(ManifestTest, AGroupOfTheWrongShapeIsAProblemWithItsPlace) {
  const std::pair<std::string, std::string> cases[] = {
      {"7", "chan/manifest.json: group: must be a string"},
      {"[\"a\"]", "chan/manifest.json: group: must be a string"},
      {"\"\"", "chan/manifest.json: group: must not be empty"},
      {"\"  \"", "chan/manifest.json: group: must not be empty"},
      {"\"" + std::string(65, 'x') + "\"",
       "chan/manifest.json: group: is longer than 64 characters"},
  };
  for (const auto& [group, expected] : cases) {
    SCOPED_TRACE(group);
    EXPECT_FALSE(read(with_group(group)));
    EXPECT_NE(joined(problems_).find(expected), std::string::npos) << joined(problems_);
  }
}

TEST_F(ManifestTest, NumbersNoIntHoldsAreTheOrdinalsProblem) {
  for (const std::string ordinal :
       {"4294967296", "2147483648", "9223372036854775807", "9223372036854775808",
        "18446744073709551615", "-9223372036854775808", "1e300", "-1", "1.5", "true", "\"1\""}) {
    SCOPED_TRACE(ordinal);
    auto m = read(with_fields(R"({"a": {"type": "input_text", "ordinal": )" + ordinal + "}}"));
    EXPECT_FALSE(m);
    EXPECT_NE(joined(problems_).find("chan/manifest.json: fields.a.ordinal: must be a whole number "
                                     "from 0 to 2147483647"),
              std::string::npos)
        << joined(problems_);
  }
  for (const std::string ordinal : {"0", "2147483647", "3.0", "1e3"}) {
    SCOPED_TRACE(ordinal);
    EXPECT_TRUE(read(with_fields(R"({"a": {"type": "input_text", "ordinal": )" + ordinal + "}}")))
        << joined(problems_);
  }
}

TEST_F(ManifestTest, HugeTextsAreProblemsNotCrashes) {
  const std::string huge(300'000, '7');
  auto m = read(R"({"key": "chan", "kind": "solution", "name": "x", "version": ")" + huge +
                R"(", "sdk": 3, "library": "l.so"})");
  EXPECT_FALSE(m);
  EXPECT_NE(joined(problems_).find("chan/manifest.json: version: is longer than 128 characters"),
            std::string::npos);
  m = read(with_fields(R"({"a": {"type": "memory_size_of_byte", "ordinal": 1, "default": ")" +
                       huge + R"("}})"));
  EXPECT_FALSE(m);
  EXPECT_NE(joined(problems_).find("fields.a.default: default"), std::string::npos);
  m = read(with_fields(R"({"a": {"type": "input_text", "ordinal": 1}})"),
           "Overview.\n\n## a" + std::string(300'000, 'b') + "\nText.\n");
  EXPECT_FALSE(m);
  EXPECT_NE(joined(problems_).find("chan/help.md: ## abbbb"), std::string::npos);
}

TEST_F(ManifestTest, FilesReadFromTheFolderMustStayInIt) {
  const std::string valid = with_fields(
      R"({"tpl": {"type": "textarea", "ordinal": 1, "default_file": "templates/body.md"}})");
  dir_.write("outside/body.md", "outside text");
  dir_.write("outside/manifest.json", valid);
  dir_.write("chan/manifest.json", valid);
  std::filesystem::create_directories(dir_.path() / "chan/templates");
  std::filesystem::create_symlink(dir_.path() / "outside/body.md",
                                  dir_.path() / "chan/templates/body.md");
  std::filesystem::create_symlink(dir_.path() / "outside/body.md", dir_.path() / "chan/help.md");
  Problems problems;
  EXPECT_FALSE(read_manifest(dir_.path() / "chan", "chan", problems));
  const auto text = joined(problems);
  EXPECT_NE(text.find("chan/manifest.json: fields.tpl.default_file: path \"templates/body.md\" "
                      "escapes the plugin folder (through a symbolic link)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("chan/help.md: path \"help.md\" escapes the plugin folder (through a "
                      "symbolic link)"),
            std::string::npos)
      << text;

  std::filesystem::remove(dir_.path() / "chan/manifest.json");
  std::filesystem::create_symlink(dir_.path() / "outside/manifest.json",
                                  dir_.path() / "chan/manifest.json");
  problems.clear();
  EXPECT_FALSE(read_manifest(dir_.path() / "chan", "chan", problems));
  EXPECT_NE(joined(problems).find("chan/manifest.json: path \"manifest.json\" escapes the plugin "
                                  "folder (through a symbolic link)"),
            std::string::npos)
      << joined(problems);
}

TEST_F(ManifestTest, AFolderWithoutAManifestSaysSo) {
  dir_.write("chan/libchan.so", "");
  Problems problems;
  EXPECT_FALSE(read_manifest(dir_.path() / "chan", "chan", problems));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].to_string(), "chan/: no manifest.json");
}

TEST_F(ManifestTest, ReportsEveryProblemAtOnce) {
  auto m = read(R"({"key": "Chan", "kind": "widget", "name": 3, "version": "x", "sdk": 7,
                    "library": "../x.so"})");
  EXPECT_FALSE(m);
  EXPECT_GE(problems_.size(), 6u) << joined(problems_);
}

}  // namespace
}  // namespace warden::host
