#pragma once

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <string>

namespace warden::host {

/// A configured solution (seed 000's 套餐) saved by name: a solution plugin and its condition, an
/// object checked against the plugin's fields or a Mustache template that renders one from an
/// alert. Policies' solution actions name it.
struct SavedSolution {
  std::string name, plugin;
  Poco::Dynamic::Var condition;
  std::string description;
  std::int64_t updated_ms = 0;
};

}  // namespace warden::host
