#include "host/cluster/lease_clock.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(LeaseClock, TheHolderGivesUpATenthOfTheTtlBeforeTheDatabaseCould) {
  const Clock::time_point t0{};
  const LeaseClock lease{t0, 15s};
  EXPECT_FALSE(lease.lost(t0));
  EXPECT_FALSE(lease.lost(t0 + 13499ms));
  EXPECT_TRUE(lease.lost(t0 + 13500ms));
  EXPECT_TRUE(lease.lost(t0 + 1h));  // e.g. resumed after SIGSTOP
}

TEST(LeaseClock, RenewsThreeTimesATtlSoTwoRenewalsMayFail) {
  const Clock::time_point t0{};
  const LeaseClock lease{t0, 15s};
  EXPECT_EQ(lease.renew_at(), t0 + 5s);
  EXPECT_FALSE(lease.lost(t0 + 10s));  // the second renewal is still in time
}

}  // namespace
}  // namespace warden::host
