#include "cli/settings_commands.h"

#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <string>

#include "core/kpi_registry.h"
#include "core/targets.h"
#include "store/settings.h"

namespace keeta::cli {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "keeta: %s\n", message.c_str());
  return 1;
}

struct Args {
  std::string settings = kDefaultSettingsPath;
  std::string kpi;
  std::string op;
  double value = 0;
  std::string state;
};

// The KPI's index in kKpis, or an error naming the known ids.
Result<std::size_t> KpiArg(const std::string& id) {
  if (const KpiDef* def = FindKpi(id)) return static_cast<std::size_t>(def - kKpis.data());
  std::string ids;
  for (const KpiDef& k : kKpis) ids += (ids.empty() ? "" : ", ") + std::string(k.id);
  return Error{fmt::format("unknown KPI '{}' (one of: {})", id, ids), "kpi"};
}

int Change(const std::string& path, const std::function<void(Settings&)>& change) {
  auto store = OpenSettingsFile(path);
  if (!store) return Fail(store.error().message);
  auto saved = (*store)->Update(change);
  if (!saved) return Fail(saved.error().message);
  return 0;
}

int List(const std::string& path, bool targets) {
  auto store = OpenSettingsFile(path);
  if (!store) return Fail(store.error().message);
  const Settings& s = *(*store)->Current().settings;
  for (std::size_t k = 0; k < kKpiCount; ++k) {
    const KpiDef& def = kKpis[k];
    if (targets) {
      const auto& t = s.targets[k];
      std::printf("%-18s %s\n", std::string(def.id).c_str(),
                  t ? fmt::format("{} {}", TargetOpText(t->op), FormatKpiValue(def, t->value)).c_str()
                    : "-");
    } else if (def.aggregation == Aggregation::kMean) {
      std::printf("%-18s %s\n", std::string(def.id).c_str(),
                  s.weighted[k] ? "weighted by chats" : "plain mean");
    }
  }
  return 0;
}

}  // namespace

void RegisterSettingsCommands(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<Args>();
  auto add_settings = [&](CLI::App* cmd) {
    cmd->add_option("--settings", args->settings, "Settings file")->capture_default_str();
  };

  auto* targets = app.add_subcommand("targets", "KPI targets shown on the dashboard (admin)");
  targets->require_subcommand(1);
  auto* list = targets->add_subcommand("list", "Print every KPI's target");
  add_settings(list);
  list->callback([args, &exit_code] { exit_code = List(args->settings, true); });

  auto* set = targets->add_subcommand("set", "Set a target, e.g. keeta targets set csat '>=' 85");
  set->add_option("kpi", args->kpi, "KPI id")->required();
  set->add_option("op", args->op, ">=, <=, > or <")->required();
  set->add_option("value", args->value, "Target value in the KPI's unit")->required();
  add_settings(set);
  set->callback([args, &exit_code] {
    const auto k = KpiArg(args->kpi);
    if (!k) {
      exit_code = Fail(k.error().message);
      return;
    }
    const auto op = ParseTargetOp(args->op);
    if (!op) {
      exit_code = Fail(fmt::format("op: '{}' is not one of >=, <=, >, <", args->op));
      return;
    }
    if (!std::isfinite(args->value)) {
      exit_code = Fail("value: not a finite number");
      return;
    }
    exit_code = Change(args->settings, [&](Settings& s) { s.targets[*k] = Target{*op, args->value}; });
  });

  auto* clear = targets->add_subcommand("clear", "Remove a KPI's target");
  clear->add_option("kpi", args->kpi, "KPI id")->required();
  add_settings(clear);
  clear->callback([args, &exit_code] {
    const auto k = KpiArg(args->kpi);
    exit_code = !k ? Fail(k.error().message)
                   : Change(args->settings, [&](Settings& s) { s.targets[*k].reset(); });
  });

  auto* weighting = app.add_subcommand("weighting", "Mean KPIs weighted by chats by default (admin)");
  weighting->require_subcommand(1);
  auto* wlist = weighting->add_subcommand("list", "Print each mean KPI's default");
  add_settings(wlist);
  wlist->callback([args, &exit_code] { exit_code = List(args->settings, false); });
  auto* wset = weighting->add_subcommand("set", "keeta weighting set csat on|off");
  wset->add_option("kpi", args->kpi, "KPI id (a mean)")->required();
  wset->add_option("state", args->state, "on or off")->required()->check(CLI::IsMember({"on", "off"}));
  add_settings(wset);
  wset->callback([args, &exit_code] {
    const auto k = KpiArg(args->kpi);
    if (!k) {
      exit_code = Fail(k.error().message);
      return;
    }
    if (kKpis[*k].aggregation != Aggregation::kMean) {
      exit_code = Fail(fmt::format("'{}' is not a mean and cannot be weighted", args->kpi));
      return;
    }
    exit_code = Change(args->settings, [&](Settings& s) { s.weighted[*k] = args->state == "on"; });
  });
}

}  // namespace keeta::cli
