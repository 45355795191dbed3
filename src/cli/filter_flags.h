// The filter flags every data subcommand shares (--agent, --team-leader, --supervisor,
// --from-date, --to-date), parsed by the same rules as the query string.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>


namespace keeta::cli {

struct FilterFlags {
  std::vector<std::string> agents, team_leaders, supervisors;
  std::string from_date, to_date;

  void AddTo(CLI::App& command);
  // The flags as the query-string pairs the same view's URL carries.
  std::vector<std::pair<std::string, std::string>> Params() const;
};

}  // namespace keeta::cli
