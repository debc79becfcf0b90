// The bundled email channel, built and staged by the build, loaded through the registry and
// sending real mail to a real SMTP server: tests/plugins/email/smtp_server.py on Debian's
// python3-aiosmtpd, in plain, STARTTLS and implicit-TLS modes, with AUTH.
#include "tests/support/bundled_plugin.hpp"
#include "tests/support/http_receiver.hpp"
#include "tests/support/temp_dir.hpp"

#include <warden/alert_channel.hpp>

#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

namespace warden {
namespace {
namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, where python3-aiosmtpd lives
constexpr const char* kUser = "alice";
constexpr const char* kPassword = "s3cret-Pa55";

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << bytes;
  encoder.close();
  return out.str();
}

/// smtp_server.py, started on a free port; killed (and waited for) on destruction.
class SmtpServer {
 public:
  struct Options {
    std::string mode = "plain";  ///< plain, starttls, tls
    const test::TlsFiles* tls = nullptr;
    bool auth = false;
    std::vector<std::string> exclude_auth{};
  };

  explicit SmtpServer(const Options& options) : events_file_(dir_.path() / "events.jsonl") {
    std::vector<std::string> args = {WARDEN_SOURCE_DIR "/tests/plugins/email/smtp_server.py",
                                     "--mode", options.mode, "--out", events_file_.string()};
    if (options.tls)
      args.insert(args.end(), {"--cert", options.tls->certificate.string(), "--key",
                               options.tls->private_key.string()});
    if (options.auth) args.insert(args.end(), {"--user", kUser, "--password", kPassword});
    for (const auto& m : options.exclude_auth) args.insert(args.end(), {"--exclude-auth", m});

    Poco::Pipe out, err;
    handle_ = std::make_unique<Poco::ProcessHandle>(
        Poco::Process::launch(kPython, args, ".", nullptr, &out, &err));
    out_reader_ = std::thread([this, out]() mutable {
      Poco::PipeInputStream s(out);
      std::string line;
      const bool got = static_cast<bool>(std::getline(s, line));
      {
        std::lock_guard lock(mutex_);
        if (got && line.rfind("PORT ", 0) == 0) port_ = std::stoi(line.substr(5));
        ready_ = true;
      }
      changed_.notify_all();
      for (; std::getline(s, line);) {
      }
    });
    err_reader_ = std::thread([this, err]() mutable {
      Poco::PipeInputStream s(err);
      for (std::string line; std::getline(s, line);) {
        std::lock_guard lock(mutex_);
        err_ += line + "\n";
      }
    });
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(20), [&] { return ready_; });
  }

  ~SmtpServer() {
    if (Poco::Process::isRunning(*handle_)) Poco::Process::kill(*handle_);
    handle_->wait();
    out_reader_.join();
    err_reader_.join();
  }

  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  /// 0 when the server did not start (see stderr()).
  int port() const {
    std::lock_guard lock(mutex_);
    return port_;
  }
  std::string stderr_text() const {
    std::lock_guard lock(mutex_);
    return err_;
  }

  /// Every event recorded so far ("auth" and "message"), in order.
  std::vector<Poco::JSON::Object::Ptr> events(const std::string& kind) const {
    std::vector<Poco::JSON::Object::Ptr> out;
    std::ifstream in(events_file_);
    for (std::string line; std::getline(in, line);) {
      auto event = parse_object(line);
      if (event->getValue<std::string>("event") == kind) out.push_back(event);
    }
    return out;
  }

 private:
  test::TempDir dir_;
  fs::path events_file_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  std::thread out_reader_, err_reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool ready_ = false;
  int port_ = 0;
  std::string err_;
};

Alert disk_alert() {
  Alert alert;
  alert.type = "job_state";
  alert.subject = "disk full on db-1";
  alert.title = "Disk \"data\" full";
  alert.source = "etl-job";
  alert.id = "a-17";
  alert.status = "FAILED";
  alert.severity = "critical";
  alert.start_time = "2026-01-31T12:00:00+01:00";
  alert.duration = "3m 20s";
  alert.link = "https://flink.example.com/jobs?id=17&tab=exceptions";
  alert.restart = true;
  alert.restart_index = 2;
  alert.total_restart = 3;
  alert.cp_failure_rate_interval = 600;
  alert.cp_max_failure_interval = 1800;
  alert.message = "<script>alert('x')</script> & more";
  alert.labels = {{"strategy_id", "42"}, {"bk_biz_id", "7"}};
  return alert;
}

