#include "host/http/chunked_body.hpp"

#include "host/http/http_error.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace warden::host::http {
namespace {

std::string decoded(const std::string& wire, std::size_t limit = 1024) {
  std::istringstream in(wire);
  return read_chunked_body(in, limit);
}

/// The status and message read_chunked_body refuses `wire` with.
std::pair<int, std::string> refusal(const std::string& wire, std::size_t limit = 1024) {
  try {
    decoded(wire, limit);
  } catch (const HttpError& e) {
    return {e.status(), e.what()};
  }
  return {0, "accepted"};
}

TEST(ChunkedBody, ReadsChunksExtensionsAndTrailers) {
  EXPECT_EQ(decoded("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), "hello world");
  EXPECT_EQ(decoded("0\r\n\r\n"), "");
  EXPECT_EQ(decoded("A\r\n0123456789\r\n0\r\n\r\n"), "0123456789");
  EXPECT_EQ(decoded("5;name=value\r\nhello\r\n0 ;last\r\n\r\n"), "hello");
  EXPECT_EQ(decoded("3\r\nabc\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n"), "abc");
}

TEST(ChunkedBody, LeavesTheStreamAfterTheBody) {
  std::istringstream in("3\r\nabc\r\n0\r\n\r\nGET /next");
  EXPECT_EQ(read_chunked_body(in, 1024), "abc");
  std::string rest;
  std::getline(in, rest);
  EXPECT_EQ(rest, "GET /next");
}

TEST(ChunkedBody, RefusesWhatPocoReadsAsAnEmptyBody) {
  EXPECT_EQ(
      refusal("zz\r\nxx\r\n0\r\n\r\n"),
      std::pair(400, std::string("malformed chunked request body: invalid chunk size \"zz\"")));
  for (const std::string wire : {"\r\n", " 5\r\nhello\r\n0\r\n\r\n", "-5\r\nhello\r\n0\r\n\r\n",
                                 "0x5\r\nhello\r\n0\r\n\r\n", "5 \r\nhello\r\n0\r\n\r\n"}) {
    const auto [status, message] = refusal(wire);
    EXPECT_EQ(status, 400) << wire;
    EXPECT_NE(message.find("invalid chunk size"), std::string::npos) << wire;
  }
}

TEST(ChunkedBody, RefusesBrokenFraming) {
  for (const std::string wire : {
           "5\r\nhelloXX\r\n0\r\n\r\n",  // data longer than its size
           "5\r\nhel",                   // ends inside a chunk
           "5\r\nhello\r\n",             // no last chunk
           "5\r\nhello\r\n0\r\n",        // no empty line after the last chunk
           "5\nhello\n0\n\n",            // bare LF
           "5\r\nhello\n0\r\n\r\n",      // no CR after the data
           "5\rhello\r\n0\r\n\r\n",      // CR without LF
           "",
       }) {
    EXPECT_EQ(refusal(wire).first, 400) << wire;
  }
  EXPECT_EQ(
      refusal("1\r\n" + std::string(1, 'x') + "\r\n0\r\n" + std::string(9000, 'a') + "\r\n\r\n")
          .first,
      400);
  std::string many = "0\r\n";
  for (int i = 0; i < 100; ++i) many += "X: 1\r\n";
  EXPECT_EQ(refusal(many + "\r\n").second,
            "malformed chunked request body: too many trailer fields");
}

TEST(ChunkedBody, RefusesAnySizeOverTheLimitBeforeItsData) {
  EXPECT_EQ(refusal("401\r\n", 1024),
            std::pair(413, std::string("request body too large: limit is 1024 bytes")));
  EXPECT_EQ(refusal("FFFFFFFFFFFFFFFFFFFFFFFF\r\n").first, 413);
  EXPECT_EQ(refusal("200\r\n" + std::string(512, 'a') + "\r\n201\r\n").first, 413);
  EXPECT_EQ(decoded("400\r\n" + std::string(1024, 'a') + "\r\n0\r\n\r\n").size(), 1024u);
}

}  // namespace
}  // namespace warden::host::http
