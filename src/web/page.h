// Server-side rendering of the /overall dashboard page from web/templates/overall.html.
// Every value is HTML-escaped; the page is complete without JavaScript.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/dashboard.h"
#include "core/dataset.h"
#include "core/query.h"
#include "core/query_check.h"

namespace keeta::web {

// Who a page is rendered for, shown in its header: name, role and scope, and a sign-out
// button carrying the session's CSRF tag. In local mode `name` is empty and `notice` says
// why nobody is signed in.
struct ViewerInfo {
  std::string name;
  AccessScope scope;
  std::string csrf;    // "" when there is no session to end (token, proxy, local)
  std::string notice;  // a banner (local mode); "" when signed in
};

struct PageInput {
  const LoadReport& report;        // of the data shown
  const Filter& filter;             // the filter applied (invalid parts already dropped)
  const Dashboard& dashboard;
  const FilterChoices& choices;
  std::vector<std::string> errors;  // e.g. "from_date: '2025-02-30' is not a real day; ignored"
  std::optional<std::string> reload_error;  // last failed reload (serving older data)
  const Breakdown* breakdown = nullptr;        // the table below the cards, when shown
  const BreakdownRequest* breakdown_request = nullptr;
  const ViewerInfo* viewer = nullptr;       // null: no header account block, no notice
  bool granularity_chosen = false;  // granularity came from the URL (else: by range length)
  Day today = 0;                    // presets count back from here (or the data's last day)
  // What in the filter cannot match (unknown names, a reversed range), with links to fixes.
  std::vector<QueryWarning> query_warnings = {};
  // Whether the rows are in memory (snapshot mode): only then does the page subscribe to
  // live updates and offer the exports made from rows (not in pushdown mode).
  bool in_memory = true;
};

std::string RenderOverallPage(const PageInput& input);

// The sign-in form (web/templates/login.html). `message` is shown as an error when not
// empty; `username` refills the name field; `next` is where a successful sign-in goes;
// `csrf` is the form's CSRF value (the same as the keeta_csrf cookie).
struct LoginPageInput {
  std::string_view message;
  std::string_view username;
  std::string_view next;
  std::string_view csrf;
};
std::string RenderLoginPage(const LoginPageInput& input);

// "admin", "supervisor", "team leader", "agent": the role as a person reads it.
std::string_view RoleLabel(AccessScope::Role role);

// Minimal page for HTML errors (404, 405, 500): readable, styled, with a link home.
std::string RenderErrorPage(int status, std::string_view title, std::string_view message);

}  // namespace keeta::web
