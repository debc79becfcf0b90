#pragma once

#include "host/store/database.hpp"

#include <libpq-fe.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace warden::host {

/// PostgreSQL's counterpart of SqliteWriter, on libpq: one connection kept for the purpose, each
/// statement prepared once, and a transaction's statements sent in pipeline mode, so a batch of
/// rows costs about one round trip rather than one each (Poco Data prepares, binds and waits
/// per row). Statements are written with `?` parameters, as everywhere. One writer thread only.
class PgWriter {
 public:
  explicit PgWriter(const Database& database);
  ~PgWriter();
  PgWriter(const PgWriter&) = delete;
  PgWriter& operator=(const PgWriter&) = delete;

  /// A write transaction: committed by commit() (which waits for every statement's answer and
  /// throws DatabaseError for the first that failed), rolled back when left without it.
  class Transaction {
   public:
    explicit Transaction(PgWriter& writer);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

   private:
    PgWriter& writer_;
    bool open_ = true;
  };

  /// Queues `sql` with `values` (std::string or integers) bound in order.
  template <class... Values>
  void run(const std::string& sql, const Values&... values) {
    std::vector<std::string> texts;
    texts.reserve(sizeof...(values));
    (texts.push_back(text_of(values)), ...);
    send(sql, texts);
  }

  /// Queues `sql` with the row's fields (`row.fields(visit)`) bound in order.
  template <class Row>
  void run_row(const std::string& sql, Row& row) {
    std::vector<std::string> texts;
    texts.reserve(Row::kFields);
    row.fields([&](const auto& field) { texts.push_back(text_of(field)); });
    send(sql, texts);
  }

 private:
  static std::string text_of(const std::string& text) { return text; }
  template <class Integer, class = std::enable_if_t<std::is_integral_v<Integer>>>
  static std::string text_of(Integer value) {
    return std::to_string(value);
  }

  void connect();
  void send(const std::string& sql, const std::vector<std::string>& texts);
  void send_plain(const char* sql);
  /// Ends the pipeline's current segment and reads every answer queued so far; throws for the
  /// first failure (after reading them all, so the connection stays usable).
  void sync();
  void finish_transaction(const char* sql);

  struct ConnectionCloser {
    void operator()(PGconn* connection) const { PQfinish(connection); }
  };
  std::string conninfo_;
  std::string shown_;  // the URI without its password, for messages
  std::unique_ptr<PGconn, ConnectionCloser> connection_;
  std::unordered_map<std::string, std::string> statements_;  // SQL → prepared statement's name
  std::vector<std::string> prepared_in_segment_;             // forgotten if the segment fails
  std::size_t queued_ = 0;                                   // commands sent since the last sync
};

/// A store's PgWriter: made on first use, then used by one write at a time (a store may be written
/// from more than one thread).
class PgWriterSlot {
 public:
  template <class Write>
  void with(const Database& database, Write&& write) {
    std::lock_guard lock(mutex_);
    if (!writer_) writer_ = std::make_unique<PgWriter>(database);
    write(*writer_);
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<PgWriter> writer_;
};

}  // namespace warden::host
