// Routing and response policy (docs/api.md): which route answers, error shapes (JSON under
// /api/, a page elsewhere), headers every response carries, gzip, and the response cache.
// Data routes take the dataset snapshot once and answer the whole request from it.
#include "web/handler.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "core/engine.h"
#include "export/csv.h"
#include "export/pdf.h"
#include "export/report.h"
#include "export/xlsx.h"
#include "store/data_source.h"
#include "core/periods.h"
#include "core/query.h"
#include "core/view_options.h"
#include "web/assets.h"
#include "web/json_api.h"
#include "web/metrics.h"
#include "web/login_form.h"
#include "web/page.h"
#include "web/query_string.h"
#include "web/request_query.h"
#include "web/response_cache.h"
#include "web/security_headers.h"
#include "web/sign_in.h"

namespace keeta::web {
namespace {

constexpr std::string_view kServerName = "keeta";
constexpr std::string_view kAllowed = "GET, HEAD";
constexpr std::string_view kHtmlType = "text/html; charset=utf-8";
constexpr std::string_view kJsonType = "application/json";
constexpr std::string_view kTextType = "text/plain; charset=utf-8";
constexpr std::size_t kGzipMinBytes = 1024;  // below this gzip saves little and costs a call
constexpr int kGzipLevel = 5;                // good ratio at a fraction of level 9's CPU
constexpr std::string_view kApiPrefix = "/api/";
constexpr std::string_view kStaticPrefix = "/static/";
constexpr std::string_view kExportPrefix = "/export/";

// Routes whose bodies depend on the dataset and the filter (the response cache's "route").
enum class DataRoute { kOverall, kKpis, kFilters, kBreakdown };

bool IsApiPath(std::string_view path) { return path.starts_with(kApiPrefix); }

void SetBody(Response& res, http::status status, std::string_view type, std::string body) {
  res.result(status);
  res.set(http::field::content_type, type);
  res.body() = std::move(body);
}

// Security headers (security_headers.h) are added to every response in Finish.
void SetHtml(Response& res, http::status status, std::string body) {
  SetBody(res, status, kHtmlType, std::move(body));
}

// An error answer: JSON for API paths, a readable page otherwise.
void SetError(Response& res, std::string_view path, http::status status,
              std::string_view code, std::string_view message, std::string_view param = {}) {
  if (IsApiPath(path)) {
    SetBody(res, status, kJsonType, ErrorJson(code, message, param));
  } else {
    SetHtml(res, status,
            RenderErrorPage(static_cast<int>(status), http::obsolete_reason(status), message));
  }
  res.set(http::field::cache_control, "no-store");
}

Day TodayUtc() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return static_cast<Day>(now.time_since_epoch().count());
}

bool HasParam(const QueryParams& params, std::string_view key) {
  return std::any_of(params.begin(), params.end(),
                     [&](const auto& kv) { return kv.first == key && !kv.second.empty(); });
}

// The page's granularity when none is asked for: by the length of the range shown (the
// filter's, its open ends filled from the data).
Granularity PageGranularity(std::optional<Day> first, std::optional<Day> last, const Filter& filter) {
  const std::optional<Day> from = filter.from ? filter.from : first;
  const std::optional<Day> to = filter.to ? filter.to : last;
  if (!from || !to || *from > *to) return Granularity::kDay;
  return DefaultGranularity(static_cast<std::int64_t>(*to) - *from + 1);
}

// Cache-key text of every option a body depends on (length-prefixed where free text).
void AppendOptionsKey(std::string& key, const DashboardOptions& options) {
  key += "\ng=";
  key += GranularityName(options.granularity);
  key += ";w=";
  for (bool w : options.weighted) key += w ? '1' : '0';
}

void AppendBreakdownKey(std::string& key, const BreakdownRequest& req) {
  key += fmt::format("\nby={};sort={};desc={};offset={};limit={};q={}:{}",
                     kNameParams[Index(req.by)],
                     req.sort_kpi ? kKpis[*req.sort_kpi].id : std::string_view("name"),
                     req.descending, req.offset, req.limit, req.search.size(), req.search);
}

}  // namespace

