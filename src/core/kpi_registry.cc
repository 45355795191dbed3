#include "core/kpi_registry.h"

#include <cmath>
#include <fmt/format.h>

namespace keeta {

const KpiDef* FindKpi(std::string_view id) {
  for (const KpiDef& kpi : kKpis) {
    if (kpi.id == id) return &kpi;
  }
  return nullptr;
}

namespace {

// Groups the digits of an already formatted unsigned number: "1234567.5" -> "1,234,567.5".
std::string GroupThousands(const std::string& plain) {
  const std::size_t dot = plain.find('.');
  const std::size_t int_len = dot == std::string::npos ? plain.size() : dot;
  std::string out;
  out.reserve(plain.size() + int_len / 3);
  for (std::size_t i = 0; i < int_len; ++i) {
    if (i > 0 && (int_len - i) % 3 == 0) out.push_back(',');
    out.push_back(plain[i]);
  }
  out.append(plain, int_len, std::string::npos);
  return out;
}

}  // namespace

std::string FormatKpiValue(const KpiDef& kpi, std::optional<double> value) {
  if (!value || !std::isfinite(*value)) return "—";
  const double v = *value;
  switch (kpi.format) {
    case ValueFormat::kCount: {
      // Sums of counts are integers; a fractional sum (from fractional input) keeps one decimal.
      const bool integral = std::nearbyint(v) == v;
      std::string digits =
          integral ? fmt::format("{:.0f}", std::fabs(v)) : fmt::format("{:.1f}", std::fabs(v));
      std::string grouped = GroupThousands(digits);
      return (v < 0 && grouped != "0" && grouped != "0.0") ? "-" + grouped : grouped;
    }
    case ValueFormat::kDecimal1: {
      std::string s = fmt::format("{:.1f}", v);
      return s == "-0.0" ? "0.0" : s;
    }
    case ValueFormat::kPercent1: {
      std::string s = fmt::format("{:.1f}", v);
      return (s == "-0.0" ? "0.0" : s) + "%";
    }
  }
  return "—";
}

}  // namespace keeta
