// The receiving end of bench/alerts_throughput.py: a Poco HTTPServer standing in for an
// HTTP-callback endpoint. It answers every POST or PUT with 200 "ok" and records when it got it
// (CLOCK_REALTIME, microseconds) with the alert's "id" taken from the JSON body (the bundled
// http_callback default template puts it there). GET /results answers every record so far as
// "<id> <unix_us>\n" lines; DELETE /results forgets them.
//
//   bench_alert_receiver [--listen 127.0.0.1:0] [--threads 64]
//
// Prints "alert receiver listening on http://HOST:PORT" on stdout once it accepts connections,
// then serves until SIGTERM or SIGINT.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Records {
  std::mutex mutex;
  std::vector<std::pair<std::string, long long>> received;
};

long long unix_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The value of the first `"id": "…"` in a JSON body (no escapes expected in bench ids).
std::string id_of(const std::string& body) {
  const auto key = body.find("\"id\"");
  if (key == std::string::npos) return "?";
  const auto open = body.find('"', body.find(':', key) + 1);
  const auto close = body.find('"', open + 1);
  if (open == std::string::npos || close == std::string::npos) return "?";
  return body.substr(open + 1, close - open - 1);
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(Records& records) : records_(records) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body);
    const long long at = unix_us();
    std::string answer = "ok";
    if (request.getMethod() == "GET" && request.getURI() == "/results") {
      std::ostringstream out;
      std::lock_guard lock(records_.mutex);
      for (const auto& [id, us] : records_.received) out << id << ' ' << us << '\n';
      answer = out.str();
    } else if (request.getMethod() == "DELETE" && request.getURI() == "/results") {
      std::lock_guard lock(records_.mutex);
      records_.received.clear();
    } else {
      std::lock_guard lock(records_.mutex);
      records_.received.emplace_back(id_of(body), at);
    }
    response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType("text/plain");
    response.setContentLength(static_cast<std::streamsize>(answer.size()));
    response.sendBuffer(answer.data(), answer.size());
  }

 private:
  Records& records_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(records_);
  }

 private:
  Records records_;
};

[[noreturn]] void usage(const char* message) {
  std::cerr << "bench_alert_receiver: " << message << "\n"
            << "usage: bench_alert_receiver [--listen HOST:PORT] [--threads N]\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  int threads = 64;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
    const std::string value = argv[++i];
    if (arg == "--listen")
      listen = value;
    else if (arg == "--threads")
      threads = std::atoi(value.c_str());
    else
      usage(("unknown option " + arg).c_str());
  }
  if (threads < 1) usage("--threads must be at least 1");

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(listen), /*reuseAddress=*/true, /*reusePort=*/false);
  socket.listen(256);
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(threads);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  Poco::ThreadPool pool(2, threads);
  Poco::Net::HTTPServer server(new Factory, pool, socket, params);
  server.start();
  std::printf("alert receiver listening on http://%s\n", socket.address().toString().c_str());
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  server.stopAll(/*abortCurrent=*/true);
  pool.joinAll();
  return 0;
}
