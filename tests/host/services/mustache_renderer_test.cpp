#include "host/services/mustache_renderer.hpp"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <chrono>

namespace warden::host {
namespace {

Poco::JSON::Object::Ptr json(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// The default limits but no time limit to speak of: a busy machine must not turn an output-limit
// test into a time-limit one (RenderTimeIsBounded tests the clock on its own).
Rendered render(std::string_view tpl, const std::string& data, Escape escape = Escape::none) {
  return MustacheRenderer({.max_render_time = std::chrono::minutes(10)})
      .render(tpl, *json(data), escape);
}

std::string repeated(std::string_view text, std::size_t times) {
  std::string out;
  out.reserve(text.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += text;
  return out;
}

/// `depth` sections named `name`, one inside the other, around `inside`.
std::string nested(const std::string& name, std::size_t depth, const std::string& inside = "x") {
  return repeated("{{#" + name + "}}", depth) + inside + repeated("{{/" + name + "}}", depth);
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

TEST(ServicesTemplateLimits, DeepNestingIsRefusedBeforeKainjowReadsIt) {
  // 20,000 nested sections overflowed the stack (kainjow parses and renders them by recursion).
  const auto started = std::chrono::steady_clock::now();
  const std::string deep = nested("title", 20'000);
  EXPECT_EQ(check_template(deep), "line 1: sections nested deeper than 32");
  EXPECT_EQ(render(deep, R"({"title": "t"})").error, "line 1: sections nested deeper than 32");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));

  EXPECT_EQ(check_template(nested("title", 32)), std::nullopt);
  EXPECT_EQ(render(nested("title", 32), R"({"title": "t"})").text, "x");
  EXPECT_EQ(check_template("a\n" + nested("a", 16, nested("b", 16, "\n" + nested("c", 1)))),
            "line 3: sections nested deeper than 32");
  // Inverted sections nest too; sections side by side do not.
  EXPECT_EQ(check_template(repeated("{{^a}}", 33) + repeated("{{/a}}", 33)),
            "line 1: sections nested deeper than 32");
  EXPECT_EQ(check_template(repeated(nested("a", 32), 100)), std::nullopt);
}

TEST(ServicesTemplateLimits, NestingIsCountedThroughSetDelimiterTags) {
  const std::string custom = "{{=<% %>=}}" + repeated("<%#a%>", 33) + repeated("<%/a%>", 33);
  EXPECT_EQ(check_template(custom), "line 1: sections nested deeper than 32");
  // Braces after a custom delimiter are text, not sections.
  EXPECT_EQ(check_template("{{=<% %>=}}" + repeated("{{#a}}", 40) + "<%title%>"), std::nullopt);
  EXPECT_EQ(check_template("{{=<% %>=}}<%={{ }}=%>" + nested("a", 33)),
            "line 1: sections nested deeper than 32");
  auto out = render("{{=<% %>=}}<%#on%>[<%v%>]<%/on%>", R"({"on": true, "v": "x"})");
  ASSERT_TRUE(out.ok()) << out.error;
  EXPECT_EQ(out.text, "[x]");
}

TEST(ServicesTemplateLimits, ALongTemplateIsRefused) {
  const std::string long_one(128 * 1024 + 1, 'x');
  EXPECT_EQ(check_template(long_one), "the template is longer than 128 KiB (131073 bytes)");
  EXPECT_EQ(render(long_one, "{}").error, "the template is longer than 128 KiB (131073 bytes)");
  EXPECT_EQ(check_template(std::string(128 * 1024, 'x')), std::nullopt);
}

TEST(ServicesTemplateLimits, OutputIsBoundedBeforeItIsMade) {
  // {{message}} x 10,000 over a 100 KB message rendered a 1 GB body.
  const std::string message(100'000, 'm');
  const std::string data = R"({"message": ")" + message + R"("})";
  const std::string many = repeated("{{message}}", 10'000);
  EXPECT_EQ(render(many, data).error, "renders more than 1 MiB");
  EXPECT_EQ(render(repeated("{{{message}}}", 11), data).error, "renders more than 1 MiB");
  EXPECT_EQ(render(repeated("{{&message}}\n", 11), data, Escape::json).error,
            "renders more than 1 MiB");
  EXPECT_EQ(render(repeated("{{message}}", 10), data).text.size(), 1'000'000u);
}

TEST(ServicesTemplateLimits, TheLimitIsExactForTextValuesAndEscaping) {
  MustacheRenderer renderer({.max_output_bytes = 12});
  const auto rendered = [&](std::string_view tpl, const std::string& data) {
    auto out = renderer.render(tpl, *json(data), Escape::html);
    return out.ok() ? out.text : out.error;
  };
  const std::string items = R"({"items": [1, 2, 3, 4, 5, 6], "v": "<", "w": "<"})";
  EXPECT_EQ(rendered("{{#items}}ab{{/items}}", items), "abababababab");
  EXPECT_EQ(rendered("{{#items}}abc{{/items}}", items), "renders more than 12 bytes");
  EXPECT_EQ(rendered("{{#items}}{{.}}{{/items}}......", items), "123456......");
  EXPECT_EQ(rendered("{{#items}}{{.}}{{/items}}.......", items), "renders more than 12 bytes");
  EXPECT_EQ(rendered("{{v}}{{v}}{{{w}}}...", items), "&lt;&lt;<...");
  EXPECT_EQ(rendered("{{v}}{{v}}{{{w}}}....", items), "renders more than 12 bytes");
  EXPECT_EQ(rendered("{{^missing}}twelve bytes{{/missing}}", items), "twelve bytes");
}

TEST(ServicesTemplateLimits, AOneLineListOfTextIsRefusedBeforeItIsMade) {
  // kainjow hands a line to its output only when it ends: without a line break nothing would be
  // counted until the whole body was in memory.
  std::string items;
  for (int i = 0; i < 3'000; ++i) items += (i ? "," : "") + std::to_string(i);
  const std::string data = R"({"items": [)" + items + "]}";
  EXPECT_EQ(render("{{#items}}" + std::string(1'000, 't') + "{{/items}}", data).error,
            "renders more than 1 MiB");
  EXPECT_EQ(render(nested("items", 3, "{{.}}"), data).error, "renders more than 1 MiB");
}

TEST(ServicesTemplateLimits, RenderTimeIsBounded) {
  // Ten nested sections over ten items: 10^10 renderings that output nothing.
  MustacheRenderer renderer({.max_render_time = std::chrono::milliseconds(100)});
  const auto out =
      renderer.render(nested("l", 10, ""), *json(R"({"l": [1,2,3,4,5,6,7,8,9,0]})"), Escape::none);
  EXPECT_EQ(out.error, "takes longer than 100 ms to render");
  EXPECT_TRUE(out.text.empty());
}

}  // namespace
}  // namespace warden::host
