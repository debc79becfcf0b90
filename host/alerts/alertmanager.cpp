#include "host/alerts/alertmanager.hpp"

#include "host/alerts/alert_json.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host {
namespace {

std::map<std::string, std::string> strings_of(const Poco::JSON::Object& parent,
                                              const std::string& name, const std::string& place) {
  std::map<std::string, std::string> out;
  if (!parent.has(name) || parent.isNull(name)) return out;
  const auto value = parent.get(name);
  if (value.type() != typeid(Poco::JSON::Object::Ptr))
    throw AlertInputError("\"" + place + "." + name + "\" must be an object of strings");
  for (const auto& [key, v] : *value.extract<Poco::JSON::Object::Ptr>()) {
    if (!v.isString())
      throw AlertInputError("\"" + place + "." + name + "." + key + "\" must be a string");
    out[key] = v.convert<std::string>();
  }
  return out;
}

std::string text_of(const Poco::JSON::Object& parent, const std::string& name,
                    const std::string& place) {
  if (!parent.has(name) || parent.isNull(name)) return {};
  const auto value = parent.get(name);
  if (!value.isString()) throw AlertInputError("\"" + place + "." + name + "\" must be a string");
  return value.convert<std::string>();
}

std::string first_of(const std::map<std::string, std::string>& map,
                     std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    if (auto it = map.find(key); it != map.end() && !it->second.empty()) return it->second;
  return {};
}

}  // namespace

std::vector<Alert> alerts_from_alertmanager(const Poco::JSON::Object& message) {
  const auto version = text_of(message, "version", "body");
  if (version != "4")
    throw AlertInputError("\"version\" must be \"4\" (Alertmanager's webhook format), not \"" +
                          version + "\"");
  if (!message.has("alerts") || message.get("alerts").type() != typeid(Poco::JSON::Array::Ptr))
    throw AlertInputError("\"alerts\" is required: a list of alerts");
  const auto list = message.getArray("alerts");
  const auto receiver = text_of(message, "receiver", "body");
  std::vector<Alert> alerts;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string place = "alerts[" + std::to_string(i) + "]";
    if (list->get(i).type() != typeid(Poco::JSON::Object::Ptr))
      throw AlertInputError("\"" + place + "\" must be an object");
    const auto item = list->getObject(i);
    const auto labels = strings_of(*item, "labels", place);
    const auto annotations = strings_of(*item, "annotations", place);
    Alert a;
    a.type = "external";
    a.subject = first_of(labels, {"alertname"});
    a.title = first_of(annotations, {"summary", "title"});
    if (a.title.empty()) a.title = a.subject.empty() ? "Alertmanager alert" : a.subject;
    a.message = first_of(annotations, {"description", "message"});
    a.source = first_of(labels, {"job", "instance"});
    if (a.source.empty()) a.source = receiver.empty() ? "alertmanager" : receiver;
    a.id = text_of(*item, "fingerprint", place);
    a.status = text_of(*item, "status", place);
    if (a.status.empty()) a.status = text_of(message, "status", "body");
    a.severity = first_of(labels, {"severity"});
    if (a.severity.empty()) a.severity = "warning";
    a.start_time = text_of(*item, "startsAt", place);
    a.end_time = text_of(*item, "endsAt", place);
    if (a.end_time.starts_with("0001-")) a.end_time.clear();  // Go's zero time: not ended
    a.link = text_of(*item, "generatorURL", place);
    a.labels = labels;
    a.dedupe_key = (a.id.empty() ? a.subject + "|" + a.source : a.id) + "|" + a.status;
    alerts.push_back(std::move(a));
  }
  return alerts;
}

}  // namespace warden::host
