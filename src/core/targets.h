// Targets: an administrator's goal per KPI (">= 85" for CSAT, "<= 30" for response time)
// and whether a value meets it. A target never changes a value. Plain value types.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "core/kpi_registry.h"

namespace keeta {

enum class TargetOp { kAtLeast, kAtMost, kAbove, kBelow };  // >=, <=, >, <

struct Target {
  TargetOp op = TargetOp::kAtLeast;
  double value = 0;
  bool operator==(const Target&) const = default;
};

// One optional target per KPI, in kKpis order.
using Targets = std::array<std::optional<Target>, kKpiCount>;

enum class TargetStatus { kMet, kMissed };

// ">=", "<=", ">", "<" and back; nullopt for anything else.
std::optional<TargetOp> ParseTargetOp(std::string_view text);
std::string_view TargetOpText(TargetOp op);

// Met or missed; nullopt when there is no target or no value (kpis.md "Targets").
std::optional<TargetStatus> EvaluateTarget(const std::optional<Target>& target,
                                           const std::optional<double>& value);

}  // namespace keeta
