// Benchmark datasets: synthetic CSV files made once by the generator and kept in
// build/bench-data/ (next to the build directories), and loading them as the server does.
// Header-only so that every bench/*_bench.cc executable can share it.
// Thread-safety: call from the benchmark's main thread only.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/dataset.h"
#include "core/result.h"
#include "store/csv_loader.h"
#include "store/data_source.h"
#include "store/generator.h"

namespace keeta::bench {

inline constexpr std::uint64_t kBenchSeed = 42;

// KEETA_BENCH_DATA if set; else build/bench-data, found from this executable's path
// (build/<preset>/bench/<name>), so every build directory shares one set of files.
inline std::filesystem::path BenchDataDir() {
  if (const char* dir = std::getenv("KEETA_BENCH_DATA"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "bench-data";
  return exe.parent_path().parent_path().parent_path() / "bench-data";
}

// "100k", "1M", "10M", or the plain number.
inline std::string RowsLabel(std::uint64_t rows) {
  if (rows >= 1'000'000 && rows % 1'000'000 == 0) return std::to_string(rows / 1'000'000) + "M";
  if (rows >= 1'000 && rows % 1'000 == 0) return std::to_string(rows / 1'000) + "k";
  return std::to_string(rows);
}

// The sizes to benchmark: KEETA_BENCH_ROWS (comma-separated) if set, else 100k and 1M,
// plus 10M (~1 GB of CSV) when KEETA_BENCH_10M=1.
inline std::vector<std::uint64_t> BenchSizes() {
  std::vector<std::uint64_t> sizes;
  if (const char* list = std::getenv("KEETA_BENCH_ROWS"); list != nullptr && *list != '\0') {
    for (const char* p = list; *p != '\0';) {
      char* end = nullptr;
      const std::uint64_t n = std::strtoull(p, &end, 10);
      if (end == p) break;
      if (n > 0) sizes.push_back(n);
      p = *end == ',' ? end + 1 : end;
    }
    return sizes;
  }
  sizes = {100'000, 1'000'000};
  if (const char* big = std::getenv("KEETA_BENCH_10M"); big != nullptr && std::string(big) == "1") {
    sizes.push_back(10'000'000);
  }
  return sizes;
}

// The path of the generated file of `rows` rows, generating it on first use. A file is
// written under a temporary name and renamed, so an interrupted run never leaves a
// truncated file behind to be mistaken for a complete one.
inline Result<std::string> EnsureBenchCsv(std::uint64_t rows) {
  const std::filesystem::path dir = BenchDataDir();
  const std::filesystem::path path =
      dir / ("keeta-" + std::to_string(rows) + "-seed" + std::to_string(kBenchSeed) + ".csv");
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return path.string();
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{"cannot create " + dir.string() + ": " + ec.message(), ""};

  const std::filesystem::path tmp = path.string() + ".tmp" + std::to_string(::getpid());
  std::fprintf(stderr, "bench: generating %s rows into %s ...\n", RowsLabel(rows).c_str(),
               path.c_str());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Error{"cannot write " + tmp.string(), ""};
    GeneratorOptions options;
    options.rows = rows;
    options.seed = kBenchSeed;
    Result<bool> written = GenerateCsv(options, out);
    if (!written.ok()) {
      std::filesystem::remove(tmp, ec);
      return written.error();
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error{"cannot rename " + tmp.string() + ": " + ec.message(), ""};
  return path.string();
}

// Loads a CSV file into a Dataset exactly as the server does (read, stamp, build).
inline Result<std::shared_ptr<const Dataset>> LoadDataset(const std::string& path) {
  Result<CsvTable> csv = ReadCsvFile(path);
  if (!csv.ok()) return csv.error();
  csv->report.loaded_at = UtcNowIso8601();
  return Dataset::Build(std::move(csv->table), std::move(csv->report));
}

}  // namespace keeta::bench
