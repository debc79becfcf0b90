#pragma once

#include <string>

namespace warden::host {

/// Initialises OpenSSL through Poco NetSSL once per process (later calls do nothing), and starts
/// noting why OpenSSL rejects a server certificate (see take_certificate_problem).
void ensure_tls_initialized();

/// Why OpenSSL last rejected a server certificate on this thread ("self-signed certificate",
/// "certificate has expired"), or "" when it did not; then forgets it. Poco's own exception only
/// says "certificate verify failed".
std::string take_certificate_problem();

}  // namespace warden::host
