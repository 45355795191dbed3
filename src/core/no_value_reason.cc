#include "core/no_value_reason.h"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace keeta {
namespace {

bool IsMissing(const LoadReport& report, Measure m) {
  const auto& missing = report.missing_columns;
  return std::find(missing.begin(), missing.end(), Info(m).column) != missing.end();
}

// "column 'csat': all 6 values unreadable, e.g. '32,5' on line 3" and the like, or nullopt
// when the column has no unreadable cell (its cells are then empty).
std::optional<std::string> Unreadable(const LoadReport& report, Measure m) {
  const std::size_t invalid = report.invalid_cells[Index(m)];
  if (invalid == 0) return std::nullopt;
  const auto& examples = report.invalid_examples[Index(m)];
  const std::string example = examples.empty() ? "" : ", e.g. " + DescribeExamples({examples.front()});
  if (invalid >= report.rows_loaded) {
    return fmt::format("column '{}': all {} values unreadable{}", Info(m).column, invalid, example);
  }
  return fmt::format("column '{}': no readable value in these rows ({} of {} unreadable in the "
                     "file{})", Info(m).column, invalid, report.rows_loaded, example);
}

}  // namespace

std::optional<std::string> NoValueReason(const KpiResult& result, const Dashboard& dashboard,
                                         const LoadReport& report) {
  if (result.def == nullptr) return std::nullopt;
  const KpiDef& def = *result.def;
  std::vector<Measure> inputs{def.input};
  if (def.second_input) inputs.push_back(*def.second_input);
  if (!result.available) {
    std::vector<std::string> missing;
    for (const Measure m : inputs) {
      if (IsMissing(report, m)) missing.push_back(fmt::format("'{}'", Info(m).column));
    }
    if (missing.empty()) return std::nullopt;
    return fmt::format("{} {} {} not in the data", missing.size() == 1 ? "column" : "columns",
                       fmt::join(missing, " and "), missing.size() == 1 ? "is" : "are");
  }
  if (result.value || dashboard.rows == 0) return std::nullopt;
  for (const Measure m : inputs) {
    if (auto reason = Unreadable(report, m)) return reason;
  }
  // Every cell empty: only a mean (or a ratio) has no value then; a sum is an honest 0.
  if (def.aggregation == Aggregation::kMean) {
    return fmt::format("column '{}': empty in all {} rows shown", Info(def.input).column,
                       dashboard.rows);
  }
  return std::nullopt;
}

}  // namespace keeta
