#include "host/isolation/frame_io.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <new>

namespace warden::host {
namespace {

/// Waits until `fd` is ready for `events`; false on timeout or error (`status` says which).
bool wait_for(int fd, short events, Deadline deadline, FrameStatus& status) {
  for (;;) {
    int timeout_ms = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        status = FrameStatus::timed_out;
        return false;
      }
      timeout_ms = static_cast<int>(std::min<std::int64_t>(left.count() + 1, 60'000));
    }
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = FrameStatus::failed;
      return false;
    }
    if (n == 0) continue;  // the loop checks the deadline
    if (p.revents & (events | POLLHUP | POLLERR)) return true;
    if (p.revents & POLLNVAL) {
      status = FrameStatus::failed;
      return false;
    }
  }
}

FrameStatus write_all(int fd, const char* data, std::size_t size, Deadline deadline) {
  while (size > 0) {
    FrameStatus status = FrameStatus::ok;
    if (!wait_for(fd, POLLOUT, deadline, status)) return status;
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return errno == EPIPE || errno == ECONNRESET ? FrameStatus::closed : FrameStatus::failed;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return FrameStatus::ok;
}

FrameStatus read_all(int fd, char* data, std::size_t size, Deadline deadline) {
  while (size > 0) {
    FrameStatus status = FrameStatus::ok;
    if (!wait_for(fd, POLLIN, deadline, status)) return status;
    const ssize_t n = ::recv(fd, data, size, MSG_DONTWAIT);
    if (n == 0) return FrameStatus::closed;
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      return errno == ECONNRESET ? FrameStatus::closed : FrameStatus::failed;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return FrameStatus::ok;
}

}  // namespace

FrameStatus write_frame(int fd, std::string_view text, Deadline deadline) noexcept {
  if (text.size() > kMaxFrameBytes) return FrameStatus::too_big;
  const auto size = static_cast<std::uint32_t>(text.size());
  const std::array<char, 4> header{static_cast<char>(size >> 24), static_cast<char>(size >> 16),
                                   static_cast<char>(size >> 8), static_cast<char>(size)};
  if (auto s = write_all(fd, header.data(), header.size(), deadline); s != FrameStatus::ok)
    return s;
  return write_all(fd, text.data(), text.size(), deadline);
}

FrameStatus read_frame(int fd, std::string& out, Deadline deadline) noexcept {
  std::array<unsigned char, 4> header{};
  if (auto s = read_all(fd, reinterpret_cast<char*>(header.data()), header.size(), deadline);
      s != FrameStatus::ok)
    return s;
  const std::size_t size = (std::size_t{header[0]} << 24) | (std::size_t{header[1]} << 16) |
                           (std::size_t{header[2]} << 8) | header[3];
  if (size > kMaxFrameBytes) return FrameStatus::too_big;
  try {
    out.resize(size);
  } catch (const std::bad_alloc&) {
    return FrameStatus::failed;
  }
  return read_all(fd, out.data(), size, deadline);
}

const char* to_string(FrameStatus status) noexcept {
  switch (status) {
    case FrameStatus::ok:
      return "ok";
    case FrameStatus::closed:
      return "the connection closed";
    case FrameStatus::timed_out:
      return "timed out";
    case FrameStatus::too_big:
      return "a message over 64 MiB";
    case FrameStatus::failed:
      return "the connection failed";
  }
  return "unknown";
}

}  // namespace warden::host
