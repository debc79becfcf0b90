// Loading a plugin is checked in a warden-plugin-runner process (issue 16): a library that crashes
// while it loads (a constructor, a static initializer), one cut short, and one still being
// written are listed `failed` and the host goes on serving; `warden validate` says so and exits 1.
#include "tests/support/eventually.hpp"
#include "tests/support/serve_test.hpp"

#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <elf.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

namespace warden::test {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kCrashPlugins = fs::path(WARDEN_FIXTURE_PLUGINS_DIR) / "crash";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

/// Where the last loadable segment of a 64-bit ELF library ends in its file: what the loader maps.
/// (The debug information after it, most of a RelWithDebInfo library, is never read.)
std::uintmax_t loadable_extent(const fs::path& library) {
  const std::string bytes = read_file(library);
  Elf64_Ehdr header{};
  if (bytes.size() < sizeof header) return 0;
  std::memcpy(&header, bytes.data(), sizeof header);
  std::uintmax_t end = 0;
  for (std::size_t i = 0; i < header.e_phnum; ++i) {
    const std::size_t at = header.e_phoff + i * header.e_phentsize;
    Elf64_Phdr segment{};
    if (at + sizeof segment > bytes.size()) return 0;
    std::memcpy(&segment, bytes.data() + at, sizeof segment);
    if (segment.p_type == PT_LOAD)
      end = std::max<std::uintmax_t>(end, segment.p_offset + segment.p_filesz);
  }
  return end;
}

class IsolationLoad : public ServeTest {
 protected:
  IsolationLoad() : ServeTest("e2e-isolation-load-token") {}

  void start(const fs::path& plugins) {
    configure("plugins_dir: " + plugins.string() +
              "\nlog_level: warn\nisolation:\n  default: process\n");
    ServeTest::start();
  }

  Poco::JSON::Object::Ptr plugin(const std::string& key) {
    auto r = call("GET", "/api/plugins/" + key);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json && r.json->getObject("data") ? r.json->getObject("data")
                                               : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
  }

  std::string status_of(const std::string& key) {
    return plugin(key)->optValue<std::string>("status", "");
  }

  std::string errors_of(const std::string& key) {
    std::string all;
    if (auto errors = plugin(key)->getArray("errors"))
      for (const auto& e : *errors) all += e.convert<std::string>() + "\n";
    return all;
  }

  void expect_healthy() {
    auto health = call_api(warden_->port(), "GET", "/healthz");
    EXPECT_EQ(health.status, 200) << health.body;
    EXPECT_TRUE(warden_->running());
  }

