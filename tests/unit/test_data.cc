#include "test_data.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "store/csv_loader.h"

namespace keeta::test {

std::shared_ptr<const Dataset> DatasetFromCsv(std::string_view csv, std::string_view source) {
  auto parsed = ParseCsv(csv, source);
  if (!parsed.ok()) {
    ADD_FAILURE() << parsed.error().message;
    return nullptr;
  }
  CsvTable table = std::move(parsed).value();
  table.report.loaded_at = std::string(kLoadedAt);
  return Dataset::Build(std::move(table.table), std::move(table.report));
}

}  // namespace keeta::test
