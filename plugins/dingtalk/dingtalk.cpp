// DingTalk group robot: one markdown message per alert, @ mobiles or everyone, optional signing.
#include <warden/warden.hpp>

#include <Poco/Base64Encoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <sstream>

namespace warden::plugins {
namespace {

constexpr std::size_t kMaxDetailBytes = 2048;

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

/// The host's `mobile` rule: a Chinese mobile (11 digits starting with 1, optionally after +86)
/// or an E.164 number.
bool is_mobile(std::string_view text) {
  if (text.size() >= 9 && text.size() <= 16 && text.front() == '+' && text[1] != '0' &&
      all_digits(text.substr(1)))
    return true;
  if (text.starts_with("+86")) {
    text.remove_prefix(3);
    if (!text.empty() && (text.front() == ' ' || text.front() == '-')) text.remove_prefix(1);
  }
  return text.size() == 11 && text.front() == '1' && all_digits(text);
}

/// The `contacts` field: mobiles separated by commas, semicolons or line breaks.
std::vector<std::string> parse_contacts(const std::string& text) {
  std::vector<std::string> mobiles;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find_first_of(",;\n", start), text.size());
    const std::string mobile = trimmed(std::string_view(text).substr(start, end - start));
    start = end + 1;
    if (mobile.empty()) continue;
    if (!is_mobile(mobile))
      throw std::invalid_argument("contacts: \"" + mobile + "\" is not a mobile phone number");
    mobiles.push_back(mobile);
  }
  return mobiles;
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

/// SHA-256 for Poco::HMACEngine, which needs the block and digest sizes as constants.
class SHA256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  SHA256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

std::string base64(const Poco::DigestEngine::Digest& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
  encoder.close();
  return out.str();
}

/// DingTalk's signature: Base64 of HMAC-SHA256 over "<timestamp>\n<secret>", keyed with the secret.
std::string dingtalk_sign(const std::string& timestamp_ms, const std::string& secret) {
  Poco::HMACEngine<SHA256Engine> hmac(secret);
  hmac.update(timestamp_ms + "\n" + secret);
  return base64(hmac.digest());
}

/// A query parameter's value, percent-encoded (Base64's + / = included).
std::string query_value(const std::string& value) {
  std::string out;
  Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", out);
  return out;
}

/// The channel instance's fields (SPEC §8), read once per delivery.
struct DingTalkSettings {
  std::string token;
  std::vector<std::string> mobiles;
  bool at_all = false;
  bool signed_mode = false;
  std::string secret;
  std::string url;
  std::string tpl;

  static DingTalkSettings from(const Config& config) {
    DingTalkSettings s;
    s.token = config.string("token");
    s.mobiles = parse_contacts(config.string_or("contacts", ""));
    s.at_all = config.has("isAtAll") && config.boolean("isAtAll");
    s.signed_mode = config.has("secretEnable") && config.boolean("secretEnable");
    s.secret = config.string_or("secretToken", "");
    s.url = config.string_or("alertDingURL", "https://oapi.dingtalk.com/robot/send");
    s.tpl = config.string_or("alertTpl", "");
    return s;
  }
};

}  // namespace

/// Sends each alert to a DingTalk group robot as a markdown message.
class DingTalkChannel : public AlertChannel {
 public:
  Delivery send(const Alert& alert) override {
    const DingTalkSettings s = DingTalkSettings::from(config());
    if (s.signed_mode && s.secret.empty())
      return Delivery{false,
                      "secretToken: required when secretEnable is true; the alert was not sent "
                      "unsigned"};

    Rendered text = templates().render(s.tpl, *alert.template_data(), Escape::none);
    if (!text.ok()) return Delivery{false, "alertTpl: " + text.error};

    std::vector<std::string> mobiles = s.mobiles;
    for (const auto& mobile : alert.at_mobiles) add_unique(mobiles, trimmed(mobile));
    const bool at_all = s.at_all || alert.at_all;

    HttpRequest request;
    request.method = "POST";
    request.url = signed_url(s);
    request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    request.body = body(alert, text.text, mobiles, at_all);

    const Delivery delivery = to_delivery(http().send(request), {s.token, s.secret});
    const std::string where = host_and_port(s.url);
    if (delivery.delivered)
      log().debug("alert delivered to DingTalk at " + where);
    else
      log().warn("alert not delivered to DingTalk at " + where + ": " + delivery.detail);
    return delivery;
  }

 private:
  static std::string signed_url(const DingTalkSettings& s) {
    std::string url = s.url + (s.url.find('?') == std::string::npos ? "?" : "&");
    url += "access_token=" + query_value(s.token);
    if (s.signed_mode) {
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      const std::string timestamp =
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
      url += "&timestamp=" + timestamp + "&sign=" + query_value(dingtalk_sign(timestamp, s.secret));
    }
    return url;
  }

  static std::string body(const Alert& alert, const std::string& rendered,
                          const std::vector<std::string>& mobiles, bool at_all) {
    // DingTalk notifies a mobile only when the text also names it as "@<mobile>".
    std::string text = rendered;
    if (!mobiles.empty()) {
      text += "\n\n";
      for (std::size_t i = 0; i < mobiles.size(); ++i) text += (i ? " @" : "@") + mobiles[i];
    }
    std::string title = !alert.title.empty() ? alert.title : alert.subject;
    if (title.empty()) title = "Warden alert";

    Poco::JSON::Object::Ptr markdown = new Poco::JSON::Object;
    markdown->set("title", title);
    markdown->set("text", text);
    Poco::JSON::Array::Ptr at_mobiles = new Poco::JSON::Array;
    for (const auto& mobile : mobiles) at_mobiles->add(mobile);
    Poco::JSON::Object::Ptr at = new Poco::JSON::Object;
    at->set("atMobiles", at_mobiles);
    at->set("isAtAll", at_all);
    Poco::JSON::Object message;
    message.set("msgtype", "markdown");
    message.set("markdown", markdown);
    message.set("at", at);
    std::ostringstream out;
    message.stringify(out);
    return out.str();
  }

  static Delivery to_delivery(const HttpResponse& response,
                              const std::vector<std::string>& secrets) {
    Delivery delivery;
    delivery.http_status = response.status;
    delivery.retry_after_s = retry_after_seconds(response.header("Retry-After"));
    if (!response.error.empty()) {
      delivery.detail = masked(response.error, secrets);
      return delivery;
    }
    const std::string answer = masked(truncated(response.body, kMaxDetailBytes), secrets);
    if (!response.ok()) {
      delivery.detail = "HTTP " + std::to_string(response.status) + ": " + answer;
      return delivery;
    }
    // A 200 still fails when errcode is not 0: {"errcode": 310000, "errmsg": "sign not match"}.
    Poco::JSON::Object::Ptr reply;
    try {
      reply = Poco::JSON::Parser().parse(response.body).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
    }
    if (!reply || !reply->has("errcode")) {
      delivery.detail = "DingTalk answered without an errcode: " + answer;
      return delivery;
    }
    const auto code = reply->get("errcode");
    const std::string errmsg = reply->optValue<std::string>("errmsg", "");
    if (!code.isNumeric() || code.convert<std::int64_t>() != 0) {
      delivery.detail = masked(
          "DingTalk error " + code.toString() + ": " + truncated(errmsg, kMaxDetailBytes), secrets);
      return delivery;
    }
    delivery.delivered = true;
    delivery.detail = answer;
    return delivery;
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::DingTalkChannel, "dingtalk")
