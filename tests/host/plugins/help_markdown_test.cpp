#include "host/plugins/help_markdown.hpp"

#include <gtest/gtest.h>

namespace warden::host {
namespace {

TEST(HelpMarkdown, SplitsOverviewAndFieldSections) {
  auto doc = split_help(
      "# Email\n\nSends mail.\n\n## smtpHost\nThe server.\n\n### Examples\nsmtp.qq.com\n\n"
      "## ssl\nImplicit TLS.\n");
  EXPECT_EQ(doc.overview, "# Email\n\nSends mail.");
  ASSERT_EQ(doc.sections.size(), 2u);
  EXPECT_EQ(doc.sections[0].first, "smtpHost");
  EXPECT_EQ(doc.sections[0].second, "The server.\n\n### Examples\nsmtp.qq.com");
  EXPECT_EQ(doc.sections[1].first, "ssl");
  EXPECT_EQ(doc.sections[1].second, "Implicit TLS.");
}

TEST(HelpMarkdown, IgnoresHeadingsInsideCodeFences) {
  auto doc = split_help("Overview\n```\n## notASection\n```\n## real\nyes\n");
  EXPECT_EQ(doc.overview, "Overview\n```\n## notASection\n```");
  ASSERT_EQ(doc.sections.size(), 1u);
  EXPECT_EQ(doc.sections[0].first, "real");
}

TEST(HelpMarkdown, NoSectionsMeansAllOverviewAndCrlfIsAccepted) {
  auto doc = split_help("\r\n  Just text.\r\nMore.\r\n\r\n");
  EXPECT_EQ(doc.overview, "  Just text.\nMore.");
  EXPECT_TRUE(doc.sections.empty());
}

TEST(HelpMarkdown, EmptyInput) {
  auto doc = split_help("");
  EXPECT_EQ(doc.overview, "");
  EXPECT_TRUE(doc.sections.empty());
}

}  // namespace
}  // namespace warden::host
