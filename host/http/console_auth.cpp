#include "host/http/console_auth.hpp"

namespace warden::host::http {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// "http://host:port" → "host:port"; nullopt for anything that is not an http(s) origin.
std::optional<std::string_view> origin_authority(std::string_view origin) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (origin.starts_with(scheme)) {
      const auto authority = origin.substr(scheme.size());
      if (authority.empty() || authority.find('/') != std::string_view::npos) return std::nullopt;
      return authority;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> session_cookie(std::string_view cookie_header) {
  while (!cookie_header.empty()) {
    const auto end = cookie_header.find(';');
    const auto pair = trim(cookie_header.substr(0, end));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && trim(pair.substr(0, equals)) == kSessionCookie) {
      return std::string(trim(pair.substr(equals + 1)));
    }
    if (end == std::string_view::npos) break;
    cookie_header.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::string cookie_refusal(const CookieRequestHeaders& headers) {
  if (!headers.console || trim(*headers.console) != "1") {
    return "a request signed in with the console's cookie must carry the header " +
           std::string(kConsoleHeader) + ": 1";
  }
  if (headers.sec_fetch_site && *headers.sec_fetch_site != "same-origin" &&
      *headers.sec_fetch_site != "none") {
    return "a request signed in with the console's cookie must come from this server's pages";
  }
  if (headers.origin) {
    const auto authority = origin_authority(*headers.origin);
    if (!authority || !headers.host || *authority != *headers.host) {
      return "a request signed in with the console's cookie must come from this server's origin";
    }
  }
  return {};
}

std::string session_set_cookie(std::string_view secret, long long max_age_seconds, bool secure) {
  return std::string(kSessionCookie) + "=" + std::string(secret) +
         "; Path=/; Max-Age=" + std::to_string(max_age_seconds) + "; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

std::string session_clear_cookie(bool secure) {
  return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
         (secure ? "; Secure" : "");
}

}  // namespace warden::host::http
