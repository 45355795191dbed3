// libFuzzer target: the query-string decoder (web/query_string.h) and the log sanitiser on
// arbitrary bytes. A decoded query must survive a round trip through EncodeQueryString; a
// log line must come out as valid UTF-8 without control bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "web/query_string.h"
#include "web/utf8_text.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

bool IsCleanUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    if (p[i] < 0x20 || p[i] == 0x7F) return false;
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = keeta::web::Utf8SequenceLength(p + i, s.size() - i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace keeta::web;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  Check(IsCleanUtf8(SanitizedForLog(input)));

  const Target target = SplitTarget(input);
  Check(target.path.size() + target.query.size() <= input.size());

  auto params = ParseQueryString(input);
  if (!params) return 0;
  auto again = ParseQueryString(EncodeQueryString(*params));
  Check(again.ok());
  Check(*again == *params);

  const auto counted = CheckValueCounts(*params);
  if (counted.ok()) {
    // Under the cap after drops too: dropping only removes pairs.
    QueryParams dropped = *params;
    ApplyDrops(dropped);
    Check(dropped.size() <= params->size());
    Check(CheckValueCounts(dropped).ok());
  } else {
    Check(!counted.error().param.empty());
  }
  return 0;
}
