#pragma once

#include <warden/warden.hpp>

namespace warden::plugins {

/// Seed 000's example solution: `run()` goes to step 1, which finishes the task successfully.
class TestSolution : public Solution {
 public:
  void run() override;

 private:
  void step1();
};

}  // namespace warden::plugins
