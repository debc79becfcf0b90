#include "host/services/mustache_data.hpp"

#include <Poco/JSON/Array.h>

namespace warden::host {
namespace {

using kainjow::mustache::data;
using Poco::Dynamic::Var;

data to_mustache_list(const Poco::JSON::Array& array) {
  data list(data::type::list);
  for (const auto& item : array) list.push_back(to_mustache_data(item));
  return list;
}

}  // namespace

data to_mustache_data(const Poco::JSON::Object& object) {
  data out(data::type::object);
  for (const auto& [name, value] : object) out.set(name, to_mustache_data(value));
  return out;
}

data to_mustache_data(const Var& value) {
  const auto& type = value.type();
  if (type == typeid(Poco::JSON::Object::Ptr)) {
    const auto& ptr = value.extract<Poco::JSON::Object::Ptr>();
    return ptr ? to_mustache_data(*ptr) : data(false);
  }
  if (type == typeid(Poco::JSON::Array::Ptr)) {
    const auto& ptr = value.extract<Poco::JSON::Array::Ptr>();
    return ptr ? to_mustache_list(*ptr) : data(false);
  }
  if (type == typeid(Poco::JSON::Object))
    return to_mustache_data(value.extract<Poco::JSON::Object>());
  if (type == typeid(Poco::JSON::Array))
    return to_mustache_list(value.extract<Poco::JSON::Array>());
  if (type == typeid(Poco::Dynamic::Array)) {
    data list(data::type::list);
    for (const auto& item : value.extract<Poco::Dynamic::Array>())
      list.push_back(to_mustache_data(item));
    return list;
  }
  if (value.isEmpty()) return data(false);
  if (value.isBoolean()) return data(value.extract<bool>());
  return data(value.convert<std::string>());
}

}  // namespace warden::host
