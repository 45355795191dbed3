// Static files served under /static/<name> (and the OpenAPI document): the embedded web
// assets with everything a response needs prepared once, at first use — content type, a
// strong ETag, a version for cache-busting URLs and, for text types, a gzip form.
// Also the small HTTP content-coding helpers the handler shares with them.
// Thread-safety: the asset table is built once (thread-safe static init), then read-only.
#pragma once

#include <string>
#include <string_view>

namespace keeta::web {

struct StaticAsset {
  std::string_view name;          // e.g. "app.js"
  std::string_view bytes;         // identity encoding
  std::string_view content_type;  // e.g. "text/javascript; charset=utf-8"
  std::string etag;               // strong, quoted, e.g. "\"1f2e3d4c5b6a7988\""
  std::string version;            // short content hash, for `?v=` in URLs
  std::string gzip;               // gzip form; empty when not compressible or not smaller
  std::string gzip_etag;          // a different strong ETag for the gzip representation
  bool compressible = false;      // text type: responses vary on Accept-Encoding
};

// The servable asset with this file name, or nullptr. Templates (*.html) are not served.
const StaticAsset* FindStaticAsset(std::string_view name);

// URL of an asset for pages: "/static/<name>?v=<version>", which the handler serves with a
// far-future immutable Cache-Control (a new build changes the version). Unknown names get
// the plain "/static/<name>".
std::string StaticUrl(std::string_view name);

// Content type for a file name by its extension; application/octet-stream when unknown.
std::string_view ContentTypeFor(std::string_view name);

// True for text-like types worth compressing (text/*, JSON, JavaScript, SVG).
bool IsCompressibleType(std::string_view content_type);

// A gzip (RFC 1952) stream of data; empty on a zlib failure (the caller sends identity).
std::string GzipCompress(std::string_view data, int level);

// True when an Accept-Encoding header value accepts gzip (a `gzip` or `*` token whose q is
// not 0; `gzip;q=0` refuses it).
bool AcceptsGzip(std::string_view accept_encoding);

// True when an If-None-Match header value matches etag (`*`, or any listed tag; weak
// comparison as RFC 9110 prescribes for If-None-Match).
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace keeta::web
