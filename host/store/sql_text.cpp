#include "host/store/sql_text.hpp"

namespace warden::host {

std::string numbered_parameters(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  int next = 0;
  char quote = 0;  // inside '…' or "…": a doubled quote stays inside
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++next);
      continue;
    }
    out += c;
  }
  return out;
}

std::string sql_for(const Poco::Data::Session& session, std::string_view text) {
  if (session.connector() == "postgresql") return numbered_parameters(text);
  return std::string(text);
}

std::string sql_clock_ms(const Poco::Data::Session& session) {
  if (session.connector() == "postgresql")
    return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
  return "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
}

}  // namespace warden::host
