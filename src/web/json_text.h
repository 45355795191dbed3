// JSON text helpers shared by the API bodies and the page's embedded data.
#pragma once

#include <string>
#include <string_view>

namespace keeta::web {

// Appends `text` as a JSON string literal, quotes included. Control characters, quotes and
// backslashes are escaped; `<`, `>` and `&` too, so the text is inert even if a page inlines
// it in a <script> element (no `</script>` or `<!--` can appear). Valid UTF-8 passes
// through; a malformed byte becomes U+FFFD (names come from files and URLs, and one stray
// byte must not make a whole body invalid).
void AppendJsonString(std::string& out, std::string_view text);

}  // namespace keeta::web
