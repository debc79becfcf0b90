#pragma once

#include <string>

namespace warden::host {

/// The runner's side of the frames (warden-plugin-runner): answers the host's hello, loads one
/// plugin folder when asked, and makes each call the host sends with the plugin's code in this
/// process. The plugin's logs and alerts go back to the host as frames. Returns when the host
/// closes the socket; a watcher ends the process at once if the host goes away mid-call.
int serve_runner(int fd, const std::string& extra_ca_file);

}  // namespace warden::host
