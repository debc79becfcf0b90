// The ceiling for bench/status_task.py: the smallest Poco HTTPServer that answers every request
// with one fixed body. It is configured like Warden's server (host/http/server.cpp): a
// Poco::ThreadPool and HTTPServerParams with the same thread count, keep-alive on, no limit on
// requests per connection. Poco serves one keep-alive connection per pool thread, so --threads
// must be at least the benchmark's connection count or the extra connections starve.
//
//   bench_fixed_body_server --body-file F [--listen 127.0.0.1:0] [--threads 64]
//                           [--content-type application/json]
//
// Prints "fixed-body server listening on http://HOST:PORT (N threads, B-byte body)" on stdout
// once it accepts connections, then serves until SIGTERM or SIGINT.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

class FixedBodyHandler : public Poco::Net::HTTPRequestHandler {
 public:
  FixedBodyHandler(const std::string& body, const std::string& content_type)
      : body_(body), content_type_(content_type) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    // Read the request body as a real handler must (the keep-alive session needs it consumed).
    Poco::NullOutputStream sink;
    Poco::StreamCopier::copyStream(request.stream(), sink);
    response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentType(content_type_);
    response.setContentLength(static_cast<std::streamsize>(body_.size()));
    response.sendBuffer(body_.data(), body_.size());
  }

 private:
  const std::string& body_;
  const std::string& content_type_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(std::string body, std::string content_type)
      : body_(std::move(body)), content_type_(std::move(content_type)) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new FixedBodyHandler(body_, content_type_);
  }

 private:
  const std::string body_;
  const std::string content_type_;
};

[[noreturn]] void usage(const char* message) {
  std::cerr << "bench_fixed_body_server: " << message << "\n"
            << "usage: bench_fixed_body_server --body-file F [--listen HOST:PORT] [--threads N]"
               " [--content-type T]\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  std::string body_file;
  std::string content_type = "application/json";
  int threads = 64;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
    const std::string value = argv[++i];
    if (arg == "--listen") {
      listen = value;
    } else if (arg == "--body-file") {
      body_file = value;
    } else if (arg == "--threads") {
      threads = std::atoi(value.c_str());
    } else if (arg == "--content-type") {
      content_type = value;
    } else {
      usage(("unknown option " + arg).c_str());
    }
  }
  if (body_file.empty()) usage("--body-file is required");
  if (threads < 1) usage("--threads must be at least 1");
  std::ifstream in(body_file, std::ios::binary);
  if (!in) usage(("cannot read " + body_file).c_str());
  std::ostringstream body;
  body << in.rdbuf();

  // Block the stop signals in every thread (the pool inherits the mask); main waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(listen), /*reuseAddress=*/true, /*reusePort=*/false);
  socket.listen(64);

  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(threads);
  params->setMaxQueued(64);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(15, 0));
  params->setTimeout(Poco::Timespan(30, 0));
  Poco::ThreadPool pool(1, threads);
  const std::size_t body_size = body.str().size();
  Poco::Net::HTTPServer server(new Factory(body.str(), content_type), pool, socket, params);
  server.start();

  std::printf("fixed-body server listening on http://%s (%d threads, %zu-byte body)\n",
              socket.address().toString().c_str(), threads, body_size);
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  server.stopAll(/*abortCurrent=*/true);
  pool.joinAll();
  return 0;
}
