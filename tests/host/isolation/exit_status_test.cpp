#include "host/isolation/exit_status.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace warden::host {
namespace {

int status_of_child(void (*body)()) {
  const pid_t pid = ::fork();  // a single-threaded test child that ends at once
  if (pid == 0) {
    body();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(ExitStatus, SignalsAreNamedAndExitsGiveTheirStatus) {
  // The default action, not a sanitizer's handler (which would end the child with SIGABRT).
  EXPECT_EQ(describe_exit(status_of_child([] {
              ::signal(SIGSEGV, SIG_DFL);
              ::raise(SIGSEGV);
            })),
            "was killed by signal 11 (SIGSEGV)");
  EXPECT_EQ(describe_exit(status_of_child([] { ::raise(SIGKILL); })),
            "was killed by signal 9 (SIGKILL)");
  EXPECT_EQ(describe_exit(status_of_child([] { ::_exit(3); })), "exited with status 3");
}

}  // namespace
}  // namespace warden::host
