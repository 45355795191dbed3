#include "core/targets.h"

#include <cmath>

namespace keeta {

std::optional<TargetOp> ParseTargetOp(std::string_view text) {
  if (text == ">=") return TargetOp::kAtLeast;
  if (text == "<=") return TargetOp::kAtMost;
  if (text == ">") return TargetOp::kAbove;
  if (text == "<") return TargetOp::kBelow;
  return std::nullopt;
}

std::string_view TargetOpText(TargetOp op) {
  switch (op) {
    case TargetOp::kAtLeast: return ">=";
    case TargetOp::kAtMost: return "<=";
    case TargetOp::kAbove: return ">";
    case TargetOp::kBelow: return "<";
  }
  return ">=";
}

std::optional<TargetStatus> EvaluateTarget(const std::optional<Target>& target,
                                           const std::optional<double>& value) {
  if (!target || !value || !std::isfinite(*value)) return std::nullopt;
  const double v = *value;
  const double t = target->value;
  bool met = false;
  switch (target->op) {
    case TargetOp::kAtLeast: met = v >= t; break;
    case TargetOp::kAtMost: met = v <= t; break;
    case TargetOp::kAbove: met = v > t; break;
    case TargetOp::kBelow: met = v < t; break;
  }
  return met ? TargetStatus::kMet : TargetStatus::kMissed;
}

}  // namespace keeta
