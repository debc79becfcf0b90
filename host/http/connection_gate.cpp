#include "host/http/connection_gate.hpp"

#include <Poco/Net/StreamSocketImpl.h>

#include <spdlog/spdlog.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace warden::host::http {
namespace {

// Deadlines are checked at least this often.
constexpr int kTickMillis = 100;
// A header longer than this is handed on unfinished; the server thread reads the rest under the
// watchdog's header deadline.
constexpr std::size_t kPeekBytes = 32 * 1024;
// Accepting waits this long when the process is out of file descriptors and none can be freed.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);

}  // namespace

bool header_complete(std::string_view seen) {
  for (auto at = seen.find('\n'); at != std::string_view::npos; at = seen.find('\n', at + 1)) {
    const auto rest = seen.substr(at + 1);
    if (rest.starts_with('\n') || rest.starts_with("\r\n")) return true;
  }
  return false;
}

namespace {

bool out_of_descriptors(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

}  // namespace

ConnectionGate::ConnectionGate(Poco::Net::ServerSocket listener, GateLimits limits, Ready ready)
    : listener_(std::move(listener)),
      limits_(limits),
      ready_(std::move(ready)),
      peeked_(kPeekBytes) {}

ConnectionGate::~ConnectionGate() {
  stop();
}

void ConnectionGate::start() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    throw std::runtime_error(std::string("cannot set up the connection gate: ") +
                             std::strerror(errno));
  }
  listener_.setBlocking(false);
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.fd = wake_fd_;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake);
  epoll_event listen{};
  listen.events = EPOLLIN;
  listen.data.fd = listener_.impl()->sockfd();
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen.data.fd, &listen);
  thread_ = std::thread([this] { loop(); });
}

void ConnectionGate::stop() {
  stopping_ = true;
  if (wake_fd_ >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  held_.clear();  // closes them
  held_count_ = 0;
  {
    std::lock_guard lock(idle_mutex_);
    idle_.clear();
  }
  for (int* fd : {&epoll_fd_, &wake_fd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

void ConnectionGate::hold_idle(const Poco::Net::StreamSocket& socket) {
  if (stopping_) return;
  {
    std::lock_guard lock(idle_mutex_);
    idle_.push_back(socket);
  }
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

void ConnectionGate::loop() {
  const int listen_fd = listener_.impl()->sockfd();
  std::array<epoll_event, 64> events{};
  while (!stopping_) {
    const int count =
        ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), kTickMillis);
    for (int i = 0; i < count && !stopping_; ++i) {
      const int fd = events[static_cast<std::size_t>(i)].data.fd;
      if (fd == listen_fd) {
        accept_new();
      } else if (fd == wake_fd_) {
        take_idle();
      } else {
        check(fd);
      }
    }
    resume_accepting_when_due();
    drop_overdue();
  }
}

void ConnectionGate::accept_new() {
  const int listen_fd = listener_.impl()->sockfd();
  for (int accepted = 0; accepted < 64; ++accepted) {
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (out_of_descriptors(errno) && !drop_nearest_deadline()) pause_accepting();
      return;
    }
    // Poco's socket takes ownership of the descriptor (and closes it).
    Poco::Net::StreamSocket socket(new Poco::Net::StreamSocketImpl(fd));
    try {
      socket.setNoDelay(true);
    } catch (const Poco::Exception&) {
      continue;  // the client is already gone
    }
    hold(std::move(socket), /*idle=*/false);
  }
}

void ConnectionGate::take_idle() {
  std::uint64_t ignored = 0;
  [[maybe_unused]] const auto read = ::read(wake_fd_, &ignored, sizeof ignored);
  std::vector<Poco::Net::StreamSocket> taken;
  {
    std::lock_guard lock(idle_mutex_);
    taken.swap(idle_);
  }
  for (auto& socket : taken) hold(std::move(socket), /*idle=*/true);
}

void ConnectionGate::hold(Poco::Net::StreamSocket socket, bool idle) {
  if (held_.size() >= limits_.max_held) drop_nearest_deadline();
  const int fd = socket.impl()->sockfd();
  epoll_event event{};
  // Edge-triggered: the header is only peeked, so level-triggered readiness would never clear.
  event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) return;  // closes it
  const auto wait = idle ? limits_.idle_timeout : limits_.header_timeout;
  held_.insert_or_assign(fd, Held{std::move(socket), Clock::now() + wait, idle});
  held_count_ = held_.size();
  check(fd);  // its header may be there already
}

void ConnectionGate::check(int fd) {
  const auto found = held_.find(fd);
  if (found == held_.end()) return;
  const auto count = ::recv(fd, peeked_.data(), peeked_.size(), MSG_PEEK | MSG_DONTWAIT);
  if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (count <= 0) return drop(fd);  // closed by the client, or broken
  Held& held = found->second;
  if (held.idle) {
    held.idle = false;
    held.deadline = Clock::now() + limits_.header_timeout;
  }
  const auto size = static_cast<std::size_t>(count);
  if (size == peeked_.size() || header_complete({peeked_.data(), size})) hand_off(fd);
}

void ConnectionGate::hand_off(int fd) {
  const auto found = held_.find(fd);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  Poco::Net::StreamSocket socket = std::move(found->second.socket);
  held_.erase(found);
  held_count_ = held_.size();
  try {
    ready_(socket);
  } catch (const std::exception& e) {
    spdlog::warn("http connection not served: {}", e.what());
  }
}

void ConnectionGate::drop(int fd) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  held_.erase(fd);  // closes it
  held_count_ = held_.size();
}

void ConnectionGate::drop_overdue() {
  const auto now = Clock::now();
  std::vector<int> overdue;
  for (const auto& [fd, held] : held_) {
    if (held.deadline <= now) overdue.push_back(fd);
  }
  for (const int fd : overdue) drop(fd);
  if (!overdue.empty()) {
    spdlog::debug("http: closed {} connection(s) without a whole request in time", overdue.size());
  }
}

bool ConnectionGate::drop_nearest_deadline() {
  if (held_.empty()) return false;
  auto nearest = held_.begin();
  for (auto it = held_.begin(); it != held_.end(); ++it) {
    if (it->second.deadline < nearest->second.deadline) nearest = it;
  }
  drop(nearest->first);
  return true;
}

void ConnectionGate::pause_accepting() {
  spdlog::warn("http: out of file descriptors; accepting pauses for a moment");
  watch_listener(false);
  accepting_paused_until_ = Clock::now() + kAcceptPause;
}

void ConnectionGate::resume_accepting_when_due() {
  if (!accepting_paused_until_ || Clock::now() < *accepting_paused_until_) return;
  accepting_paused_until_.reset();
  watch_listener(true);
}

void ConnectionGate::watch_listener(bool on) {
  epoll_event event{};
  event.events = on ? static_cast<std::uint32_t>(EPOLLIN) : 0U;
  event.data.fd = listener_.impl()->sockfd();
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, event.data.fd, &event);
}

}  // namespace warden::host::http
