#include "host/services/fallback_renderer.hpp"

namespace warden::host {

Rendered FallbackRenderer::render(std::string_view tpl, const Poco::JSON::Object& data,
                                  Escape escape) noexcept {
  Rendered out = inner_.render(tpl, data, escape);
  if (out.ok() || alert_tpl_.empty() || tpl != alert_tpl_) return out;
  try {
    if (error_.empty()) error_ = "alertTpl: " + out.error + "; sent with the fallback template";
  } catch (...) {  // out of memory: the fallback still renders
  }
  if (!default_.empty() && default_ != alert_tpl_) {
    Rendered fallback = inner_.render(default_, data, escape);
    if (fallback.ok()) return fallback;
  }
  return inner_.render(kPlainFallbackTemplate, data, escape);
}

}  // namespace warden::host
