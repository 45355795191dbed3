#include "core/query_check.h"

#include <algorithm>
#include <fmt/format.h>
#include <utility>

#include "core/engine.h"

namespace keeta {
namespace {

// Names longer than this get no edit-distance suggestions (only substring ones): the
// distance table is quadratic in the length.
constexpr std::size_t kMaxComparedLength = 64;

// Code points of `text`, ASCII letters folded to lower case; a byte that does not start a
// valid UTF-8 sequence stands for itself.
std::u32string Fold(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    bool valid = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; valid && k < len; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    if (!valid) {
      out.push_back(0x110000 + b);  // outside Unicode: never equal to a real letter
      ++i;
      continue;
    }
    char32_t c = len == 1 ? b : b & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    out.push_back(c);
    i += len;
  }
  return out;
}

// Edits a name of this many code points may be away from a suggestion.
std::size_t AllowedEdits(std::size_t length) { return length <= 4 ? 1 : length <= 8 ? 2 : 3; }

// Optimal-string-alignment distance (insert, delete, substitute, swap neighbours), or
// limit + 1 as soon as it must exceed `limit`.
std::size_t EditDistance(const std::u32string& a, const std::u32string& b, std::size_t limit) {
  const std::size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  std::vector<std::size_t> two_back(m + 1), prev(m + 1), row(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    row[0] = i;
    std::size_t row_min = row[0];
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t d = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d = std::min(d, two_back[j - 2] + 1);
      }
      row[j] = d;
      row_min = std::min(row_min, d);
    }
    if (row_min > limit) return limit + 1;
    std::swap(two_back, prev);
    std::swap(prev, row);
  }
  return prev[m];
}

std::string UnknownNameMessage(Dimension d, std::string_view name,
                               const std::vector<std::string>& suggestions) {
  std::string message = fmt::format("no {} '{}'", kDimensionWords[Index(d)], name);
  if (suggestions.empty()) return message;
  message += "; did you mean ";
  for (std::size_t i = 0; i < suggestions.size(); ++i) {
    if (i > 0) message += i + 1 == suggestions.size() ? " or " : ", ";
    message += fmt::format("'{}'", suggestions[i]);
  }
  message += "?";
  return message;
}

}  // namespace

std::string_view QueryWarningCode(QueryWarning::Kind kind) {
  return kind == QueryWarning::Kind::kUnknownName ? "unknown_name" : "reversed_range";
}

std::vector<std::string> ClosestNames(std::string_view name,
                                      const std::vector<std::string>& candidates,
                                      std::size_t limit) {
  const std::u32string wanted = Fold(name);
  if (wanted.empty() || limit == 0) return {};
  const std::size_t allowed = AllowedEdits(wanted.size());
  const bool compare = wanted.size() <= kMaxComparedLength;
  // (score, name): an edit distance, or allowed + 1 for a name that contains the one given.
  std::vector<std::pair<std::size_t, const std::string*>> found;
  for (const std::string& candidate : candidates) {
    const std::u32string folded = Fold(candidate);
    std::size_t score = allowed + 1;  // too far
    if (compare && folded.size() <= kMaxComparedLength) {
      score = EditDistance(wanted, folded, allowed);
    }
    if (score <= allowed) {
      found.emplace_back(score, &candidate);
    } else if (wanted.size() >= 3 && folded.find(wanted) != std::u32string::npos) {
      found.emplace_back(allowed + 1, &candidate);  // after every near spelling
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first < y.first : *x.second < *y.second;
  });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < found.size() && out.size() < limit; ++i) {
    out.push_back(*found[i].second);
  }
  return out;
}

std::vector<QueryWarning> CheckQuery(const Dataset& data, const Query& query) {
  // Whether the names the viewer may see must be listed: some name is filtered on, and is
  // not settled by a lookup.
  bool list_names = false;
  for (const auto& names : query.filter.names) list_names = list_names || !names.empty();
  // An administrator may see every name, so a lookup in the sorted dictionaries settles
  // the usual case (every name known) without listing any; anyone else may see only the
  // names in their scope.
  if (list_names && query.scope.role == AccessScope::Role::kAdmin) {
    bool all_known = true;
    for (std::size_t d = 0; d < kDimensionCount && all_known; ++d) {
      for (const std::string& name : query.filter.names[d]) {
        all_known = all_known && data.HasName(static_cast<Dimension>(d), name);
      }
    }
    list_names = !all_known;
  }
  std::array<bool, kDimensionCount> present{};
  for (std::size_t d = 0; d < kDimensionCount; ++d) present[d] = data.has_dimension(static_cast<Dimension>(d));
  // The names the viewer may see: the choices with no filter, under the query's scope.
  const FilterChoices visible = list_names ? ComputeChoices(data, Query{Filter{}, query.scope}) : FilterChoices{};
  return CheckQueryAgainst(query, list_names ? &visible : nullptr, present);
}

std::vector<QueryWarning> CheckQueryAgainst(const Query& query, const FilterChoices* visible,
                                            const std::array<bool, kDimensionCount>& present) {
  std::vector<QueryWarning> warnings;
  if (visible != nullptr) {
    std::size_t suggested = 0;
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      const std::vector<std::string>& known = visible->names[d];
      for (const std::string& name : query.filter.names[d]) {
        if (std::binary_search(known.begin(), known.end(), name)) continue;
        QueryWarning warning;
        warning.kind = QueryWarning::Kind::kUnknownName;
        warning.param = std::string(kNameParams[d]);
        warning.value = name;
        if (!present[d]) {
          warning.message = fmt::format("no {} '{}': the data has no {} column",
                                        kDimensionWords[d], name, kNameParams[d]);
          warnings.push_back(std::move(warning));
          continue;
        }
        if (suggested < kMaxSuggestedNames) {
          warning.suggestions = ClosestNames(name, known);
          ++suggested;
        }
        warning.message = UnknownNameMessage(static_cast<Dimension>(d), name, warning.suggestions);
        warnings.push_back(std::move(warning));
      }
    }
  }
  const Filter& f = query.filter;
  if (f.from && f.to && *f.from > *f.to) {
    QueryWarning warning;
    warning.kind = QueryWarning::Kind::kReversedRange;
    warning.param = std::string(kToParam);
    warning.value = FormatDay(*f.to);
    warning.message = fmt::format(
        "the range ends ({}) before it starts ({}), so no day matches; swap the two dates",
        FormatDay(*f.to), FormatDay(*f.from));
    warnings.push_back(std::move(warning));
  }
  return warnings;
}

}  // namespace keeta
