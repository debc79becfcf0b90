#include "host/alerts/channel_lanes.hpp"

namespace warden::host {

bool ChannelLanes::post(const std::string& channel_name, int concurrency, WorkQueue::Job job) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  auto& lane = lanes_[channel_name];
  if (lane.queue && lane.threads != concurrency)
    retired_.push_back(std::move(lane.queue));  // a PUT changed the instance's concurrency
  if (!lane.queue) {
    lane.threads = concurrency;
    lane.queue = std::make_unique<WorkQueue>("channel " + channel_name, lane.threads);
  }
  lane.queue->post(std::move(job));
  return true;
}

bool ChannelLanes::close() {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  closed_ = true;
  return true;
}

void ChannelLanes::stop() {
  close();
  std::vector<std::unique_ptr<WorkQueue>> queues;
  {
    std::lock_guard lock(mutex_);  // closed: no lane is made or posted to now
    for (auto& [_, lane] : lanes_)
      if (lane.queue) queues.push_back(std::move(lane.queue));
    for (auto& queue : retired_) queues.push_back(std::move(queue));
    retired_.clear();
  }
  for (auto& queue : queues) queue->stop();
}

}  // namespace warden::host
