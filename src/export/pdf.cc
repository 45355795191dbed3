#include "export/pdf.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <memory>
#include <vector>

#include "core/kpi_registry.h"
#include "store/data_source.h"

namespace keeta::exports {
namespace {

// A4 landscape in PDF points, and the page's grid.
constexpr double kPageWidth = 841.89, kPageHeight = 595.28;
constexpr double kMargin = 36;
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr int kCardColumns = 5;
constexpr double kCardGap = 12, kCardHeight = 128;
constexpr double kFooterTop = kPageHeight - kMargin + 8;
constexpr double kBodyBottom = kPageHeight - kMargin - 12;  // notes stop above the footer
constexpr double kNoteWidth = (kContentWidth - 2 * kCardGap) / 2;

constexpr const char* kFonts = "Noto Sans, DejaVu Sans";

struct Rgb {
  double r, g, b;
};
constexpr Rgb kInk{0.11, 0.13, 0.16}, kMuted{0.38, 0.42, 0.48}, kLine{0.85, 0.87, 0.90},
    kCardFill{0.97, 0.98, 0.99}, kAccent{0.15, 0.39, 0.92};

void SetColor(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
void UnrefLayout(PangoLayout* p) { g_object_unref(p); }
using LayoutPtr = std::unique_ptr<PangoLayout, Deleter<PangoLayout, UnrefLayout>>;

// Text drawing: one pango layout per text, on the report's cairo context.
class Text {
 public:
  explicit Text(cairo_t* cr) : cr_(cr) {}

  // A layout of `text` in `size` points, wrapped at `width` (0 = no wrap).
  LayoutPtr Layout(std::string_view text, double size, bool bold, double width = 0) const {
    LayoutPtr layout(pango_cairo_create_layout(cr_));
    PangoFontDescription* font = pango_font_description_from_string(kFonts);
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    if (bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(layout.get(), font);
    pango_font_description_free(font);
    if (width > 0) {
      pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
      pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    return layout;
  }

  static double Height(PangoLayout* layout) {
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }
  static double Width(PangoLayout* layout) {
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    return static_cast<double>(w) / PANGO_SCALE;
  }

  // Draws at (x, y) top-left; returns the height drawn.
  double Draw(PangoLayout* layout, double x, double y, Rgb color) const {
    SetColor(cr_, color);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout);
    return Height(layout);
  }

  double Draw(std::string_view text, double x, double y, double size, bool bold, Rgb color,
              double width = 0) const {
    return Draw(Layout(text, size, bold, width).get(), x, y, color);
  }

 private:
  cairo_t* cr_;
};

// The trend as a polyline in the box; missing days break the line.
void Sparkline(cairo_t* cr, const std::vector<double>& values, double x, double y, double w,
               double h) {
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!std::isfinite(lo)) return;
  const double span = hi > lo ? hi - lo : 1.0;
  const double step = values.size() > 1 ? w / static_cast<double>(values.size() - 1) : 0.0;
  bool pen_down = false;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      pen_down = false;
      continue;
    }
    const double px = values.size() > 1 ? x + step * static_cast<double>(i) : x + w / 2;
    const double py = hi > lo ? y + h - (values[i] - lo) / span * h : y + h / 2;
    if (pen_down) {
      cairo_line_to(cr, px, py);
    } else {
      cairo_move_to(cr, px, py);
      if (values.size() == 1) cairo_line_to(cr, px + 0.01, py);  // a single day: a dot
      pen_down = true;
    }
  }
  SetColor(cr, kAccent);
  cairo_set_line_width(cr, 1.2);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_stroke(cr);
}

// The value as the page's card shows it: "1,204", "12.5" and its unit, "87.3%", "—".
std::string CardValue(const KpiResult& kpi, const KpiDef& def) {
  return FormatKpiValue(def, kpi.available ? kpi.value : std::nullopt);
}
std::string CardUnit(const KpiResult& kpi, const KpiDef& def, const std::string& value) {
  if (!kpi.available || !kpi.value || def.unit.empty() || value.ends_with(def.unit)) return {};
  return std::string(def.unit);
}

class Report {
 public:
  Report(cairo_t* cr, const ReportInput& input) : cr_(cr), text_(cr), in_(input) {}

