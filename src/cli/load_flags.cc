#include "cli/load_flags.h"

#include <vector>

namespace keeta::cli {

namespace {

// The value of a Result, or the CLI11 error that reports its message.
template <class T>
T OrThrow(Result<T> result) {
  if (!result) throw CLI::ValidationError(result.error().message);
  return std::move(result).value();
}

}  // namespace

void AddLoadFlags(CLI::App& command, std::string& data, LoadOptions& options) {
  command.add_option("--data", data, "CSV file or database URL (postgresql://…?table=T, mysql://…?table=T; default: the bundled sample data)");
  command.add_option_function<std::string>(
      "--delimiter",
      [&options](const std::string& text) { options.delimiter = OrThrow(ParseDelimiterOption(text)); },
      "Field delimiter: , ; | or tab (default: detected from the header line)");
  command.add_flag("--month-first", options.month_first,
                   "Read ambiguous a/b/YYYY days as MM/DD/YYYY (default: DD/MM/YYYY)");
  command.add_option_function<std::string>(
      "--csat-scale",
      [&options](const std::string& text) { options.csat_scale = OrThrow(ParseCsatScaleOption(text)); },
      "5: csat is a 1-5 rating, mapped to 0-100 % as (v - 1) x 25 (default: 100)");
  command.add_option_function<std::vector<std::string>>(
      "--column",
      [&options](const std::vector<std::string>& mappings) {
        for (const std::string& m : mappings) options.columns.push_back(OrThrow(ParseColumnOption(m)));
      },
      "KPI_COLUMN=HEADER: read a known column from this header (repeatable), e.g. csat='Score %'");
}

}  // namespace keeta::cli
