#pragma once

#include <Poco/Data/Session.h>

#include <string>
#include <string_view>

namespace warden::host {

/// `text` with its `?` parameters numbered `$1`, `$2`, … in order, as PostgreSQL takes them.
/// A `?` inside a quoted literal or identifier is left alone.
std::string numbered_parameters(std::string_view text);

/// `text` as `session`'s database takes it. Every statement is written once, with `?` parameters
/// (SQLite's form), and passed through this: on PostgreSQL they are numbered.
std::string sql_for(const Poco::Data::Session& session, std::string_view text);

/// The database's clock in ms since the epoch, as an SQL expression of `session`'s dialect: what
/// hosts whose own clocks disagree still agree on.
std::string sql_clock_ms(const Poco::Data::Session& session);

}  // namespace warden::host
