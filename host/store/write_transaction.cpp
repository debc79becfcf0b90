#include "host/store/write_transaction.hpp"

#include <spdlog/spdlog.h>

using namespace Poco::Data::Keywords;

namespace warden::host {

WriteTransaction::WriteTransaction(Poco::Data::Session& session)
    : session_(session), sqlite_(session.connector() == "sqlite") {
  if (sqlite_)
    session_ << "BEGIN IMMEDIATE", now;
  else
    session_.begin();
}

WriteTransaction::~WriteTransaction() {
  if (!open_) return;
  try {
    if (sqlite_)
      session_ << "ROLLBACK", now;
    else
      session_.rollback();
  } catch (const std::exception& e) {
    spdlog::warn("store: rolling back a write transaction failed: {}", e.what());
  }
}

void WriteTransaction::commit() {
  if (sqlite_)
    session_ << "COMMIT", now;
  else
    session_.commit();
  open_ = false;
}

}  // namespace warden::host
