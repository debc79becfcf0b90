#pragma once

#include <Poco/Data/TypeHandler.h>

#include <cstddef>
#include <type_traits>

namespace warden::host {

/// Binds and extracts a plain row struct as consecutive columns, so a whole batch of rows goes
/// through one parameterised statement. `Row` lists its columns once, in the SQL's order:
///
///   struct MyRow {
///     std::string id; Poco::Int64 at = 0;
///     static constexpr std::size_t kFields = 2;
///     template <class Visit> void fields(Visit&& visit) { visit(id), visit(at); }
///   };
///   template <> class Poco::Data::TypeHandler<MyRow> : public RowTypeHandler<MyRow> {};
///
/// Only types every Poco Data connector binds belong in a row (std::string, Poco::Int64, int).
template <class Row>
class RowTypeHandler {
 public:
  static std::size_t size() { return Row::kFields; }

  static void bind(std::size_t pos, const Row& row, Poco::Data::AbstractBinder::Ptr binder,
                   Poco::Data::AbstractBinder::Direction dir) {
    const_cast<Row&>(row).fields([&](auto& field) {
      Poco::Data::TypeHandler<std::decay_t<decltype(field)>>::bind(pos++, field, binder, dir);
    });
  }
  static void prepare(std::size_t pos, const Row& row,
                      Poco::Data::AbstractPreparator::Ptr preparator) {
    const_cast<Row&>(row).fields([&](auto& field) {
      Poco::Data::TypeHandler<std::decay_t<decltype(field)>>::prepare(pos++, field, preparator);
    });
  }
  static void extract(std::size_t pos, Row& row, const Row& /*fallback*/,
                      Poco::Data::AbstractExtractor::Ptr extractor) {
    row.fields([&](auto& field) {
      using Field = std::decay_t<decltype(field)>;
      Poco::Data::TypeHandler<Field>::extract(pos++, field, Field{}, extractor);
    });
  }
};

}  // namespace warden::host
