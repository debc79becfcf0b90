// The alert_records table: upserts inside the caller's transaction, the open records read back at
// start-up, one record by id, and the list filtered by state, source, label and time, paged,
// newest first; label values with LIKE's wildcards, quotes and other case are matched literally.
#include "host/automation/alert_record_store.hpp"

#include "host/store/database.hpp"
#include "tests/support/test_database.hpp"

#include <Poco/Data/Transaction.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

AlertRecord record(const std::string& id, const std::string& state, std::int64_t last_ms,
                   const std::map<std::string, std::string>& labels = {},
                   const std::string& source = "prometheus") {
  AlertRecord r;
  r.id = id;
  r.fingerprint = "fp-" + id;
  r.state = state;
  r.alert.title = "alert " + id;
  r.alert.source = source;
  r.alert.labels = labels;
  r.count = 1;
  r.first_ms = last_ms - 10;
  r.last_ms = last_ms;
  r.origin = "api";
  return r;
}

class AlertRecordStoreTest : public ::testing::TestWithParam<test::DatabaseKind> {
 protected:
  void upsert(const std::vector<AlertRecord>& records) {
    auto session = db_.session();
    Poco::Data::Transaction tx(session);
    upsert_alert_records(session, records);
    tx.commit();
  }

  std::vector<std::string> ids(const AlertRecordQuery& query) {
    std::vector<std::string> out;
    for (const auto& r : list_alert_records(db_, query).records) out.push_back(r.id);
    return out;
  }

  AlertRecordQuery label(const std::string& key, const std::string& value) {
    AlertRecordQuery q;
    q.label_key = key;
    q.label_value = value;
    return q;
  }

  test::TestDatabase where_{GetParam()};
  Database db_{where_.uri()};
};

TEST_P(AlertRecordStoreTest, UpsertWritesAndRewritesWholeRecords) {
  auto a = record("al_a", "abnormal", 1000, {{"env", "prod"}});
  upsert({a, record("al_b", "recovered", 2000)});
  a.state = "closed";
  a.count = 5;
  a.closed_ms = 3000;
  a.closed_by = "alice";
  a.alert.labels["env"] = "staging";
  upsert({a});
  const auto found = find_alert_record(db_, "al_a");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->state, "closed");
  EXPECT_EQ(found->count, 5);
  EXPECT_EQ(found->closed_by, "alice");
  EXPECT_EQ(found->alert.title, "alert al_a");
  EXPECT_EQ(found->fingerprint, "fp-al_a");
  EXPECT_EQ(list_alert_records(db_, {}).total, 2u);
  EXPECT_EQ(ids(label("env", "staging")), std::vector<std::string>{"al_a"});  // columns too
  EXPECT_TRUE(ids(label("env", "prod")).empty());
  EXPECT_FALSE(find_alert_record(db_, "al_missing"));
  upsert({});  // nothing to write
}

TEST_P(AlertRecordStoreTest, ARolledBackTransactionLeavesNothing) {
  {
    auto session = db_.session();
    Poco::Data::Transaction tx(session);
    upsert_alert_records(session, {record("al_a", "abnormal", 1000)});
    tx.rollback();
  }
  EXPECT_FALSE(find_alert_record(db_, "al_a"));
}

TEST_P(AlertRecordStoreTest, LoadOpenReadsEveryRecordNotClosed) {
  upsert({record("al_a", "abnormal", 1000), record("al_b", "recovered", 2000),
          record("al_c", "closed", 3000), record("al_d", "no_data", 4000)});
  std::set<std::string> open;
  for (const auto& r : load_open_alert_records(db_)) open.insert(r.id);
  EXPECT_EQ(open, (std::set<std::string>{"al_a", "al_b", "al_d"}));
}

