// The SDK's contacts rules, which the host's `email` and `mobile` validators and the bundled
// channels share: one answer for a value wherever it is checked.
#include "host/config/config_schema.hpp"

#include <warden/vendor/contacts.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace warden {
namespace {

using Strings = std::vector<std::string>;

const Strings kEmails = {"ops@example.com", "first.last+tag@mail.example.co",
                         "a_b@sub-domain.example.org", "x@flink_jobmanager.internal"};
const Strings kNotEmails = {"not-an-address",     "ops@",
                            "@example.com",       "ops@localhost",
                            "ops@@example.com",   ".ops@example.com",
                            "ops..x@example.com", "ops@example..com",
                            "ops @example.com",   "ops@-example.com",
                            "<ops@example.com>",  "ops@example.com\r\nRCPT TO:<x@y.z>"};
const Strings kMobiles = {"13800138000",     "+8613800138000", "+86 13800138000",
                          "+86-13800138000", "+14155552671",   "+4915123456789"};
const Strings kNotMobiles = {"1380013800",        "138001380001",  "23800138000",
                             "+86 2380013800",    "phone",         "+1234567",
                             "+1234567890123456", "138-0013-8000", "+0123456789"};

TEST(SdkContacts, EmailAddressesFollowOneRuleInTheSdkAndTheHostsValidator) {
  for (const auto& value : kEmails) {
    EXPECT_TRUE(is_email_address(value)) << value;
    EXPECT_EQ(host::run_validator("email", value), std::nullopt) << value;
  }
  for (const auto& value : kNotEmails) {
    EXPECT_FALSE(is_email_address(value)) << value;
    EXPECT_EQ(host::run_validator("email", value), "must be a valid email address") << value;
  }
}

TEST(SdkContacts, MobilesFollowOneRuleInTheSdkAndTheHostsValidator) {
  for (const auto& value : kMobiles) {
    EXPECT_TRUE(is_mobile(value)) << value;
    EXPECT_EQ(host::run_validator("mobile", value), std::nullopt) << value;
  }
  for (const auto& value : kNotMobiles) {
    EXPECT_FALSE(is_mobile(value)) << value;
    EXPECT_EQ(host::run_validator("mobile", value), "must be a mobile phone number") << value;
  }
}

TEST(SdkContacts, ListsSplitOnCommasSemicolonsAndLineBreaksTrimmedAndEachOnce) {
  EXPECT_EQ(parse_email_addresses(" a@example.com, b@example.org;\n\na@example.com ;", "to"),
            (Strings{"a@example.com", "b@example.org"}));
  EXPECT_EQ(parse_mobiles("13800138000\n+14155552671,13800138000", "contacts"),
            (Strings{"13800138000", "+14155552671"}));
  EXPECT_EQ(parse_mobiles(" ,; \n", "contacts"), Strings{});
}

TEST(SdkContacts, AListNamesItsFieldAndTheFirstBadEntryCutTo100Bytes) {
  try {
    parse_email_addresses("a@example.com, not an address, also bad", "to");
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "to: \"not an address\" is not an email address");
  }
  try {
    parse_mobiles(std::string(300, '9'), "contacts");
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "contacts: \"" + std::string(100, '9') + "\" is not a mobile phone number");
  }
}

TEST(SdkContacts, HostNamesAllowUnderscoresButNotDottedDigitsOrEdgeDashes) {
  for (const char* name : {"localhost", "flink_jobmanager", "a.b-c.example", "x1"})
    EXPECT_TRUE(is_host_name(name)) << name;
  for (const char* name :
       {"", "999.1.1.1", "-a.example", "a-.example", "a..b", "a b", "example.com."})
    EXPECT_FALSE(is_host_name(name)) << name;
  EXPECT_FALSE(is_host_name(std::string(64, 'a')));
  EXPECT_TRUE(is_host_name(std::string(63, 'a')));
}

}  // namespace
}  // namespace warden
