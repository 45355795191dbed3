// report.xlsx (docs/api.md "Exports"), written with libxlsxwriter: a Summary sheet (the ten
// cards with their units and number formats, the filters, the period, the load time and
// the load report's notes), a Daily sheet (the trend table and a native line chart per
// KPI) and, unless left out, a Rows sheet (the filtered rows, frozen header, autofilter).
// Thread-safe: each call writes its own workbook.
#pragma once

#include <cstddef>
#include <string>

#include "core/result.h"
#include "export/report.h"

namespace keeta::exports {

// Excel's sheet limit is 1,048,576 rows; one is the Rows sheet's header.
inline constexpr std::size_t kXlsxMaxDataRows = 1048575;

struct XlsxOptions {
  bool include_rows = true;  // the Rows sheet (it dominates the cost of a large view)
  std::size_t max_rows = kXlsxMaxDataRows;  // the Rows sheet stops here and Summary says so
};

// The workbook's bytes. libxlsxwriter 1.1.4 (Debian 12) can only write to a named file, so
// the workbook goes through a private temporary file (mkstemp; no user value is part of
// its name) that is removed before this returns. A failure is an Error, never a partial file.
Result<std::string> XlsxReport(const ReportInput& input, const XlsxOptions& options = {});

}  // namespace keeta::exports
