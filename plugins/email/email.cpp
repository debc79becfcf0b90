// The bundled `email` alert channel: one HTML message per alert, over SMTP (plain, STARTTLS or
// implicit TLS), with AUTH PLAIN or LOGIN, to every recipient at once.
#include <warden/vendor/contacts.hpp>
#include <warden/warden.hpp>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Environment.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/UUIDGenerator.h>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace warden::plugins {
namespace {

constexpr std::size_t kMaxDetailBytes = 2048;
constexpr double kDefaultTimeoutSeconds = 30;

std::string uppercase(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

std::string base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);  // one line: an SMTP command must not break
  encoder << bytes;
  encoder.close();
  return out.str();
}

std::string unbase64(const std::string& text) {
  try {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::string out;
    Poco::StreamCopier::copyToString(decoder, out);
    return out;
  } catch (const Poco::Exception&) {
    return {};
  }
}

// ---- recipients ---------------------------------------------------------------------------------

/// The `to` field: addresses (the host's `email` rule) separated by commas, semicolons or line
/// breaks, each once.
std::vector<std::string> parse_recipients(const std::string& text) {
  std::vector<std::string> out = parse_email_addresses(text, "to");
  if (out.empty()) throw std::invalid_argument("to: no recipient");
  return out;
}

// ---- settings -----------------------------------------------------------------------------------

bool flag(const Config& config, const std::string& field) {
  if (!config.has(field)) return false;
  const auto& value = config.json().get(field);
  if (value.isBoolean()) return value.extract<bool>();
  return value.convert<std::string>() == "true";
}

/// The channel instance's fields (SPEC §8), read once per delivery.
struct MailSettings {
  std::string host;
  Poco::UInt16 port = 25;
  std::string from;
  std::string user;
  std::string password;
  bool implicit_tls = false;
  bool starttls = false;
  std::vector<std::string> to;
  std::string body_template;
  std::string subject_template;
  std::string ca_file;
  Poco::Timespan timeout;

  std::string where() const { return host + ":" + std::to_string(port); }

  static MailSettings from_config(const Config& config) {
    MailSettings s;
    s.host = config.string("smtpHost");
    const std::int64_t port = config.has("smtpPort") ? config.integer("smtpPort") : 25;
    if (port < 1 || port > 65535)
      throw std::invalid_argument("smtpPort must be between 1 and 65535, not " +
                                  std::to_string(port));
    s.port = static_cast<Poco::UInt16>(port);
    s.from = config.string("from");
    s.user = config.string_or("userName", "");
    s.password = config.string_or("password", "");
    s.implicit_tls = flag(config, "ssl");
    s.starttls = flag(config, "starttls");
    if (s.implicit_tls && s.starttls)
      throw std::invalid_argument(
          "ssl and starttls exclude each other: choose implicit TLS (ssl, usually port 465) or "
          "STARTTLS (usually port 587)");
    s.to = parse_recipients(config.string_or("to", ""));
    s.body_template = config.string_or("alertTpl", "");
    s.subject_template = config.string_or("subjectTpl", "");
    s.ca_file = config.string_or("caFile", "");
    double seconds = config.has("timeout") ? config.number("timeout") : kDefaultTimeoutSeconds;
    if (!(seconds > 0) || !std::isfinite(seconds)) seconds = kDefaultTimeoutSeconds;
    s.timeout = Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(seconds * 1e6));
    return s;
  }

  bool uses_tls() const { return implicit_tls || starttls; }
};

/// One header line: line breaks become spaces (a template must not add headers).
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  return trimmed(text);
}

// ---- SMTP ---------------------------------------------------------------------------------------

/// An SMTP reply that stopped the delivery: what we asked, and what the server said.
class SmtpRefusal : public std::runtime_error {
 public:
  SmtpRefusal(const std::string& what_we_asked, const std::string& reply)
      : std::runtime_error(what_we_asked + " refused: " + one_line(reply)) {}
};

/// Poco's session, driven step by step: EHLO (whose answer lists the extensions), STARTTLS with
/// a verified host name, and AUTH PLAIN (RFC 4616) or LOGIN, whichever the server offers.
class SmtpSession : public Poco::Net::SMTPClientSession {
 public:
  explicit SmtpSession(const Poco::Net::StreamSocket& socket) : SMTPClientSession(socket) {}

  /// Reads the greeting.
  void greet() {
    try {
      open();
    } catch (const Poco::Net::SMTPException& e) {
      throw SmtpRefusal("the connection", e.message());
    }
  }

  /// EHLO (HELO if the server does not know EHLO); keeps the extensions it lists.
  void hello(const std::string& name) {
    std::string reply;
    int status = sendCommand("EHLO", name, reply);
    if (isPermanentNegative(status)) status = sendCommand("HELO", name, reply);
    if (!isPositiveCompletion(status)) throw SmtpRefusal("EHLO", reply);
    extensions_.clear();
    std::istringstream lines(reply);
    for (std::string line; std::getline(lines, line);) {
      // "250-AUTH LOGIN PLAIN" / "250 STARTTLS"; the first line is the server's name.
      if (line.size() > 4) extensions_.push_back(uppercase(trimmed(line.substr(4))));
    }
    if (!extensions_.empty()) extensions_.erase(extensions_.begin());
  }

