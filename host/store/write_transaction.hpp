#pragma once

#include <Poco/Data/Session.h>

namespace warden::host {

/// A transaction that holds the database's write lock from its first statement, for a unit of work
/// that reads before it writes. Poco's Transaction opens SQLite's deferred kind: its first SELECT
/// takes a snapshot, and if another connection commits before its first write, that write fails
/// at once with SQLITE_BUSY (the busy timeout cannot help a stale snapshot). `BEGIN IMMEDIATE`
/// waits for the lock up front instead. Committed by commit(), rolled back when left without it.
class WriteTransaction {
 public:
  explicit WriteTransaction(Poco::Data::Session& session);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit();

 private:
  Poco::Data::Session& session_;
  bool sqlite_;
  bool open_ = true;
};

}  // namespace warden::host
