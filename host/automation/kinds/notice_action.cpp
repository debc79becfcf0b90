#include "host/automation/kinds/notice_action.hpp"
#include "host/automation/sample_alert.hpp"

#include "host/alerts/channel_instances.hpp"
#include "host/alerts/notice_pipeline.hpp"
#include "host/automation/kinds/action_params.hpp"

#include <Poco/JSON/Array.h>

#include <exception>

namespace warden::host {
namespace {

constexpr std::size_t kMaxChannels = 32;
constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMaxGroupBy = 16;
constexpr std::size_t kMaxLabelBytes = 256;
constexpr std::int64_t kMaxSeconds = 30LL * 24 * 3600;
constexpr std::int64_t kMaxTimes = 10'000;
constexpr std::size_t kMaxTemplateBytes = 128 * 1024;

const std::vector<std::string_view> kFields{"channels",  "mode",       "interval",
                                            "max_times", "multiplier", "max_interval",
                                            "templates", "group_by",   "group_wait"};

bool is_signal(const std::string& name) {
  return name == "abnormal" || name == "recovered" || name == "no_data" || name == "closed";
}

void check_channels(const Poco::JSON::Object& params, const ChannelInstances& channels,
                    const std::string& place, ParamErrors& errors) {
  const auto where = place_of(place, "channels");
  if (!has_param(params, "channels")) {
    errors[where] = "required: the channel instances the notice goes to";
    return;
  }
  const auto names = read_text_list(params, "channels", place, kMaxChannels, kMaxNameBytes, errors);
  if (!names) return;
  const auto list = params.getArray("channels");
  if (list->size() == 0) errors[where] = "must name at least one channel instance";
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto item = list->get(static_cast<unsigned>(i));
    if (item.isString() && !item.extract<std::string>().empty() &&
        !channels.find(item.extract<std::string>()))
      errors[where + "[" + std::to_string(i) + "]"] =
          "no channel instance is named \"" + item.extract<std::string>() + "\"";
  }
}

void check_templates(const Poco::JSON::Object& params, TemplateRenderer& renderer,
                     const Alert& sample, const std::string& place, ParamErrors& errors) {
  if (!has_param(params, "templates")) return;
  const auto where = place_of(place, "templates");
  const auto templates = params.getObject("templates");
  if (!templates) {
    errors[where] = "must be an object of signals, each {\"title\", \"message\"}";
    return;
  }
  const auto data = sample_action_data(sample);
  for (const auto& [signal, value] : *templates) {
    const auto signal_place = place_of(where, signal);
    if (!is_signal(signal)) {
      errors[signal_place] = "is not a signal: abnormal, recovered, no_data or closed";
      continue;
    }
    const auto pair = templates->getObject(signal);
    if (!pair) {
      errors[signal_place] = "must be an object with \"title\" and/or \"message\"";
      continue;
    }
    refuse_unknown(*pair, {"title", "message"}, "notice template", signal_place, errors);
    for (const char* part : {"title", "message"})
      if (auto tpl = read_text(*pair, part, signal_place, kMaxTemplateBytes, errors))
        render_checked(renderer, *tpl, *data, Escape::none, place_of(signal_place, part), errors);
  }
}

/// The title and message of the signal's templates, rendered; a default where none is given.
struct Texts {
  std::string title, message, error;
};

Texts texts_of(const Poco::JSON::Object& params, const ActionInput& input,
               TemplateRenderer& renderer) {
  Texts texts{input.alert.title, input.alert.message, {}};
  const auto& data = *input.data;
  const std::int64_t count =
      data.has("alert_count") ? data.getValue<std::int64_t>("alert_count") : 1;
  if (count > 1) {
    texts.title = std::to_string(count) + " alerts: " + input.action.policy;
    texts.message.clear();
    if (auto alerts = data.getArray("alerts"))
      for (std::size_t i = 0; i < alerts->size(); ++i) {
        const auto one = alerts->getObject(static_cast<unsigned>(i));
        const auto title = one && one->has("title")     ? one->getValue<std::string>("title")
                           : one && one->has("subject") ? one->getValue<std::string>("subject")
                                                        : std::string("(untitled)");
        texts.message += (texts.message.empty() ? "- " : "\n- ") + title;
      }
  }
  const auto templates = params.getObject("templates");
  const auto pair = templates ? templates->getObject(input.action.signal) : nullptr;
  if (!pair) return texts;
  for (auto [part, text] :
       {std::pair{"title", &texts.title}, std::pair{"message", &texts.message}}) {
    if (!pair->has(part) || !pair->get(part).isString()) continue;
    auto rendered = renderer.render(pair->getValue<std::string>(part), data, Escape::none);
    if (!rendered.ok()) {
      texts.error = std::string("the ") + part + " template of signal " + input.action.signal +
                    " does not render: " + rendered.error;
      return texts;
    }
    *text = std::move(rendered.text);
  }
  return texts;
}

}  // namespace

