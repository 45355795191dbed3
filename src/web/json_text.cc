// JSON string escaping shared by every body and page that writes JSON.
#include "web/json_text.h"

#include "web/utf8_text.h"

namespace keeta::web {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendUnicodeEscape(std::string& out, unsigned code) {
  const char buf[6] = {'\\', 'u', kHex[(code >> 12) & 0xF], kHex[(code >> 8) & 0xF],
                       kHex[(code >> 4) & 0xF], kHex[code & 0xF]};
  out.append(buf, sizeof buf);
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
