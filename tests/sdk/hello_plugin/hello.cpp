#include <warden/warden.hpp>

/// Greets the task's `name` and finishes.
class Hello : public warden::Solution {
 public:
  void run() override {
    output().set("greeting", "hello, " + config().string("name"));
    set_finished("success", "greeted");
  }
};

WARDEN_PLUGIN(Hello, "hello")
