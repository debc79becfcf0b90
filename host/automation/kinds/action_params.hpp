#pragma once

#include "host/automation/action_record.hpp"

#include <warden/alert.hpp>
#include <warden/templates.hpp>

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::host {

/// Reading and checking an action kind's params: every problem goes into `errors` keyed
/// `place.field`, and reading goes on, so that every bad field is reported at once. A field that is
/// absent or null reads as nullopt without a problem.
using ParamErrors = std::map<std::string, std::string>;

std::string place_of(const std::string& place, const std::string& field);
void refuse_unknown(const Poco::JSON::Object& params, const std::vector<std::string_view>& known,
                    const std::string& kind, const std::string& place, ParamErrors& errors);
bool has_param(const Poco::JSON::Object& params, const std::string& name);
std::optional<std::string> read_text(const Poco::JSON::Object& params, const std::string& name,
                                     const std::string& place, std::size_t max_bytes,
                                     ParamErrors& errors);
std::optional<std::int64_t> read_whole(const Poco::JSON::Object& params, const std::string& name,
                                       const std::string& place, std::int64_t low,
                                       std::int64_t high, ParamErrors& errors);
std::optional<double> read_decimal(const Poco::JSON::Object& params, const std::string& name,
                                   const std::string& place, double low, double high,
                                   ParamErrors& errors);
/// A list of non-empty texts of at most `max_bytes` each, at most `max_items` of them: the items
/// that are (each other one has its problem in `errors`, keyed `place.name[i]`).
std::optional<std::vector<std::string>> read_text_list(const Poco::JSON::Object& params,
                                                       const std::string& name,
                                                       const std::string& place,
                                                       std::size_t max_items, std::size_t max_bytes,
                                                       ParamErrors& errors);

/// Renders `tpl` with `data`; a failure goes into errors[where] ("line N: …").
std::optional<std::string> render_checked(TemplateRenderer& renderer, const std::string& tpl,
                                          const Poco::JSON::Object& data, Escape escape,
                                          const std::string& where, ParamErrors& errors);

/// An action record's kind params (`spec.params`) and timeout (`spec.timeout`, s; 600 when
/// absent), as the engine stored them.
Poco::JSON::Object::Ptr params_of(const ActionRecord& action);
std::int64_t timeout_ms_of(const ActionRecord& action);

/// "a: b; c: d" for a RequestError's field errors (an outcome's message names them all).
std::string errors_text(const std::string& message,
                        const std::map<std::string, std::string>& errors);

}  // namespace warden::host
