#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace warden::host::http {

/// The cookie that carries a console session.
inline constexpr std::string_view kSessionCookie = "warden_session";
/// The header every request signed in with the cookie must carry. A page of another origin cannot
/// add it without a CORS preflight, which this server never grants: that is the CSRF guard.
inline constexpr std::string_view kConsoleHeader = "X-Warden-Console";

/// The value of the `warden_session` cookie in a Cookie header, if any (the first one).
std::optional<std::string> session_cookie(std::string_view cookie_header);

/// The headers that decide whether a cookie may sign a request in.
struct CookieRequestHeaders {
  std::optional<std::string> console;         ///< X-Warden-Console
  std::optional<std::string> origin;          ///< Origin
  std::optional<std::string> host;            ///< Host
  std::optional<std::string> sec_fetch_site;  ///< Sec-Fetch-Site
};

/// Why a request carrying the session cookie may not be signed in by it ("" when it may): it must
/// carry `X-Warden-Console: 1`, and when the browser says where it comes from (Origin,
/// Sec-Fetch-Site), that must be this server's origin.
std::string cookie_refusal(const CookieRequestHeaders& headers);

/// The Set-Cookie value that hands a browser its session: HttpOnly, SameSite=Strict, Path=/,
/// Max-Age (and Secure when served over TLS).
std::string session_set_cookie(std::string_view secret, long long max_age_seconds, bool secure);
/// The Set-Cookie value that removes it.
std::string session_clear_cookie(bool secure);

}  // namespace warden::host::http
