// Lark / Feishu custom bot: one interactive card per alert, @all on request, optional signing.
#include <warden/vendor/robot_reply.hpp>
#include <warden/vendor/signing.hpp>
#include <warden/warden.hpp>

#include <chrono>

namespace warden::plugins {
namespace {

constexpr std::size_t kMaxDetailBytes = 2048;

/// Lark's signature: Base64 of HMAC-SHA256 keyed with "<timestamp>\n<secret>" over an empty
/// message.
std::string lark_sign(const std::string& timestamp_s, const std::string& secret) {
  return hmac_sha256_base64(timestamp_s + "\n" + secret, "");
}

/// The card header's colour: green for a recovery, else by severity.
std::string header_colour(const Alert& alert) {
  const std::string status = lowercase(alert.status);
  if (status == "recovered" || status == "resolved" || status == "ok") return "green";
  const std::string severity = lowercase(alert.severity);
  if (severity == "critical" || severity == "error" || severity == "fatal") return "red";
  if (severity == "warning") return "orange";
  return "blue";
}

/// The channel instance's fields (SPEC §8), read once per delivery.
struct LarkSettings {
  std::string token;
  bool at_all = false;
  bool signed_mode = false;
  std::string secret;
  std::string url;
  std::string tpl;

  static LarkSettings from(const Config& config) {
    LarkSettings s;
    s.token = config.string("token");
    s.at_all = config.has("isAtAll") && config.boolean("isAtAll");
    s.signed_mode = config.has("secretEnable") && config.boolean("secretEnable");
    s.secret = config.string_or("secretToken", "");
    s.url = config.string_or("alertLarkURL", "https://open.feishu.cn/open-apis/bot/v2/hook");
    s.tpl = config.string_or("alertTpl", "");
    return s;
  }
};

}  // namespace

/// Sends each alert to a Lark (Feishu) custom bot as an interactive card with a markdown element.
class LarkChannel : public AlertChannel {
 public:
  Delivery send(const Alert& alert) override {
    const LarkSettings s = LarkSettings::from(config());
    if (s.signed_mode && s.secret.empty())
      return Delivery{false,
                      "secretToken: required when secretEnable is true; the alert was not sent "
                      "unsigned"};

    Rendered content = templates().render(s.tpl, *alert.template_data(), Escape::none);
    if (!content.ok()) return Delivery{false, "alertTpl: " + content.error};

    HttpRequest request;
    request.method = "POST";
    // The hook id is the last path segment: <alertLarkURL>/<token>.
    request.url = s.url;
    if (request.url.empty() || request.url.back() != '/') request.url += '/';
    request.url += s.token;
    request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    request.body = body(s, alert, content.text, s.at_all || alert.at_all);

    const Delivery delivery = to_delivery(http().send(request), {s.token, s.secret});
    const std::string where = host_and_port(s.url);
    if (delivery.delivered)
      log().debug("alert delivered to Lark at " + where);
    else
      log().warn("alert not delivered to Lark at " + where + ": " + delivery.detail);
    return delivery;
  }

 private:
  static std::string body(const LarkSettings& s, const Alert& alert, const std::string& rendered,
                          bool at_all) {
    std::string title = !alert.title.empty() ? alert.title : alert.subject;
    if (title.empty()) title = "Warden alert";

    Poco::JSON::Object::Ptr title_text = new Poco::JSON::Object;
    title_text->set("tag", "plain_text");
    title_text->set("content", title);
    Poco::JSON::Object::Ptr header = new Poco::JSON::Object;
    header->set("title", title_text);
    header->set("template", header_colour(alert));

    Poco::JSON::Object::Ptr markdown = new Poco::JSON::Object;
    markdown->set("tag", "markdown");
    // A card's markdown mentions everyone with <at id=all></at>.
    markdown->set("content", at_all ? rendered + "\n<at id=all></at>" : rendered);
    Poco::JSON::Array::Ptr elements = new Poco::JSON::Array;
    elements->add(markdown);

    Poco::JSON::Object::Ptr card_config = new Poco::JSON::Object;
    card_config->set("wide_screen_mode", true);
    Poco::JSON::Object::Ptr card = new Poco::JSON::Object;
    card->set("config", card_config);
    card->set("header", header);
    card->set("elements", elements);

    Poco::JSON::Object message;
    if (s.signed_mode) {
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      const std::string timestamp =
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count());
      message.set("timestamp", timestamp);
      message.set("sign", lark_sign(timestamp, s.secret));
    }
    message.set("msg_type", "interactive");
    message.set("card", card);
    return compact_json(message);
  }

  static Delivery to_delivery(const HttpResponse& response,
                              const std::vector<std::string>& secrets) {
    // Lark answers {"code": 0, "msg": "success"}; older hooks {"StatusCode": 0, "StatusMessage"}.
    return robot_delivery(response, secrets, "Lark",
                          {{"code", "msg"}, {"StatusCode", "StatusMessage"}}, kMaxDetailBytes);
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::LarkChannel, "lark")
