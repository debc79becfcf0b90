// The validators of SPEC §2, by hand rather than std::regex: the rules are short, and hand parsing
// gives exact limits (label lengths, port ranges, IPv4 octets) without regex backtracking costs.
#include "host/config/config_schema.hpp"
#include "host/runtime/http_header_rules.hpp"

#include <warden/vendor/contacts.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace warden::host {
namespace {

using Message = std::optional<std::string>;
using Check = Message (*)(std::string_view);

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_alnum(char c) {
  return is_letter(c) || is_digit(c);
}
bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool all_of(std::string_view text, bool (*pred)(char)) {
  return std::all_of(text.begin(), text.end(), pred);
}

bool all_digits(std::string_view text) {
  return !text.empty() && all_of(text, is_digit);
}

Message fail_unless(bool ok, const char* message) {
  return ok ? std::nullopt : Message(message);
}

// ---- network names ------------------------------------------------------------------------------

bool is_ipv4(std::string_view text) {
  int parts = 0;
  while (true) {
    std::size_t dot = text.find('.');
    std::string_view part = text.substr(0, dot);
    if (!all_digits(part) || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    int octet = 0;
    std::from_chars(part.data(), part.data() + part.size(), octet);
    if (octet > 255 || ++parts > 4) return false;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return parts == 4;
}

bool is_ipv6(std::string_view text) {
  if (text.empty() || text.size() > 45) return false;
  std::array<unsigned char, 16> address{};
  std::string copy(text);
  return inet_pton(AF_INET6, copy.c_str(), address.data()) == 1;
}

using warden::is_host_name;

bool is_port(std::string_view text) {
  if (!all_digits(text) || text.size() > 5) return false;
  int port = 0;
  std::from_chars(text.data(), text.data() + text.size(), port);
  return port >= 1 && port <= 65535;
}

bool is_bracketed_ipv6(std::string_view text) {
  return text.size() > 2 && text.front() == '[' && text.back() == ']' &&
         is_ipv6(text.substr(1, text.size() - 2));
}

// A host as it appears before `:port` or in a URL: name, IPv4, or [IPv6].
bool is_host_in_authority(std::string_view text) {
  return is_host_name(text) || is_ipv4(text) || is_bracketed_ipv6(text);
}

bool is_host_with_port(std::string_view text) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  return is_host_in_authority(text.substr(0, colon)) && is_port(text.substr(colon + 1));
}

// ---- URL ----------------------------------------------------------------------------------------

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

std::optional<std::string_view> strip_http_scheme(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://"})
    if (starts_with_ignoring_case(url, scheme)) return url.substr(scheme.size());
  return std::nullopt;
}

bool is_url_char(char c) {
  return static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
}

bool is_authority(std::string_view authority) {
  if (std::size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);  // user:password@ is allowed, and not checked further
  if (is_host_in_authority(authority)) return true;
  return is_host_with_port(authority);
}

bool is_http_url(std::string_view url) {
  if (!all_of(url, is_url_char)) return false;
  auto rest = strip_http_scheme(url);
  if (!rest) return false;
  std::size_t end = rest->find_first_of("/?#");
  return is_authority(rest->substr(0, end));
}

// ---- HTTP headers -------------------------------------------------------------------------------

std::string_view trimmed_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// One `Name: value` line (its CRLF's CR already gone): what is wrong with it, or nothing.
Message header_line_problem(std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return "expected \"Name: value\"";
  const std::string name(trimmed_blanks(line.substr(0, colon)));
  if (!is_http_token(name))
    return "\"" + name + "\" is not a header name (letters, digits and !#$%&'*+-.^_`|~)";
  if (is_framing_header(name))
    return name +
           " is set by Warden's HTTP client (Host, Content-Length, Transfer-Encoding, "
           "Connection, TE and Upgrade cannot be set)";
  if (!is_http_header_value(line.substr(colon + 1)))
    return "the value of " + name + " holds a control character (a bare CR, a NUL, …)";
  return std::nullopt;
}

// ---- the validators -----------------------------------------------------------------------------
// Each sees a non-empty value: run_validator answers for empty ones (SPEC §2's optional rule).

Message require(std::string_view v) {
  return fail_unless(!v.empty(), "required");
}

Message none_blank(std::string_view v) {
  return fail_unless(!all_of(v, is_space), "must not be blank");
}

Message user_name(std::string_view v) {
  return fail_unless(
      all_of(v, [](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; }),
      "may contain only letters, digits, _, . and -");
}

Message email(std::string_view v) {
  return fail_unless(warden::is_email_address(v), "must be a valid email address");
}

Message mobile(std::string_view v) {
  return fail_unless(warden::is_mobile(v), "must be a mobile phone number");
}

Message forbid_start_with_number(std::string_view v) {
  return fail_unless(!is_digit(v.front()), "must not start with a digit");
}

Message identity(std::string_view v) {
  bool ok = (is_letter(v.front()) || v.front() == '_') &&
            all_of(v, [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
  return fail_unless(ok, "must start with a letter or _ and contain only letters, digits, _ and -");
}

Message identity_strict(std::string_view v) {
  return fail_unless(all_of(v, [](char c) { return is_alnum(c) || c == '_'; }),
                     "may contain only letters, digits and _");
}

Message integer(std::string_view v) {
  if (v.front() == '+' || v.front() == '-') v.remove_prefix(1);
  return fail_unless(all_digits(v), "must be an integer");
}

Message host(std::string_view v) {
  return fail_unless(is_host_with_port(v), "must be host:port (e.g. 192.168.28.200:7070)");
}

Message host_without_port(std::string_view v) {
  return fail_unless(is_host_in_authority(v) || is_ipv6(v),
                     "must be a host name or IP address, without a port");
}

Message url(std::string_view v) {
  return fail_unless(is_http_url(v), "must be an http or https URL");
}

Message db_col_name(std::string_view v) {
  bool ok = v.size() <= 64 && (is_letter(v.front()) || v.front() == '_') &&
            all_of(v, [](char c) { return is_alnum(c) || c == '_'; });
  return fail_unless(ok,
                     "must be a column name: letters, digits and _, not starting with a digit, "
                     "at most 64 characters");
}

bool has_nul(std::string_view v) {
  return v.find('\0') != std::string_view::npos;
}

Message relative_path(std::string_view v) {
  return fail_unless(v.front() != '/' && !has_nul(v),
                     "must be a relative path (not starting with /)");
}

Message absolute_path(std::string_view v) {
  return fail_unless(v.front() == '/' && !has_nul(v), "must be an absolute path starting with /");
}

// One `Name: value` per line (LF or CRLF), blank lines skipped: the lines an HTTP request can carry
// as they are.
Message http_header_lines(std::string_view v) {
  std::size_t number = 0;
  for (std::size_t start = 0; start <= v.size(); ++number) {
    std::size_t end = std::min(v.find('\n', start), v.size());
    std::string_view line = v.substr(start, end - start);
    start = end + 1;
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (trimmed_blanks(line).empty()) continue;
    if (auto problem = header_line_problem(line))
      return "line " + std::to_string(number + 1) + ": " + *problem;
  }
  return std::nullopt;
}

Message http_header_value(std::string_view v) {
  return fail_unless(is_http_header_value(v),
                     "must be one header value: no line break or other control character");
}

constexpr std::array<std::pair<std::string_view, Check>, 17> kValidators = {{
    {"require", require},
    {"user_name", user_name},
    {"email", email},
    {"mobile", mobile},
    {"forbid_start_with_number", forbid_start_with_number},
    {"identity", identity},
    {"identity_strict", identity_strict},
    {"integer", integer},
    {"host", host},
    {"host_without_port", host_without_port},
    {"url", url},
    {"db_col_name", db_col_name},
    {"relative_path", relative_path},
    {"absolute_path", absolute_path},
    {"none_blank", none_blank},
    {"http_header_lines", http_header_lines},
    {"http_header_value", http_header_value},
}};

Check find_validator(std::string_view name) {
  for (const auto& [known, check] : kValidators)
    if (known == name) return check;
  return nullptr;
}

bool checks_empty_values(std::string_view name) {
  return name == "require" || name == "none_blank";
}

}  // namespace

bool is_known_validator(std::string_view name) {
  return find_validator(name) != nullptr;
}

std::optional<std::string> run_validator(std::string_view validator, std::string_view value) {
  Check check = find_validator(validator);
  if (!check) return "unknown validator \"" + std::string(validator) + "\"";
  if (value.empty() && !checks_empty_values(validator)) return std::nullopt;
  return check(value);
}

}  // namespace warden::host
