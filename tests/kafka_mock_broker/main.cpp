// A Kafka broker for the tests and benchmarks: librdkafka's mock cluster, in a process of its own,
// so that warden's producer and the tests' consumers speak real Kafka over TCP to it.
//
//   warden_kafka_mock_broker [BROKERS]        (default 1)
//
// Prints "bootstrap <host:port,…>" once the cluster listens, then reads one command a line from
// standard input and answers "ok" (or "error <what>") to each:
//   topic <name> <partitions>   create a topic (producers may also create one by using it)
//   down                        every broker drops its connections and refuses new ones
//   up                          every broker accepts connections again
// End of input, SIGTERM or SIGINT ends it. Messages live in memory only.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

namespace {

int set_all(rd_kafka_mock_cluster_t* cluster, int brokers, bool up) {
  for (int id = 1; id <= brokers; ++id) {
    auto err =
        up ? rd_kafka_mock_broker_set_up(cluster, id) : rd_kafka_mock_broker_set_down(cluster, id);
    if (err) {
      std::cout << "error " << rd_kafka_err2str(err) << std::endl;
      return 1;
    }
  }
  std::cout << "ok" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int brokers = argc > 1 ? std::atoi(argv[1]) : 1;
  if (brokers < 1 || brokers > 9) {
    std::cerr << "usage: warden_kafka_mock_broker [BROKERS 1-9]\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the cluster's thread; it never produces.
  rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error);
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (!handle) {
    std::cerr << "warden_kafka_mock_broker: " << error << "\n";
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle, brokers);
  if (!cluster) {
    std::cerr << "warden_kafka_mock_broker: the mock cluster could not be made\n";
    return 1;
  }
  std::cout << "bootstrap " << rd_kafka_mock_cluster_bootstraps(cluster) << std::endl;

  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string command;
    words >> command;
    if (command == "down" || command == "up") {
      set_all(cluster, brokers, command == "up");
    } else if (command == "topic") {
      std::string name;
      int partitions = 0;
      words >> name >> partitions;
      if (name.empty() || partitions < 1) {
        std::cout << "error usage: topic <name> <partitions>" << std::endl;
        continue;
      }
      auto err = rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, 1);
      if (err)
        std::cout << "error " << rd_kafka_err2str(err) << std::endl;
      else
        std::cout << "ok" << std::endl;
    } else if (!command.empty()) {
      std::cout << "error unknown command " << command << std::endl;
    }
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(handle);
  return 0;
}
