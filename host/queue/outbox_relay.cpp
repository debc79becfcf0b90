#include "host/queue/outbox_relay.hpp"

#include "host/queue/delivery_retry.hpp"
#include "host/runtime/clock.hpp"

#include <librdkafka/rdkafkacpp.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace warden::host {

namespace {

/// A delivery report, as the relay's thread settles it.
struct Report {
  std::uint64_t seq = 0;
  RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
  std::string what;
};

}  // namespace

/// librdkafka's producer with its callbacks; used only on the relay's thread (the callbacks run
/// inside poll() there).
class OutboxRelay::Producer : public RdKafka::DeliveryReportCb, public RdKafka::EventCb {
 public:
  explicit Producer(const std::vector<std::pair<std::string, std::string>>& properties) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string error;
    for (const auto& [name, value] : properties) {
      if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK)
        throw std::runtime_error("kafka: " + name + ": " + error);
    }
    if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(this), error) !=
            RdKafka::Conf::CONF_OK ||
        conf->set("event_cb", static_cast<RdKafka::EventCb*>(this), error) !=
            RdKafka::Conf::CONF_OK)
      throw std::runtime_error("kafka: " + error);
    producer_.reset(RdKafka::Producer::create(conf.get(), error));
    if (!producer_) throw std::runtime_error("kafka: the producer could not be made: " + error);
  }

  void dr_cb(RdKafka::Message& message) override {
    reports_.push_back(
        {static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(message.msg_opaque())),
         message.err(), message.err() ? message.errstr() : std::string()});
  }

  void event_cb(RdKafka::Event& event) override {
    if (event.type() != RdKafka::Event::EVENT_ERROR) return;
    if (event.fatal()) fatal_ = true;
    // While the broker is down librdkafka reports every failed connection; one line a minute is
    // enough to say so.
    const auto now = std::chrono::steady_clock::now();
    if (event.fatal() || now - last_logged_ > std::chrono::minutes(1)) {
      last_logged_ = now;
      spdlog::warn("kafka: {}{}", event.fatal() ? "fatal: " : "", event.str());
    }
  }

  /// Hands one message to librdkafka; an error means it was not taken.
  RdKafka::ErrorCode produce(const OutboxMessage& m, const std::string& host_id,
                             std::uint64_t seq) {
    std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
    headers->add("warden-outbox-id", m.id);
    headers->add("warden-host", host_id);
    for (const auto& [name, value] : m.headers) headers->add(name, value);
    auto error = producer_->produce(
        m.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        const_cast<char*>(m.payload.data()), m.payload.size(), m.key.data(), m.key.size(), 0,
        headers.get(), reinterpret_cast<void*>(static_cast<std::uintptr_t>(seq)));
    if (error == RdKafka::ERR_NO_ERROR) headers.release();  // librdkafka owns them now
    return error;
  }

  std::vector<Report> poll(int timeout_ms) {
    producer_->poll(timeout_ms);
    std::vector<Report> out;
    out.swap(reports_);
    return out;
  }

  /// Waits up to `timeout_ms` for what is queued, then fails what is left (its reports come
  /// with the next poll).
  void drain(int timeout_ms) {
    producer_->flush(timeout_ms);
    producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
  }

  bool fatal() const { return fatal_; }

 private:
  std::unique_ptr<RdKafka::Producer> producer_;
  std::vector<Report> reports_;
  bool fatal_ = false;
  std::chrono::steady_clock::time_point last_logged_{};
};

OutboxRelay::OutboxRelay(OutboxStore& store, OutboxRelayOptions options)
    : store_(store), options_(std::move(options)) {
  if (!options_.clock) options_.clock = &system_clock();
  producer_ = std::make_unique<Producer>(options_.properties);
}

OutboxRelay::~OutboxRelay() {
  stop();
}

void OutboxRelay::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { loop(); });
}

void OutboxRelay::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void OutboxRelay::committed(std::vector<OutboxMessage> messages) {
  {
    std::lock_guard lock(mutex_);
    if (inbox_.size() + messages.size() > options_.max_in_flight) return;  // the rescan has them
    for (auto& m : messages) inbox_.push_back(std::move(m));
  }
  wake_.notify_one();
}

