// Load time and memory of one CSV file: ReadCsvFile (parse) and Dataset::Build (index),
// separately and together, median of several runs; then the process's resident memory
// with only the Dataset kept (the ParsedTable dropped), as a server holds it.
//
//   build/release/bench/load_bench [--rows N | --csv PATH] [--runs K] [--threads T] [--kv]
//
// --rows N generates (once) a file of N rows in build/bench-data/ (default 1,000,000).
// --threads T parses on T threads (default: one per core; 1 is the serial parser).
// --kv prints one `key=value ...` line for scripts (scripts/bench.sh) instead of a table.
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench_data.h"

namespace keeta::bench {
namespace {

// Targets from the performance issue: 0.4 s per million rows (1M <= 0.4 s, 10M <= 4 s);
// at most 150 MB resident with 1M rows loaded.
constexpr double kLoadSecondsPerMillionRows = 0.4;
constexpr double kRssMbAtOneMillion = 150;

// A "VmRSS:" / "VmHWM:" line of /proc/self/status, in MB; 0 when unavailable.
double ProcStatusMb(std::string_view key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.compare(0, key.size(), key) == 0) {
      return std::strtod(line.c_str() + key.size(), nullptr) / 1024.0;  // kB -> MB
    }
  }
  return 0;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// CPU time of the whole process (every parsing thread): the parse's cost without the time
// other processes took the cores away (the steadier figure on a busy machine).
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Options {
  std::uint64_t rows = 1'000'000;
  std::string csv;
  int runs = 5;
  unsigned threads = 0;
  bool kv = false;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "load_bench: %s\n", message.c_str());
  return 1;
}

int Usage(const char* why) {
  std::fprintf(stderr,
               "load_bench: %s\nusage: load_bench [--rows N | --csv PATH] [--runs K] [--threads T] [--kv]\n",
               why);
  return 2;
}

int Run(const Options& options) {
  std::string path = options.csv;
  if (path.empty()) {
    Result<std::string> made = EnsureBenchCsv(options.rows);
    if (!made.ok()) return Fail(made.error().message);
    path = *made;
  }
  std::error_code ec;
  const double file_mb = static_cast<double>(std::filesystem::file_size(path, ec)) / 1e6;
  if (ec) return Fail("cannot read " + path + ": " + ec.message());

  malloc_trim(0);  // whatever generating the file left on the heap is not the dataset's
  const double baseline_mb = ProcStatusMb("VmRSS:");

  std::vector<double> read_s, read_cpu_s, build_s, total_s;
  std::size_t rows = 0;
  double rss_mb = 0, hwm_mb = 0;
  for (int run = 0; run < options.runs; ++run) {
    LoadOptions load;
    load.parse_threads = options.threads;
    const double cpu0 = ProcessCpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    Result<CsvTable> csv = ReadCsvFile(path, load);
    const auto t1 = std::chrono::steady_clock::now();
    read_cpu_s.push_back(ProcessCpuSeconds() - cpu0);
    if (!csv.ok()) return Fail(csv.error().message);
    csv->report.loaded_at = UtcNowIso8601();
    std::shared_ptr<const Dataset> data =
        Dataset::Build(std::move(csv->table), std::move(csv->report));
    const auto t2 = std::chrono::steady_clock::now();
    read_s.push_back(Seconds(t1 - t0));
    build_s.push_back(Seconds(t2 - t1));
    total_s.push_back(Seconds(t2 - t0));
    rows = data->rows();
    if (run == 0) {
      // Memory on the first run, before repeated loads fragment the heap: the table was
      // moved into Build and is gone; give freed pages back so RSS is what the Dataset holds.
      malloc_trim(0);
      rss_mb = ProcStatusMb("VmRSS:");
      hwm_mb = ProcStatusMb("VmHWM:");
    }
  }

  const double read = Median(read_s), build = Median(build_s), total = Median(total_s);
  const double read_cpu = Median(read_cpu_s);
  const double millions = static_cast<double>(rows) / 1e6;
  const double target_s = kLoadSecondsPerMillionRows * millions;
  if (options.kv) {
    std::printf(
        "rows=%zu file_mb=%.1f runs=%d read_s=%.4f read_cpu_s=%.4f build_s=%.4f total_s=%.4f "
        "mb_per_s=%.1f rss_mb=%.1f baseline_mb=%.1f hwm_mb=%.1f target_s=%.3f\n",
        rows, file_mb, options.runs, read, read_cpu, build, total, file_mb / total, rss_mb,
        baseline_mb, hwm_mb, target_s);
    return 0;
  }
  std::printf("load_bench: %s\n", path.c_str());
  std::printf("  rows             %zu (%s)\n", rows, RowsLabel(rows).c_str());
  std::printf("  file             %.1f MB\n", file_mb);
  std::printf("  runs             %d (median shown)\n", options.runs);
  std::printf("  parse threads    %s\n",
              options.threads == 0 ? "one per core" : std::to_string(options.threads).c_str());
  std::printf("  read (parse)     %8.3f s   %6.0f MB/s   (%.3f s of CPU, all threads)\n", read,
              file_mb / read, read_cpu);
  std::printf("  build (index)    %8.3f s\n", build);
  std::printf("  load total       %8.3f s   %6.0f MB/s   target %.3f s (%.1f s per 1M rows)%s\n",
              total, file_mb / total, target_s, kLoadSecondsPerMillionRows,
              total <= target_s ? "" : "  MISSED");
  std::printf("  RSS after load   %8.1f MB  (dataset only; %.1f MB before loading)", rss_mb,
              baseline_mb);
  if (rows == 1'000'000) {
    std::printf("   target %.0f MB%s", kRssMbAtOneMillion,
                rss_mb <= kRssMbAtOneMillion ? "" : "  MISSED");
  }
  std::printf("\n  peak RSS         %8.1f MB  (VmHWM, during the first load)\n", hwm_mb);
  return 0;
}

}  // namespace
}  // namespace keeta::bench

int main(int argc, char** argv) {
  keeta::bench::Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--kv") {
      options.kv = true;
    } else if (arg == "--rows" && has_value) {
      char* end = nullptr;
      options.rows = std::strtoull(argv[++i], &end, 10);
      if (*end != '\0' || options.rows == 0) {
        return keeta::bench::Usage("--rows needs a positive number");
      }
    } else if (arg == "--csv" && has_value) {
      options.csv = argv[++i];
    } else if (arg == "--runs" && has_value) {
      options.runs = std::atoi(argv[++i]);
      if (options.runs < 1) return keeta::bench::Usage("--runs needs a positive number");
    } else if (arg == "--threads" && has_value) {
      options.threads = static_cast<unsigned>(std::atoi(argv[++i]));
    } else if (arg == "--help" || arg == "-h") {
      return keeta::bench::Usage("load time and memory of one CSV file");
    } else {
      return keeta::bench::Usage(("unknown or incomplete argument " + std::string(arg)).c_str());
    }
  }
  return keeta::bench::Run(options);
}