// Immutable after construction except the cache, which locks internally; so Handle may run
// on many threads at once.
struct Handler::Impl {
  std::shared_ptr<DatasetHolder> data;
  std::shared_ptr<SettingsStore> settings;
  HandlerOptions options;
  std::optional<AccessControl> access;
  mutable std::optional<ResponseCache> cache;  // empty when disabled; internally locked
  std::shared_ptr<Metrics> metrics;
  std::shared_ptr<sql::PushdownSource> pushdown;  // set: answers come from the database

  void Observe(std::string_view path, const Response& res,
               std::chrono::steady_clock::time_point started) const {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    metrics->ObserveRequest(MetricsRouteLabel(path), static_cast<int>(res.result_int()),
                            took.count());
  }

  void Route(const Request& req, const RequestContext& ctx, std::string_view path,
             std::string_view query, Response& res, BodyStream& stream) const;
  void ServeData(const Request& req, const auth::Principal& who, DataRoute route,
                 std::string_view path, std::string_view query, Response& res) const;
  void AnswerFromDatabase(DataRoute route, const Query& q, const DashboardOptions& options,
                          const BreakdownRequest& breakdown_request,
                          std::vector<std::string> page_errors, const ViewerInfo& viewer,
                          bool granularity_chosen, std::string_view path, Response& res) const;
  void ServeExport(const Request& req, const RequestContext& ctx, const auth::Principal& who,
                   std::string_view path, std::string_view query, Response& res,
                   BodyStream& stream) const;
  void Unauthorized(const Request& req, std::string_view path, Response& res) const;
  void Finish(const Request& req, const RequestContext& ctx, Response& res,
              BodyStream& stream) const;
  void ServeStatic(const Request& req, const StaticAsset& asset, std::string_view query,
                   Response& res) const;
};

Handler::Handler(std::shared_ptr<DatasetHolder> data, HandlerOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->data = std::move(data);
  impl_->settings = options.settings ? options.settings : MakeMemorySettings();
  impl_->options = options;
  impl_->pushdown = options.pushdown;
  impl_->access.emplace(options.access);
  if (options.enable_cache) impl_->cache.emplace(options.cache_bytes);
  impl_->metrics = options.metrics ? options.metrics : std::make_shared<Metrics>();
  // Read at scrape time from the holder, so they are never stale.
  std::weak_ptr<DatasetHolder> holder = impl_->data;
  impl_->metrics->GaugeFunction("keeta_snapshot_rows", "Rows in the dataset being served.",
                                [holder] {
                                  const auto h = holder.lock();
                                  const auto data = h ? h->Get() : nullptr;
                                  return data ? static_cast<double>(data->rows()) : 0.0;
                                });
  impl_->metrics->GaugeFunction("keeta_snapshot_generation",
                                "Generation of the dataset being served (bumped per reload).",
                                [holder] {
                                  const auto h = holder.lock();
                                  return h ? static_cast<double>(h->generation()) : 0.0;
                                });
}

Metrics& Handler::metrics() const { return *impl_->metrics; }

Handler::~Handler() = default;

void Handler::HandleAsync(const Request& req, const RequestContext& ctx,
                          Completion done) const {
  const auto started = std::chrono::steady_clock::now();
  Response res;
  BodyStream stream;  // set by the one route whose body is streamed
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  const Target target = SplitTarget(req.target());
  try {
    const bool read = req.method() == http::verb::get || req.method() == http::verb::head;
    if (target.path == "/login" && req.method() == http::verb::post) {
      // Completes later, on the password pool; Finish runs there.
      return ServeSignIn(req, ctx, *impl_->access, std::move(res),
                         [this, &req, ctx, started, done = std::move(done)](Response answer) {
                           BodyStream none;
                           impl_->Finish(req, ctx, answer, none);
                           impl_->Observe("/login", answer, started);
                           done(std::move(answer));
                         });
    }
    if (target.path == "/logout" && req.method() == http::verb::post) {
      ServeSignOut(req, ctx, *impl_->access, res);
    } else if (target.path == "/login" && read) {
      ServeLoginForm(req, ctx, *impl_->access, res);
    } else if (!read) {
      SetError(res, target.path, http::status::method_not_allowed, "method_not_allowed",
               fmt::format("method {} is not allowed; use GET or HEAD", req.method_string()));
      res.set(http::field::allow, kAllowed);
    } else {
      impl_->Route(req, ctx, target.path, target.query, res, stream);
    }
  } catch (const std::exception&) {
    // A bug or an allocation failure: answer rather than drop the connection.
    res = Response{};
    stream = nullptr;
    res.version(req.version());
    res.keep_alive(false);
    SetBody(res, http::status::internal_server_error, kTextType,
            "internal error\n");
  }
  impl_->Finish(req, ctx, res, stream);
  impl_->Observe(target.path, res, started);
  done(Reply{std::move(res), std::move(stream)});
}