class Email : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(plugin.record()); }

  std::shared_ptr<AlertChannel> channel(int port, const std::string& extra_fields = "") {
    const std::string json = R"({"smtpHost": "127.0.0.1", "smtpPort": )" + std::to_string(port) +
                             R"(, "from": "warden@example.com", "to": ")" + recipients + "\"" +
                             extra_fields + "}";
    return plugin.make<AlertChannel>(*parse_object(json));
  }

  std::string auth_fields(const std::string& password = kPassword) const {
    return std::string(R"(, "userName": ")") + kUser + R"(", "password": ")" + password + "\"";
  }
  std::string ca_field() const { return R"(, "caFile": ")" + tls.certificate.string() + "\""; }

  /// A port nothing listens on.
  static int closed_port() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    const int port = socket.address().port();
    socket.close();
    return port;
  }

  test::BundledPlugin plugin{"email"};
  test::TempDir certs;
  test::TlsFiles tls = test::make_self_signed_certificate(certs.path());
  std::string recipients = "ops@example.com, oncall@example.org\\nlead@example.net";
};

#define ASSERT_SERVER_UP(server) ASSERT_NE((server).port(), 0) << (server).stderr_text()

TEST_F(Email, PlainMessageReachesEveryRecipientAsEscapedHtml) {
  SmtpServer server({});
  ASSERT_SERVER_UP(server);
  auto sender = channel(server.port());
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  const auto messages = server.events("message");
  ASSERT_EQ(messages.size(), 1u);
  const auto& got = messages[0];
  EXPECT_EQ(got->getValue<std::string>("mail_from"), "warden@example.com");
  std::vector<std::string> rcpt;
  for (const auto& r : *got->getArray("rcpt_tos")) rcpt.push_back(r.toString());
  EXPECT_EQ(rcpt, (std::vector<std::string>{"ops@example.com", "oncall@example.org",
                                            "lead@example.net"}));
  EXPECT_FALSE(got->getValue<bool>("tls"));
  EXPECT_EQ(got->getValue<std::string>("subject"), "[FAILED] disk full on db-1");
  EXPECT_EQ(got->getValue<std::string>("from"), "warden@example.com");
  const std::string to = got->getValue<std::string>("to");
  for (const auto& address : rcpt) EXPECT_NE(to.find(address), std::string::npos) << to;
  EXPECT_EQ(got->getValue<std::string>("content_type"), "text/html");
  EXPECT_EQ(got->getValue<std::string>("charset"), "utf-8");

  const std::string body = got->getValue<std::string>("body");
  EXPECT_EQ(body.find("<script>"), std::string::npos) << body;
  EXPECT_NE(body.find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; more"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("Disk &quot;data&quot; full"), std::string::npos) << body;
  EXPECT_NE(body.find(R"(<a href="https://flink.example.com/jobs?id=17&amp;tab=exceptions">)"),
            std::string::npos)
      << body;
  for (const char* expected :
       {"etl-job", "a-17", "<b>FAILED</b>", "critical", "2026-01-31T12:00:00+01:00", "3m 20s",
        "2 of 3", "600", "1800", "<td>strategy_id</td><td>42</td>", "<td>bk_biz_id</td><td>7</td>"})
    EXPECT_NE(body.find(expected), std::string::npos) << expected << " in\n" << body;
  EXPECT_EQ(body.find("Ended"), std::string::npos) << "no end_time, no row:\n" << body;
  EXPECT_NE(plugin.log().find("alert mailed to 3 recipient(s)"), std::string::npos) << plugin.log();
}

TEST_F(Email, EmptyFieldsAreLeftOutOfTheDefaultTemplate) {
  SmtpServer server({});
  ASSERT_SERVER_UP(server);
  auto sender = channel(server.port());
  ASSERT_TRUE(sender);
  Alert alert;
  alert.title = "Only a title";

  const Delivery delivery = sender->deliver(alert);

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  const auto messages = server.events("message");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]->getValue<std::string>("subject"), "Only a title");
  const std::string body = messages[0]->getValue<std::string>("body");
  EXPECT_NE(body.find("Only a title"), std::string::npos) << body;
  for (const char* absent : {"Source", "Status", "Link", "Restart", "Checkpoints", "Labels",
                             "Started", "Duration", "<pre"})
    EXPECT_EQ(body.find(absent), std::string::npos) << absent << " in\n" << body;
}

