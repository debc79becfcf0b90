#include "host/store/pg_writer.hpp"

#include "host/store/sql_text.hpp"

#include <spdlog/spdlog.h>

namespace warden::host {
namespace {

// A pipeline is synced every so many commands: the answers of a larger segment could fill the
// server's socket buffer while we still write (libpq's pipeline-mode deadlock).
constexpr std::size_t kSegment = 512;

std::string error_of(PGconn* connection) {
  std::string text = PQerrorMessage(connection);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

PgWriter::PgWriter(const Database& database)
    : conninfo_(database.postgresql_connection()), shown_(database.uri()) {
  connect();
}

PgWriter::~PgWriter() = default;

void PgWriter::connect() {
  statements_.clear();
  connection_.reset(PQconnectdb(conninfo_.c_str()));
  if (!connection_ || PQstatus(connection_.get()) != CONNECTION_OK)
    throw DatabaseError("database \"" + shown_ +
                        "\": " + (connection_ ? error_of(connection_.get()) : "out of memory"));
}

void PgWriter::send_plain(const char* sql) {
  if (!PQsendQueryParams(connection_.get(), sql, 0, nullptr, nullptr, nullptr, nullptr, 0))
    throw DatabaseError("\"" + std::string(sql) + "\": " + error_of(connection_.get()));
  ++queued_;
}

void PgWriter::send(const std::string& sql, const std::vector<std::string>& texts) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    std::string name = "w" + std::to_string(statements_.size() + 1);
    if (!PQsendPrepare(connection_.get(), name.c_str(), numbered_parameters(sql).c_str(), 0,
                       nullptr))
      throw DatabaseError("preparing \"" + sql.substr(0, 60) +
                          "…\": " + error_of(connection_.get()));
    ++queued_;
    found = statements_.emplace(sql, std::move(name)).first;
    prepared_in_segment_.push_back(sql);
  }
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(texts.size());
  lengths.reserve(texts.size());
  for (const auto& t : texts) {
    values.push_back(t.c_str());
    lengths.push_back(static_cast<int>(t.size()));
  }
  if (!PQsendQueryPrepared(connection_.get(), found->second.c_str(), static_cast<int>(texts.size()),
                           values.data(), lengths.data(), nullptr, 0))
    throw DatabaseError("\"" + sql.substr(0, 60) + "…\": " + error_of(connection_.get()));
  if (++queued_ >= kSegment) sync();
}

void PgWriter::sync() {
  PGconn* c = connection_.get();
  if (!PQpipelineSync(c)) throw DatabaseError("database \"" + shown_ + "\": " + error_of(c));
  std::string failure;
  // Every command's answer is its results then a null; the segment ends with PGRES_PIPELINE_SYNC.
  for (;;) {
    PGresult* result = PQgetResult(c);
    if (!result) {
      if (PQstatus(c) != CONNECTION_OK) {
        if (failure.empty()) failure = error_of(c);
        break;
      }
      continue;
    }
    const auto status = PQresultStatus(result);
    if (status == PGRES_FATAL_ERROR && failure.empty()) {
      failure = PQresultErrorMessage(result);
      while (!failure.empty() && failure.back() == '\n') failure.pop_back();
    }
    PQclear(result);
    if (status == PGRES_PIPELINE_SYNC) break;
  }
  queued_ = 0;
  if (failure.empty()) {
    prepared_in_segment_.clear();
    return;
  }
  // A statement prepared in a failed segment may not have been prepared at all.
  for (const auto& sql : prepared_in_segment_) statements_.erase(sql);
  prepared_in_segment_.clear();
  throw DatabaseError("database \"" + shown_ + "\": " + failure);
}

void PgWriter::finish_transaction(const char* sql) {
  send_plain(sql);
  sync();
  PQexitPipelineMode(connection_.get());
}

PgWriter::Transaction::Transaction(PgWriter& writer) : writer_(writer) {
  if (PQstatus(writer_.connection_.get()) != CONNECTION_OK) writer_.connect();
  if (!PQenterPipelineMode(writer_.connection_.get()))
    throw DatabaseError("database \"" + writer_.shown_ +
                        "\": " + error_of(writer_.connection_.get()));
  writer_.send_plain("BEGIN");
}

PgWriter::Transaction::~Transaction() {
  if (!open_) return;
  try {
    writer_.finish_transaction("ROLLBACK");
  } catch (const DatabaseError& e) {
    spdlog::debug("store: rolling back a PostgreSQL write: {}", e.what());
  }
  PQexitPipelineMode(writer_.connection_.get());
}

void PgWriter::Transaction::commit() {
  open_ = false;
  try {
    writer_.finish_transaction("COMMIT");
  } catch (...) {
    // COMMIT of an aborted transaction rolls it back; the connection is idle again.
    PQexitPipelineMode(writer_.connection_.get());
    throw;
  }
}

}  // namespace warden::host
