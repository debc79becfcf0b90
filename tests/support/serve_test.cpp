#include "tests/support/serve_test.hpp"

namespace warden::test {

void ServeTest::configure(const std::string& yaml) const {
  std::string environment;
  if (database_.kind() == DatabaseKind::postgresql)
    environment = "secret_key_file: " + (dir_.path() / "warden.key").string() + "\n";
  environment += "TEST:\n  database: " + database_.uri() + "\n";
  dir_.write("warden.yaml", yaml + environment);
}

void ServeTest::start(const std::map<std::string, std::string>& env) {
  launch(env);
  ASSERT_TRUE(warden_->wait_until_serving()) << warden_->log();
}

void ServeTest::launch(const std::map<std::string, std::string>& env) {
  warden_.reset();
  auto all = env;
  all["AUTH_TOKEN"] = token_;
  warden_ = std::make_unique<WardenProcess>(
      std::vector<std::string>{"serve", "--config", (dir_.path() / "warden.yaml").string(),
                               "--listen", "127.0.0.1:0"},
      all);
}

ApiResponse ServeTest::call(const std::string& method, const std::string& path,
                            const std::string& body) const {
  return call_api(warden_->port(), method, path, token_, body);
}

}  // namespace warden::test