  void Draw() {
    // Lay the notes out first: the page count appears on every page.
    const auto notes = in_.report().Warnings();
    const double cards_top = Header(/*draw=*/false);
    const double notes_top = CardsBottom(cards_top) + 20;
    // Notes run down two columns, then on to a new page.
    struct Place {
      int page;
      double x, y;
    };
    std::vector<Place> note_at;
    int page = 0, column = 0;
    double column_top = notes_top + 20;  // below the "Notes on the data" heading
    double note_y = column_top;
    for (const std::string& note : notes) {
      const double h = Text::Height(text_.Layout(note, 9, false, kNoteWidth).get()) + 3;
      if (note_y + h > kBodyBottom) {
        if (++column == 2) {
          column = 0;
          ++page;
          column_top = kMargin;
        }
        note_y = column_top;
      }
      note_at.push_back({page, kMargin + column * (kNoteWidth + kCardGap * 2), note_y});
      note_y += h;
    }
    pages_ = page + 1;

    int current = 0;
    Header(/*draw=*/true);
    Cards(cards_top);
    if (!notes.empty()) text_.Draw("Notes on the data", kMargin, notes_top, 11, true, kInk);
    for (std::size_t i = 0; i < notes.size(); ++i) {
      while (current < note_at[i].page) {
        Footer(current);
        cairo_show_page(cr_);
        ++current;
      }
      text_.Draw(notes[i], note_at[i].x, note_at[i].y, 9, false, kMuted, kNoteWidth);
    }
    Footer(current);
    cairo_show_page(cr_);
  }

 private:
  static constexpr double kCardsSpacing() { return 14; }

  // Title, period, filters; returns the y below them.
  double Header(bool draw) {
    const Dashboard& dash = in_.dashboard;
    double y = kMargin;
    auto title = text_.Layout("Keeta — Support overview", 20, true);
    const double title_h = Text::Height(title.get());
    auto period = text_.Layout("Period: " + PeriodText(in_.query.filter, dash), 11, true);
    if (draw) {
      text_.Draw(title.get(), kMargin, y, kInk);
      text_.Draw(period.get(), kPageWidth - kMargin - Text::Width(period.get()),
                 y + title_h - Text::Height(period.get()) - 2, kInk);
    }
    y += title_h + 4;
    const auto filters = FilterLines(in_.query);
    const std::string filter_text =
        filters.empty() ? "Filters: none (all rows)"
                        : fmt::format("Filters: {}", fmt::join(filters, " · "));
    const std::string previous = PreviousPeriodText(dash);
    const std::string rows_text =
        fmt::format("{} row{} in view", FormatKpiValue(kKpis[0], static_cast<double>(dash.rows)),
                    dash.rows == 1 ? "" : "s");
    auto filter_layout = text_.Layout(
        filter_text + "   ·   " + rows_text + (previous.empty() ? "" : "   ·   " + previous), 10,
        false, kContentWidth);
    if (draw) text_.Draw(filter_layout.get(), kMargin, y, kMuted);
    y += Text::Height(filter_layout.get()) + 6;
    if (draw) {
      SetColor(cr_, kLine);
      cairo_set_line_width(cr_, 0.8);
      cairo_move_to(cr_, kMargin, y);
      cairo_line_to(cr_, kPageWidth - kMargin, y);
      cairo_stroke(cr_);
    }
    return y + kCardsSpacing();
  }

  double CardsBottom(double top) const {
    const int rows = (static_cast<int>(kKpiCount) + kCardColumns - 1) / kCardColumns;
    return top + rows * kCardHeight + (rows - 1) * kCardGap;
  }

