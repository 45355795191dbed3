// UTF-8 validation shared by every writer of text that came from outside (URLs, data
// files): HTML, JSON and the access log all show a malformed byte as U+FFFD rather than
// passing it through. Thread-safety: stateless functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace keeta::web {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence starting at s[0] (lead byte >= 0x80), or 0 when
// it is malformed (bad lead, truncated, bad continuation, overlong, surrogate, > U+10FFFF).
std::size_t Utf8SequenceLength(const unsigned char* s, std::size_t n);

// `text` for a log line: malformed UTF-8 as U+FFFD, control bytes as \xNN, so a request
// can neither corrupt the log's encoding nor forge lines.
std::string SanitizedForLog(std::string_view text);

}  // namespace keeta::web
