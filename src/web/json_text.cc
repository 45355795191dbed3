// JSON string escaping shared by every body and page that writes JSON.
#include "web/json_text.h"

namespace keeta::web {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendUnicodeEscape(std::string& out, unsigned code) {
  const char buf[6] = {'\\', 'u', kHex[(code >> 12) & 0xF], kHex[(code >> 8) & 0xF],
                       kHex[(code >> 4) & 0xF], kHex[code & 0xF]};
  out.append(buf, sizeof buf);
}

// Length of the well-formed UTF-8 sequence starting at s[0] (lead byte >= 0x80), or 0 when
// it is malformed (bad lead, truncated, bad continuation, overlong, surrogate, > U+10FFFF).
std::size_t Utf8SequenceLength(const unsigned char* s, std::size_t n) {
  const unsigned char c = s[0];
  auto cont = [&](std::size_t i) { return i < n && (s[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && s[1] >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && s[1] >= 0x90) return 0;  // > U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t run = 0;  // start of the pending run of bytes copied verbatim
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c >= 0x80) {
      const std::size_t len = Utf8SequenceLength(s + i, n - i);
      if (len != 0) {
        i += len;
        continue;
      }
      out.append(text.data() + run, i - run);
      AppendUnicodeEscape(out, 0xFFFD);
      run = ++i;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
      ++i;
      continue;
    }
    out.append(text.data() + run, i - run);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      default: AppendUnicodeEscape(out, c); break;
    }
    run = ++i;
  }
  out.append(text.data() + run, n - run);
  out.push_back('"');
}

void AppendKpiIdentity(std::string& out, const KpiDef& kpi) {
  out.append("\"id\":");
  AppendJsonString(out, kpi.id);
  out.append(",\"label\":");
  AppendJsonString(out, kpi.label);
  out.append(",\"unit\":");
  AppendJsonString(out, kpi.unit);
}

}  // namespace keeta::web
