#include "host/alerts/notice.hpp"

#include "host/tasks/task_id.hpp"

namespace warden::host {

namespace notice_status {
bool known(std::string_view s) {
  return s == created || s == sending || s == sent || s == failed || s == blocked;
}
bool ended(std::string_view s) {
  return s == sent || s == failed || s == blocked;
}
}  // namespace notice_status

std::string make_notice_id(std::int64_t unix_ms) {
  return "nt_" + uuid_v7(unix_ms);
}

}  // namespace warden::host
