// libFuzzer target for the sign-in form's wire format (web/login_form.h): any body either
// parses or is a clean Error, never a crash; whatever `next` it carries, SafeNextPath
// returns a path on this server; PercentEncode's output decodes back to its input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "web/login_form.h"
#include "web/query_string.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto form = keeta::web::ParseLoginForm(body);
  const std::string next = keeta::web::SafeNextPath(form ? form->next : body);
  if (next.empty() || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) {
    std::abort();  // would leave the site
  }
  for (unsigned char c : next) {
    if (c < 0x20 || c == 0x7f) std::abort();  // would split a header
  }
  const std::string encoded = keeta::web::PercentEncode(body);
  auto decoded = keeta::web::PercentDecode(encoded);
  if (!decoded || *decoded != body) std::abort();
  return 0;
}
