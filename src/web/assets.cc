#include "web/assets.h"

#include <zlib.h>

#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "web/embedded_files.h"

namespace keeta::web {

const EmbeddedFile* FindEmbeddedFile(std::string_view name) {
  for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
    if (kEmbeddedFiles[i].name == name) return &kEmbeddedFiles[i];
  }
  return nullptr;
}

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] + 32) : a[i];
    const char y = (b[i] >= 'A' && b[i] <= 'Z') ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

// FNV-1a, 64 bits: a stable content hash for ETags (not a security boundary).
std::uint64_t Fnv1a(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Calls fn(element) for each comma-separated, trimmed, non-empty element of a header list.
template <class Fn>
void ForEachListElement(std::string_view list, Fn&& fn) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view element = Trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (!element.empty()) fn(element);
  }
}

std::vector<StaticAsset> BuildAssets() {
  std::vector<StaticAsset> assets;
  assets.reserve(kEmbeddedFileCount);
  for (std::size_t i = 0; i < kEmbeddedFileCount; ++i) {
    const EmbeddedFile& file = kEmbeddedFiles[i];
    if (EndsWith(file.name, ".html")) continue;  // templates are rendered, not served
    StaticAsset asset;
    asset.name = file.name;
    asset.bytes = file.bytes;
    asset.content_type = ContentTypeFor(file.name);
    asset.compressible = IsCompressibleType(asset.content_type);
    const std::uint64_t hash = Fnv1a(file.bytes);
    asset.version = fmt::format("{:016x}", hash).substr(0, 12);
    asset.etag = fmt::format("\"{:016x}\"", hash);
    if (asset.compressible) {
      std::string gz = GzipCompress(file.bytes, 9);  // once per process: spend the CPU
      if (!gz.empty() && gz.size() < file.bytes.size()) {
        asset.gzip = std::move(gz);
        asset.gzip_etag = fmt::format("\"{:016x}-gz\"", hash);
      }
    }
    assets.push_back(std::move(asset));
  }
  return assets;
}

const std::vector<StaticAsset>& Assets() {
  static const std::vector<StaticAsset> assets = BuildAssets();
  return assets;
}

}  // namespace

const StaticAsset* FindStaticAsset(std::string_view name) {
  for (const StaticAsset& asset : Assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

std::string StaticUrl(std::string_view name) {
  const StaticAsset* asset = FindStaticAsset(name);
  if (asset == nullptr) return fmt::format("/static/{}", name);
  return fmt::format("/static/{}?v={}", name, asset->version);
}

std::string_view ContentTypeFor(std::string_view name) {
  struct Mapping {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr Mapping kTypes[] = {
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".html", "text/html; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
  };
  for (const Mapping& m : kTypes) {
    if (EndsWith(name, m.extension)) return m.type;
  }
  return "application/octet-stream";
}

bool IsCompressibleType(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
         content_type.starts_with("image/svg+xml");
}

std::string GzipCompress(std::string_view data, int level) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const std::size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return {};
  out.resize(written);
  return out;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  bool gzip = false;  // the verdict of an explicit gzip element, if any
  bool explicit_gzip = false;
  bool star = false;
  ForEachListElement(accept_encoding, [&](std::string_view element) {
    const auto semi = element.find(';');
    const std::string_view coding = Trim(element.substr(0, semi));
    bool accepted = true;
    if (semi != std::string_view::npos) {
      // Parameters: only q matters; q=0 (0, 0.0, 0.000) refuses.
      std::string_view params = element.substr(semi + 1);
      while (!params.empty()) {
        const auto next = params.find(';');
        const std::string_view param = Trim(params.substr(0, next));
        params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
        if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
          const std::string_view q = Trim(param.substr(2));
          accepted = q.find_first_not_of("0.") != std::string_view::npos;
        }
      }
    }
    if (EqualsIgnoreCase(coding, "gzip") || EqualsIgnoreCase(coding, "x-gzip")) {
      explicit_gzip = true;
      gzip = accepted;
    } else if (coding == "*") {
      star = accepted;
    }
  });
  return explicit_gzip ? gzip : star;
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  auto opaque = [](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag;
  };
  bool match = false;
  ForEachListElement(if_none_match, [&](std::string_view element) {
    if (element == "*" || opaque(element) == opaque(etag)) match = true;
  });
  return match;
}

}  // namespace keeta::web
