#include "host/store/secret_box.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

namespace warden::host {
namespace {

const std::string kKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

SecretBox box_of(const std::string& hex = kKeyHex) {
  return SecretBox(parse_secret_key(hex, "test"), "test key");
}

TEST(SecretBox, SealsToTextThatOpensOnlyInItsOwnPlaceUnderItsOwnKey) {
  auto box = box_of();
  const std::string secret = R"({"token":"t0ps3cret","unicode":"密码"})";
  const auto sealed = box.seal(secret, "channels.config_json");
  EXPECT_TRUE(sealed.starts_with("enc:1:"));
  EXPECT_EQ(sealed.find("t0ps3cret"), std::string::npos);
  EXPECT_EQ(box.open(sealed, "channels.config_json"), secret);
  EXPECT_NE(box.seal(secret, "channels.config_json"), sealed);  // a fresh nonce each time
  // Another column, another key, an altered value: each refused with the place named.
  EXPECT_THROW(box.open(sealed, "tasks.condition_json"), SecretError);
  auto other = SecretBox(random_secret_key(), "other key");
  try {
    other.open(sealed, "channels.config_json");
    FAIL();
  } catch (const SecretError& e) {
    EXPECT_NE(std::string(e.what()).find("channels.config_json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("other key"), std::string::npos);
  }
  auto altered = sealed;
  altered[10] = altered[10] == 'A' ? 'B' : 'A';
  EXPECT_THROW(box.open(altered, "channels.config_json"), SecretError);
  EXPECT_THROW(box.open(sealed.substr(0, sealed.size() - 4), "channels.config_json"), SecretError);
  EXPECT_THROW(box.open("enc:1:%%%%", "x"), SecretError);
  EXPECT_THROW(box.open("enc:1:", "x"), SecretError);
  EXPECT_THROW(box.open(R"({"clear":"text"})", "x"), SecretError);
  EXPECT_EQ(box.open(box.seal("", "x"), "x"), "");
}

TEST(SecretBox, ReadsKeysAsHexOrBase64AndRefusesAnythingElseWithoutShowingIt) {
  EXPECT_EQ(parse_secret_key(kKeyHex, "k").size(), 32u);
  EXPECT_EQ(parse_secret_key("  " + kKeyHex + "\n", "k"), parse_secret_key(kKeyHex, "k"));
  // base64 of the same 32 bytes
  EXPECT_EQ(parse_secret_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", "k"),
            parse_secret_key(kKeyHex, "k"));
  for (const std::string& bad :
       {std::string(""), std::string("short-secret"), kKeyHex.substr(2), kKeyHex + "00",
        std::string(63, 'a') + "g", std::string("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==")}) {
    try {
      parse_secret_key(bad, "WARDEN_SECRET_KEY");
      FAIL() << bad;
    } catch (const SecretError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("WARDEN_SECRET_KEY"), std::string::npos);
      if (bad.size() > 4) {
        EXPECT_EQ(what.find(bad), std::string::npos) << what;
      }
    }
  }
  EXPECT_THROW(SecretBox("too short", "k"), SecretError);
  EXPECT_EQ(box_of().key_hex(), kKeyHex);
  EXPECT_NE(random_secret_key(), random_secret_key());
}

TEST(SecretBox, AgreesWithAnIndependentAesGcm) {
  // Python's `cryptography` (OpenSSL underneath too, but another caller's framing): what we seal
  // it opens, and what it seals we open.
  if (test::run_command("python3", {"-c", "import cryptography"}).exit_code != 0)
    GTEST_SKIP() << "python3 with cryptography (Debian: python3-cryptography) is not installed";
  auto box = box_of();
  const auto sealed = box.seal("hunter2 \xe5\xaf\x86", "timers.params_json");
  const std::string script = R"(
import base64, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key = bytes.fromhex(sys.argv[1]); aes = AESGCM(key)
if sys.argv[2] == "open":
    raw = base64.b64decode(sys.argv[3][len("enc:1:"):], validate=True)
    sys.stdout.write(aes.decrypt(raw[:12], raw[12:], sys.argv[4].encode()).hex())
else:
    nonce = bytes(range(12))
    sys.stdout.write("enc:1:" + base64.b64encode(nonce + aes.encrypt(nonce, bytes.fromhex(sys.argv[3]), sys.argv[4].encode())).decode())
)";
  auto opened =
      test::run_command("python3", {"-c", script, kKeyHex, "open", sealed, "timers.params_json"});
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  EXPECT_EQ(opened.out, "68756e7465723220e5af86");  // "hunter2 密" in hex
  auto theirs = test::run_command(
      "python3", {"-c", script, kKeyHex, "seal", "7b2261223a317d", "tasks.condition_json"});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_EQ(box.open(theirs.out, "tasks.condition_json"), R"({"a":1})");
  EXPECT_THROW(box.open(theirs.out, "timers.params_json"), SecretError);
}

TEST(SecretBox, SealAndOpenCostMicroseconds) {
  // A figure for docs (printed), with a bound loose enough for any machine: 10,000 of each.
  auto box = box_of();
  const std::string condition(200, 'x');
  const auto start = std::chrono::steady_clock::now();
  std::string sealed;
  for (int i = 0; i < 10000; ++i) sealed = box.seal(condition, "tasks.condition_json");
  const auto sealed_at = std::chrono::steady_clock::now();
  for (int i = 0; i < 10000; ++i) EXPECT_EQ(box.open(sealed, "tasks.condition_json").size(), 200u);
  const auto end = std::chrono::steady_clock::now();
  using us = std::chrono::duration<double, std::micro>;
  const double seal_us = us(sealed_at - start).count() / 10000,
               open_us = us(end - sealed_at).count() / 10000;
  std::printf("seal %.2f us, open %.2f us per 200-byte value\n", seal_us, open_us);
  EXPECT_LT(seal_us + open_us, 1000.0);
}

}  // namespace
}  // namespace warden::host
