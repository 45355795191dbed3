// Server-side rendering of the /overall dashboard page from web/templates/overall.html.
// Every value is HTML-escaped; the page is complete without JavaScript.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/dashboard.h"
#include "core/dataset.h"
#include "core/query.h"

namespace keeta::web {

struct PageInput {
  const Dataset& data;
  const Filter& filter;             // the filter applied (invalid parts already dropped)
  const Dashboard& dashboard;
  const FilterChoices& choices;
  std::vector<std::string> errors;  // e.g. "from_date: '2025-02-30' is not a real day; ignored"
  std::optional<std::string> reload_error;  // last failed reload (serving older data)
  const Breakdown* breakdown = nullptr;        // the table below the cards, when shown
  const BreakdownRequest* breakdown_request = nullptr;
};

std::string RenderOverallPage(const PageInput& input);

// Minimal page for HTML errors (404, 405, 500): readable, styled, with a link home.
std::string RenderErrorPage(int status, std::string_view title, std::string_view message);

}  // namespace keeta::web