Response Handler::Handle(const Request& req, const RequestContext& ctx) const {
  std::promise<Reply> promise;
  auto answer = promise.get_future();
  HandleAsync(req, ctx, [&promise](Reply reply) { promise.set_value(std::move(reply)); });
  Reply reply = answer.get();
  if (reply.stream) {
    std::string chunk;
    while (reply.stream(chunk)) reply.response.body() += chunk;
    reply.response.content_length(reply.response.body().size());
  }
  return std::move(reply.response);
}

// What every response gets, whichever route made it.
void Handler::Impl::Finish(const Request& req, const RequestContext& ctx, Response& res,
                           BodyStream& stream) const {
  res.set(http::field::server, kServerName);
  SetSecurityHeaders(res, ctx.tls);
  // Content-Length describes the representation, also for HEAD and 304 (which carry none);
  // a streamed body's length is not known in advance.
  if (res.find(http::field::content_length) == res.end() && !stream) {
    res.content_length(res.body().size());
  }
  if (req.method() == http::verb::head) {
    res.body().clear();
    if (stream) res.keep_alive(false);  // no length to state: closing ends the answer
    stream = nullptr;
  }
}

std::variant<LiveView, Response> Handler::LiveQuery(const Request& req,
                                                    const RequestContext& ctx) const {
  const Target target = SplitTarget(req.target());
  Response res;
  res.version(req.version());
  res.keep_alive(false);
  auto params = ParseQueryString(target.query);
  const std::optional<auth::Principal> who = impl_->access->Identify(req, ctx);
  if (!who) {
    impl_->Unauthorized(req, target.path, res);
  } else if (impl_->pushdown) {
    SetError(res, target.path, http::status::not_implemented, "not_available",
             "live updates need the table in memory (mode=snapshot); with mode=pushdown each "
             "page load asks the database");
  } else if (!params) {
    SetError(res, target.path, http::status::bad_request, "invalid_query",
             params.error().message, params.error().param);
  } else if (auto built = BuildQuery(*who, *params); !built) {
    SetError(res, target.path, http::status::bad_request, "invalid_date",
             built.error().message, built.error().param);
  } else {
    // Shaped as /api/v1/kpis shapes it for the same parameters.
    const SettingsStore::Snapshot settings = impl_->settings->Current();
    DashboardOptions defaults;
    defaults.targets = settings.settings->targets;
    defaults.weighted = settings.settings->weighted;
    auto options = ParseDashboardOptions(*params, defaults);
    if (!options) {
      SetError(res, target.path, http::status::bad_request, "invalid_parameter",
               options.error().message, options.error().param);
    } else {
      LiveView view{std::move(*built), std::move(*options), {}};
      view.options_key = fmt::format("settings={}", settings.version);
      AppendOptionsKey(view.options_key, view.options);
      return view;
    }
  }
  BodyStream none;
  impl_->Finish(req, ctx, res, none);
  return res;
}

// No valid credential: pages go to the sign-in form (and back afterwards), the API says 401.
void Handler::Impl::Unauthorized(const Request& req, std::string_view path,
                                 Response& res) const {
  if (IsApiPath(path)) {
    SetError(res, path, http::status::unauthorized, "unauthorized",
             "sign in, or send an API token as 'Authorization: Bearer TOKEN'");
    res.set(http::field::www_authenticate, "Bearer realm=\"keeta\"");
    return;
  }
  const std::string location = "/login?next=" + PercentEncode(req.target());
  SetBody(res, http::status::see_other, kTextType, fmt::format("See {}\n", location));
  res.set(http::field::location, location);
  res.set(http::field::cache_control, "no-store");
}

