#include "host/automation/action_kind.hpp"

#include <stdexcept>

namespace warden::host {

void ActionKinds::add(std::unique_ptr<ActionKind> kind) {
  if (!kind) throw std::invalid_argument("ActionKinds::add: no kind");
  auto name = kind->name();
  if (kinds_.contains(name))
    throw std::logic_error("action kind \"" + name + "\" is already registered");
  kinds_.emplace(std::move(name), std::move(kind));
}

const ActionKind* ActionKinds::find(const std::string& name) const {
  const auto it = kinds_.find(name);
  return it == kinds_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ActionKinds::names() const {
  std::vector<std::string> out;
  out.reserve(kinds_.size());
  for (const auto& [name, _] : kinds_) out.push_back(name);
  return out;
}

}  // namespace warden::host
