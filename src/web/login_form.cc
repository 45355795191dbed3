#include "web/login_form.h"

#include <fmt/format.h>

#include "web/query_string.h"

namespace keeta::web {

Result<LoginForm> ParseLoginForm(std::string_view body) {
  if (body.size() > kMaxLoginFormBytes) {
    return Error{fmt::format("the sign-in form is larger than {} bytes", kMaxLoginFormBytes), ""};
  }
  auto params = ParseQueryString(body);
  if (!params) return params.error();
  LoginForm form;
  bool seen[4] = {};
  for (auto& [key, value] : *params) {
    std::string* field = nullptr;
    int index = -1;
    if (key == "username") field = &form.username, index = 0;
    else if (key == "password") field = &form.password, index = 1;
    else if (key == "csrf") field = &form.csrf, index = 2;
    else if (key == "next") field = &form.next, index = 3;
    if (field == nullptr || seen[index]) continue;
    seen[index] = true;
    *field = std::move(value);
  }
  return form;
}

std::string SafeNextPath(std::string_view next) {
  constexpr std::string_view kHome = "/overall";
  if (next.empty() || next[0] != '/' || next.size() > 2048) return std::string(kHome);
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return std::string(kHome);
  for (unsigned char c : next) {
    if (c < 0x20 || c == 0x7f || c == '\\') return std::string(kHome);
  }
  if (next.starts_with("/login") || next.starts_with("/logout")) return std::string(kHome);
  return std::string(next);
}

std::string PercentEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~' || c == '/';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace keeta::web