void Handler::Impl::Route(const Request& req, const RequestContext& ctx,
                          std::string_view path, std::string_view query, Response& res,
                          BodyStream& stream) const {
  if (path == "/") {
    std::string location = "/overall";
    if (!query.empty()) {
      location += '?';
      location += query;
    }
    SetBody(res, http::status::found, kTextType, fmt::format("See {}\n", location));
    res.set(http::field::location, location);
    return;
  }
  // Public: no sign-in needed.
  if (path == "/healthz") {
    // Never touches the dataset (the transport answers it on an I/O thread). Still 200
    // when the last reload failed, since the last good data is being served; the body says
    // so for whoever watches it.
    // (Get() only copies a pointer: no dataset work.) With nothing loaded yet (a database
    // down at start) there is no last good data to speak of.
    if (pushdown) {  // every answer is asked of the database; its errors are the answer's
      SetBody(res, http::status::ok, kTextType, std::string("ok"));
      res.set(http::field::cache_control, "no-store");
      return;
    }
    const std::optional<std::string> reload_error = data->last_error();
    const char* serving = data->Get() ? "serving the last good data" : "no data loaded yet";
    SetBody(res, http::status::ok, kTextType,
            reload_error ? fmt::format("degraded: {}; reload failed: {}\n", serving, *reload_error)
                         : std::string("ok"));
    res.set(http::field::cache_control, "no-store");
    return;
  }
  if (path.starts_with(kStaticPrefix)) {
    const std::string_view name = path.substr(kStaticPrefix.size());
    const StaticAsset* asset =
        name.find('/') == std::string_view::npos ? FindStaticAsset(name) : nullptr;
    if (asset != nullptr) return ServeStatic(req, *asset, query, res);
  }

  // Everything else answers only a signed-in person (or anyone in local mode).
  const std::optional<auth::Principal> who = access->Identify(req, ctx);
  if (!who) return Unauthorized(req, path, res);
  if (path == "/overall") return ServeData(req, *who, DataRoute::kOverall, path, query, res);
  if (path == "/api/v1/kpis") return ServeData(req, *who, DataRoute::kKpis, path, query, res);
  if (path == "/api/v1/filters") {
    return ServeData(req, *who, DataRoute::kFilters, path, query, res);
  }
  if (path == "/api/v1/breakdown") {
    return ServeData(req, *who, DataRoute::kBreakdown, path, query, res);
  }
  if (path == "/metrics") {
    SetBody(res, http::status::ok, "text/plain; version=0.0.4; charset=utf-8", metrics->Render());
    res.set(http::field::cache_control, "no-store");
    return;
  }
  if (path.starts_with(kExportPrefix)) return ServeExport(req, ctx, *who, path, query, res, stream);
  if (path == kLivePath) {
    // Reached only without a WebSocket upgrade (the server hands upgrades to the live hub).
    SetError(res, path, http::status::upgrade_required, "upgrade_required",
             "this route is a WebSocket: connect with an Upgrade: websocket request");
    res.set(http::field::upgrade, "websocket");
    res.set(http::field::connection, "Upgrade");
    return;
  }
  if (path == "/api/v1/openapi.json") {
    if (const StaticAsset* doc = FindStaticAsset("openapi.json")) {
      return ServeStatic(req, *doc, query, res);
    }
  }
  SetError(res, path, http::status::not_found, "not_found",
           fmt::format("no such page: {}", path));
}

