#include "host/automation/action_kind.hpp"

namespace warden::host {

void ActionKinds::add(std::unique_ptr<ActionKind> kind) {
  auto name = kind->name();
  kinds_[std::move(name)] = std::move(kind);
}

const ActionKind* ActionKinds::find(const std::string& name) const {
  auto it = kinds_.find(name);
  return it == kinds_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ActionKinds::names() const {
  std::vector<std::string> out;
  for (const auto& [name, kind] : kinds_) out.push_back(name);
  return out;
}

}  // namespace warden::host
