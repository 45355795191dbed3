// Synthetic support data in the input schema, deterministic for a seed: for demos,
// benchmarks and tests. Realistic: supervisors -> team leaders -> agents (English and
// Arabic names), weekly patterns, occasional gaps and junk cells.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "core/result.h"

namespace keeta {

struct GeneratorOptions {
  std::uint64_t rows = 10000;
  std::uint64_t seed = 42;
  std::string start_day = "2025-01-01";  // first day of data
  bool junk = true;                      // sprinkle junk cells / missing days for realism
};

// Writes a header and `rows` data rows of CSV to out.
Result<bool> GenerateCsv(const GeneratorOptions& options, std::ostream& out);

}  // namespace keeta
