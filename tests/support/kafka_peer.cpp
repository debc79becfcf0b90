#include "tests/support/kafka_peer.hpp"

#include <Poco/PipeStream.h>
#include <librdkafka/rdkafkacpp.h>

#include <signal.h>
#include <csignal>
#include <stdexcept>

namespace warden::test {
namespace {

std::unique_ptr<RdKafka::Conf> conf_of(const std::map<std::string, std::string>& properties) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [name, value] : properties)
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK)
      throw std::runtime_error("librdkafka refuses " + name + "=" + value + ": " + error);
  return conf;
}

class DeliveryReport final : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    delivered = true;
    error = message.err() == RdKafka::ERR_NO_ERROR ? "" : message.errstr();
  }
  bool delivered = false;
  std::string error;
};

}  // namespace

KafkaMockBroker::KafkaMockBroker(int brokers, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  // A command written after the process died must fail, not kill the test binary.
  std::signal(SIGPIPE, SIG_IGN);
  Poco::Pipe out;
  handle_ = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch(
      WARDEN_KAFKA_MOCK_BROKER_BIN, {std::to_string(brokers)}, ".", &in_, &out, nullptr));
  reader_ = std::thread([this, out]() mutable {
    Poco::PipeInputStream s(out);
    for (std::string line; std::getline(s, line);) {
      std::lock_guard lock(mutex_);
      lines_.push_back(line);
      changed_.notify_all();
    }
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  });
  try {
    const auto line = next_line();
    if (line.rfind("bootstrap ", 0) != 0)
      throw std::runtime_error("the mock broker said \"" + line + "\", not its bootstrap");
    bootstrap_ = line.substr(10);
  } catch (...) {
    ::kill(handle_->id(), SIGKILL);
    handle_->wait();
    reader_.join();
    throw;
  }
}

KafkaMockBroker::~KafkaMockBroker() {
  ::kill(handle_->id(), SIGKILL);
  handle_->wait();
  if (reader_.joinable()) reader_.join();
}

std::string KafkaMockBroker::next_line() {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, timeout_, [&] { return !lines_.empty() || closed_; }))
    throw std::runtime_error("the mock broker did not answer within " +
                             std::to_string(timeout_.count()) + " ms");
  if (lines_.empty()) throw std::runtime_error("the mock broker process ended");
  auto line = lines_.front();
  lines_.pop_front();
  return line;
}

void KafkaMockBroker::command(const std::string& line) {
  {
    Poco::PipeOutputStream s(in_);
    s << line << "\n";
    s.flush();
    if (!s) throw std::runtime_error("mock broker: \"" + line + "\" could not be written");
  }
  const auto answer = next_line();
  if (answer != "ok")
    throw std::runtime_error("mock broker: \"" + line + "\" answered \"" + answer + "\"");
}

void KafkaMockBroker::topic(const std::string& name, int partitions) {
  command("topic " + name + " " + std::to_string(partitions));
}

void KafkaMockBroker::down() {
  command("down");
}

void KafkaMockBroker::up() {
  command("up");
}

std::string KafkaMessage::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

KafkaConsumer::KafkaConsumer(const std::string& bootstrap, const std::string& group,
                             const std::vector<std::string>& topics) {
  auto conf = conf_of({{"bootstrap.servers", bootstrap},
                       {"group.id", group},
                       {"auto.offset.reset", "earliest"},
                       {"enable.auto.commit", "false"},
                       // A topic made while subscribed is seen within a second, not five minutes.
                       {"topic.metadata.refresh.interval.ms", "1000"},
                       // The connection errors of a broker that is down on purpose are expected.
                       {"log_level", "2"}});
  std::string error;
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer_) throw std::runtime_error("the Kafka consumer could not be made: " + error);
  if (auto err = consumer_->subscribe(topics); err != RdKafka::ERR_NO_ERROR)
    throw std::runtime_error("subscribe: " + RdKafka::err2str(err));
}

KafkaConsumer::~KafkaConsumer() {
  consumer_->close();
}

std::vector<KafkaMessage> KafkaConsumer::poll_messages(std::size_t n,
                                                       std::chrono::milliseconds timeout) {
  using namespace std::chrono;
  std::vector<KafkaMessage> out;
  const auto until = steady_clock::now() + timeout;
  while (out.size() < n) {
    const auto left = duration_cast<milliseconds>(until - steady_clock::now());
    if (left.count() <= 0) break;
    std::unique_ptr<RdKafka::Message> m(
        consumer_->consume(static_cast<int>(std::min<milliseconds::rep>(left.count(), 200))));
    if (m->err() == RdKafka::ERR__TIMED_OUT || m->err() == RdKafka::ERR__PARTITION_EOF) continue;
    if (m->err() != RdKafka::ERR_NO_ERROR) {
      last_error_ = m->errstr();
      continue;
    }
    KafkaMessage message;
    message.topic = m->topic_name();
    if (m->key_pointer())
      message.key.assign(static_cast<const char*>(m->key_pointer()), m->key_len());
    if (m->payload()) message.value.assign(static_cast<const char*>(m->payload()), m->len());
    if (auto* headers = m->headers()) {
      for (const auto& h : headers->get_all())
        message.headers[h.key()] =
            h.value() ? std::string(static_cast<const char*>(h.value()), h.value_size()) : "";
    }
    message.partition = m->partition();
    message.offset = m->offset();
    out.push_back(std::move(message));
  }
  return out;
}

bool KafkaConsumer::commit() {
  const auto err = consumer_->commitSync();
  if (err == RdKafka::ERR_NO_ERROR || err == RdKafka::ERR__NO_OFFSET) return true;
  last_error_ = "commit: " + RdKafka::err2str(err);
  return false;
}

std::string produce_one(const std::string& bootstrap, const std::string& topic,
                        const std::string& key, const std::string& value,
                        const std::map<std::string, std::string>& headers,
                        std::chrono::milliseconds timeout) {
  auto conf = conf_of({{"bootstrap.servers", bootstrap},
                       {"message.timeout.ms", std::to_string(timeout.count())},
                       {"log_level", "2"}});
  DeliveryReport report;
  std::string error;
  if (conf->set("dr_cb", &report, error) != RdKafka::Conf::CONF_OK) return error;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), error));
  if (!producer) return "the Kafka producer could not be made: " + error;
  auto* kafka_headers = RdKafka::Headers::create();
  for (const auto& [name, text] : headers) kafka_headers->add(name, text);
  const auto err =
      producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                        const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0,
                        kafka_headers, nullptr);
  if (err != RdKafka::ERR_NO_ERROR) {
    delete kafka_headers;  // only a message that was queued owns its headers
    return "produce: " + RdKafka::err2str(err);
  }
  // The delivery report comes within message.timeout.ms; the extra second is the poll's.
  producer->flush(static_cast<int>(timeout.count()) + 1000);
  if (!report.delivered)
    return "no delivery report within " + std::to_string(timeout.count()) + " ms";
  return report.error;
}

}  // namespace warden::test
