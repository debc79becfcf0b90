#include "host/plugins/manifest.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

std::string joined(const Problems& problems) {
  std::string out;
  for (const auto& p : problems) out += p.to_string() + "\n";
  return out;
}

std::string with_fields(const std::string& fields) {
  return R"({"key": "chan", "kind": "alert_channel", "name": "Chan", "version": "1.2.3",
             "sdk": 1, "library": "libchan.so", "fields": )" +
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
                        "sdk": 1, "library": "l.so"})",
                     "chan/manifest.json: version: version \"1.0\" is not MAJOR.MINOR.PATCH"},
        ManifestCase{R"({"key": "chan", "kind": "solution", "name": "x", "version": "1.0.0",
                        "sdk": "1", "library": "l.so"})",
                     "chan/manifest.json: sdk: must be an integer"},
        ManifestCase{R"({"key": "chan", "kind": "solution", "name": "x", "version": "1.0.0",
                        "sdk": 1, "library": "/usr/lib/libc.so", "colour": 1})",
                     "chan/manifest.json: colour: unknown property"},
        ManifestCase{R"({"key": "chan", "kind": "solution", "name": "x", "version": "1.0.0",
                        "sdk": 1, "library": "/usr/lib/libc.so"})",
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

TEST_F(ManifestTest, ReportsEveryProblemAtOnce) {
  auto m = read(R"({"key": "Chan", "kind": "widget", "name": 3, "version": "x", "sdk": 7,
                    "library": "../x.so"})");
  EXPECT_FALSE(m);
  EXPECT_GE(problems_.size(), 6u) << joined(problems_);
}

}  // namespace
}  // namespace warden::host
