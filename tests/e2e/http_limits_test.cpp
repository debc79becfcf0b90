// Slow, silent and badly framed clients against the real binary (issue 14, A7 and A8): slow
// connections hold no server thread and are cut at the header deadline while /healthz keeps
// answering, and framing a proxy could read otherwise is refused with 400.
#include "tests/support/api_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kToken = "e2e-http-limits";

/// What /proc says of a process: its threads and resident memory (KiB).
struct ProcessFigures {
  int threads = 0;
  long rss_kib = 0;
};

/// The pid of the process whose command line mentions `marker` (0 when none does).
int pid_with_argument(const std::string& marker) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    const std::string cmdline((std::istreambuf_iterator<char>(in)), {});
    if (cmdline.find(marker) != std::string::npos) return std::stoi(name);
  }
  return 0;
}

ProcessFigures figures_of(int pid) {
  ProcessFigures figures;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Threads:", 0) == 0) figures.threads = std::stoi(line.substr(8));
    if (line.rfind("VmRSS:", 0) == 0) figures.rss_kib = std::stol(line.substr(6));
  }
  return figures;
}

std::string read_until_closed(Poco::Net::StreamSocket& socket) {
  std::string text;
  char buffer[4096];
  try {
    for (int count; (count = socket.receiveBytes(buffer, sizeof buffer)) > 0;) {
      text.append(buffer, static_cast<std::size_t>(count));
    }
  } catch (const Poco::Exception&) {
    // reset by the server, or our own receive timeout (the caller measures which)
  }
  return text;
}

class HttpLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.write("warden.yaml", "plugins_dir: " + std::string(WARDEN_STAGED_PLUGINS_DIR) +
                                            "\nlog_level: warn\nhttp_header_timeout: 3\n"
                                            "TEST:\n  database: sqlite:" +
                                            (dir_.path() / "warden.db").string() + "\n");
    warden_ = std::make_unique<WardenProcess>(
        std::vector<std::string>{"serve", "--config", config_.string(), "--listen", "127.0.0.1:0"},
        std::map<std::string, std::string>{{"AUTH_TOKEN", kToken}});
    ASSERT_TRUE(warden_->wait_until_serving()) << warden_->log();
  }

  std::unique_ptr<Poco::Net::StreamSocket> connect() {
    auto socket = std::make_unique<Poco::Net::StreamSocket>(
        Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(warden_->port())));
    socket->setReceiveTimeout(Poco::Timespan(60, 0));
    return socket;
  }

  /// Sends `text` on a new connection and reads the answer until the server closes.
  std::string exchange(const std::string& text) {
    auto socket = connect();
    socket->sendBytes(text.data(), static_cast<int>(text.size()));
    return read_until_closed(*socket);
  }

  TempDir dir_;
  fs::path config_;
  std::unique_ptr<WardenProcess> warden_;
};

TEST_F(HttpLimits, HealthzAnswersThroughout200SlowConnectionsThatAreThenCut) {
  const int pid = pid_with_argument(config_.string());
  ASSERT_NE(pid, 0);
  const auto before = figures_of(pid);

  // Half send nothing; half trickle a header a byte at a time that would take a minute.
  const std::string header =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(600, 'a') + "\r\n\r\n";
  std::vector<std::unique_ptr<Poco::Net::StreamSocket>> slow;
  const auto opened = Clock::now();
  for (int i = 0; i < 200; ++i) slow.push_back(connect());
  std::atomic<bool> trickling{true};
  std::thread trickler([&] {
    for (std::size_t at = 0; trickling && at < header.size(); ++at) {
      for (std::size_t i = 1; i < slow.size(); i += 2) {
        try {
          slow[i]->sendBytes(&header[at], 1);
        } catch (const Poco::Exception&) {
          // cut by the server
        }
      }
      std::this_thread::sleep_for(100ms);
    }
  });

  // Meanwhile /healthz answers, each call with a generous deadline.
  int answered = 0;
  std::chrono::milliseconds slowest{0};
  ProcessFigures during;
  while (Clock::now() - opened < 2500ms || answered < 5) {
    const auto started = Clock::now();
    const auto reply = call_api(warden_->port(), "GET", "/healthz");
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    EXPECT_EQ(reply.status, 200) << "call " << answered << " after " << took.count() << " ms";
    slowest = std::max(slowest, took);
    ++answered;
    if (answered == 3) during = figures_of(pid);
    std::this_thread::sleep_for(50ms);
  }
  std::cout << "[ figures  ] 200 slow connections: threads " << before.threads << " -> "
            << during.threads << ", RSS " << before.rss_kib << " -> " << during.rss_kib
            << " KiB; /healthz answered " << answered << " times, slowest " << slowest.count()
            << " ms" << std::endl;
  // The slow connections hold no server thread.
  EXPECT_LT(during.threads, before.threads + 8);

  // Then every slow connection is cut after the 3 s header deadline, not when it would finish.
  for (auto& socket : slow) read_until_closed(*socket);
  const auto all_cut = Clock::now() - opened;
  trickling = false;
  trickler.join();
  EXPECT_GE(all_cut, 2900ms);
  EXPECT_LT(all_cut, 40s);
  EXPECT_EQ(call_api(warden_->port(), "GET", "/healthz").status, 200);
  EXPECT_TRUE(warden_->running());
}

TEST_F(HttpLimits, AmbiguousFramingIsRefusedWith400) {
  const std::string post =
      "POST /api/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: " + kToken + "\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}", "conflicting Content-Length headers"},
      {"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "must not have both Content-Length and Transfer-Encoding"},
      {"Content-Length: -2\r\n\r\n{}", "invalid Content-Length"},
      {"Content-Length: abc\r\n\r\n{}", "invalid Content-Length"},
      {"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
       R"(malformed chunked request body: invalid chunk size \"zz\")"},
  };
  for (const auto& [rest, message] : cases) {
    const auto answer = exchange(post + rest);
    EXPECT_EQ(answer.substr(0, answer.find("\r\n")), "HTTP/1.1 400 Bad Request") << rest << answer;
    EXPECT_NE(answer.find(message), std::string::npos) << rest << answer;
  }
  EXPECT_EQ(call_api(warden_->port(), "GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace warden::test
