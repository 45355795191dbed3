// ParsedTable: the rows of one input file as parsed, in file order, column by column.
// The CSV loader (and later SQL sources) produce it; Dataset::Build indexes it.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/schema.h"

namespace keeta {

inline constexpr Day kNoDay = std::numeric_limits<Day>::min();

// One dimension column, dictionary-encoded: each distinct trimmed name stored once.
struct NameColumn {
  bool present = false;               // the header has this column
  std::vector<std::string> names;     // distinct names, any order; may contain ""
  std::vector<std::uint32_t> codes;   // one per row when present: index into `names`
};

struct ParsedTable {
  std::size_t rows = 0;
  bool has_day = false;
  std::vector<Day> day;  // one per row when has_day; kNoDay for a missing day
  std::array<NameColumn, kDimensionCount> names;
  // One vector per measure when the column is present (nullopt when absent); one value per
  // row, NaN for a missing or invalid cell. Percent columns are already scaled to 0..100.
  std::array<std::optional<std::vector<double>>, kMeasureCount> measures;
};

}  // namespace keeta
