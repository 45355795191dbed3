#include "store/load_options.h"

#include <fmt/format.h>

#include "store/csv_dialect.h"

namespace keeta {

Result<char> ParseDelimiterOption(std::string_view text) {
  if (text == "," || text == ";" || text == "|") return text[0];
  if (text == "tab" || text == "\\t" || text == "\t") return '\t';
  return Error{fmt::format("--delimiter: '{}' is not one of , ; | tab", text), "delimiter"};
}

Result<std::pair<std::string, std::string>> ParseColumnOption(std::string_view text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) {
    return Error{fmt::format("--column: '{}' is not KPI_COLUMN=HEADER (e.g. csat=CSAT Score)",
                             text),
                 "column"};
  }
  const std::optional<ColumnId> column = ColumnForHeader(NormaliseHeader(text.substr(0, eq)));
  if (!column) {
    return Error{fmt::format("--column: '{}' is not a known column (day, agent, team_leader, "
                             "supervisor, total_chats, avg_response_time, csat, active_agents, "
                             "escalations, resolved, pending, avg_chat_duration, "
                             "sales_conversion, avg_queue_time)",
                             text.substr(0, eq)),
                 "column"};
  }
  return std::pair<std::string, std::string>{std::string(CanonicalName(*column)),
                                             std::string(text.substr(eq + 1))};
}

Result<int> ParseCsatScaleOption(std::string_view text) {
  if (text == "5") return 5;
  if (text == "100") return 100;
  return Error{fmt::format("--csat-scale: '{}' is not 5 or 100", text), "csat-scale"};
}

std::string DelimiterName(char delimiter) {
  if (delimiter == '\t') return "tab";
  return std::string(1, delimiter);
}

}  // namespace keeta