  /// A crash_step task in mode ok: finished (a solution that loaded runs).
  void expect_crash_step_runs() {
    auto r = call("POST", "/api/create_task",
                  R"({"data": {"service": "crash_step", "condition": {"mode": "ok"}}})");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto id = r.json->getValue<std::string>("task_id");
    std::string status;
    EXPECT_TRUE(eventually([&] {
      auto result = call("POST", "/api/result_task", R"({"data": {"task_id": ")" + id + R"("}})");
      status = result.json ? result.json->optValue<std::string>("status", "") : "";
      return status == "finished" || status == "failed";
    }));
    EXPECT_EQ(status, "finished");
  }
};

TEST_F(IsolationLoad, ALibraryThatCrashesWhileLoadingIsListedFailedAndTheHostServes) {
  ASSERT_NO_FATAL_FAILURE(start(kCrashPlugins));
  for (const std::string key : {"crash_ctor", "crash_static"}) {
    const auto problem = key + "/lib" + key + ".so: the library crashed its checking runner: ";
    EXPECT_EQ(status_of(key), "failed") << key;
    EXPECT_TRUE(contains(errors_of(key), problem)) << errors_of(key);
    EXPECT_TRUE(contains(errors_of(key), "killed by signal 11 (SIGSEGV)")) << errors_of(key);
    auto create = call("POST", "/api/create_task",
                       R"({"data": {"service": ")" + key + R"(", "condition": {}}})");
    EXPECT_EQ(create.status, 400) << create.body;

    const auto validate = run_command(WARDEN_BIN, {"validate", (kCrashPlugins / key).string()});
    EXPECT_EQ(validate.exit_code, 1) << validate.out << validate.err;
    EXPECT_TRUE(contains(validate.out, problem)) << validate.out << validate.err;
    EXPECT_TRUE(contains(validate.out, "killed by signal 11 (SIGSEGV)")) << validate.out;
  }
  EXPECT_EQ(status_of("crash_step"), "loaded") << errors_of("crash_step");
  expect_crash_step_runs();
  expect_healthy();
}

TEST_F(IsolationLoad, ALibraryCutInHalfIsListedFailedAndValidateSaysSoWithoutCrashing) {
  const auto folder = dir_.path() / "plugins" / "crash_step";
  copy_folder(kCrashPlugins / "crash_step", folder);
  const auto library = folder / "libcrash_step.so";
  // Cut in the middle of what the loader maps: code, read-only data and the dynamic section.
  const auto extent = loadable_extent(library);
  ASSERT_GT(extent, 4096u);
  fs::resize_file(library, extent / 2);
  // Settled: older than the second a library being written is waited for.
  fs::last_write_time(library, fs::file_time_type::clock::now() - 2s);

  ASSERT_NO_FATAL_FAILURE(start(dir_.path() / "plugins"));
  EXPECT_EQ(status_of("crash_step"), "failed");
  EXPECT_TRUE(contains(errors_of("crash_step"), "crash_step/libcrash_step.so"))
      << errors_of("crash_step");
  expect_healthy();

  const auto validate = run_command(WARDEN_BIN, {"validate", folder.string()});
  EXPECT_EQ(validate.exit_code, 1) << validate.out << validate.err;
  EXPECT_TRUE(contains(validate.out, "crash_step/libcrash_step.so"))
      << validate.out << validate.err;
}

TEST_F(IsolationLoad, ALibraryStillBeingWrittenIsNotLoadedUntilItSettles) {
  const auto plugins = dir_.path() / "plugins";
  fs::create_directories(plugins);
  ASSERT_NO_FATAL_FAILURE(start(plugins));

  // Copied in as a slow copy would: the manifest, then the library in pieces over about 3 s. The
  // last piece waits until the reload has answered; meanwhile the piece before it is written again
  // and again, so the library keeps changing however long the reload takes.
  const auto folder = plugins / "crash_step";
  fs::create_directories(folder);
  fs::copy_file(kCrashPlugins / "crash_step" / "manifest.json", folder / "manifest.json");
  const std::string bytes = read_file(kCrashPlugins / "crash_step" / "libcrash_step.so");
  ASSERT_GT(bytes.size(), 1000u);
  std::atomic<bool> reloaded{false};
  std::atomic<int> pieces_written{0};
  std::thread writer([&] {
    constexpr std::size_t kPieces = 150;
    const std::size_t piece = bytes.size() / kPieces + 1;
    std::ofstream out(folder / "libcrash_step.so", std::ios::binary);
    std::size_t at = 0;
    while (at + piece < bytes.size()) {
      out.write(bytes.data() + at, static_cast<std::streamsize>(piece)).flush();
      at += piece;
      ++pieces_written;
      std::this_thread::sleep_for(20ms);
    }
    while (!reloaded) {
      out.seekp(static_cast<std::streamoff>(at - piece));
      out.write(bytes.data() + at - piece, static_cast<std::streamsize>(piece)).flush();
      std::this_thread::sleep_for(20ms);
    }
    out.seekp(static_cast<std::streamoff>(at));
    out.write(bytes.data() + at, static_cast<std::streamsize>(bytes.size() - at)).flush();
  });
  // However this test ends, the writer finishes and is joined.
  const std::unique_ptr<std::thread, void (*)(std::thread*)> joined(&writer, [](std::thread* t) {
    if (t->joinable()) t->join();
  });
  struct Release {
    std::atomic<bool>& flag;
    ~Release() { flag = true; }
  } release{reloaded};
  ASSERT_TRUE(eventually([&] { return pieces_written > 0; }));
  auto reload = call("POST", "/api/plugins/reload");
  reloaded = true;
  writer.join();
  ASSERT_EQ(reload.status, 200) << reload.body;
  ASSERT_TRUE(reload.json && reload.json->getArray("failed")) << reload.body;
  EXPECT_EQ(reload.json->getArray("failed")->size(), 1u) << reload.body;
  EXPECT_EQ(status_of("crash_step"), "failed");
  const auto errors = errors_of("crash_step");
  EXPECT_TRUE(contains(errors, "libcrash_step.so")) << errors;
  EXPECT_TRUE(contains(errors, " is still being written")) << errors;
  EXPECT_TRUE(contains(errors, "it is loaded at the next reload")) << errors;
  expect_healthy();

  // Whole and settled: the next reload loads it.
  ASSERT_EQ(read_file(folder / "libcrash_step.so"), bytes);
  EXPECT_TRUE(eventually([&] {
    call("POST", "/api/plugins/reload");
    return status_of("crash_step") == "loaded";
  })) << errors_of("crash_step");
  expect_crash_step_runs();
}

}  // namespace
}  // namespace warden::test
