#include "host/app/cli.hpp"

#include "host/app/commands.hpp"

#include <warden/version.hpp>

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

namespace warden::host {
namespace {

constexpr const char* kUsage =
    "Usage: warden <command> [options]\n\n"
    "Commands:\n"
    "  serve              run the host: load plugins, serve the HTTP API\n"
    "  validate DIR...    check plugin folders (or directories of them) offline\n"
    "  rekey              re-encrypt the stored secrets under a new key\n"
    "  version            print the version\n\n"
    "Run 'warden <command> --help' for a command's options.\n";

int run_serve(const std::vector<std::string>& args) {
  po::options_description options(
      "warden serve [options]\n\nRuns the host until SIGINT or SIGTERM. "
      "The API token is read from the AUTH_TOKEN environment variable");
  std::string config_file;
  ConfigOverrides overrides;
  options.add_options()("help,h", "show this help")(
      "config", po::value(&config_file),
      "YAML configuration file (default: none, built-in defaults)")(
      "env", po::value(&overrides.env),
      "environment whose settings apply: TEST, STAGE or PRODUCTION")(
      "listen", po::value(&overrides.listen),
      "address to listen on, HOST:PORT (port 0: any free port)")(
      "plugins-dir", po::value(&overrides.plugins_dirs)->composing(),
      "plugins directory (repeatable; replaces plugins_dir of the file)")(
      "db", po::value(&overrides.database), "database URI, e.g. sqlite:var/warden.db")(
      "log-level", po::value(&overrides.log_level), "trace, debug, info, warn or error")(
      "ui-dir", po::value(&overrides.ui_dir),
      "serve the console from this folder, read at each request (development); default: the "
      "files compiled in");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).run(), vm);
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  po::notify(vm);
  std::optional<std::filesystem::path> file;
  if (!config_file.empty()) file = config_file;
  return serve(file, overrides);
}

int run_rekey(const std::vector<std::string>& args) {
  po::options_description options(
      "warden rekey [options] --new-key-file PATH\n\nRe-encrypts every stored secret (channel "
      "configs, task conditions, timer params, policies, saved solutions, actions) under a new "
      "key, in one transaction, while the host is stopped. The current key is WARDEN_SECRET_KEY "
      "or the configured key file; the new one is made at random and written to PATH (mode "
      "0600; PATH must not exist), or read from WARDEN_NEW_SECRET_KEY (64 hex digits or base64 "
      "of 32 bytes). Then start warden with the new key");
  std::string config_file, new_key_file;
  ConfigOverrides overrides;
  options.add_options()("help,h", "show this help")("config", po::value(&config_file),
                                                    "YAML configuration file (as for serve)")(
      "env", po::value(&overrides.env), "environment whose database applies")(
      "db", po::value(&overrides.database), "database URI, e.g. sqlite:var/warden.db")(
      "new-key-file", po::value(&new_key_file), "where to write the new key (a new file)");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).run(), vm);
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  po::notify(vm);
  std::optional<std::filesystem::path> file;
  if (!config_file.empty()) file = config_file;
  return rekey(file, overrides, new_key_file);
}

int run_validate(const std::vector<std::string>& args) {
  po::options_description options(
      "warden validate DIR... \n\nChecks plugin folders offline: each DIR is a plugin folder or a "
      "directory of plugin folders. Prints one line per problem with its place; exits 1 on any");
  std::vector<std::string> dirs;
  options.add_options()("help,h", "show this help")("dir", po::value(&dirs), "folders to check");
  po::positional_options_description positional;
  positional.add("dir", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  po::notify(vm);
  if (dirs.empty()) {
    std::cerr << "warden validate: name at least one folder\n";
    return 2;
  }
  return validate(dirs);
}

int run_version(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout
        << "warden version\n\nPrints the host's version and the plugin SDK major it speaks.\n";
    return 0;
  }
  std::cout << "warden " << WARDEN_VERSION << " (plugin SDK " << WARDEN_SDK_MAJOR << "."
            << WARDEN_SDK_MINOR << ")\n";
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "serve") return run_serve(args);
    if (command == "validate") return run_validate(args);
    if (command == "rekey") return run_rekey(args);
    if (command == "version" || command == "--version") return run_version(args);
  } catch (const po::error& e) {
    std::cerr << "warden " << command << ": " << e.what() << "\nRun 'warden " << command
              << " --help' for its options.\n";
    return 2;
  }
  std::cerr << "warden: unknown command \"" << command << "\"\n\n" << kUsage;
  return 2;
}

}  // namespace warden::host
