// Shared fixtures for the unit tests that build their data through the real CSV loader
// and engine: a Dataset from a small CSV text, stamped with a fixed load time so pages and
// JSON bodies come out the same on every run.
// Test-only code; stateless functions, safe from any thread.
#pragma once

#include <memory>
#include <string_view>

#include "core/dataset.h"

namespace keeta::test {

// The load time stamped on every dataset built here.
inline constexpr std::string_view kLoadedAt = "2026-01-05T10:00:00Z";

// Parses `csv` with ParseCsv (the load report names it `source`), stamps kLoadedAt and
// builds the Dataset. A CSV that does not parse adds a test failure and yields nullptr.
std::shared_ptr<const Dataset> DatasetFromCsv(std::string_view csv,
                                              std::string_view source = "fixture.csv");

}  // namespace keeta::test
