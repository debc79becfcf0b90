#include "host/http/console_assets.hpp"

#include "tests/support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace warden::host::http {
namespace {

TEST(ConsoleAssets, TheEmbeddedFilesAreTheConsoleFolder) {
  const auto assets = ConsoleAssets::embedded();
  const auto index = assets.find("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<html"), std::string::npos);
  const auto paths = assets.paths();
  EXPECT_NE(std::find(paths.begin(), paths.end(), "/index.html"), paths.end());
  EXPECT_EQ(std::find(paths.begin(), paths.end(), "/README.md"), paths.end());
  for (const auto& path : paths) EXPECT_TRUE(assets.find(path)) << path;
}

TEST(ConsoleAssets, AFolderServesOnlyPlainPathsInsideIt) {
  test::TempDir dir;
  dir.write("ui/index.html", "<html></html>");
  dir.write("ui/pages/tasks.js", "export {};");
  dir.write("ui/.hidden", "x");
  dir.write("outside.txt", "x");
  std::filesystem::create_symlink(dir.path() / "outside.txt", dir.path() / "ui" / "out.txt");
  const auto assets = ConsoleAssets::from_dir(dir.path() / "ui");
  EXPECT_EQ(assets.find("/pages/tasks.js")->body, "export {};");
  EXPECT_EQ(assets.find("/pages/tasks.js")->content_type, "text/javascript; charset=utf-8");
  for (const char* bad :
       {"/out.txt", "/../outside.txt", "/.hidden", "/pages/../index.html", "pages/tasks.js",
        "//etc/passwd", "/pages/", "/%2e%2e/outside.txt", "/nothing.js", "/pages"}) {
    EXPECT_FALSE(assets.find(bad)) << bad;
  }
  auto paths = assets.paths();
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{"/", "/index.html", "/pages/tasks.js"}));
  EXPECT_THROW(ConsoleAssets::from_dir(dir.path() / "none"), std::invalid_argument);
}

}  // namespace
}  // namespace warden::host::http
