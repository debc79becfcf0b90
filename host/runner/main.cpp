// warden-plugin-runner: hosts one plugin library for the warden host, which starts it with
// posix_spawn and speaks to it over the socket on --fd (see host/isolation/). Not run by hand.
#include "host/isolation/runner_session.hpp"

#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

bool set_limit(int resource, rlim_t value) {
  const rlimit limit{value, value};
  return ::setrlimit(resource, &limit) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  int fd = -1;
  long long memory_mb = 0;
  long long open_files = 256;
  std::string ca_file, log_level = "info";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    try {
      if (name == "--fd")
        fd = std::stoi(value);
      else if (name == "--memory-mb")
        memory_mb = std::stoll(value);
      else if (name == "--open-files")
        open_files = std::stoll(value);
      else if (name == "--ca-file")
        ca_file = value;
      else if (name == "--log-level")
        log_level = value;
    } catch (const std::exception&) {
      std::cerr << "warden-plugin-runner: bad value for " << name << "\n";
      return 2;
    }
  }
  if (fd < 0) {
    std::cerr << "warden-plugin-runner is started by warden serve, not by hand\n";
    return 2;
  }
  set_limit(RLIMIT_CORE, 0);
  set_limit(RLIMIT_NOFILE, static_cast<rlim_t>(open_files));
#if !defined(__SANITIZE_ADDRESS__)  // a sanitizer reserves terabytes; it gets hard_rss_limit_mb
  if (memory_mb > 0) set_limit(RLIMIT_AS, static_cast<rlim_t>(memory_mb) << 20);
#endif
  spdlog::set_level(spdlog::level::from_str(log_level));
  const int status = warden::host::serve_runner(fd, ca_file);
  std::cout.flush();
  ::_exit(status);  // no static destructors: a plugin's could crash a runner that is done
}