TEST_F(Email, SubjectAndBodyTemplatesCanBeReplaced) {
  SmtpServer server({});
  ASSERT_SERVER_UP(server);
  auto sender = channel(server.port(),
                        R"(, "subjectTpl": "{{source}}: {{severity}}\nBcc: evil@example.com",
                            "alertTpl": "<p>{{message}}</p>{{{message}}}")");
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  const auto messages = server.events("message");
  ASSERT_EQ(messages.size(), 1u);
  // A line break in the subject cannot add a header.
  EXPECT_EQ(messages[0]->getValue<std::string>("subject"),
            "etl-job: critical Bcc: evil@example.com");
  EXPECT_EQ(messages[0]->getArray("rcpt_tos")->size(), 3u);
  EXPECT_EQ(messages[0]->getValue<std::string>("body"),
            "<p>&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; more</p>"
            "<script>alert('x')</script> & more\r\n");
}

TEST_F(Email, StartTlsWithAuthPlainAndTheTestCaTrusted) {
  SmtpServer server({.mode = "starttls", .tls = &tls, .auth = true});
  ASSERT_SERVER_UP(server);
  auto sender = channel(server.port(), R"(, "starttls": true)" + auth_fields() + ca_field());
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  const auto auths = server.events("auth");
  ASSERT_EQ(auths.size(), 1u);
  EXPECT_EQ(auths[0]->getValue<std::string>("mechanism"), "PLAIN");
  EXPECT_EQ(auths[0]->getValue<std::string>("login"), kUser);
  EXPECT_TRUE(auths[0]->getValue<bool>("ok"));
  const auto messages = server.events("message");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0]->getValue<bool>("tls"));
  EXPECT_EQ(messages[0]->getValue<std::string>("subject"), "[FAILED] disk full on db-1");
}

TEST_F(Email, ImplicitTlsWithAuthLoginWhenPlainIsNotOffered) {
  SmtpServer server({.mode = "tls", .tls = &tls, .auth = true, .exclude_auth = {"PLAIN"}});
  ASSERT_SERVER_UP(server);
  auto sender = channel(server.port(), R"(, "ssl": true)" + auth_fields() + ca_field());
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_TRUE(delivery.delivered) << delivery.detail;
  const auto auths = server.events("auth");
  ASSERT_EQ(auths.size(), 1u);
  EXPECT_EQ(auths[0]->getValue<std::string>("mechanism"), "LOGIN");
  EXPECT_TRUE(auths[0]->getValue<bool>("ok"));
  const auto messages = server.events("message");
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0]->getValue<bool>("tls"));
}

TEST_F(Email, AWrongPasswordFailsWithTheReplyAndIsNeverShown) {
  SmtpServer server({.auth = true});
  ASSERT_SERVER_UP(server);
  const std::string wrong = "wrong-Pa55word";
  auto sender = channel(server.port(), auth_fields(wrong));
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  const std::string where = "127.0.0.1:" + std::to_string(server.port());
  EXPECT_NE(delivery.detail.find(where), std::string::npos) << delivery.detail;
  EXPECT_NE(delivery.detail.find("AUTH PLAIN refused: 535"), std::string::npos) << delivery.detail;
  const std::string log = plugin.log();
  EXPECT_NE(log.find("535"), std::string::npos) << log;
  for (const std::string& secret :
       {wrong, base64(wrong), base64(std::string(1, '\0') + kUser + '\0' + wrong)}) {
    EXPECT_EQ(delivery.detail.find(secret), std::string::npos) << delivery.detail;
    EXPECT_EQ(log.find(secret), std::string::npos) << log;
  }
  const auto auths = server.events("auth");
  ASSERT_EQ(auths.size(), 1u);
  EXPECT_FALSE(auths[0]->getValue<bool>("ok"));
  EXPECT_TRUE(server.events("message").empty());
}

TEST_F(Email, ARefusedConnectionFailsNamingHostAndPort) {
  const int port = closed_port();
  auto sender = channel(port);
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail, "SMTP 127.0.0.1:" + std::to_string(port) + ": connection refused");
}