  bool offers(const std::string& extension) const {
    for (const auto& e : extensions_)
      if (e == extension || e.rfind(extension + " ", 0) == 0) return true;
    return false;
  }

  /// The AUTH mechanisms the last EHLO listed ("AUTH LOGIN PLAIN" or the old "AUTH=LOGIN").
  std::vector<std::string> auth_mechanisms() const {
    std::vector<std::string> out;
    for (const auto& e : extensions_) {
      if (e.rfind("AUTH", 0) != 0 || e.size() < 5 || (e[4] != ' ' && e[4] != '=')) continue;
      std::istringstream words(e.substr(5));
      for (std::string w; words >> w;) out.push_back(w);
    }
    return out;
  }

  void start_tls(const Poco::Net::Context::Ptr& context, const std::string& host,
                 const Poco::Timespan& timeout) {
    std::string reply;
    if (!isPositiveCompletion(sendCommand("STARTTLS", reply))) throw SmtpRefusal("STARTTLS", reply);
    // Verified against `host` (not the peer's address), as the client named the server.
    socket() = Poco::Net::SecureStreamSocket::attach(socket(), host, context);
    socket().setReceiveTimeout(timeout);
    socket().setSendTimeout(timeout);
  }

  /// Drops the connection without QUIT.
  void abort() noexcept {
    try {
      socket().close();
    } catch (...) {
    }
  }

  void authenticate(const std::string& user, const std::string& password) {
    const auto mechanisms = auth_mechanisms();
    const auto offered = [&](const std::string& m) {
      for (const auto& o : mechanisms)
        if (o == m) return true;
      return false;
    };
    if (offered("PLAIN")) return auth_plain(user, password);
    if (offered("LOGIN")) return auth_login(user, password);
    std::string list;
    for (const auto& m : mechanisms) list += (list.empty() ? "" : " ") + m;
    throw std::runtime_error(
        list.empty() ? "the server offers no AUTH (a userName is set; does it need STARTTLS?)"
                     : "the server offers neither AUTH PLAIN nor LOGIN, only " + list);
  }

 private:
  void auth_plain(const std::string& user, const std::string& password) {
    std::string reply;
    const int status =
        sendCommand("AUTH PLAIN", base64(std::string(1, '\0') + user + '\0' + password), reply);
    if (!isPositiveCompletion(status)) throw SmtpRefusal("AUTH PLAIN", reply);
  }

  void auth_login(const std::string& user, const std::string& password) {
    std::string reply;
    if (!isPositiveIntermediate(sendCommand("AUTH LOGIN", reply)))
      throw SmtpRefusal("AUTH LOGIN", reply);
    // The server asks for the user name, then the password; a few ask the other way round.
    const bool password_first =
        uppercase(unbase64(reply.size() > 4 ? reply.substr(4) : "")).rfind("PASSWORD", 0) == 0;
    const std::string first = password_first ? password : user;
    const std::string second = password_first ? user : password;
    if (!isPositiveIntermediate(sendCommand(base64(first), reply)))
      throw SmtpRefusal("AUTH LOGIN", reply);
    if (!isPositiveCompletion(sendCommand(base64(second), reply)))
      throw SmtpRefusal("AUTH LOGIN", reply);
  }

  std::vector<std::string> extensions_;
};

/// The server's certificate is checked against the system's CAs, plus `ca_file` when set.
Poco::Net::Context::Ptr client_context(const std::string& ca_file) {
  static const bool initialized = [] {
    Poco::Net::initializeSSL();  // counted; never undone, as TLS objects may outlive the plugin
    return true;
  }();
  (void)initialized;
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
  params.loadDefaultCAs = true;
  params.caLocation = ca_file;
  try {
    return new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("caFile \"" + ca_file + "\" cannot be used: " + e.message());
  }
}

std::string message_id(const std::string& from) {
  const std::string domain = from.substr(from.find('@') + 1);
  return "<" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString() + "@" + domain +
         ">";
}

