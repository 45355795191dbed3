#include "core/query.h"

#include <algorithm>
#include <fmt/format.h>

namespace keeta {
namespace {

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

bool IsAll(std::string_view s) {
  if (s.size() != 3) return false;
  return (s[0] | 0x20) == 'a' && (s[1] | 0x20) == 'l' && (s[2] | 0x20) == 'l';
}

}  // namespace

void Filter::AddName(Dimension dim, std::string_view raw) {
  const std::string_view value = Trim(raw);
  if (value.empty() || IsAll(value)) return;
  auto& list = names[Index(dim)];
  if (std::find(list.begin(), list.end(), value) == list.end()) list.emplace_back(value);
}

std::string Filter::CanonicalKey() const {
  std::string key;
  for (std::size_t d = 0; d < kDimensionCount; ++d) {
    std::vector<std::string> sorted = names[d];
    std::sort(sorted.begin(), sorted.end());
    key += kNameParams[d];
    key += '=';
    for (const auto& name : sorted) {
      // Length-prefixed, so no name can forge a separator.
      key += fmt::format("{}:{};", name.size(), name);
    }
    key += '&';
  }
  key += fmt::format("from={}&to={}", from ? FormatDay(*from) : "", to ? FormatDay(*to) : "");
  return key;
}

Result<Filter> ParseFilter(const std::vector<std::pair<std::string, std::string>>& params) {
  Filter filter;
  for (const auto& [key, value] : params) {
    bool matched = false;
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      if (key == kNameParams[d]) {
        filter.AddName(static_cast<Dimension>(d), value);
        matched = true;
      }
    }
    if (matched) continue;
    if (key == kFromParam || key == kToParam) {
      const std::string_view text = Trim(value);
      if (text.empty()) continue;  // an empty date field means no bound
      const auto day = ParseIsoDay(text);
      if (!day) {
        return Error{fmt::format("{}: '{}' is not a valid date (expected YYYY-MM-DD, a real "
                                 "calendar day)", key, value),
                     key};
      }
      (key == kFromParam ? filter.from : filter.to) = *day;
    }
  }
  return filter;
}

}  // namespace keeta
