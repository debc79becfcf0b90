#include "tests/support/http_receiver.hpp"

#include "host/services/tls_setup.hpp"
#include "tests/support/process.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>

namespace warden::test {

struct HttpReceiver::State {
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<ReceivedRequest> requests;
  std::map<std::string, CannedResponse> by_path;
  CannedResponse others;
  bool stopping = false;

  CannedResponse record(ReceivedRequest request) {
    std::lock_guard lock(mutex);
    auto it = by_path.find(request.path);
    CannedResponse response = it != by_path.end() ? it->second : others;
    requests.push_back(std::move(request));
    changed.notify_all();
    return response;
  }

  /// Sleeps for `delay`, or less when the receiver stops meanwhile.
  void pause(std::chrono::milliseconds delay) {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, delay, [this] { return stopping; });
  }
};

namespace {

class RecordingHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit RecordingHandler(std::shared_ptr<HttpReceiver::State> state)
      : state_(std::move(state)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    ReceivedRequest received;
    received.method = request.getMethod();
    received.uri = request.getURI();
    received.path = Poco::URI(request.getURI()).getPath();
    for (const auto& [name, value] : request) received.headers.emplace_back(name, value);
    Poco::StreamCopier::copyToString(request.stream(), received.body);

    const CannedResponse canned = state_->record(std::move(received));
    if (canned.delay.count() > 0) state_->pause(canned.delay);

    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(canned.status));
    response.setContentType(canned.content_type);
    for (const auto& [name, value] : canned.headers) response.add(name, value);
    response.setContentLength64(static_cast<Poco::Int64>(canned.body.size()));
    response.send().write(canned.body.data(), static_cast<std::streamsize>(canned.body.size()));
  }

 private:
  std::shared_ptr<HttpReceiver::State> state_;
};

class RecordingHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit RecordingHandlerFactory(std::shared_ptr<HttpReceiver::State> state)
      : state_(std::move(state)) {}

  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new RecordingHandler(state_);
  }

 private:
  std::shared_ptr<HttpReceiver::State> state_;
};

const Poco::Net::SocketAddress kLoopbackAnyPort("127.0.0.1", 0);

}  // namespace

std::string ReceivedRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (Poco::icompare(k, std::string(name)) == 0) return v;
  return {};
}

TlsFiles make_self_signed_certificate(const std::filesystem::path& dir) {
  TlsFiles files{dir / "receiver-cert.pem", dir / "receiver-key.pem"};
  auto result = run_command(
      "openssl", {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                  "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                  "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout",
                  files.private_key.string(), "-out", files.certificate.string()});
  if (result.exit_code != 0)
    throw std::runtime_error("openssl could not make a certificate: " + result.err);
  return files;
}

HttpReceiver::HttpReceiver() : state_(std::make_shared<State>()) {
  start(Poco::Net::ServerSocket(kLoopbackAnyPort));
}

HttpReceiver::HttpReceiver(const TlsFiles& tls) : state_(std::make_shared<State>()), https_(true) {
  host::ensure_tls_initialized();
  Poco::Net::Context::Params params;
  params.certificateFile = tls.certificate.string();
  params.privateKeyFile = tls.private_key.string();
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;
  Poco::Net::Context::Ptr context =
      new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
  start(Poco::Net::SecureServerSocket(kLoopbackAnyPort, 64, context));
}

void HttpReceiver::start(const Poco::Net::ServerSocket& socket) {
  port_ = socket.address().port();
  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setKeepAlive(false);
  params->setMaxThreads(8);
  threads_ = std::make_unique<Poco::ThreadPool>(2, 8);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new RecordingHandlerFactory(state_), *threads_,
                                                    socket, params);
  server_->start();
}

HttpReceiver::~HttpReceiver() {
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->changed.notify_all();
  server_->stopAll(true);
  threads_->joinAll();
}

std::string HttpReceiver::url(std::string_view path) const {
  return std::string(https_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) +
         std::string(path);
}

void HttpReceiver::respond(const std::string& path, CannedResponse response) {
  std::lock_guard lock(state_->mutex);
  state_->by_path[path] = std::move(response);
}

void HttpReceiver::respond_to_others(CannedResponse response) {
  std::lock_guard lock(state_->mutex);
  state_->others = std::move(response);
}

std::vector<ReceivedRequest> HttpReceiver::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

bool HttpReceiver::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, timeout, [&] { return state_->requests.size() >= count; });
}

}  // namespace warden::test
