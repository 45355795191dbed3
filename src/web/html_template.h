// HtmlTemplate: a page skeleton split once into literal chunks and named `{{slot}}` holes.
//
// Parsing happens once (the caller keeps the result, e.g. in a function-local static);
// rendering only appends chunks and whatever the caller writes for each hole into one
// string, so a request never re-scans the template. Slot values are written by the caller,
// which is responsible for escaping them.
// Thread-safety: immutable after Parse; any number of threads may Render at once.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace keeta::web {

class HtmlTemplate {
 public:
  // Splits `text` at every `{{name}}` (name: [a-z0-9_]+). Each name must be one of `slots`;
  // its index there is what Render hands to the filler. An unknown name or an unterminated
  // `{{` is an Error (a template bug caught at first use, never a crash).
  static Result<HtmlTemplate> Parse(std::string_view text,
                                    std::span<const std::string_view> slots);

  // Appends the page to `out`: each literal chunk as is, and for each hole calls
  // fill(slot_index, out), which appends the slot's (already escaped) value.
  template <class Fill>
  void Render(std::string& out, Fill&& fill) const {
    const char* base = text_.data();
    for (const Piece& piece : pieces_) {
      out.append(base + piece.begin, piece.length);
      if (piece.slot != kNoSlot) fill(piece.slot, out);
    }
  }

  // Total size of the literal chunks: a lower bound for reserving the output.
  std::size_t literal_size() const { return literal_size_; }

 private:
  static constexpr std::size_t kNoSlot = static_cast<std::size_t>(-1);
  // A literal chunk (offsets into text_, so moving the template keeps them valid) followed
  // by one hole, or by none for the final chunk.
  struct Piece {
    std::size_t begin;
    std::size_t length;
    std::size_t slot;
  };

  HtmlTemplate() = default;

  std::string text_;
  std::vector<Piece> pieces_;
  std::size_t literal_size_ = 0;
};

// Appends `text` with & < > " ' replaced by entities: safe in element content and in
// double- or single-quoted attribute values. A malformed UTF-8 byte becomes U+FFFD.
void AppendHtmlEscaped(std::string& out, std::string_view text);

// Appends `text` percent-encoded for a URL query component (application/x-www-form-urlencoded
// as browsers submit forms: space as '+').
void AppendUrlEncoded(std::string& out, std::string_view text);

}  // namespace keeta::web
