// Numbers as text for machines: the one form every export and the JSON API share, so a
// value in a CSV file reads back to exactly the double the API sent. Stateless functions.
#pragma once

#include <cstddef>
#include <string>

namespace keeta {

// Room WriteNumber may need: "-" + 17 significant digits + "." + "e-308" fits easily.
inline constexpr std::size_t kMaxNumberChars = 32;

// Integral values as integers (1204, not 1204.0), others in the shortest decimal form that
// reads back to the same double. Non-finite values have no such form: writes `null`.
// Writes at most kMaxNumberChars at `p`; returns the end.
char* WriteNumber(char* p, double v);

// WriteNumber appended to `out`.
void AppendNumber(std::string& out, double value);

}  // namespace keeta
