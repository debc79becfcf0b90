#pragma once

#include <string>

namespace warden::host {

/// How a process ended, from waitpid's status: "was killed by signal 11 (SIGSEGV)", "exited with
/// status 3". Pure.
std::string describe_exit(int wait_status);

}  // namespace warden::host
