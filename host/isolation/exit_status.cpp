#include "host/isolation/exit_status.hpp"

#include <sys/wait.h>

#include <cstring>

namespace warden::host {

std::string describe_exit(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    const int signal = WTERMSIG(wait_status);
    const char* name = ::sigabbrev_np(signal);
    return "was killed by signal " + std::to_string(signal) +
           (name ? " (SIG" + std::string(name) + ")" : std::string());
  }
  if (WIFEXITED(wait_status))
    return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  return "stopped (wait status " + std::to_string(wait_status) + ")";
}

}  // namespace warden::host
