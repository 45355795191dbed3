// libFuzzer target: ParseCsv on arbitrary bytes must never crash, and a table it returns
// must be well formed (every present column has one entry per row; codes index names; every
// day decided). Each input is parsed with the default options (every dialect rule detected)
// and again with the options forced (`;`, month-first, CSAT on 1–5, a column mapping).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "store/csv_loader.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

// A by-the-book UTF-8 check (RFC 3629, NUL rejected), to compare the loader's fast one with.
bool IsUtf8Text(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c == 0) return false;
    if (c < 0x80) {
      len = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    const std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

void CheckParse(std::string_view bytes, const keeta::LoadOptions& options) {
  keeta::Result<keeta::CsvTable> parsed = keeta::ParseCsv(bytes, "fuzz.csv", options);
  std::string_view text = bytes;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const bool utf16 = bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF";
  if (!parsed.ok()) {
    Check(!parsed.error().message.empty());
    return;
  }
  if (!utf16 && !IsUtf8Text(text)) {
    // Not UTF-8: read as Windows-1252, and the report says so.
    bool noted = false;
    for (const std::string& note : parsed->report.notes) {
      noted = noted || note.rfind("read as Windows-1252", 0) == 0;
    }
    Check(noted);
  }
  const keeta::ParsedTable& t = parsed->table;
  const keeta::LoadReport& r = parsed->report;
  Check(r.rows_loaded == t.rows);
  Check(t.rows <= bytes.size());  // every row takes at least one byte
  Check(t.has_day ? t.day.size() == t.rows : t.day.empty());
  std::size_t missing_days = 0;
  const keeta::Day first_day = *keeta::DayFromCivil(0, 1, 1);
  for (const keeta::Day d : t.day) {
    missing_days += d == keeta::kNoDay ? 1 : 0;
    Check(d == keeta::kNoDay || d >= first_day);  // no undecided a/b/YYYY day left
  }
  Check(missing_days == r.missing_days);
  for (const keeta::NameColumn& column : t.names) {
    Check(column.present ? column.codes.size() == t.rows : column.codes.empty());
    for (const std::uint32_t code : column.codes) Check(code < column.names.size());
  }
  std::size_t present_columns = t.has_day ? 1 : 0;
  for (const keeta::NameColumn& column : t.names) present_columns += column.present ? 1 : 0;
  for (std::size_t m = 0; m < keeta::kMeasureCount; ++m) {
    const auto& column = t.measures[m];
    if (!column) {
      Check(r.invalid_cells[m] == 0);
      continue;
    }
    ++present_columns;
    Check(column->size() == t.rows);
    std::size_t missing = 0;
    for (const double v : *column) {
      Check(!std::isinf(v));
      missing += std::isnan(v) ? 1 : 0;
    }
    Check(r.invalid_cells[m] <= missing);
  }
  Check(present_columns + r.missing_columns.size() ==
        1 + keeta::kDimensionCount + keeta::kMeasureCount);
  for (const std::string& warning : r.Warnings()) Check(!warning.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckParse(bytes, {});
  keeta::LoadOptions forced;
  forced.delimiter = ';';
  forced.month_first = true;
  forced.csat_scale = 5;
  forced.columns = {{"total_chats", "Chats"}};
  // A mapping to an absent header is an error, so map only when the header has it.
  if (bytes.find("Chats") == std::string_view::npos) forced.columns.clear();
  CheckParse(bytes, forced);
  return 0;
}
