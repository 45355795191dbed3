// JSON text helpers shared by the API bodies and the page's embedded data.
#pragma once

#include <string>
#include <string_view>

#include "core/kpi_registry.h"

namespace keeta::web {

// Appends `text` as a JSON string literal, quotes included. Control characters, quotes and
// backslashes are escaped; `<`, `>` and `&` too, so the text is inert even if a page inlines
// it in a <script> element (no `</script>` or `<!--` can appear). Valid UTF-8 passes
// through; a malformed byte becomes U+FFFD (names come from files and URLs, and one stray
// byte must not make a whole body invalid).
void AppendJsonString(std::string& out, std::string_view text);

// Appends `"id":…,"label":…,"unit":…` of a KPI (no braces): the members every JSON view of
// a KPI starts with, from the registry.
void AppendKpiIdentity(std::string& out, const KpiDef& kpi);

}  // namespace keeta::web
