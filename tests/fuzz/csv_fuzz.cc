// libFuzzer target: ParseCsv on arbitrary bytes must never crash, and a table it returns
// must be well formed (every present column has one entry per row; codes index names; every
// day decided). Each input is parsed with the default options (every dialect rule detected)
// and again with the options forced (`;`, month-first, CSAT on 1–5, a column mapping).
// Differential too: the parallel parse (the input cut into many small ranges) must give
// exactly the serial parse's table and report, or the same error.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

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

bool SameNumbers(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  }
  return true;
}

void CheckSameParse(const keeta::Result<keeta::CsvTable>& a, const keeta::Result<keeta::CsvTable>& b) {
  Check(a.ok() == b.ok());
  if (!a.ok()) {
    Check(a.error().message == b.error().message);
    return;
  }
  const keeta::ParsedTable& x = a->table;
  const keeta::ParsedTable& y = b->table;
  Check(x.rows == y.rows && x.has_day == y.has_day && x.day == y.day);
  for (std::size_t d = 0; d < keeta::kDimensionCount; ++d) {
    Check(x.names[d].present == y.names[d].present);
    Check(x.names[d].names == y.names[d].names && x.names[d].codes == y.names[d].codes);
  }
  for (std::size_t m = 0; m < keeta::kMeasureCount; ++m) {
    Check(x.measures[m].has_value() == y.measures[m].has_value());
    if (x.measures[m]) Check(SameNumbers(*x.measures[m], *y.measures[m]));
  }
  Check(a->report.Warnings() == b->report.Warnings());
}

void CheckParse(std::string_view bytes, const keeta::LoadOptions& given) {
  keeta::LoadOptions options = given;
  options.parse_threads = 1;
  keeta::Result<keeta::CsvTable> parsed = keeta::ParseCsv(bytes, "fuzz.csv", options);
  keeta::LoadOptions parallel = given;
  parallel.parse_threads = 9;
  parallel.parse_piece_bytes = 3;
  CheckSameParse(keeta::ParseCsv(bytes, "fuzz.csv", parallel), parsed);
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