void Handler::Impl::ServeStatic(const Request& req, const StaticAsset& asset,
                                std::string_view query, Response& res) const {
  const bool gzip = !asset.gzip.empty() && AcceptsGzip(req[http::field::accept_encoding]);
  const std::string_view bytes = gzip ? std::string_view(asset.gzip) : asset.bytes;
  const std::string& etag = gzip ? asset.gzip_etag : asset.etag;
  res.set(http::field::content_type, asset.content_type);
  res.set(http::field::etag, etag);
  // A URL carrying this build's version never changes content (see StaticUrl).
  const bool versioned = query == "v=" + asset.version;
  res.set(http::field::cache_control,
          versioned ? "public, max-age=31536000, immutable" : "public, max-age=3600");
  if (asset.compressible) res.set(http::field::vary, "Accept-Encoding");
  if (gzip) res.set(http::field::content_encoding, "gzip");
  const auto if_none_match = req[http::field::if_none_match];
  if (!if_none_match.empty() && EtagMatches(if_none_match, etag)) {
    res.result(http::status::not_modified);
    res.content_length(bytes.size());
    return;
  }
  res.result(http::status::ok);
  res.body().assign(bytes.data(), bytes.size());
}

// Why there is nothing to show yet: the source's last error (e.g. a database that is
// down), which the reloader keeps retrying.
std::string NoDataMessage(const DatasetHolder& holder) {
  const std::optional<std::string> error = holder.last_error();
  if (!error) return "no dataset is loaded yet; try again shortly";
  return fmt::format("the data cannot be read yet ({}); retrying, try again shortly", *error);
}

