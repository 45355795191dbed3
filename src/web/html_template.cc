#include "web/html_template.h"

#include <fmt/format.h>

#include "web/utf8_text.h"

namespace keeta::web {

namespace {

bool IsSlotNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

Result<HtmlTemplate> HtmlTemplate::Parse(std::string_view text,
                                         std::span<const std::string_view> slots) {
  HtmlTemplate tmpl;
  tmpl.text_.assign(text);
  std::size_t chunk_begin = 0;
  std::size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const std::size_t name_begin = pos + 2;
    const std::size_t close = text.find("}}", name_begin);
    if (close == std::string_view::npos) {
      return Error{fmt::format("template: unterminated '{{{{' at offset {}", pos), ""};
    }
    const std::string_view name = text.substr(name_begin, close - name_begin);
    bool valid_name = !name.empty();
    for (char c : name) valid_name = valid_name && IsSlotNameChar(c);
    if (!valid_name) {
      return Error{fmt::format("template: bad slot name '{}' at offset {}", name, pos), ""};
    }
    std::size_t slot = kNoSlot;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      if (slots[i] == name) slot = i;
    }
    if (slot == kNoSlot) {
      return Error{fmt::format("template: unknown slot '{}'", name), ""};
    }
    tmpl.pieces_.push_back({chunk_begin, pos - chunk_begin, slot});
    tmpl.literal_size_ += pos - chunk_begin;
    pos = close + 2;
    chunk_begin = pos;
  }
  tmpl.pieces_.push_back({chunk_begin, text.size() - chunk_begin, kNoSlot});
  tmpl.literal_size_ += text.size() - chunk_begin;
  return tmpl;
}

void AppendHtmlEscaped(std::string& out, std::string_view text) {
  // Copies runs of safe bytes in one append; most names have nothing to escape.
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string_view entity;
    switch (text[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&#39;"; break;
      default:
        if (s[i] < 0x80) continue;
        if (const std::size_t len = Utf8SequenceLength(s + i, text.size() - i); len != 0) {
          i += len - 1;
          continue;
        }
        entity = kReplacementCharacter;  // a malformed byte
        break;
    }
    out.append(text.data() + run, i - run);
    out.append(entity);
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

void AppendUrlEncoded(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                            c == '~';
    if (unreserved) {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      const char escaped[] = {'%', kHex[c >> 4], kHex[c & 0xF]};
      out.append(escaped, sizeof escaped);
    }
  }
}

}  // namespace keeta::web
