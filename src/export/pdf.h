// report.pdf (docs/api.md "Exports"): an A4 landscape report of one view, drawn with cairo
// and laid out with pango (which shapes Arabic and lays it out right to left): the title,
// filters and period, the ten cards with their values exactly as the page shows them and a
// vector sparkline each, the load report's notes, the generation time and data source, and
// page numbers. Fonts come from Debian packages through fontconfig (fonts-noto-core,
// fonts-dejavu-core). Thread-safe: each call draws its own surface.
#pragma once

#include <string>

#include "core/result.h"
#include "export/report.h"

namespace keeta::exports {

// The document's bytes.
Result<std::string> PdfReport(const ReportInput& input);

}  // namespace keeta::exports
