// WeCom (企业微信) group robot: one markdown message per alert, and a text message that mentions
// the contacts (WeCom's markdown cannot mention by mobile number).
#include <warden/vendor/contacts.hpp>
#include <warden/vendor/robot_reply.hpp>
#include <warden/warden.hpp>

namespace warden::plugins {
namespace {

constexpr std::size_t kMaxDetailBytes = 2048;

/// WeCom refuses a markdown content over 4096 bytes and a text content over 2048.
constexpr std::size_t kMaxMarkdownBytes = 4096;
constexpr std::size_t kMaxTextBytes = 2048;

/// The channel instance's fields (SPEC §8), read once per delivery.
struct WeComSettings {
  std::string token;
  std::vector<std::string> mobiles;
  std::string url;
  std::string tpl;

  static WeComSettings from(const Config& config) {
    WeComSettings s;
    s.token = config.string("token");
    s.mobiles = parse_mobiles(config.string_or("contacts", ""), "contacts");
    s.url = config.string_or("alertWeComURL", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send");
    s.tpl = config.string_or("alertTpl", "");
    return s;
  }
};

}  // namespace

/// Sends each alert to a WeCom group robot as a markdown message, plus a text message that
/// mentions the contacts when there are any.
class WeComChannel : public AlertChannel {
 public:
  Delivery send(const Alert& alert) override {
    const WeComSettings s = WeComSettings::from(config());
    Rendered content = templates().render(s.tpl, *alert.template_data(), Escape::none);
    if (!content.ok()) return Delivery{false, "alertTpl: " + content.error};

    std::vector<std::string> mentions = s.mobiles;
    for (const auto& mobile : alert.at_mobiles) add_unique(mentions, trimmed(mobile));
    if (alert.at_all) add_unique(mentions, "@all");

    Delivery delivery = post(s, markdown_body(truncated(content.text, kMaxMarkdownBytes)));
    if (delivery.delivered && !mentions.empty()) {
      Delivery mention = post(s, mention_body(alert, mentions));
      if (!mention.delivered) {
        mention.detail =
            "the markdown message was delivered, the mention was not: " + mention.detail;
        delivery = mention;
      }
    }
    const std::string where = host_and_port(s.url);
    if (delivery.delivered)
      log().debug("alert delivered to WeCom at " + where);
    else
      log().warn("alert not delivered to WeCom at " + where + ": " + delivery.detail);
    return delivery;
  }

 private:
  Delivery post(const WeComSettings& s, std::string body) {
    HttpRequest request;
    request.method = "POST";
    request.url =
        s.url + (s.url.find('?') == std::string::npos ? "?" : "&") + "key=" + query_value(s.token);
    request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    request.body = std::move(body);
    return to_delivery(http().send(request), {s.token});
  }

  static std::string markdown_body(const std::string& content) {
    Poco::JSON::Object::Ptr markdown = new Poco::JSON::Object;
    markdown->set("content", content);
    Poco::JSON::Object message;
    message.set("msgtype", "markdown");
    message.set("markdown", markdown);
    return compact_json(message);
  }

  /// `{"msgtype": "text", "text": {"content": "<title> (<status>)", "mentioned_mobile_list":
  /// […]}}`.
  static std::string mention_body(const Alert& alert, const std::vector<std::string>& mentions) {
    std::string line = !alert.title.empty() ? alert.title : alert.subject;
    if (line.empty()) line = "Warden alert";
    if (!alert.status.empty()) line += " (" + alert.status + ")";
    Poco::JSON::Array::Ptr mobiles = new Poco::JSON::Array;
    for (const auto& mobile : mentions) mobiles->add(mobile);
    Poco::JSON::Object::Ptr text = new Poco::JSON::Object;
    text->set("content", truncated(line, kMaxTextBytes));
    text->set("mentioned_mobile_list", mobiles);
    Poco::JSON::Object message;
    message.set("msgtype", "text");
    message.set("text", text);
    return compact_json(message);
  }

  static Delivery to_delivery(const HttpResponse& response,
                              const std::vector<std::string>& secrets) {
    return robot_delivery(response, secrets, "WeCom", {{"errcode", "errmsg"}}, kMaxDetailBytes);
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::WeComChannel, "wecom")
