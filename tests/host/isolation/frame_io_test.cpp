// The frames between the host and a runner, over a real socketpair.
#include "host/isolation/frame_io.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace warden::host {
namespace {

struct SocketPair {
  int fds[2];
  SocketPair() { EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0); }
  ~SocketPair() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
  void close_end(int i) {
    ::close(fds[i]);
    fds[i] = -1;
  }
};

TEST(FrameIo, AFrameArrivesWholeWhateverItsSize) {
  SocketPair pair;
  const std::string big(3 << 20, 'x');  // larger than the socket buffer: written while read
  std::thread writer([&] { EXPECT_EQ(write_frame(pair.fds[0], big), FrameStatus::ok); });
  std::string got;
  EXPECT_EQ(read_frame(pair.fds[1], got), FrameStatus::ok);
  writer.join();
  EXPECT_EQ(got, big);
  EXPECT_EQ(write_frame(pair.fds[0], ""), FrameStatus::ok);
  EXPECT_EQ(read_frame(pair.fds[1], got), FrameStatus::ok);
  EXPECT_EQ(got, "");
}

TEST(FrameIo, AClosedPeerAndATornFrameReadAsClosed) {
  SocketPair pair;
  const char torn[] = {0, 0, 0, 10, 'a', 'b'};
  ASSERT_EQ(::write(pair.fds[0], torn, sizeof torn), static_cast<ssize_t>(sizeof torn));
  pair.close_end(0);
  std::string got;
  EXPECT_EQ(read_frame(pair.fds[1], got), FrameStatus::closed);
  EXPECT_EQ(write_frame(pair.fds[1], "{}"), FrameStatus::closed);
}

TEST(FrameIo, ALengthOver64MiBIsRefusedBeforeAnythingIsAllocated) {
  SocketPair pair;
  const unsigned char huge[] = {0xff, 0xff, 0xff, 0xff};
  ASSERT_EQ(::write(pair.fds[0], huge, sizeof huge), 4);
  std::string got;
  EXPECT_EQ(read_frame(pair.fds[1], got), FrameStatus::too_big);
  EXPECT_TRUE(got.empty());
}

TEST(FrameIo, ASilentPeerTimesOutAtTheDeadline) {
  SocketPair pair;
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  EXPECT_EQ(read_frame(pair.fds[1], got, deadline), FrameStatus::timed_out);
  EXPECT_GE(std::chrono::steady_clock::now(), deadline);
}

}  // namespace
}  // namespace warden::host
