#include "web/query_string.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "web/html_template.h"

namespace keeta::web {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Target SplitTarget(std::string_view target) {
  if (const auto hash = target.find('#'); hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  const auto question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  return {target.substr(0, question), target.substr(question + 1)};
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      const int hi = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        return Error{fmt::format("malformed percent-encoding at '{}'",
                                 text.substr(i, std::min<std::size_t>(3, text.size() - i))),
                     ""};
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  }
  return out;
}

Result<QueryParams> ParseQueryString(std::string_view query) {
  QueryParams params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (piece.empty()) continue;
    const auto eq = piece.find('=');
    auto key = PercentDecode(piece.substr(0, eq));
    if (!key) return Error{"query string: " + key.error().message, ""};
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view{}
                                                            : piece.substr(eq + 1));
    if (!value) return Error{"query string: " + value.error().message, *key};
    params.emplace_back(std::move(*key), std::move(*value));
  }
  return params;
}

std::string EncodeQueryString(const QueryParams& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out.push_back('&');
    AppendUrlEncoded(out, key);
    out.push_back('=');
    AppendUrlEncoded(out, value);
  }
  return out;
}

Result<bool> CheckValueCounts(const QueryParams& params) {
  std::map<std::string_view, std::size_t> counts;
  for (const auto& [key, value] : params) {
    if (++counts[key] > kMaxValuesPerParam) {
      return Error{fmt::format("too many values for '{}': at most {} may be selected at once",
                               key, kMaxValuesPerParam),
                   key};
    }
  }
  return true;
}

bool ApplyDrops(QueryParams& params) {
  bool any = false;
  bool drop_dates = false;
  std::array<std::vector<std::string>, kDimensionCount> dropped;
  std::erase_if(params, [&](const auto& kv) {
    if (kv.first == kDropDatesParam) return any = drop_dates = true;
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      if (kv.first == kDropNameParams[d]) {
        dropped[d].push_back(kv.second);
        return any = true;
      }
    }
    return false;
  });
  if (!any) return false;
  std::erase_if(params, [&](const auto& kv) {
    if (drop_dates && (kv.first == kFromParam || kv.first == kToParam)) return true;
    for (std::size_t d = 0; d < kDimensionCount; ++d) {
      if (kv.first == kNameParams[d] &&
          std::find(dropped[d].begin(), dropped[d].end(), kv.second) != dropped[d].end()) {
        return true;
      }
    }
    return false;
  });
  return true;
}

}  // namespace keeta::web
