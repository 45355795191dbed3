// The bundled sample data (data/sample.csv: a year of synthetic support figures made by
// `keeta generate`), compiled into the binary so that an installed keeta works from any
// folder without --data. Thread-safety: immutable.
#pragma once

#include <string_view>

namespace keeta {

// How the sample is named in the load report, the page footer and logs.
inline constexpr std::string_view kBundledSampleName = "bundled sample (data/sample.csv, compiled in)";

// The bytes of data/sample.csv as it was at build time.
std::string_view BundledSampleCsv();

}  // namespace keeta
