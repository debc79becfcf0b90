#include "host/automation/kinds/action_params.hpp"

#include "host/runtime/json_number.hpp"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cmath>

namespace warden::host {

std::string place_of(const std::string& place, const std::string& field) {
  return place.empty() ? field : place + "." + field;
}

void refuse_unknown(const Poco::JSON::Object& params, const std::vector<std::string_view>& known,
                    const std::string& kind, const std::string& place, ParamErrors& errors) {
  for (const auto& [name, value] : params)
    if (std::find(known.begin(), known.end(), name) == known.end())
      errors[place_of(place, name)] = "is not a field of a " + kind + " action";
}

bool has_param(const Poco::JSON::Object& params, const std::string& name) {
  return params.has(name) && !params.isNull(name);
}

std::optional<std::string> read_text(const Poco::JSON::Object& params, const std::string& name,
                                     const std::string& place, std::size_t max_bytes,
                                     ParamErrors& errors) {
  if (!has_param(params, name)) return std::nullopt;
  const auto& value = params.get(name);
  if (!value.isString()) {
    errors[place_of(place, name)] = "must be a string";
    return std::nullopt;
  }
  auto text = value.extract<std::string>();
  if (text.size() > max_bytes) {
    errors[place_of(place, name)] = "must be at most " + std::to_string(max_bytes) + " bytes";
    return std::nullopt;
  }
  return text;
}

std::optional<std::int64_t> read_whole(const Poco::JSON::Object& params, const std::string& name,
                                       const std::string& place, std::int64_t low,
                                       std::int64_t high, ParamErrors& errors) {
  if (!has_param(params, name)) return std::nullopt;
  const auto& value = params.get(name);
  auto number = whole_number(value, low, high);
  if (!number) errors[place_of(place, name)] = whole_number_refusal(value, low, high);
  return number;
}

std::optional<double> read_decimal(const Poco::JSON::Object& params, const std::string& name,
                                   const std::string& place, double low, double high,
                                   ParamErrors& errors) {
  if (!has_param(params, name)) return std::nullopt;
  const auto& value = params.get(name);
  if (value.isNumeric() && !value.isBoolean()) {
    const double number = value.convert<double>();
    if (std::isfinite(number) && number >= low && number <= high) return number;
  }
  auto bound = [](double d) {
    auto text = std::to_string(d);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
    return text;
  };
  errors[place_of(place, name)] = "must be a number from " + bound(low) + " to " + bound(high);
  return std::nullopt;
}

std::optional<std::vector<std::string>> read_text_list(const Poco::JSON::Object& params,
                                                       const std::string& name,
                                                       const std::string& place,
                                                       std::size_t max_items, std::size_t max_bytes,
                                                       ParamErrors& errors) {
  if (!has_param(params, name)) return std::nullopt;
  const auto where = place_of(place, name);
  const auto list = params.getArray(name);
  if (!list) {
    errors[where] = "must be a list of strings";
    return std::nullopt;
  }
  if (list->size() > max_items) {
    errors[where] = "must have at most " + std::to_string(max_items) + " entries";
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto item = list->get(static_cast<unsigned>(i));
    const auto item_place = where + "[" + std::to_string(i) + "]";
    auto text = item.isString() ? item.extract<std::string>() : std::string();
    if (!item.isString())
      errors[item_place] = "must be a string";
    else if (text.empty() || text.size() > max_bytes)
      errors[item_place] = "must be 1 to " + std::to_string(max_bytes) + " bytes";
    else
      out.push_back(std::move(text));
  }
  return out;
}

std::optional<std::string> render_checked(TemplateRenderer& renderer, const std::string& tpl,
                                          const Poco::JSON::Object& data, Escape escape,
                                          const std::string& where, ParamErrors& errors) {
  auto rendered = renderer.render(tpl, data, escape);
  if (!rendered.ok()) {
    errors[where] = "the template does not render: " + rendered.error;
    return std::nullopt;
  }
  return std::move(rendered.text);
}

Poco::JSON::Object::Ptr params_of(const ActionRecord& action) {
  Poco::JSON::Object::Ptr params;
  if (action.spec) params = action.spec->getObject("params");
  return params ? params : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
}

std::int64_t timeout_ms_of(const ActionRecord& action) {
  constexpr std::int64_t kDefaultTimeoutS = 600;
  if (!action.spec || !action.spec->has("timeout")) return kDefaultTimeoutS * 1000;
  return whole_number(action.spec->get("timeout"), 1, 86400).value_or(kDefaultTimeoutS) * 1000;
}

std::string errors_text(const std::string& message,
                        const std::map<std::string, std::string>& errors) {
  std::string out = message;
  for (const auto& [field, problem] : errors)
    out += (out.empty() ? "" : "; ") + field + ": " + problem;
  return out;
}

}  // namespace warden::host