void Handler::Impl::ServeData(const Request& req, const auth::Principal& who, DataRoute route,
                              std::string_view path, std::string_view query,
                              Response& res) const {
  const bool page = route == DataRoute::kOverall;
  // Generation first, then the snapshot: the snapshot is then at least that new, and the
  // cache checks snapshot identity anyway. One snapshot serves the whole request.
  const std::uint64_t generation = data->generation();
  const std::shared_ptr<const Dataset> snapshot = pushdown ? nullptr : data->Get();
  if (snapshot == nullptr && !pushdown) {
    SetError(res, path, http::status::service_unavailable, "no_data", NoDataMessage(*data));
    res.set(http::field::retry_after, "5");
    return;
  }

  auto params = ParseQueryString(query);
  if (!params) {
    SetError(res, path, http::status::bad_request, "invalid_query", params.error().message,
             params.error().param);
    return;
  }
  if (auto counted = CheckValueCounts(*params); !counted) {
    SetError(res, path, http::status::bad_request, "too_many_values", counted.error().message,
             counted.error().param);
    return;
  }
  if (page && ApplyDrops(*params)) {
    // A chip's remove button: show the shareable URL of what remains.
    std::string location = "/overall";
    if (!params->empty()) location += "?" + EncodeQueryString(*params);
    SetBody(res, http::status::see_other, kTextType, fmt::format("See {}\n", location));
    res.set(http::field::location, location);
    res.set(http::field::cache_control, "no-store");
    return;
  }
  // The API rejects a bad date; the page drops it and says so, still showing the dashboard.
  std::vector<std::string> page_errors;
  auto built = BuildQuery(who, *params, page ? &page_errors : nullptr);
  if (!built) {
    SetError(res, path, http::status::bad_request, "invalid_date", built.error().message,
             built.error().param);
    return;
  }
  const Query q = std::move(*built);
  // The page's header names its viewer and carries their sign-out tag.
  ViewerInfo viewer;
  if (page) {
    viewer.name = who.name;
    viewer.scope = who.scope;
    viewer.notice = std::string(access->ModeNotice());
    if (who.via == auth::Principal::Via::kSession) {
      viewer.csrf = access->authenticator()->CsrfTag(who);
    }
  }

  // How the answer is shaped: the administrator's defaults, then the request's parameters.
  const SettingsStore::Snapshot settings = this->settings->Current();
  DashboardOptions defaults;
  defaults.targets = settings.settings->targets;
  defaults.weighted = settings.settings->weighted;
  auto options = ParseDroppingBad(*params, page ? &page_errors : nullptr, [&](const QueryParams& p) {
    return ParseDashboardOptions(p, defaults);
  });
  auto breakdown_request = ParseDroppingBad(*params, page ? &page_errors : nullptr,
                                            [](const QueryParams& p) { return ParseBreakdownRequest(p); });
  for (const Error* error : {options ? nullptr : &options.error(),
                             breakdown_request ? nullptr : &breakdown_request.error()}) {
    if (error != nullptr) {
      SetError(res, path, http::status::bad_request, "invalid_parameter", error->message,
               error->param);
      return;
    }
  }
  if (pushdown) {
    return AnswerFromDatabase(route, q, *options, *breakdown_request, std::move(page_errors),
                              viewer, HasParam(*params, kGranularityParam), path, res);
  }
  if (page && !HasParam(*params, kGranularityParam)) {
    options->granularity = PageGranularity(snapshot->min_day(), snapshot->max_day(), q.filter);
  }

  const bool gzip = AcceptsGzip(req[http::field::accept_encoding]);
  const Day today = TodayUtc();
  std::optional<std::string> reload_error;
  std::string route_key;
  switch (route) {
    case DataRoute::kOverall:
      route_key = "overall\n" + viewer.name + "\n" + viewer.csrf;
      route_key += "\ntoday=" + FormatDay(today);  // date presets count back from today
      break;
    case DataRoute::kKpis: route_key = "kpis"; break;
    case DataRoute::kFilters: route_key = "filters"; break;
    case DataRoute::kBreakdown: route_key = "breakdown"; break;
  }
  // Everything else the body depends on: the view parameters and the settings' version.
  route_key += fmt::format("\nsettings={}", settings.version);
  AppendOptionsKey(route_key, *options);
  if (route == DataRoute::kBreakdown || page) AppendBreakdownKey(route_key, *breakdown_request);
  if (route != DataRoute::kFilters) {
    // The page and the API show a failed reload's message, which changes without a new
    // snapshot.
    reload_error = data->last_error();
    if (reload_error) route_key += "\n" + *reload_error;
  }
  // Messages about dropped parameters are per request: such pages are not cached.
  const bool cacheable = cache.has_value() && page_errors.empty();
  const std::string filter_key = cacheable ? QueryCacheKey(q) : std::string();
  ResponseCache::Key key{generation, snapshot, route_key, filter_key, false};

  std::shared_ptr<const std::string> body;
  bool compressed = false;
  if (cacheable && gzip) {
    key.gzip = true;
    body = cache->Get(key);
    compressed = body != nullptr;
    key.gzip = false;
  }
  if (body == nullptr && cacheable) body = cache->Get(key);
  if (body == nullptr) {
    std::string text;
    switch (route) {
      case DataRoute::kOverall: {
        const Dashboard dashboard = ComputeDashboard(*snapshot, q, *options);
        const FilterChoices choices = ComputeChoices(*snapshot, q);
        const Breakdown breakdown = ComputeBreakdown(*snapshot, q, *breakdown_request, *options);
        text = RenderOverallPage(PageInput{snapshot->report(), q.filter, dashboard, choices,
                                           std::move(page_errors), reload_error, &breakdown,
                                           &*breakdown_request, &viewer,
                                           HasParam(*params, kGranularityParam), today,
                                           CheckQuery(*snapshot, q)});
        break;
      }
      case DataRoute::kKpis:
        text = KpisBody(*snapshot, q, *options, reload_error);
        break;
      case DataRoute::kFilters:
        text = FiltersJson(ComputeChoices(*snapshot, q));
        break;
      case DataRoute::kBreakdown:
        text = BreakdownJson(ComputeBreakdown(*snapshot, q, *breakdown_request, *options),
                             *breakdown_request);
        break;
    }
    body = std::make_shared<const std::string>(std::move(text));
    if (cacheable) cache->Put(key, body);
  }
  if (gzip && !compressed && body->size() > kGzipMinBytes) {
    std::string gz = GzipCompress(*body, kGzipLevel);
    if (!gz.empty()) {
      body = std::make_shared<const std::string>(std::move(gz));
      compressed = true;
      if (cacheable) {
        key.gzip = true;
        cache->Put(key, body);
      }
    }
  }

  if (page) {
    SetHtml(res, http::status::ok, std::string(*body));
  } else {
    SetBody(res, http::status::ok, kJsonType, std::string(*body));
  }
  res.set(http::field::cache_control, "no-cache");
  res.set(http::field::vary, "Accept-Encoding");
  if (compressed) res.set(http::field::content_encoding, "gzip");
}

