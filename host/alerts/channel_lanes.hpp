#pragma once

#include "host/runtime/work_queue.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace warden::host {

/// One work queue per channel instance, with as many threads as its `concurrency`: a slow or dead
/// channel holds up only itself. A lane whose concurrency changed is replaced; the old one finishes
/// what it holds, then idles until stop().
class ChannelLanes {
 public:
  ChannelLanes() = default;
  ~ChannelLanes() { stop(); }
  ChannelLanes(const ChannelLanes&) = delete;
  ChannelLanes& operator=(const ChannelLanes&) = delete;

  /// Runs `job` on the lane of `channel_name` with `concurrency` threads (made, or remade). False
  /// (`job` dropped) once closed.
  bool post(const std::string& channel_name, int concurrency, WorkQueue::Job job);
  /// Takes no more jobs; false when it was closed already.
  bool close();
  /// Closes, then lets the running jobs end; queued ones are dropped. Idempotent.
  void stop();

 private:
  struct Lane {
    int threads = 0;
    std::unique_ptr<WorkQueue> queue;
  };
  std::mutex mutex_;
  std::map<std::string, Lane> lanes_;
  std::vector<std::unique_ptr<WorkQueue>> retired_;
  bool closed_ = false;
};

}  // namespace warden::host
