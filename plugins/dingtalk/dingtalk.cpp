// DingTalk group robot: one markdown message per alert, @ mobiles or everyone, optional signing.
#include <warden/vendor/contacts.hpp>
#include <warden/vendor/robot_reply.hpp>
#include <warden/vendor/signing.hpp>
#include <warden/warden.hpp>

#include <chrono>

namespace warden::plugins {
namespace {

constexpr std::size_t kMaxDetailBytes = 2048;

/// DingTalk's signature: Base64 of HMAC-SHA256 over "<timestamp>\n<secret>", keyed with the secret.
std::string dingtalk_sign(const std::string& timestamp_ms, const std::string& secret) {
  return hmac_sha256_base64(secret, timestamp_ms + "\n" + secret);
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
    s.mobiles = parse_mobiles(config.string_or("contacts", ""), "contacts");
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
    return compact_json(message);
  }

  static Delivery to_delivery(const HttpResponse& response,
                              const std::vector<std::string>& secrets) {
    return robot_delivery(response, secrets, "DingTalk", {{"errcode", "errmsg"}}, kMaxDetailBytes);
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::DingTalkChannel, "dingtalk")