// A data route in pushdown mode: each answer is asked of the database, never cached (the
// table may change between two requests without anything here knowing). A database that
// cannot answer is a 503 with its reason, on the page as in the API.
void Handler::Impl::AnswerFromDatabase(DataRoute route, const Query& q,
                                       const DashboardOptions& options,
                                       const BreakdownRequest& breakdown_request,
                                       std::vector<std::string> page_errors,
                                       const ViewerInfo& viewer, bool granularity_chosen,
                                       std::string_view path, Response& res) const {
  auto unavailable = [&](const Error& error) {
    SetError(res, path, http::status::service_unavailable, "database_unavailable",
             fmt::format("the database cannot answer ({}); try again shortly", error.message));
    res.set(http::field::retry_after, "5");
  };
  std::string text;
  switch (route) {
    case DataRoute::kOverall: {
      auto choices = pushdown->ComputeChoices(q);
      if (!choices) return unavailable(choices.error());
      DashboardOptions shaped = options;
      if (!granularity_chosen) {
        shaped.granularity = PageGranularity(choices->answer.min_day, choices->answer.max_day, q.filter);
      }
      auto warnings = sql::CheckQuery(*pushdown, q);
      if (!warnings) return unavailable(warnings.error());
      auto dashboard = pushdown->ComputeDashboard(q, shaped);
      if (!dashboard) return unavailable(dashboard.error());
      auto breakdown = pushdown->ComputeBreakdown(q, breakdown_request, shaped);
      if (!breakdown) return unavailable(breakdown.error());
      PageInput input{dashboard->report, q.filter, dashboard->answer, choices->answer,
                      std::move(page_errors), std::nullopt, &breakdown->answer,
                      &breakdown_request, &viewer, granularity_chosen, TodayUtc(),
                      std::move(*warnings)};
      input.in_memory = false;
      SetHtml(res, http::status::ok, RenderOverallPage(input));
      res.set(http::field::cache_control, "no-cache");
      return;
    }
    case DataRoute::kKpis: {
      auto warnings = sql::CheckQuery(*pushdown, q);
      if (!warnings) return unavailable(warnings.error());
      auto dashboard = pushdown->ComputeDashboard(q, options);
      if (!dashboard) return unavailable(dashboard.error());
      text = KpisJson(dashboard->report, q.filter, dashboard->answer, *warnings);
      break;
    }
    case DataRoute::kFilters: {
      auto choices = pushdown->ComputeChoices(q);
      if (!choices) return unavailable(choices.error());
      text = FiltersJson(choices->answer);
      break;
    }
    case DataRoute::kBreakdown: {
      auto breakdown = pushdown->ComputeBreakdown(q, breakdown_request, options);
      if (!breakdown) return unavailable(breakdown.error());
      text = BreakdownJson(breakdown->answer, breakdown_request);
      break;
    }
  }
  SetBody(res, http::status::ok, kJsonType, std::move(text));
  res.set(http::field::cache_control, "no-cache");
}

