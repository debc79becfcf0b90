#include "host/queue/delivery_retry.hpp"

#include <librdkafka/rdkafkacpp.h>

#include <gtest/gtest.h>

namespace warden::host {
namespace {

TEST(DeliveryRetry, BacksOffFromOneSecondDoublingToThirty) {
  const std::int64_t now = 1'000'000;
  EXPECT_EQ(after_failed_delivery(false, 1, now).next_ms, now + 1000);
  EXPECT_EQ(after_failed_delivery(false, 2, now).next_ms, now + 2000);
  EXPECT_EQ(after_failed_delivery(false, 5, now).next_ms, now + 16'000);
  EXPECT_EQ(after_failed_delivery(false, 6, now).next_ms, now + 30'000);
  EXPECT_EQ(after_failed_delivery(false, 1'000'000, now).next_ms, now + 30'000);
  EXPECT_TRUE(after_failed_delivery(false, 1'000'000, now).retry);
  EXPECT_EQ(after_failed_delivery(false, 0, now).next_ms, now + 1000);
  EXPECT_FALSE(after_failed_delivery(true, 1, now).retry);
}

TEST(DeliveryRetry, OnlyARefusalOfTheMessageItselfIsPermanent) {
  EXPECT_TRUE(is_permanent_delivery_error(RdKafka::ERR_MSG_SIZE_TOO_LARGE));
  EXPECT_TRUE(is_permanent_delivery_error(RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED));
  // The broker down, a timeout, a leader moving, a topic not there yet: tried again.
  EXPECT_FALSE(is_permanent_delivery_error(RdKafka::ERR__MSG_TIMED_OUT));
  EXPECT_FALSE(is_permanent_delivery_error(RdKafka::ERR__TRANSPORT));
  EXPECT_FALSE(is_permanent_delivery_error(RdKafka::ERR__ALL_BROKERS_DOWN));
  EXPECT_FALSE(is_permanent_delivery_error(RdKafka::ERR_NOT_LEADER_FOR_PARTITION));
  EXPECT_FALSE(is_permanent_delivery_error(RdKafka::ERR_UNKNOWN_TOPIC_OR_PART));
  EXPECT_FALSE(is_permanent_delivery_error(RdKafka::ERR__PURGE_INFLIGHT));
}

}  // namespace
}  // namespace warden::host
