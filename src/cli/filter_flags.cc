#include "cli/filter_flags.h"

namespace keeta::cli {

void FilterFlags::AddTo(CLI::App& command) {
  command.add_option("--agent", agents, "Agent filter (repeatable)");
  command.add_option("--team-leader", team_leaders, "Team leader filter (repeatable)");
  command.add_option("--supervisor", supervisors, "Supervisor filter (repeatable)");
  command.add_option("--from-date", from_date, "First day, YYYY-MM-DD (inclusive)");
  command.add_option("--to-date", to_date, "Last day, YYYY-MM-DD (inclusive)");
}

std::vector<std::pair<std::string, std::string>> FilterFlags::Params() const {
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& a : agents) params.emplace_back("agent", a);
  for (const auto& t : team_leaders) params.emplace_back("team_leader", t);
  for (const auto& s : supervisors) params.emplace_back("supervisor", s);
  if (!from_date.empty()) params.emplace_back("from_date", from_date);
  if (!to_date.empty()) params.emplace_back("to_date", to_date);
  return params;
}

}  // namespace keeta::cli