void OutboxRelay::loop() {
  struct Flight {
    std::string id;
    int attempts = 0;
  };
  std::unordered_map<std::uint64_t, Flight> in_flight;
  std::unordered_set<std::string> flying_ids;
  // Ids marked sent lately: a row the rescan found and sent before its own hand-off arrived
  // (committed() runs after the commit, on another thread) is not sent twice.
  std::unordered_set<std::string> recently_sent;
  std::deque<std::string> sent_order;
  const std::size_t remember_sent = 4 * options_.max_in_flight;
  std::uint64_t next_seq = 1;
  std::int64_t next_scan_ms = 0, next_upkeep_ms = 0;
  const auto now_ms = [this] { return options_.clock->now_ms(); };

  const auto produce = [&](const OutboxMessage& m) {
    if (flying_ids.count(m.id) || recently_sent.count(m.id) ||
        in_flight.size() >= options_.max_in_flight)
      return false;
    const auto seq = next_seq++;
    const auto error = producer_->produce(m, options_.host_id, seq);
    if (error == RdKafka::ERR__QUEUE_FULL) return false;
    if (error != RdKafka::ERR_NO_ERROR) {
      // Not taken at all (an invalid topic name, say): as a failed delivery.
      const auto verdict =
          after_failed_delivery(is_permanent_delivery_error(error), m.attempts + 1, now_ms());
      try {
        if (verdict.retry) {
          store_.mark_retry(m.id, m.attempts + 1, verdict.next_ms, RdKafka::err2str(error));
          ++retries_;
        } else {
          store_.mark_failed(m.id, m.attempts + 1, RdKafka::err2str(error));
          ++failed_;
        }
      } catch (const std::exception& e) {
        spdlog::error("outbox: {}: {}", m.id, e.what());
      }
      return true;
    }
    in_flight.emplace(seq, Flight{m.id, m.attempts});
    flying_ids.insert(m.id);
    return true;
  };

  const auto settle = [&](std::vector<Report> reports) {
    if (reports.empty()) return;
    std::vector<std::string> sent;
    const auto now = now_ms();
    for (const auto& report : reports) {
      auto it = in_flight.find(report.seq);
      if (it == in_flight.end()) continue;
      auto flight = std::move(it->second);
      in_flight.erase(it);
      if (report.error == RdKafka::ERR_NO_ERROR) {
        sent.push_back(flight.id);
        continue;
      }
      flying_ids.erase(flight.id);
      const auto attempts = flight.attempts + 1;
      const auto verdict =
          after_failed_delivery(is_permanent_delivery_error(report.error), attempts, now);
      try {
        if (verdict.retry) {
          store_.mark_retry(flight.id, attempts, verdict.next_ms, report.what);
          ++retries_;
        } else {
          store_.mark_failed(flight.id, attempts, report.what);
          ++failed_;
          spdlog::error("outbox: message {} refused for good: {}", flight.id, report.what);
        }
      } catch (const std::exception& e) {
        spdlog::error("outbox: recording the failed delivery of {}: {}", flight.id, e.what());
      }
    }
    if (sent.empty()) return;
    // Until the mark is committed the row stays in flight, so no rescan sends it again.
    bool marked = false;
    for (int attempt = 1; !marked; ++attempt) {
      try {
        store_.mark_sent(sent, now);
        marked = true;
      } catch (const std::exception& e) {
        spdlog::error("outbox: marking {} messages sent failed (attempt {}): {}", sent.size(),
                      attempt, e.what());
        if (attempt == 3) break;  // left pending: sent again later (at least once)
        std::this_thread::sleep_for(std::chrono::milliseconds(200 * attempt));
      }
    }
    sent_ += sent.size();
    for (auto& id : sent) {
      flying_ids.erase(id);
      if (marked && recently_sent.insert(id).second) sent_order.push_back(std::move(id));
    }
    while (sent_order.size() > remember_sent) {
      recently_sent.erase(sent_order.front());
      sent_order.pop_front();
    }
  };

  for (;;) {
    std::vector<OutboxMessage> fresh;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      // Delivery reports only arrive through poll(): with messages in flight, look often.
      const auto wait =
          in_flight.empty() ? std::chrono::milliseconds(200) : std::chrono::milliseconds(2);
      wake_.wait_for(lock, wait, [&] { return stopping_ || !inbox_.empty(); });
      fresh.swap(inbox_);
      stopping = stopping_;
    }
    settle(producer_->poll(0));
    if (stopping) break;
    for (const auto& m : fresh) produce(m);

    const auto now = now_ms();
    if (now >= next_upkeep_ms) {
      next_upkeep_ms = now + 10'000;
      try {
        if (auto n = store_.claim_gone_hosts())
          spdlog::info("outbox: took over {} pending messages of hosts that are gone", n);
        store_.prune_sent(now - options_.keep_sent_ms);
      } catch (const std::exception& e) {
        spdlog::error("outbox: upkeep: {}", e.what());
      }
    }
    if (now >= next_scan_ms && in_flight.size() < options_.max_in_flight) {
      next_scan_ms = now + options_.rescan_ms;
      try {
        // In-flight rows are still pending: ask for that many more than there is room for.
        for (const auto& m :
             store_.due(now, options_.max_in_flight, now - options_.rescan_min_age_ms)) {
          if (!produce(m) && in_flight.size() >= options_.max_in_flight) break;
        }
      } catch (const std::exception& e) {
        spdlog::error("outbox: reading due messages: {}", e.what());
      }
    }
    if (producer_->fatal()) {
      // The idempotent producer cannot go on (its sequence is broken): a new one takes over,
      // and what was in flight is sent again.
      spdlog::error("outbox: the Kafka producer failed fatally; starting a new one");
      producer_->drain(0);
      settle(producer_->poll(0));
      try {
        producer_ = std::make_unique<Producer>(options_.properties);
      } catch (const std::exception& e) {
        spdlog::error("outbox: {}", e.what());
      }
    }
  }
  // Stopping: what librdkafka holds gets a few seconds to be delivered and marked.
  producer_->drain(5000);
  settle(producer_->poll(100));
  if (!in_flight.empty())
    spdlog::info("outbox: {} messages not yet confirmed stay pending for the next start",
                 in_flight.size());
}

}  // namespace warden::host
