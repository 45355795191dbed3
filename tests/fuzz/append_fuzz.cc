// libFuzzer target, differential: a file written in two parts and read by AppendableCsv
// after each (the second read takes the append path when it can) must give exactly what
// ReadCsvFile gives for the whole file: the same table and report, or the same error.
// The first input byte chooses where the file is cut.

#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "store/csv_loader.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

bool SameNumbers(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  }
  return true;
}

void CheckSame(const keeta::CsvTable& a, const keeta::CsvTable& b) {
  Check(a.table.rows == b.table.rows);
  Check(a.table.has_day == b.table.has_day);
  Check(a.table.day == b.table.day);
  for (std::size_t d = 0; d < keeta::kDimensionCount; ++d) {
    Check(a.table.names[d].present == b.table.names[d].present);
    Check(a.table.names[d].names == b.table.names[d].names);
    Check(a.table.names[d].codes == b.table.names[d].codes);
  }
  for (std::size_t m = 0; m < keeta::kMeasureCount; ++m) {
    Check(a.table.measures[m].has_value() == b.table.measures[m].has_value());
    if (a.table.measures[m]) Check(SameNumbers(*a.table.measures[m], *b.table.measures[m]));
  }
  Check(a.report.Warnings() == b.report.Warnings());
}

void WriteFile(const std::string& path, std::string_view bytes, const char* mode) {
  std::FILE* f = std::fopen(path.c_str(), mode);
  Check(f != nullptr);
  Check(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
  std::fclose(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t cut = text.size() * data[0] / 255;
  static const std::string path = "/tmp/keeta-append-fuzz-" + std::to_string(::getpid()) + ".csv";
  static const bool cleanup = std::atexit([] { std::remove(path.c_str()); }) == 0;
  (void)cleanup;

  WriteFile(path, text.substr(0, cut), "wb");
  keeta::AppendableCsv csv(path);
  (void)csv.Read();
  WriteFile(path, text.substr(cut), "ab");
  const keeta::Result<keeta::CsvTable> incremental = csv.Read();
  const keeta::Result<keeta::CsvTable> full = keeta::ReadCsvFile(path);
  Check(incremental.ok() == full.ok());
  if (full.ok()) {
    CheckSame(*incremental, *full);
  } else {
    Check(incremental.error().message == full.error().message);
  }
  return 0;
}
