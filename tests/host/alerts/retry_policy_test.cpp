#include "host/alerts/retry_policy.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

DeliveryPolicy policy() {
  DeliveryPolicy p;
  p.backoff_ms = 1000;
  p.max_backoff_ms = 8000;
  return p;
}

Delivery failure(int status, int retry_after = -1) {
  Delivery d;
  d.http_status = status;
  d.retry_after_s = retry_after;
  return d;
}

TEST(RetryPolicy, DoublesFromTheBackoffUpToTheCap) {
  EXPECT_EQ(retry_delay_ms(policy(), 1, failure(500), 0.999999), 999);
  EXPECT_EQ(retry_delay_ms(policy(), 2, failure(500), 0.999999), 1999);
  EXPECT_EQ(retry_delay_ms(policy(), 3, failure(500), 0.999999), 3999);
  EXPECT_EQ(retry_delay_ms(policy(), 4, failure(500), 0.999999), 7999);
  EXPECT_EQ(retry_delay_ms(policy(), 10, failure(500), 0.999999), 7999);
  EXPECT_EQ(retry_delay_ms(policy(), 1000, failure(500), 0.999999), 7999);
}

TEST(RetryPolicy, JitterKeepsAtLeastHalfTheDelay) {
  EXPECT_EQ(retry_delay_ms(policy(), 1, failure(0), 0.0), 500);
  EXPECT_EQ(retry_delay_ms(policy(), 3, failure(0), 0.0), 2000);
  EXPECT_EQ(retry_delay_ms(policy(), 3, failure(0), 0.5), 3000);
}

TEST(RetryPolicy, RetryAfterIsHonouredEvenBeyondTheCap) {
  EXPECT_EQ(retry_delay_ms(policy(), 1, failure(429, 3), 0.0), 3000);
  EXPECT_EQ(retry_delay_ms(policy(), 1, failure(429, 30), 0.0), 30000);
  EXPECT_EQ(retry_delay_ms(policy(), 1, failure(503, 999999), 0.0), kMaxRetryAfterMs);
  EXPECT_EQ(retry_delay_ms(policy(), 4, failure(429, 1), 0.0), 4000);  // backoff was longer
}

TEST(RetryPolicy, OnlyFailuresThatRetryingCanHelpAreRetried) {
  EXPECT_TRUE(is_retryable(failure(0)));
  EXPECT_TRUE(is_retryable(failure(408)));
  EXPECT_TRUE(is_retryable(failure(429)));
  EXPECT_TRUE(is_retryable(failure(500)));
  EXPECT_TRUE(is_retryable(failure(503)));
  EXPECT_TRUE(is_retryable(failure(200)));  // errcode != 0 inside a 200 (rate limits come so)
  EXPECT_FALSE(is_retryable(failure(400)));
  EXPECT_FALSE(is_retryable(failure(401)));
  EXPECT_FALSE(is_retryable(failure(404)));
}

}  // namespace
}  // namespace warden::host
