#pragma once

#include <Poco/Pipe.h>
#include <Poco/Process.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace RdKafka {
class KafkaConsumer;
}  // namespace RdKafka

namespace warden::test {

/// librdkafka's mock cluster in a process of its own (tests/kafka_mock_broker/main.cpp): real
/// Kafka over TCP on 127.0.0.1. Every command waits for the process's `ok` and throws
/// std::runtime_error with its answer (or on timeout) otherwise. Killed on destruction.
class KafkaMockBroker {
 public:
  explicit KafkaMockBroker(int brokers = 1,
                           std::chrono::milliseconds timeout = std::chrono::seconds(30));
  ~KafkaMockBroker();
  KafkaMockBroker(const KafkaMockBroker&) = delete;
  KafkaMockBroker& operator=(const KafkaMockBroker&) = delete;

  /// `host:port[,host:port…]`, for bootstrap.servers.
  const std::string& bootstrap() const { return bootstrap_; }
  void topic(const std::string& name, int partitions = 1);
  /// Every broker drops its connections and refuses new ones, until up().
  void down();
  void up();

 private:
  void command(const std::string& line);
  /// The next stdout line, or throws after `timeout_`.
  std::string next_line();

  std::chrono::milliseconds timeout_;
  std::unique_ptr<Poco::ProcessHandle> handle_;
  Poco::Pipe in_;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> lines_;
  bool closed_ = false;
  std::string bootstrap_;
};

/// One consumed record.
struct KafkaMessage {
  std::string topic;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;  ///< the last value of a repeated header
  std::int32_t partition = -1;
  std::int64_t offset = -1;

  /// The header `name`, or "" when absent.
  std::string header(const std::string& name) const;
};

/// A librdkafka consumer in a consumer group, subscribed to `topics` from their earliest offset,
/// committing only when told to (a worker acknowledges what it has handled).
class KafkaConsumer {
 public:
  KafkaConsumer(const std::string& bootstrap, const std::string& group,
                const std::vector<std::string>& topics);
  ~KafkaConsumer();
  KafkaConsumer(const KafkaConsumer&) = delete;
  KafkaConsumer& operator=(const KafkaConsumer&) = delete;

  /// Messages until `n` have arrived or `timeout` has passed (fewer then; never waits longer).
  std::vector<KafkaMessage> poll_messages(std::size_t n, std::chrono::milliseconds timeout);
  /// Commits the offsets of everything polled so far (synchronously); false when refused.
  bool commit();
  /// The last consumer error seen other than "no message yet" ("" when none), for diagnostics.
  std::string last_error() const { return last_error_; }

 private:
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::string last_error_;
};

/// Produces one message with a plain librdkafka producer and waits for its delivery report;
/// answers "" when delivered, else the error.
std::string produce_one(const std::string& bootstrap, const std::string& topic,
                        const std::string& key, const std::string& value,
                        const std::map<std::string, std::string>& headers = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace warden::test
