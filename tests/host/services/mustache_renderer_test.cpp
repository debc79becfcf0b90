#include "host/services/mustache_renderer.hpp"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr json(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

Rendered render(std::string_view tpl, const std::string& data, Escape escape = Escape::none) {
  return MustacheRenderer().render(tpl, *json(data), escape);
}

TEST(ServicesMustacheRenderer, InsertsStringsAndNumbers) {
  auto out = render("{{title}}: {{count}} of {{ratio}}", R"({"title": "disk", "count": 3,
                                                             "ratio": 0.5})");
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.text, "disk: 3 of 0.5");
}

TEST(ServicesMustacheRenderer, BooleansAndNullAreSections) {
  const std::string tpl =
      "{{#on}}yes{{/on}}{{^on}}no{{/on}}|{{#off}}yes{{/off}}{{^off}}no{{/off}}"
      "|{{#none}}set{{/none}}{{^none}}unset{{/none}}";
  auto out = render(tpl, R"({"on": true, "off": false, "none": null})");
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.text, "yes|no|unset");
}

TEST(ServicesMustacheRenderer, ObjectsAndListsAreSections) {
  auto out = render(
      "{{labels.env}};{{#labels}}{{team}}{{/labels}};{{#items}}[{{name}}]{{/items}}"
      ";{{#tags}}{{.}},{{/tags}};{{^empty}}none{{/empty}}",
      R"({"labels": {"env": "prod", "team": "ops"},
                        "items": [{"name": "a"}, {"name": "b"}],
                        "tags": ["x", "y"], "empty": []})");
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.text, "prod;ops;[a][b];x,y,;none");
}

TEST(ServicesMustacheRenderer, HtmlEscaping) {
  auto out = render("{{v}} {{{v}}}", R"({"v": "<a href=\"x\">&'</a>"})", Escape::html);
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.text, "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt; <a href=\"x\">&'</a>");
}

TEST(ServicesMustacheRenderer, JsonEscapingMakesValidJsonStrings) {
  auto out = render(R"({"m": "{{v}}"})", R"({"v": "say \"hi\"\\ \nnext\tline\u0001 <b> ünï"})",
                    Escape::json);
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.text, R"({"m": "say \"hi\"\\ \nnext\u0009line\u0001 <b> ünï"})");
  auto reparsed = json(out.text);
  EXPECT_EQ(reparsed->getValue<std::string>("m"), "say \"hi\"\\ \nnext\tline\x01 <b> ünï");
}

TEST(ServicesMustacheRenderer, NoEscaping) {
  auto out = render("{{v}}", R"({"v": "<\"&\n"})", Escape::none);
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.text, "<\"&\n");
}

TEST(ServicesMustacheRenderer, TripleMustacheNeverEscapes) {
  auto out = render("{{{v}}}|{{&v}}", R"({"v": "a\"b"})", Escape::json);
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.text, "a\"b|a\"b");
}

TEST(ServicesMustacheRenderer, MissingValuesRenderEmpty) {
  auto out = render("[{{nothing}}][{{a.b.c}}]", R"({"a": {}})");
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.text, "[][]");
}

TEST(ServicesMustacheRenderer, UnclosedSectionNamesItsLine) {
  auto out = render("first\nsecond\n{{#items}}\n{{name}}\n", R"({})");
  EXPECT_FALSE(out.ok());
  EXPECT_EQ(out.error, "line 3: Unclosed section \"items\"");
  EXPECT_TRUE(out.text.empty());
}

TEST(ServicesMustacheRenderer, UnclosedTagNamesItsLine) {
  auto out = render("ok\n{{title", R"({})");
  EXPECT_EQ(out.error, "line 2: Unclosed tag");
}

TEST(ServicesMustacheRenderer, UnopenedSectionNamesItsLine) {
  auto out = render("{{title}}\n\n\n{{/items}}", R"({})");
  EXPECT_EQ(out.error, "line 4: Unopened section \"items\"");
}

TEST(ServicesMustacheRenderer, PartialsRenderNothingNotValuesAsTemplates) {
  // A value naming itself as a partial would otherwise recurse until the stack overflows.
  auto out = render("[{{> message}}]", R"({"message": "{{> message}}"})");
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.text, "[]");
}

TEST(ServicesCheckTemplate, AcceptsAValidTemplate) {
  EXPECT_EQ(check_template("{{#labels}}{{env}}{{/labels}} {{{raw}}} {{! comment }}"), std::nullopt);
}

TEST(ServicesCheckTemplate, RefusesAMalformedOneWithItsLine) {
  EXPECT_EQ(check_template("a\n{{#x}}\n{{/y}}"), "line 2: Unclosed section \"x\"");
  EXPECT_EQ(check_template("{{=<% %>=}}\n<%title"), "line 2: Unclosed tag");
}

}  // namespace
}  // namespace warden::host