TEST_F(Email, AnUntrustedCertificateFailsImplicitTls) {
  SmtpServer server({.mode = "tls", .tls = &tls});
  ASSERT_SERVER_UP(server);
  auto sender = channel(server.port(), R"(, "ssl": true)");  // no caFile: system CAs only
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_NE(delivery.detail.find("127.0.0.1:" + std::to_string(server.port()) + ": TLS failed"),
            std::string::npos)
      << delivery.detail;
  EXPECT_NE(delivery.detail.find("certificate"), std::string::npos) << delivery.detail;
  EXPECT_TRUE(server.events("message").empty());
}

TEST_F(Email, AnUntrustedCertificateFailsStartTlsBeforeAuth) {
  SmtpServer server({.mode = "starttls", .tls = &tls, .auth = true});
  ASSERT_SERVER_UP(server);
  auto sender = channel(server.port(), R"(, "starttls": true)" + auth_fields());
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_NE(delivery.detail.find("TLS failed"), std::string::npos) << delivery.detail;
  EXPECT_TRUE(server.events("auth").empty()) << "no password sent to an untrusted server";
  EXPECT_TRUE(server.events("message").empty());
}

TEST_F(Email, StartTlsThatTheServerDoesNotOfferFailsRatherThanSendingInPlainText) {
  SmtpServer server({});
  ASSERT_SERVER_UP(server);
  auto sender = channel(server.port(), R"(, "starttls": true)");
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_NE(delivery.detail.find("does not offer STARTTLS"), std::string::npos) << delivery.detail;
  EXPECT_TRUE(server.events("message").empty());
}

TEST_F(Email, ARefusedRecipientFailsNamingItAndTheReply) {
  SmtpServer server({});
  ASSERT_SERVER_UP(server);
  recipients = "ops@example.com, gone@refused.example";
  auto sender = channel(server.port());
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_NE(delivery.detail.find("<gone@refused.example>"), std::string::npos) << delivery.detail;
  EXPECT_NE(delivery.detail.find("550"), std::string::npos) << delivery.detail;
  EXPECT_TRUE(server.events("message").empty());
}

TEST_F(Email, AMalformedRecipientFailsNamingIt) {
  recipients = "ops@example.com; not an address";
  auto sender = channel(closed_port());
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail, "to: \"not an address\" is not an email address");
}

TEST_F(Email, ATemplateThatDoesNotParseFailsNamingItsLine) {
  SmtpServer server({});
  ASSERT_SERVER_UP(server);
  auto sender = channel(server.port(), R"(, "alertTpl": "<p>\n{{#labels}}</p>")");
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_EQ(delivery.detail.rfind("alertTpl: line", 0), 0u) << delivery.detail;
  EXPECT_TRUE(server.events("message").empty());
}

TEST_F(Email, AServerThatNeverAnswersTimesOut) {
  // Accepted by the kernel (the listen backlog), never greeted.
  Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto sender = channel(silent.address().port(), R"(, "timeout": 1)");
  ASSERT_TRUE(sender);

  const auto started = std::chrono::steady_clock::now();
  const Delivery delivery = sender->deliver(disk_alert());
  const auto took = std::chrono::steady_clock::now() - started;

  EXPECT_FALSE(delivery.delivered);
  EXPECT_NE(delivery.detail.find("no answer within 1 s"), std::string::npos) << delivery.detail;
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST_F(Email, SslAndStarttlsTogetherAreRefused) {
  auto sender = channel(closed_port(), R"(, "ssl": true, "starttls": true)");
  ASSERT_TRUE(sender);

  const Delivery delivery = sender->deliver(disk_alert());

  EXPECT_FALSE(delivery.delivered);
  EXPECT_NE(delivery.detail.find("exclude each other"), std::string::npos) << delivery.detail;
}

TEST_F(Email, TheManifestHasTheSpecFieldsFirst) {
  const auto& fields = plugin.record()->manifest->schema.fields();
  std::vector<std::string> names;
  for (const auto& f : fields) names.push_back(f.name);
  const std::vector<std::string> spec = {"smtpHost", "smtpPort", "from", "userName", "password",
                                         "ssl",      "starttls", "to",   "alertTpl"};
  ASSERT_GE(names.size(), spec.size());
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + spec.size()), spec);
}

}  // namespace
}  // namespace warden
