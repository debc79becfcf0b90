// A library still being copied in is not loaded torn.
#include "host/plugins/library_settle.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

namespace warden::host {
namespace {

using namespace std::chrono_literals;

TEST(LibrarySettle, TheWaitIsWhatIsLeftOfTheQuietTime) {
  const std::int64_t now = 100'000'000'000;
  EXPECT_EQ(settle_wait(now - 2'000'000'000, now, 1s), 0ns);
  EXPECT_EQ(settle_wait(now - 1'000'000'000, now, 1s), 0ns);
  EXPECT_EQ(settle_wait(now - 400'000'000, now, 1s), 600ms);
  EXPECT_EQ(settle_wait(now + 5'000'000'000, now, 1s), 1s);  // modified "in the future"
}

TEST(LibrarySettle, AFileThatStaysStillLoadsAndOneStillGrowingDoesNot) {
  test::TempDir dir;
  const auto still = dir.path() / "still.so";
  dir.write("still.so", "whole");
  EXPECT_EQ(wait_until_settled(still, 200ms), "");

  const auto growing = dir.path() / "growing.so";
  dir.write("growing.so", "part");
  std::thread writer([&] {
    std::this_thread::sleep_for(50ms);
    std::ofstream(growing, std::ios::app) << " and more";
  });
  const auto problem = wait_until_settled(growing, 3s);
  writer.join();
  EXPECT_NE(problem.find("still being written"), std::string::npos) << problem;
  EXPECT_EQ(wait_until_settled(dir.path() / "absent.so", 1s), "");  // opening it says why
}

}  // namespace
}  // namespace warden::host
