#include "host/config/config_schema.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace warden::host {
namespace {

using namespace std::string_literals;

struct ValidatorTable {
  std::string validator;
  std::vector<std::string> accepted;
  std::vector<std::string> refused;
  std::string message;  // what every refused value is told
};

std::ostream& operator<<(std::ostream& out, const ValidatorTable& table) {
  return out << table.validator;
}

const std::vector<ValidatorTable> kTables = {
    {"require", {"x", " ", "0"}, {""}, "required"},
    {"none_blank", {"x", " x "}, {"", " ", "\t\n "}, "must not be blank"},
    {"user_name",
     {"alice", "bob.smith", "ops-team_1", "A9"},
     {"alice smith", "bob@example", "ops/team", "名字"},
     "may contain only letters, digits, _, . and -"},
    {"email",
     {"ops@example.com", "first.last+tag@mail.example.co", "a_b@sub-domain.example.org"},
     {"not-an-address", "ops@", "@example.com", "ops@localhost", "ops@@example.com",
      ".ops@example.com", "ops..x@example.com", "ops@example..com", "ops @example.com",
      "ops@-example.com"},
     "must be a valid email address"},
    {"mobile",
     {"13800138000", "+8613800138000", "+86 13800138000", "+14155552671", "+4915123456789"},
     {"1380013800", "138001380001", "23800138000", "+86 2380013800", "phone", "+1234567",
      "+1234567890123456", "138-0013-8000"},
     "must be a mobile phone number"},
    {"forbid_start_with_number",
     {"abc1", "_1", "a"},
     {"1abc", "9", "0x"},
     "must not start with a digit"},
    {"identity",
     {"alpha", "_hidden", "my-channel_2", "A"},
     {"2fast", "-dash", "has space", "dot.ted", "naïve"},
     "must start with a letter or _ and contain only letters, digits, _ and -"},
    {"identity_strict",
     {"alpha", "_x", "A_1", "123"},
     {"my-channel", "dot.ted", "has space"},
     "may contain only letters, digits and _"},
    {"integer",
     {"0", "42", "-7", "+3", "0012"},
     {"4.2", "1e3", "ten", "-", "+", "1 2"},
     "must be an integer"},
    {"host",
     {"192.168.28.200:7070", "example.com:443", "localhost:1", "[::1]:8080",
      "flink_jobmanager:8081", "a.b.c:65535"},
     {"192.168.28.200", "example.com", "example.com:0", "example.com:65536", "example.com:http",
      "::1:8080", "[::1]", "256.1.1.1:80", "host name:80", ":80", "http://example.com:80"},
     "must be host:port (e.g. 192.168.28.200:7070)"},
    {"host_without_port",
     {"example.com", "localhost", "10.0.0.1", "::1", "[2001:db8::1]", "fe80::1"},
     {"example.com:80", "10.0.0.1:22", "999.1.1.1", "-bad.example", "bad-.example", "two words",
      "http://example.com"},
     "must be a host name or IP address, without a port"},
    {"url",
     {"http://example.com", "https://oapi.dingtalk.com/robot/send?access_token=x",
      "http://localhost:8080/hook", "http://127.0.0.1:9000", "https://[::1]:8443/a#frag",
      "HTTPS://Example.COM/path", "http://user:pw@example.com/x"},
     {"ftp://example.com", "example.com", "http://", "http:///path", "http://exa mple.com",
      "https://example.com/a b", "http://example.com:0", "http://example.com:99999",
      "mailto:ops@example.com", "http//example.com"},
     "must be an http or https URL"},
    {"db_col_name",
     {"col", "_col", "Col_2", std::string(64, 'a')},
     {"2col", "col-name", "col name", std::string(65, 'a'), "ta.col"},
     "must be a column name: letters, digits and _, not starting with a digit, at most 64 "
     "characters"},
    {"relative_path",
     {"templates/a.md", "a", "./a", "../a"},
     {"/etc/passwd", "/", "a\0b"s},
     "must be a relative path (not starting with /)"},
    {"absolute_path",
     {"/", "/var/lib/warden", "/a b/c"},
     {"var/lib", "./a", "~/a", "/a\0b"s},
     "must be an absolute path starting with /"},
    {"http_header_value",
     {"application/json", "text/plain; charset=utf-8", "a\tb", "ünï"},
     {"application/json\r\nX-Evil: 1", "a\rb", "a\nb", "a\0b"s,
      "a\x01"
      "b",
      "a\x7f"},
     "must be one header value: no line break or other control character"},
};

class ValidatorTables : public ::testing::TestWithParam<ValidatorTable> {};

TEST_P(ValidatorTables, AcceptsAndRefuses) {
  const auto& table = GetParam();
  ASSERT_TRUE(is_known_validator(table.validator));
  for (const auto& value : table.accepted)
    EXPECT_EQ(run_validator(table.validator, value), std::nullopt) << '"' << value << '"';
  for (const auto& value : table.refused)
    EXPECT_EQ(run_validator(table.validator, value), table.message) << '"' << value << '"';
}

INSTANTIATE_TEST_SUITE_P(Validators, ValidatorTables, ::testing::ValuesIn(kTables),
                         [](const auto& info) { return info.param.validator; });

TEST(ValidatorNames, TheTablesCoverEverySpecValidator) {
  std::vector<std::string> covered;
  for (const auto& table : kTables) covered.push_back(table.validator);
  for (const char* name : {"require", "user_name", "email", "mobile", "forbid_start_with_number",
                           "identity", "identity_strict", "integer", "host", "host_without_port",
                           "url", "db_col_name", "relative_path", "absolute_path", "none_blank"}) {
    EXPECT_TRUE(is_known_validator(name)) << name;
    EXPECT_NE(std::find(covered.begin(), covered.end(), name), covered.end()) << name;
  }
}

TEST(HttpHeaderLines, AcceptsNameValueLinesAndBlankOnes) {
  for (const std::string value :
       {"Authorization: Bearer abc", "X-A: 1\nX-B: 2", "X-A: 1\r\n\r\nX-B:2\r\n", "\n  \n",
        "X-Tab:\tv\t", "X-Empty:", "X-Odd!#$%&'*+-.^_`|~: v", "x-utf8: ünï"})
    EXPECT_EQ(run_validator("http_header_lines", value), std::nullopt) << '"' << value << '"';
}

TEST(HttpHeaderLines, RefusesWhatCannotBeSentNamingTheLine) {
  const auto problem = [](const std::string& value) {
    return run_validator("http_header_lines", value).value_or("<accepted>");
  };
  EXPECT_EQ(problem("X-Ok: 1\nnot a header"), "line 2: expected \"Name: value\"");
  EXPECT_EQ(problem("Bad Name: x"),
            "line 1: \"Bad Name\" is not a header name (letters, digits and !#$%&'*+-.^_`|~)");
  EXPECT_EQ(problem(": x"),
            "line 1: \"\" is not a header name (letters, digits and !#$%&'*+-.^_`|~)");
  EXPECT_EQ(problem("X-Ok: 1\n\nX-A: a\rb"),
            "line 3: the value of X-A holds a control character (a bare CR, a NUL, …)");
  EXPECT_EQ(problem("X-A: a\0b"s),
            "line 1: the value of X-A holds a control character (a bare CR, a NUL, …)");
  EXPECT_EQ(problem("X\rA: b"),
            "line 1: \"X\rA\" is not a header name (letters, digits and !#$%&'*+-.^_`|~)");
  for (const std::string name :
       {"Host", "content-length", "Transfer-Encoding", "CONNECTION", "TE", "Upgrade"})
    EXPECT_EQ(problem("X-Ok: 1\n" + name + ": x"),
              "line 2: " + name +
                  " is set by Warden's HTTP client (Host, Content-Length, Transfer-Encoding, "
                  "Connection, TE and Upgrade cannot be set)");
}

TEST(ValidatorNames, UnknownNamesAreNotValidators) {
  for (const char* name : {"uri", "", "Require", "phone", "required"})
    EXPECT_FALSE(is_known_validator(name)) << name;
  EXPECT_EQ(run_validator("uri", "http://x"), "unknown validator \"uri\"");
}

TEST(ValidatorEmptyValue, PassesEveryValidatorButRequireAndNoneBlank) {
  for (const auto& table : kTables) {
    auto outcome = run_validator(table.validator, "");
    if (table.validator == "require")
      EXPECT_EQ(outcome, "required");
    else if (table.validator == "none_blank")
      EXPECT_EQ(outcome, "must not be blank");
    else
      EXPECT_EQ(outcome, std::nullopt) << table.validator;
  }
}

}  // namespace
}  // namespace warden::host
