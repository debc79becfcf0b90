#include "host/http/session_routes.hpp"

#include "host/http/console_auth.hpp"
#include "host/runtime/iso_time.hpp"

namespace warden::host::http {
namespace {

/// Behind a proxy that ends TLS, the cookie is marked Secure too.
bool over_tls(const Request& request) {
  const auto proto = request.header("X-Forwarded-Proto");
  return proto && *proto == "https";
}

Response session_answer(std::optional<std::int64_t> expires_ms) {
  auto data = object();
  data->set("expires_at",
            expires_ms ? Poco::Dynamic::Var(iso8601(*expires_ms)) : Poco::Dynamic::Var());
  auto body = object();
  body->set("result", "ok");
  body->set("data", data);
  return Response::json(body);
}

std::optional<std::string> cookie_of(const Request& request) {
  const auto header = request.header("Cookie");
  return header ? session_cookie(*header) : std::nullopt;
}

}  // namespace

void add_session_routes(Router& router, SessionStore& sessions, const ApiToken& token,
                        std::chrono::seconds ttl, const Clock& clock) {
  router.add("POST", "/api/session", [&sessions, &token, ttl, &clock](const Request& request) {
    const auto refusal = cookie_refusal({request.header(kConsoleHeader), request.header("Origin"),
                                         request.header("Host"), request.header("Sec-Fetch-Site")});
    if (!refusal.empty()) throw HttpError(403, refusal);
    const auto body = request.json();
    const auto given = body->has("token") && body->get("token").isString()
                           ? body->getValue<std::string>("token")
                           : std::string();
    if (!token.accepts(given)) throw HttpError(401, "unauthorized");
    const auto ttl_ms = std::chrono::duration_cast<std::chrono::milliseconds>(ttl).count();
    const auto opened = sessions.open(clock.now_ms(), ttl_ms);
    auto response = session_answer(opened.expires_ms);
    response.headers.emplace_back(
        "Set-Cookie", session_set_cookie(opened.secret, ttl.count(), over_tls(request)));
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  });
  router.add("GET", "/api/session", [&sessions, &clock](const Request& request) {
    // A script signed in with the token has no session: its expiry is null.
    const auto secret = cookie_of(request);
    return session_answer(secret ? sessions.expiry(*secret, clock.now_ms()) : std::nullopt);
  });
  router.add("DELETE", "/api/session", [&sessions](const Request& request) {
    if (const auto secret = cookie_of(request)) sessions.close(*secret);
    auto response = session_answer(std::nullopt);
    response.headers.emplace_back("Set-Cookie", session_clear_cookie(over_tls(request)));
    return response;
  });
}

}  // namespace warden::host::http