void NoticeAction::check(const Poco::JSON::Object& params, const Alert& sample,
                         const std::string& place,
                         std::map<std::string, std::string>& errors) const {
  refuse_unknown(params, kFields, "notice", place, errors);
  check_channels(params, channels_, place, errors);
  std::string mode = "once";
  if (auto given = read_text(params, "mode", place, kMaxNameBytes, errors)) {
    if (*given == "once" || *given == "interval" || *given == "incremental")
      mode = *given;
    else
      errors[place_of(place, "mode")] = "must be once, interval or incremental";
  }
  const auto interval = read_whole(params, "interval", place, 1, kMaxSeconds, errors);
  if (mode != "once" && !has_param(params, "interval"))
    errors[place_of(place, "interval")] =
        "required when mode is " + mode + ": seconds between notices";
  if (const auto times = read_whole(params, "max_times", place, 1, kMaxTimes, errors);
      times && *times > 1 && mode == "once")
    errors[place_of(place, "max_times")] =
        "mode once sends one notice; mode interval or incremental repeats it";
  read_decimal(params, "multiplier", place, 1, 100, errors);
  if (const auto cap = read_whole(params, "max_interval", place, 1, kMaxSeconds, errors);
      cap && interval && *cap < *interval)
    errors[place_of(place, "max_interval")] =
        "must be at least interval (" + std::to_string(*interval) + " s)";
  read_text_list(params, "group_by", place, kMaxGroupBy, kMaxLabelBytes, errors);
  read_whole(params, "group_wait", place, 0, kMaxSeconds, errors);
  check_templates(params, renderer_, sample, place, errors);
}

ActionAttempt NoticeAction::run(const ActionInput& input) const noexcept {
  ActionAttempt attempt;
  try {
    const auto params = params_of(input.action);
    std::vector<std::string> channels;
    if (auto list = params->getArray("channels"))
      for (std::size_t i = 0; i < list->size(); ++i)
        channels.push_back(list->get(static_cast<unsigned>(i)).convert<std::string>());
    if (channels.empty()) {
      attempt.message = "the notice names no channel instance";
      return attempt;
    }
    auto texts = texts_of(*params, input, renderer_);
    if (!texts.error.empty()) {
      attempt.message = texts.error;
      return attempt;
    }
    Alert alert = input.alert;
    alert.title = std::move(texts.title);
    alert.message = std::move(texts.message);
    const auto repeat =
        input.data->has("repeat") ? input.data->getValue<std::int64_t>("repeat") : 1;
    alert.dedupe_key = input.action.id + "#" + std::to_string(repeat);
    const auto notices = pipeline_.raise(alert, channels, "policy:" + input.action.policy);
    for (const auto& notice : notices) attempt.notice_ids.push_back(notice.notice_id);
    attempt.outcome = ActionAttempt::Outcome::success;
    attempt.message = std::to_string(notices.size()) +
                      (notices.size() == 1 ? " notice raised" : " notices raised");
  } catch (const RequestError& e) {
    attempt.message = errors_text(e.what(), e.errors());
  } catch (const std::exception& e) {
    attempt.message = std::string("the notice could not be raised: ") + e.what();
  } catch (...) {
    attempt.message = "the notice could not be raised";
  }
  return attempt;
}

}  // namespace warden::host
