#pragma once

#include "host/alerts/notice.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace warden::host {

class Database;
class SqliteWriter;
class PgWriter;

/// What `GET /api/notifications` filters by; every field optional. Newest first.
struct NoticeQuery {
  std::optional<std::string> channel_name, status, origin, dedupe_key;
  std::optional<std::int64_t> since_ms, until_ms;  ///< create time, inclusive
  int page = 1;
  int page_size = 20;
};

struct NoticePage {
  Poco::Int64 total = 0;
  std::vector<Notice> notices;
};

/// The `notices` table (migration 11). Parameterised SQL only; thread-safe (a session per call).
class NoticeStore {
 public:
  explicit NoticeStore(Database& database);
  ~NoticeStore();

  /// Inserts or replaces whole rows, and updates the outcome of `outcome_only` ones, in one
  /// transaction, on a connection of its own (SqliteWriter or PgWriter). One writer thread (the
  /// journal's).
  void write(std::vector<Notice>& notices);
  std::optional<Notice> find(const std::string& notice_id) const;
  /// The stored notices among `notice_ids`, in no particular order.
  std::vector<Notice> find_many(const std::vector<std::string>& notice_ids) const;
  NoticePage list(const NoticeQuery& query) const;
  /// Notices not yet ended (created or sending), oldest first: what a start-up picks up again.
  std::vector<Notice> unfinished() const;
  /// Deletes up to `at_most` notices that ended and last changed before `before_ms`, oldest first,
  /// and returns how many. A notice holding the alert of a notice that stays (not ended, or changed
  /// since, as a replay does) stays with it.
  std::size_t remove_ended(std::int64_t before_ms, std::size_t at_most);

 private:
  template <class Writer>
  void write_with(Writer& writer, std::vector<Notice>& notices);

  Database& database_;
  // Made by the first write, on the writer's thread: one of them, by the database's kind.
  std::unique_ptr<SqliteWriter> sqlite_writer_;
  std::unique_ptr<PgWriter> pg_writer_;
};

}  // namespace warden::host