  void Cards(double top) {
    const double width = (kContentWidth - (kCardColumns - 1) * kCardGap) / kCardColumns;
    for (std::size_t k = 0; k < kKpiCount; ++k) {
      const KpiResult& kpi = in_.dashboard.kpis[k];
      const KpiDef& def = kpi.def != nullptr ? *kpi.def : kKpis[k];
      const double x = kMargin + static_cast<double>(k % kCardColumns) * (width + kCardGap);
      const double y = top + static_cast<double>(k / kCardColumns) * (kCardHeight + kCardGap);
      SetColor(cr_, kCardFill);
      cairo_rectangle(cr_, x, y, width, kCardHeight);
      cairo_fill_preserve(cr_);
      SetColor(cr_, kLine);
      cairo_set_line_width(cr_, 0.8);
      cairo_stroke(cr_);

      const double pad = 10;
      double cy = y + pad;
      cy += text_.Draw(def.label, x + pad, cy, 9.5, true, kMuted, width - 2 * pad) + 4;
      const std::string value = CardValue(kpi, def);
      const std::string unit = CardUnit(kpi, def, value);
      // A long value ("34,165,860 chats") is set smaller until it and its unit fit the card.
      double value_size = 22;
      auto value_layout = text_.Layout(value, value_size, true);
      auto unit_layout = text_.Layout(unit, 10, false);
      const double room = width - 2 * pad;
      auto needed = [&] {
        return Text::Width(value_layout.get()) + (unit.empty() ? 0 : 4 + Text::Width(unit_layout.get()));
      };
      while (needed() > room && value_size > 12) {
        value_size -= 1;
        value_layout = text_.Layout(value, value_size, true);
        unit_layout = text_.Layout(unit, std::min(10.0, value_size * 0.5), false);
      }
      text_.Draw(value_layout.get(), x + pad, cy, kInk);
      if (!unit.empty()) {
        text_.Draw(unit_layout.get(), x + pad + Text::Width(value_layout.get()) + 4,
                   cy + Text::Height(value_layout.get()) - Text::Height(unit_layout.get()) - 4,
                   kMuted);
      }
      cy += Text::Height(value_layout.get()) + 2;
      for (const std::string& line : {ChangeText(kpi, def), TargetText(kpi, def)}) {
        if (!line.empty()) cy += text_.Draw(line, x + pad, cy, 8, false, kMuted, width - 2 * pad);
      }
      if (!kpi.available) {
        text_.Draw("not in the data", x + pad, y + kCardHeight - pad - 14, 8.5, false, kMuted);
      } else {
        const double spark_top = std::max(cy + 4, y + kCardHeight - pad - 34);
        Sparkline(cr_, kpi.trend, x + pad, spark_top, width - 2 * pad, y + kCardHeight - pad - spark_top);
      }
    }
  }

  void Footer(int page) {
    const LoadReport& report = in_.report();
    const std::string left =
        fmt::format("Generated {} · Data: {} (loaded {}, {} rows)", FormatUtc(in_.generated_at),
                    report.source, report.loaded_at,
                    FormatKpiValue(kKpis[0], static_cast<double>(report.rows_loaded)));
    const std::string right = fmt::format("Page {} of {}", page + 1, pages_);
    auto right_layout = text_.Layout(right, 8.5, false);
    const double right_w = Text::Width(right_layout.get());
    auto left_layout = text_.Layout(left, 8.5, false);
    pango_layout_set_width(left_layout.get(),
                           static_cast<int>((kContentWidth - right_w - 20) * PANGO_SCALE));
    pango_layout_set_ellipsize(left_layout.get(), PANGO_ELLIPSIZE_MIDDLE);
    text_.Draw(left_layout.get(), kMargin, kFooterTop, kMuted);
    text_.Draw(right_layout.get(), kPageWidth - kMargin - right_w, kFooterTop, kMuted);
  }

  cairo_t* cr_;
  Text text_;
  const ReportInput& in_;
  int pages_ = 1;
};

cairo_status_t AppendBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<std::string> PdfReport(const ReportInput& input) {
  std::string bytes;
  bytes.reserve(64 * 1024);
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(AppendBytes, &bytes, kPageWidth, kPageHeight);
  const std::string created = Iso8601Utc(input.generated_at);
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "Keeta — Support overview");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Keeta");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, created.c_str());
  cairo_t* cr = cairo_create(surface);
  Report(cr, input).Draw();
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return Error{fmt::format("cannot draw the PDF report: {}", cairo_status_to_string(status)), ""};
  }
  return bytes;
}

}  // namespace keeta::exports
