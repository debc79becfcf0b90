#include "host/tasks/external_task.hpp"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace warden::host {
namespace {

TEST(ExternalTask, TheMessageIsSeed004sShapeExactly) {
  TaskRecord t;
  t.task_id = "ts_aaa_0193";
  t.service = "aaa";
  t.source_name = "mongo";
  t.condition = R"({"xx":"xx","n":[1,2]})";
  t.generation = 2;
  EXPECT_EQ(external_task_payload(t),
            R"({"Task":{"task_id":"ts_aaa_0193","service":"aaa","source_name":"mongo",)"
            R"("condition":{"xx":"xx","n":[1,2]}}})");
  auto m = external_task_message(t, {"mongo", "mq_aaa", "c_aaa"}, 5000);
  EXPECT_EQ(m.topic, "mq_aaa");
  EXPECT_EQ(m.key, "ts_aaa_0193");
  EXPECT_EQ(m.created_ms, 5000);
  EXPECT_FALSE(m.id.empty());
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"warden-generation", "2"}, {"warden-consumer-id", "c_aaa"}};
  EXPECT_EQ(m.headers, headers);
}

TEST(ExternalTask, NamesWithQuotesStayValidJson) {
  TaskRecord t;
  t.task_id = "ts_a_1";
  t.service = "a\"b\\c";
  t.source_name = "line\nbreak \xE4\xB8\xAD";
  t.condition = R"({"k":"\"v\""})";
  const auto payload = external_task_payload(t);
  auto parsed = Poco::JSON::Parser().parse(payload).extract<Poco::JSON::Object::Ptr>();
  auto task = parsed->getObject("Task");
  EXPECT_EQ(task->getValue<std::string>("service"), t.service);
  EXPECT_EQ(task->getValue<std::string>("source_name"), t.source_name);
  EXPECT_EQ(task->getObject("condition")->getValue<std::string>("k"), "\"v\"");
}

}  // namespace
}  // namespace warden::host
