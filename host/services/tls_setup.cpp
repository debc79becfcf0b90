#include "host/services/tls_setup.hpp"

#include <Poco/Delegate.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/VerificationErrorArgs.h>

namespace warden::host {
namespace {

// A handshake runs on the thread that sends the request, so the thread's own slot is its answer.
thread_local std::string certificate_problem;

void note_certificate_problem(const void*, Poco::Net::VerificationErrorArgs& args) {
  // The first problem is the cause; later ones in the same chain follow from it.
  if (certificate_problem.empty()) certificate_problem = args.errorMessage();
}

}  // namespace

void ensure_tls_initialized() {
  // Never uninitialised: TLS objects may live until static destruction.
  static const bool initialized = [] {
    Poco::Net::initializeSSL();
    Poco::Net::SSLManager::instance().ClientVerificationError +=
        Poco::delegate(&note_certificate_problem);
    return true;
  }();
  (void)initialized;
}

std::string take_certificate_problem() {
  std::string problem;
  problem.swap(certificate_problem);
  return problem;
}

}  // namespace warden::host