TEST_P(AlertRecordStoreTest, ListsNewestFirstFilteredAndPaged) {
  upsert({record("al_1", "abnormal", 1000, {{"env", "prod"}}, "prometheus"),
          record("al_2", "recovered", 2000, {{"env", "prod"}, {"team", "db"}}, "flink"),
          record("al_3", "abnormal", 3000, {{"env", "dev"}}, "flink"),
          record("al_4", "closed", 4000, {}, "prometheus"),
          record("al_5", "abnormal", 5000, {{"team", "prod"}}, "prometheus")});
  EXPECT_EQ(ids({}), (std::vector<std::string>{"al_5", "al_4", "al_3", "al_2", "al_1"}));

  AlertRecordQuery state;
  state.state = "abnormal";
  EXPECT_EQ(ids(state), (std::vector<std::string>{"al_5", "al_3", "al_1"}));

  AlertRecordQuery source;
  source.source = "flink";
  EXPECT_EQ(ids(source), (std::vector<std::string>{"al_3", "al_2"}));

  EXPECT_EQ(ids(label("env", "prod")), (std::vector<std::string>{"al_2", "al_1"}));
  EXPECT_EQ(ids(label("team", "db")), (std::vector<std::string>{"al_2"}));
  EXPECT_TRUE(ids(label("env", "pro")).empty());  // whole values only
  EXPECT_TRUE(ids(label("nv", "prod")).empty());  // whole keys only

  AlertRecordQuery range;
  range.from_ms = 2000;
  range.to_ms = 4000;
  EXPECT_EQ(ids(range), (std::vector<std::string>{"al_4", "al_3", "al_2"}));
  range.to_ms = 0;
  EXPECT_EQ(ids(range), (std::vector<std::string>{"al_5", "al_4", "al_3", "al_2"}));
  range.from_ms = 0;
  range.to_ms = 2000;
  EXPECT_EQ(ids(range), (std::vector<std::string>{"al_2", "al_1"}));

  AlertRecordQuery all_of_them = label("env", "prod");
  all_of_them.state = "recovered";
  all_of_them.source = "flink";
  all_of_them.from_ms = 1500;
  all_of_them.to_ms = 2500;
  EXPECT_EQ(ids(all_of_them), std::vector<std::string>{"al_2"});
  all_of_them.source = "prometheus";
  EXPECT_TRUE(ids(all_of_them).empty());

  AlertRecordQuery page;
  page.limit = 2;
  page.offset = 1;
  const auto paged = list_alert_records(db_, page);
  EXPECT_EQ(paged.total, 5u);
  ASSERT_EQ(paged.records.size(), 2u);
  EXPECT_EQ(paged.records[0].id, "al_4");
  EXPECT_EQ(paged.records[1].id, "al_3");
  page.offset = 4;
  EXPECT_EQ(ids(page), std::vector<std::string>{"al_1"});
  page.offset = 5;
  EXPECT_TRUE(ids(page).empty());
  state.limit = 1;
  const auto counted = list_alert_records(db_, state);
  EXPECT_EQ(counted.total, 3u);  // the total is of the filter, not of the page
  EXPECT_EQ(counted.records.size(), 1u);
}

TEST_P(AlertRecordStoreTest, LabelsAreMatchedLiterally) {
  upsert({record("al_pct", "abnormal", 1000, {{"k", "100%"}}),
          record("al_pct_other", "abnormal", 1100, {{"k", "100x"}, {"k2", "100% more"}}),
          record("al_under", "abnormal", 2000, {{"k", "a_b"}}),
          record("al_under_other", "abnormal", 2100, {{"k", "axb"}}),
          record("al_quote", "abnormal", 3000, {{"k", "say \"hi\""}}),
          record("al_quote_key", "abnormal", 3100, {{"the \"k\"", "v"}}),
          record("al_injected", "abnormal", 3200, {{"x", "\"k\":\"v\""}}),
          record("al_backslash", "abnormal", 4000, {{"k", "C:\\dir\\"}}),
          record("al_bang", "abnormal", 4100, {{"k", "wow!"}}),
          record("al_case", "abnormal", 5000, {{"k", "Prod"}}),
          record("al_lower", "abnormal", 5100, {{"k", "prod"}}),
          record("al_unicode", "abnormal", 6000, {{"k", "zürich/北京"}}),
          record("al_empty", "abnormal", 7000, {{"k", ""}})});
  EXPECT_EQ(ids(label("k", "100%")), std::vector<std::string>{"al_pct"});
  EXPECT_EQ(ids(label("k", "a_b")), std::vector<std::string>{"al_under"});
  EXPECT_TRUE(ids(label("k", "%")).empty());
  EXPECT_TRUE(ids(label("k", "_")).empty());
  EXPECT_EQ(ids(label("k", "say \"hi\"")), std::vector<std::string>{"al_quote"});
  EXPECT_EQ(ids(label("the \"k\"", "v")), std::vector<std::string>{"al_quote_key"});
  EXPECT_TRUE(ids(label("k", "v")).empty());  // not inside another label's value
  EXPECT_EQ(ids(label("k", "C:\\dir\\")), std::vector<std::string>{"al_backslash"});
  EXPECT_EQ(ids(label("k", "wow!")), std::vector<std::string>{"al_bang"});
  EXPECT_EQ(ids(label("k", "Prod")), std::vector<std::string>{"al_case"});
  EXPECT_EQ(ids(label("k", "prod")), std::vector<std::string>{"al_lower"});
  EXPECT_EQ(ids(label("k", "zürich/北京")), std::vector<std::string>{"al_unicode"});
  EXPECT_EQ(ids(label("k", "")), std::vector<std::string>{"al_empty"});
}

INSTANTIATE_TEST_SUITE_P(Databases, AlertRecordStoreTest, testing::ValuesIn(test::database_kinds()),
                         test::database_kind_name);

}  // namespace
}  // namespace warden::host
