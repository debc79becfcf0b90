#pragma once

namespace warden::host {

/// `warden serve|validate|version`, `--help` on each. Returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace warden::host
