#include "host/plugins/plugin_calls.hpp"

namespace warden::host {

void enforce_select_option_bounds(SelectOptionsResult& result) {
  if (!result.ok) return;
  std::string error;
  if (result.options.size() > kMaxSelectOptions) {
    error = "gave " + std::to_string(result.options.size()) + " options; at most " +
            std::to_string(kMaxSelectOptions) + " are shown";
  } else {
    for (const auto& option : result.options) {
      if (option.label.size() > kMaxSelectOptionBytes ||
          option.value.size() > kMaxSelectOptionBytes) {
        error = "gave an option longer than " + std::to_string(kMaxSelectOptionBytes) + " bytes";
        break;
      }
    }
  }
  if (error.empty()) return;
  result.ok = false;
  result.error = std::move(error);
  result.options.clear();
}

}  // namespace warden::host
