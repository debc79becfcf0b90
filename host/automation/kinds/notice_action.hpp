#pragma once

#include "host/automation/action_kind.hpp"

#include <warden/templates.hpp>

namespace warden::host {

class ChannelInstances;
class NoticePipeline;

/// `notice`: the alert to channel instances through the notice pipeline, with per-signal title and
/// message templates; once, or repeated (interval / incremental) and aggregated by the engine as
/// notice_plan_from reads the params. Params: channels, mode, interval, max_times, multiplier,
/// max_interval, templates {signal: {title?, message?}}, group_by, group_wait.
class NoticeAction final : public ActionKind {
 public:
  NoticeAction(NoticePipeline& pipeline, const ChannelInstances& channels,
               TemplateRenderer& renderer)
      : pipeline_(pipeline), channels_(channels), renderer_(renderer) {}

  std::string name() const override { return "notice"; }
  void check(const Poco::JSON::Object& params, const Alert& sample, const std::string& place,
             std::map<std::string, std::string>& errors) const override;
  /// Renders the signal's templates over input.data into a copy of the alert (an aggregated
  /// notice: "N alerts: <policy>" and a line per alert unless a template says otherwise) and
  /// raises it, origin `policy:<name>`. Its dedupe key is the action's and the repeat's, so that
  /// a channel's dedupe window never swallows a repeat. Success once the notices are stored.
  ActionAttempt run(const ActionInput& input) const noexcept override;

 private:
  NoticePipeline& pipeline_;
  const ChannelInstances& channels_;
  TemplateRenderer& renderer_;
};

}  // namespace warden::host
