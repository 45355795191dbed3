// LoadOptions: how to read a data file that does not follow the plain format — the
// `--delimiter`, `--month-first`, `--csat-scale` and `--column KPI=HEADER` flags of every
// command that loads data (serve, kpis, export, import). Defaults detect everything.
// Thread-safety: a plain value type.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace keeta {

struct LoadOptions {
  std::optional<char> delimiter;  // `,` `;` `\t` `|`; detected from the header when unset
  bool month_first = false;       // `a/b/YYYY` days with no part above 12 are month-first
  int csat_scale = 100;           // 5: csat is a 1–5 rating, mapped to 0..100 % linearly
  // Explicit header for a known column: {canonical column name, header text}. Wins over
  // the header aliases.
  std::vector<std::pair<std::string, std::string>> columns;
  // How a big file is spread over the cores (not what is read from it): threads that parse
  // it (0: one per core) and the fewest bytes worth a thread of their own. Tests make the
  // pieces tiny and the threads many, to cut files between rows (and inside quotes).
  unsigned parse_threads = 0;
  std::size_t parse_piece_bytes = std::size_t{4} << 20;
};

// `,` `;` `|`, `tab` or `\t` -> the delimiter byte; anything else is an Error naming
// --delimiter.
Result<char> ParseDelimiterOption(std::string_view text);

// `KPI_COLUMN=HEADER` (e.g. `csat=CSAT Score`): the column must be a known column name or
// one of its aliases (`date`, `chats`...); returned with the canonical name.
Result<std::pair<std::string, std::string>> ParseColumnOption(std::string_view text);

// 5 or 100, else an Error naming --csat-scale.
Result<int> ParseCsatScaleOption(std::string_view text);

// How a delimiter is written in messages: `,` `;` `|` or `tab`.
std::string DelimiterName(char delimiter);

}  // namespace keeta