/// Why a delivery failed, from what was thrown while talking to the server.
std::string failure_reason(const MailSettings& s) {
  try {
    throw;
  } catch (const SmtpRefusal& e) {
    return e.what();
  } catch (const Poco::Net::ConnectionRefusedException&) {
    return "connection refused";
  } catch (const Poco::TimeoutException&) {
    return "no answer within " + std::to_string(s.timeout.totalSeconds()) + " s";
  } catch (const Poco::Net::HostNotFoundException&) {
    return "cannot resolve host \"" + s.host + "\"";
  } catch (const Poco::Net::NoAddressFoundException&) {
    return "cannot resolve host \"" + s.host + "\"";
  } catch (const Poco::Net::SSLException& e) {
    std::string reason = "TLS failed: " + e.message();
    if (reason.find("certificate verify failed") != std::string::npos ||
        reason.find("certificate") != std::string::npos)
      reason += " (the server's certificate is not trusted: is its CA in caFile or the system's?)";
    return reason;
  } catch (const Poco::Net::SMTPException& e) {
    return e.message();  // "Recipient rejected: <x@y>: 550 …", "The server rejected the message: …"
  } catch (const Poco::Net::ConnectionResetException&) {
    return "the server closed the connection";
  } catch (const Poco::Exception& e) {
    return e.displayText();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace

/// Mails each alert (HTML from `alertTpl`) to every address in `to`, in one message.
class EmailChannel : public AlertChannel {
 public:
  Delivery send(const Alert& alert) override {
    const MailSettings settings = MailSettings::from_config(config());
    const Poco::JSON::Object::Ptr data = alert.template_data();

    Rendered body = templates().render(settings.body_template, *data, Escape::html);
    if (!body.ok()) return fail(settings, "alertTpl: " + body.error);
    std::string subject = alert_subject(alert);
    if (!settings.subject_template.empty()) {
      Rendered rendered = templates().render(settings.subject_template, *data, Escape::none);
      if (!rendered.ok()) return fail(settings, "subjectTpl: " + rendered.error);
      if (!one_line(rendered.text).empty()) subject = rendered.text;
    }

    Poco::Net::MailMessage message;
    message.setSender(settings.from);
    for (const auto& address : settings.to)
      message.addRecipient(
          Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, address));
    message.setSubject(Poco::Net::MailMessage::encodeWord(one_line(subject), "UTF-8"));
    message.set("Message-ID", message_id(settings.from));
    message.set("Auto-Submitted", "auto-generated");
    message.set("X-Mailer", "Warden");
    message.setContentType("text/html; charset=UTF-8");
    message.setContent(body.text, Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE);

    try {
      transmit(settings, message);
    } catch (...) {
      return fail(settings, "SMTP " + settings.where() + ": " + failure_reason(settings));
    }
    log().info("alert mailed to " + std::to_string(settings.to.size()) + " recipient(s) via " +
               settings.where());
    return Delivery{true, "sent to " + std::to_string(settings.to.size()) + " recipient(s) via " +
                              settings.where()};
  }

 private:
  /// The subject when no subjectTpl is set: `[status] subject` (or the title).
  static std::string alert_subject(const Alert& alert) {
    std::string text = !alert.subject.empty() ? alert.subject
                       : !alert.title.empty() ? alert.title
                                              : "Warden alert";
    return alert.status.empty() ? text : "[" + alert.status + "] " + text;
  }

  static void transmit(const MailSettings& s, const Poco::Net::MailMessage& message) {
    Poco::Net::Context::Ptr tls;
    if (s.uses_tls()) tls = client_context(s.ca_file);

    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(s.host, s.port), s.timeout);
    socket.setReceiveTimeout(s.timeout);
    socket.setSendTimeout(s.timeout);
    if (s.implicit_tls) {
      Poco::Net::SecureStreamSocket secure =
          Poco::Net::SecureStreamSocket::attach(socket, s.host, tls);
      secure.setReceiveTimeout(s.timeout);
      secure.setSendTimeout(s.timeout);
      socket = secure;
    }

    SmtpSession session(socket);
    session.setTimeout(s.timeout);
    try {
      converse(session, s, message, tls);
    } catch (const SmtpRefusal&) {
      throw;  // the server answers: the session's destructor says QUIT
    } catch (const Poco::Net::SMTPException&) {
      throw;
    } catch (...) {
      session.abort();  // a broken TLS layer or a silent server: no QUIT, no second wait
      throw;
    }
  }

  static void converse(SmtpSession& session, const MailSettings& s,
                       const Poco::Net::MailMessage& message, const Poco::Net::Context::Ptr& tls) {
    const std::string name = Poco::Environment::nodeName();
    session.greet();
    session.hello(name);
    if (s.starttls) {
      if (!session.offers("STARTTLS"))
        throw std::runtime_error("starttls is set, but the server does not offer STARTTLS");
      session.start_tls(tls, s.host, s.timeout);
      session.hello(name);  // the extensions may differ once encrypted (RFC 3207)
    }
    if (!s.user.empty()) session.authenticate(s.user, s.password);
    session.sendMessage(message);
    try {
      session.close();  // QUIT; the message is already accepted
    } catch (...) {
    }
  }

  /// A failed delivery, logged; the password never appears, whatever the server echoed.
  Delivery fail(const MailSettings& s, std::string detail) const {
    if (!s.password.empty())
      detail =
          masked(std::move(detail), {s.password, base64(s.password),
                                     base64(std::string(1, '\0') + s.user + '\0' + s.password)});
    detail = truncated(detail, kMaxDetailBytes);
    log().warn("alert not mailed: " + detail);
    return Delivery{false, detail};
  }
};

}  // namespace warden::plugins

WARDEN_PLUGIN(warden::plugins::EmailChannel, "email")