// The exports of a view (docs/api.md "Exports"): the same Query and options as
// /api/v1/kpis for the same parameters, so every number equals the API's.
void Handler::Impl::ServeExport(const Request& req, const RequestContext& ctx,
                                const auth::Principal& who, std::string_view path,
                                std::string_view query, Response& res,
                                BodyStream& stream) const {
  const auto format = exports::FormatFromName(path.substr(kExportPrefix.size()));
  if (!format) {
    SetError(res, path, http::status::not_found, "not_found", format.error().message);
    return;
  }
  const std::uint64_t generation = data->generation();
  std::shared_ptr<const Dataset> snapshot = pushdown ? nullptr : data->Get();
  if (snapshot == nullptr && !pushdown) {
    SetError(res, path, http::status::service_unavailable, "no_data", NoDataMessage(*data));
    res.set(http::field::retry_after, "5");
    return;
  }
  auto params = ParseQueryString(query);
  if (!params) {
    SetError(res, path, http::status::bad_request, "invalid_query", params.error().message,
             params.error().param);
    return;
  }
  auto built = BuildQuery(who, *params);
  if (!built) {
    SetError(res, path, http::status::bad_request, "invalid_date", built.error().message,
             built.error().param);
    return;
  }
  const Query q = std::move(*built);
  const SettingsStore::Snapshot settings = this->settings->Current();
  DashboardOptions defaults;
  defaults.targets = settings.settings->targets;
  defaults.weighted = settings.settings->weighted;
  auto options = ParseDashboardOptions(*params, defaults);
  if (!options) {
    SetError(res, path, http::status::bad_request, "invalid_parameter", options.error().message,
             options.error().param);
    return;
  }
  if (auth::Authenticator* auth = access->authenticator()) {
    auth->Audit("export", who.name, access->ClientAddress(req, ctx),
                fmt::format("{}?{}", path.substr(kExportPrefix.size()), query));
  }
  using exports::Format;
  Dashboard dashboard;
  LoadReport pushdown_report;
  if (pushdown) {
    if (*format == Format::kRowsCsv) {
      SetError(res, path, http::status::not_implemented, "not_available",
               "rows.csv needs the rows, which mode=pushdown does not load: the cards "
               "(kpis.csv), trends (trends.csv) and the XLSX and PDF reports (without a Rows "
               "sheet) are available, or serve the table in snapshot mode");
      return;
    }
    auto answered = pushdown->ComputeDashboard(q, *options);
    if (!answered) {
      SetError(res, path, http::status::service_unavailable, "database_unavailable",
               fmt::format("the database cannot answer ({}); try again shortly",
                           answered.error().message));
      res.set(http::field::retry_after, "5");
      return;
    }
    dashboard = std::move(answered->answer);
    pushdown_report = std::move(answered->report);
  } else {
    dashboard = ComputeDashboard(*snapshot, q, *options);
  }

  res.result(http::status::ok);
  res.set(http::field::content_type, exports::ContentType(*format));
  res.set(http::field::content_disposition,
          fmt::format("attachment; filename=\"{}\"",
                      exports::FileName(*format, q.filter, dashboard)));
  res.set(http::field::cache_control, "no-store");
  switch (*format) {
    case Format::kKpisCsv:
    case Format::kTrendsCsv: {
      // Small and a pure function of (snapshot, scope, query, options): cached like the API.
      std::string route_key = fmt::format("export/{}\nsettings={}", static_cast<int>(*format),
                                          settings.version);
      AppendOptionsKey(route_key, *options);
      const std::string query_key = QueryCacheKey(q);
      const ResponseCache::Key key{generation, snapshot, route_key, query_key, false};
      const bool cached = cache && !pushdown;  // a database's answers are never cached
      std::shared_ptr<const std::string> body = cached ? cache->Get(key) : nullptr;
      if (body == nullptr) {
        body = std::make_shared<const std::string>(*format == Format::kKpisCsv
                                                       ? exports::KpisCsv(dashboard)
                                                       : exports::TrendsCsv(dashboard));
        if (cached) cache->Put(key, body);
      }
      res.body() = *body;
      return;
    }
    case Format::kRowsCsv: {
      // Streamed: the transport asks for a piece at a time (Handle gathers them).
      auto writer = std::make_shared<exports::RowsCsvWriter>(std::move(snapshot), q);
      stream = [writer](std::string& chunk) { return writer->Next(chunk); };
      return;
    }
    case Format::kXlsx:
    case Format::kPdf: {
      // `rows=0` leaves the Rows sheet out of the workbook.
      const bool include_rows = std::none_of(params->begin(), params->end(), [](const auto& kv) {
        return kv.first == "rows" && kv.second == "0";
      });
      const exports::ReportInput input{std::move(snapshot), q, std::move(dashboard), StampTime(),
                                       std::move(pushdown_report)};
      auto bytes = *format == Format::kXlsx
                       ? exports::XlsxReport(input, exports::XlsxOptions{include_rows})
                       : exports::PdfReport(input);
      if (!bytes) {
        res.erase(http::field::content_disposition);
        SetError(res, path, http::status::internal_server_error, "export_failed",
                 bytes.error().message);
        return;
      }
      res.body() = std::move(*bytes);
      return;
    }
  }
}

}  // namespace keeta::web
