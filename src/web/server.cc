// The Beast transport (after Beast's advanced async server example): one acceptor, a pool
// of I/O threads running one io_context, one Session per connection on its own strand,
// and a pool of worker threads that compute responses. A session handles one request at a
// time (pipelined requests wait in its bounded buffer), so requests on one connection are
// answered in order. What it promises (limits, shutdown) is docs/server.md.
#include "web/server.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <filesystem>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <spdlog/async.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "store/data_source.h"
#include "store/dataset_holder.h"
#include "store/sql/db_source.h"
#include "store/sql/db_url.h"
#include "store/sql/pushdown.h"
#include "store/sql/rollup.h"
#include "store/file_watcher.h"
#include "auth/authenticator.h"
#include "state/sqlite_state_store.h"
#include "web/security_headers.h"
#include "web/query_string.h"
#include "web/utf8_text.h"

namespace keeta::web {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// A log sink writing to stdout through stdio's buffer: a line per request must not cost a
// write(2) each. The buffer is flushed on warnings and every second by Serve's housekeeping
// thread; a terminal is line-buffered by stdio anyway. Thread-safety: base_sink's mutex.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

// The process-wide logger for access lines and server events: formatting happens on the
// calling thread, writing on a background thread, so a slow stdout never stalls requests
// (when the queue is full the oldest lines are dropped rather than blocking).
std::shared_ptr<spdlog::logger> ServerLogger() {
  static const auto pool = std::make_shared<spdlog::details::thread_pool>(8192, 1);
  static const auto logger = [] {
    auto log = std::make_shared<spdlog::async_logger>(
        "keeta.http", std::make_shared<BufferedStdoutSink>(), pool,
        spdlog::async_overflow_policy::overrun_oldest);
    log->set_pattern("%Y-%m-%dT%H:%M:%S.%e %v");
    log->flush_on(spdlog::level::warn);
    return log;
  }();
  return logger;
}

// Over a connection cap: canned answers that fit any socket buffer at once.
constexpr std::string_view kBusyResponse =
    "HTTP/1.1 503 Service Unavailable\r\nServer: keeta\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n"
    "Retry-After: 1\r\nConnection: close\r\nContent-Length: 21\r\n\r\n"
    "too many connections\n";
constexpr std::string_view kBusyAddressResponse =
    "HTTP/1.1 503 Service Unavailable\r\nServer: keeta\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n"
    "Retry-After: 1\r\nConnection: close\r\nContent-Length: 38\r\n\r\n"
    "too many connections from one address\n";

// "127.0.0.1:5000" / "[::1]:5000".
std::string HostPort(const std::string& host, unsigned short port) {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

// A live connection as the server's registry sees it (an HTTP session or a live WebSocket).
class Connection {
 public:
  virtual ~Connection() = default;
  // From Server::Stop: finish what was already received, then close.
  virtual void Shutdown() = 0;
};

// Descriptors kept free for everything but connections (data reloads, the log, epoll,
// timers, the spare below): the connection cap is RLIMIT_NOFILE minus these.
constexpr std::size_t kReservedDescriptors = 64;

// The connection cap in force: the configured one, lowered to fit the descriptor limit.
std::size_t DescriptorAwareCap(std::size_t configured) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
    return configured;
  }
  const auto soft = static_cast<std::size_t>(limit.rlim_cur);
  const std::size_t room = soft > 2 * kReservedDescriptors ? soft - kReservedDescriptors
                                                           : std::max<std::size_t>(soft / 2, 1);
  return std::min(configured, room);
}

using WorkGuard = net::executor_work_guard<beast::tcp_stream::executor_type>;

// Reading and discarding after a refusal (see Session::Linger).
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kLingerBytes = 256 * 1024;

// Requests answered on the I/O thread rather than the worker pool: the liveness probe,
// so that it stays fast however busy the workers are.
bool AnsweredInline(std::string_view target) {
  return target == "/healthz" || target.starts_with("/healthz?");
}

// State shared by the acceptor and every session. Lives until every I/O thread is joined.
// Thread-safety: the acceptor and timers live on one strand (Stop posts to it); the session
// registry and connection counts are under sessions_mu_; flags are atomics; the rest is
// immutable after Listen.
class ServerCore {
 public:
  ServerCore(AsyncRequestHandler handler, const ServerOptions& options, LiveEndpoint live)
      : handler_(std::move(handler)),
        options_(options),
        live_(std::move(live)),
        hosts_(options.allowed_hosts),
        log_(options.access_log ? ServerLogger() : nullptr),
        connection_cap_(DescriptorAwareCap(options.max_connections)),
        workers_(options.workers != 0 ? options.workers
                                      : std::max(1u, std::thread::hardware_concurrency())),
        acceptor_(net::make_strand(ioc_)),
        grace_timer_(acceptor_.get_executor()) {}

  // --tls-cert/--tls-key: every connection speaks TLS (an Error when they cannot be read).
  Result<bool> LoadTls();
  net::ssl::context* tls() { return tls_ ? &*tls_ : nullptr; }
  // After a hard stop the io_context destroys leftover sessions as it goes; they must not
  // post to the (already destroyed) acceptor strand then.
  ~ServerCore() {
    destroying_.store(true, std::memory_order_release);
    if (spare_fd_ >= 0) ::close(spare_fd_);
  }

  Result<bool> Listen();
  void Run(unsigned threads);
  void Stop();
  void Join();
  unsigned short port() const { return port_; }
  std::size_t connection_cap() const { return connection_cap_; }

  // For sessions.
  const AsyncRequestHandler& handler() const { return handler_; }
  const ServerOptions& options() const { return options_; }
  const LiveEndpoint& live() const { return live_; }
  const AllowedHosts* allowed_hosts() const {
    return options_.restrict_hosts ? &hosts_ : nullptr;
  }
  net::thread_pool& workers() { return workers_; }
  spdlog::logger* log() const { return log_.get(); }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void Register(Connection* connection, std::weak_ptr<Connection> weak);
  void Unregister(Connection* connection);

  // One admitted connection's place under the caps; released when destroyed. Moves from
  // an HTTP session to the live WebSocket it upgrades to.
  class Slot {
   public:
    Slot(ServerCore& core, net::ip::address peer) : core_(&core), peer_(std::move(peer)) {}
    Slot(Slot&& other) noexcept
        : core_(std::exchange(other.core_, nullptr)), peer_(std::move(other.peer_)) {}
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (core_ != nullptr) core_->Release(peer_);
    }

   private:
    ServerCore* core_;
    net::ip::address peer_;
  };

 private:
  enum class Admission { kAdmitted, kServerFull, kAddressFull };
  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  void AcceptWithSpareDescriptor();
  void Admit(tcp::socket socket);
  Admission Reserve(const net::ip::address& peer);
  void RejectBusy(tcp::socket socket, Admission why);
  void Release(const net::ip::address& peer);
  void CheckDrained();

  // Declared before the io_context: sessions destroyed with its pending handlers (after
  // a hard stop) still unregister here.
  const AsyncRequestHandler handler_;
  const ServerOptions options_;
  const LiveEndpoint live_;
  const AllowedHosts hosts_;
  const std::shared_ptr<spdlog::logger> log_;
  const std::size_t connection_cap_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> destroying_{false};
  std::mutex sessions_mu_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> sessions_;  // open connections
  std::size_t connections_ = 0;  // slots held, including connections still starting
  std::map<net::ip::address, std::size_t> per_address_;

  net::io_context ioc_;
  // After the io_context: destroyed (joined) first, while the strands it posts to exist.
  net::thread_pool workers_;
  tcp::acceptor acceptor_;      // on a strand, with grace_timer_ and CheckDrained
  net::steady_timer grace_timer_;
  net::steady_timer retry_timer_{acceptor_.get_executor()};
  std::optional<net::ssl::context> tls_;  // set once before Run; read-only afterwards
  int spare_fd_ = -1;  // given up to accept (and refuse) a client when out of descriptors
  unsigned short port_ = 0;
  std::vector<std::thread> threads_;
  std::mutex join_mu_;
};

// The byte streams a connection runs over: plain TCP, or TLS over it (--tls-cert).
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
template <class Stream>
inline constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

template <class Stream>
class LiveSession;

// One connection: read a request, answer it, repeat while keep-alive. All its handlers run
// on its strand, so its members need no locks; the request handler runs on a worker
// thread while no I/O is outstanding on the session.
template <class Stream>
class Session final : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  // `args`: the socket, and for TLS the server's SSL context.
  template <class... StreamArgs>
  Session(ServerCore& server, ServerCore::Slot slot, net::ip::address peer, StreamArgs&&... args)
      : stream_(std::forward<StreamArgs>(args)...),
        server_(server),
        slot_(std::move(slot)),
        buffer_(server.options().limits.read_buffer_bytes) {
    context_.peer = std::move(peer);
    context_.tls = kIsTls<Stream>;
  }
  ~Session() override { server_.Unregister(this); }

  void Start() {
    server_.Register(this, this->weak_from_this());
    if constexpr (kIsTls<Stream>) {
      // The handshake is bounded like a request: a client that stalls in it is dropped.
      Lowest().expires_after(server_.options().read_timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Close();
                                self->NextRequest();
                              });
    } else {
      net::dispatch(stream_.get_executor(),
                    beast::bind_front_handler(&Session::NextRequest, this->shared_from_this()));
    }
  }

  // From Server::Stop. Shutting down the receive side ends the connection without losing
  // a request: a pending read still returns what the peer already sent, then end of
  // stream; a request in progress finishes.
  void Shutdown() override {
    net::dispatch(stream_.get_executor(),
                  [self = this->shared_from_this()] { self->ShutdownReceive(); });
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  void ShutdownReceive() {
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_receive, ignored);
  }

  void NextRequest() {
    const ServerOptions& options = server_.options();
    if (server_.stopping()) ShutdownReceive();  // answer what was sent, nothing more
    parser_.emplace();
    ConfigureParser(*parser_, options.limits);
    header_checked_ = false;
    // Waiting for a keep-alive request is bounded by the idle timeout; once its first bytes
    // arrive (or for a new connection) the read timeout applies.
    request_timer_set_ = first_request_ || buffer_.size() != 0;
    Lowest().expires_after(request_timer_set_ ? options.read_timeout : options.idle_timeout);
    first_request_ = false;
    Read();
  }

  void Read() {
    http::async_read_some(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    if (!header_checked_ && parser_->is_header_done()) {
      if (auto refused = CheckHeader(*parser_, server_.allowed_hosts())) {
        return Refuse(std::move(*refused));
      }
      header_checked_ = true;
      header_fields_ = CountFields(parser_->get().base());
    }
    if (!parser_->is_done()) {
      if (!request_timer_set_ && parser_->got_some()) {
        Lowest().expires_after(server_.options().read_timeout);
        request_timer_set_ = true;
      }
      return Read();
    }
    if (auto refused = CheckComplete(*parser_, header_fields_)) return Refuse(std::move(*refused));
    started_ = Clock::now();
    request_ = parser_->release();
    if (server_.live().hub && websocket::is_upgrade(request_) &&
        SplitTarget(request_.target()).path == kLivePath) {
      return Upgrade();
    }
    Dispatch();
  }

  // A WebSocket upgrade to the live route: admitted connections leave this session for a
  // LiveSession (this one ends here, handing over its stream and slot); a refusal is an
  // ordinary response.
  void Upgrade() {
    const LiveEndpoint& live = server_.live();
    std::variant<LiveView, Response> admitted = live.admit(request_, context_);
    if (auto* refusal = std::get_if<Response>(&admitted)) return Send(std::move(*refusal));
    if (server_.stopping() || live.hub->full()) {
      Response busy = PlainResponse(http::status::service_unavailable, "too many live connections\n");
      busy.set(http::field::retry_after, "1");
      return Send(std::move(busy));
    }
    std::make_shared<LiveSession<Stream>>(std::move(stream_), server_, std::move(*slot_),
                                          std::move(std::get<LiveView>(admitted)),
                                          std::move(request_))
        ->Start();
    slot_.reset();
  }

  // Runs the handler: inline for the cheap liveness probe, else on the worker pool so
  // that rendering never holds an I/O thread. The work guard keeps the io_context running
  // until the answer is back on this session's strand.
  void Dispatch() {
    if (AnsweredInline(request_.target())) return Answer();
    net::post(server_.workers(), [self = this->shared_from_this()] { self->Answer(); });
  }

  // Asks the handler; its answer comes back on this session's strand (at once, or later
  // from another thread). An escaping exception (a bug) becomes a 500, never a dead thread.
  void Answer() {
    auto work = std::make_shared<WorkGuard>(net::make_work_guard(stream_.get_executor()));
    auto reply = [self = this->shared_from_this(), work](Reply res) {
      net::dispatch(self->stream_.get_executor(),
                    [self, res = std::move(res)]() mutable { self->Send(std::move(res)); });
    };
    try {
      server_.handler()(request_, context_, reply);
    } catch (const std::exception& e) {
      if (spdlog::logger* log = server_.log()) log->error("handler failed: {}", e.what());
      reply(PlainResponse(http::status::internal_server_error, "internal error\n"));
    }
  }

  static Response PlainResponse(http::status status, std::string body) {
    Response res{status, 11};
    res.set(http::field::server, "keeta");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    SetSecurityHeaders(res, kIsTls<Stream>);
    res.body() = std::move(body);
    res.prepare_payload();
    res.keep_alive(false);
    return res;
  }

  void OnReadError(beast::error_code ec) {
    auto refused = RejectionForReadError(ec, parser_->is_header_done());
    if (!refused) return Close();
    Refuse(std::move(*refused));
  }

  // A malformed, oversized or refused request: answer and close (the byte stream cannot
  // be resynchronised).
  void Refuse(Rejection rejection) {
    started_ = Clock::now();
    request_ = {};
    request_.method_string("-");
    request_.target("-");
    if (parser_->is_header_done()) {
      request_.method(parser_->get().method());
      request_.target(parser_->get().target());
    }
    refused_ = true;
    Send(PlainResponse(rejection.status, rejection.message + "\n"));
  }

  void Send(Reply reply) {
    // While stopping, a connection closes after its last request already received.
    if (server_.stopping() && buffer_.size() == 0 && Unread() == 0) {
      reply.response.keep_alive(false);
    }
    response_ = std::move(reply.response);
    if (reply.stream) return SendStream(std::move(reply.stream));
    const bool close = response_.need_eof();
    Lowest().expires_after(server_.options().read_timeout);  // a stalled reader is dropped
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::OnWrite, this->shared_from_this(), close));
  }

  // A streamed body: the header, then each piece as it is produced, as an HTTP/1.1 chunk
  // (to an HTTP/1.0 client: the bare bytes, then the connection closes). One piece in
  // memory at a time; a stalled reader is dropped by the same timeout as any write.
  void SendStream(BodyStream body) {
    body_ = std::move(body);
    chunked_ = request_.version() >= 11;
    if (!chunked_) response_.keep_alive(false);
    stream_head_.emplace(response_.base());
    stream_head_->chunked(chunked_);
    head_serializer_.emplace(*stream_head_);
    Lowest().expires_after(server_.options().read_timeout);
    http::async_write_header(stream_, *head_serializer_,
                             beast::bind_front_handler(&Session::OnPieceWritten, this->shared_from_this()));
  }

  void OnPieceWritten(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec || !body_) return EndStream(ec);
    bool more = false;
    try {
      more = body_(piece_);
    } catch (const std::exception& e) {  // a bug: the peer sees a truncated body
      if (spdlog::logger* log = server_.log()) log->error("body stream failed: {}", e.what());
      return EndStream(net::error::operation_aborted);
    }
    Lowest().expires_after(server_.options().read_timeout);
    auto next = beast::bind_front_handler(&Session::OnPieceWritten, this->shared_from_this());
    if (!more) {
      body_ = nullptr;
      if (!chunked_) return EndStream({});
      return net::async_write(stream_, http::make_chunk_last(), std::move(next));
    }
    streamed_bytes_ += piece_.size();
    if (chunked_) return net::async_write(stream_, http::make_chunk(net::buffer(piece_)), std::move(next));
    net::async_write(stream_, net::buffer(piece_), std::move(next));
  }

  void EndStream(beast::error_code ec) {
    body_ = nullptr;
    head_serializer_.reset();
    stream_head_.reset();
    piece_ = std::string();
    OnWrite(!chunked_ || !response_.keep_alive(), ec, 0);
  }

  // Bytes the peer sent that are still in the socket's receive buffer.
  std::size_t Unread() {
    beast::error_code ec;
    const std::size_t n = Lowest().socket().available(ec);
    return ec ? 0 : n;
  }

  void OnWrite(bool close, beast::error_code ec, std::size_t /*bytes*/) {
    if (spdlog::logger* log = server_.log()) {
      const auto micros =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_);
      log->info("{} {} {} {}B {}us{}", SanitizedForLog(request_.method_string()),
                SanitizedForLog(request_.target()), response_.result_int(),
                response_.body().size() + streamed_bytes_, micros.count(),
                ec ? " (write failed)" : "");
    }
    if (!ec && refused_) return Linger();
    if (ec || close) return Close();
    response_ = {};  // release the body now, not at the next response
    streamed_bytes_ = 0;
    request_ = {};
    NextRequest();
  }

  // After refusing a request the peer may still be sending it. Closing a socket with
  // unread input sends a reset, which can destroy our answer before the peer reads it; so
  // stop sending, then read and discard for a bounded time and amount, then close.
  void Linger() {
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Lowest().expires_after(kLingerTime);
    linger_left_ = kLingerBytes;
    LingerRead();
  }

  void LingerRead() {
    stream_.async_read_some(
        net::buffer(linger_scratch_),
        [self = this->shared_from_this()](beast::error_code ec, std::size_t bytes) {
          if (ec || bytes >= self->linger_left_) return self->Close();
          self->linger_left_ -= bytes;
          self->LingerRead();
        });
  }

  void Close() {
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Lowest().socket().close(ignored);
  }

  Stream stream_;
  ServerCore& server_;
  std::optional<ServerCore::Slot> slot_;  // empty once handed to a LiveSession
  beast::flat_buffer buffer_;  // bounded: see RequestLimits::read_buffer_bytes
  std::optional<RequestParser> parser_;
  Request request_;
  RequestContext context_;
  Response response_;
  // A streamed body in progress (SendStream): its producer, header and current piece.
  BodyStream body_;
  std::optional<http::response<http::empty_body>> stream_head_;
  std::optional<http::response_serializer<http::empty_body>> head_serializer_;
  std::string piece_;
  std::size_t streamed_bytes_ = 0;
  bool chunked_ = true;
  Clock::time_point started_;
  std::size_t header_fields_ = 0;
  std::size_t linger_left_ = 0;
  std::array<char, 4096> linger_scratch_{};
  bool refused_ = false;
  bool header_checked_ = false;
  bool first_request_ = true;
  bool request_timer_set_ = false;
};

// One live dashboard WebSocket (kLivePath): subscribed to the hub with its Query, it writes
// every message the hub delivers. A client reading slowly gets only the newest message: at
// most one is being written and one waits (replaced by any newer one), so memory per
// connection is bounded however far behind it falls. Beast's keep-alive pings and idle
// timeout drop a dead peer. Messages from the client are read (pongs and close frames need
// a pending read) and ignored. All handlers run on the connection's strand.
template <class Stream>
class LiveSession final : public Connection,
                          public LiveHub::Subscriber,
                          public std::enable_shared_from_this<LiveSession<Stream>> {
 public:
  LiveSession(Stream&& stream, ServerCore& server, ServerCore::Slot slot, LiveView view,
              Request request)
      : ws_(std::move(stream)),
        server_(server),
        slot_(std::move(slot)),
        view_(std::move(view)),
        request_(std::move(request)) {}
  ~LiveSession() override {
    server_.live().hub->Unsubscribe(this);
    server_.Unregister(this);
  }

  void Start() {
    server_.Register(this, this->weak_from_this());
    const ServerOptions& options = server_.options();
    beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts apply
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options.read_timeout;
    timeouts.idle_timeout = options.live_idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "keeta"); }));
    ws_.read_message_max(kMaxClientMessage);
    ws_.text(true);
    // One frame per message, in one gathered write: Beast's default cuts a message into
    // 4 KB frames, one write each, which for a year of trends is ~20 writes per client
    // per update and dominated the fan-out to many clients.
    ws_.auto_fragment(false);
    ws_.async_accept(request_,
                     beast::bind_front_handler(&LiveSession::OnAccept, this->shared_from_this()));
  }

  void Deliver(const LiveHub::Message& message) override {
    net::post(ws_.get_executor(), [self = this->shared_from_this(), message] { self->Offer(message); });
  }

  void Shutdown() override {
    net::dispatch(ws_.get_executor(), [self = this->shared_from_this()] { self->Close(); });
  }

 private:
  static constexpr std::size_t kMaxClientMessage = 4096;
  static constexpr std::chrono::seconds kCloseTimeout{1};

  void OnAccept(beast::error_code ec) {
    if (spdlog::logger* log = server_.log()) {
      log->info("{} {} {} live{}", SanitizedForLog(request_.method_string()),
                SanitizedForLog(request_.target()),
                ec ? 400 : 101, ec ? " (handshake failed)" : "");
    }
    request_ = {};
    if (ec) return;
    if (server_.stopping()) return Close();
    if (!server_.live().hub->Subscribe(this->shared_from_this(), view_)) {
      closing_ = true;  // the cap was reached meanwhile
      ws_.async_close(websocket::close_reason(websocket::close_code::try_again_later),
                      [self = this->shared_from_this()](beast::error_code) {});
      return;
    }
    Read();
  }

  void Read() {
    ws_.async_read(incoming_, beast::bind_front_handler(&LiveSession::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return End();  // closed, timed out (no pong), or a protocol error
    incoming_.clear();
    Read();
  }

  void Offer(const LiveHub::Message& message) {
    if (ended_ || closing_ || message.sequence <= latest_) return;
    latest_ = message.sequence;
    if (writing_) {
      waiting_ = message;  // replaces an older unsent one
      return;
    }
    Write(message);
  }

  void Write(LiveHub::Message message) {
    writing_ = true;
    in_flight_ = std::move(message);
    ws_.async_write(net::buffer(*in_flight_.text),
                    beast::bind_front_handler(&LiveSession::OnWrite, this->shared_from_this()));
  }

  void OnWrite(beast::error_code ec, std::size_t /*bytes*/) {
    writing_ = false;
    in_flight_ = {};
    if (ec) return End();
    if (waiting_.text && !closing_ && !ended_) Write(std::exchange(waiting_, {}));
  }

  void Close() {
    if (closing_ || ended_) return;
    closing_ = true;
    waiting_ = {};
    // A peer that does not answer the close frame promptly is not waited for.
    websocket::stream_base::timeout timeouts{};
    ws_.get_option(timeouts);
    timeouts.handshake_timeout = kCloseTimeout;
    ws_.set_option(timeouts);
    ws_.async_close(websocket::close_reason(websocket::close_code::going_away),
                    [self = this->shared_from_this()](beast::error_code) {});
  }

  // The connection is over: stop receiving messages (the object goes when its last
  // pending handler does).
  void End() {
    if (ended_) return;
    ended_ = true;
    waiting_ = {};
    server_.live().hub->Unsubscribe(this);
  }

  websocket::stream<Stream> ws_;
  ServerCore& server_;
  ServerCore::Slot slot_;
  const LiveView view_;
  Request request_;  // the upgrade request, until the handshake is done
  beast::flat_buffer incoming_;
  LiveHub::Message in_flight_;
  LiveHub::Message waiting_;
  std::uint64_t latest_ = 0;  // sequence of the newest message accepted
  bool writing_ = false;
  bool closing_ = false;
  bool ended_ = false;
};

Result<bool> ServerCore::LoadTls() {
  if (options_.tls_cert.empty() && options_.tls_key.empty()) return true;
  if (options_.tls_cert.empty() || options_.tls_key.empty()) {
    return Error{"TLS needs both --tls-cert and --tls-key", "tls-cert"};
  }
  net::ssl::context tls(net::ssl::context::tls_server);
  tls.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                  net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                  net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  beast::error_code ec;
  tls.use_certificate_chain_file(options_.tls_cert, ec);
  if (ec) {
    return Error{fmt::format("--tls-cert '{}': {}", options_.tls_cert, ec.message()), "tls-cert"};
  }
  tls.use_private_key_file(options_.tls_key, net::ssl::context::pem, ec);
  if (ec) {
    // The message names the file, never its contents.
    return Error{fmt::format("--tls-key '{}': {}", options_.tls_key, ec.message()), "tls-key"};
  }
  tls_.emplace(std::move(tls));
  return true;
}

Result<bool> ServerCore::Listen() {
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  const auto endpoints =
      resolver.resolve(options_.host, std::to_string(options_.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Error{fmt::format("cannot resolve host '{}': {}", options_.host, ec.message()),
                 "host"};
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  const std::string where = HostPort(options_.host, options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (ec) return Error{fmt::format("cannot listen on {}: {}", where, ec.message()), "port"};
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Error{fmt::format("cannot listen on {}: {}", where, ec.message()), "port"};
  port_ = acceptor_.local_endpoint().port();
  spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return true;
}

void ServerCore::Run(unsigned threads) {
  net::dispatch(acceptor_.get_executor(), [this] { Accept(); });
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
}

void ServerCore::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(
                                                     &ServerCore::OnAccept, this));
}

void ServerCore::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (stopping()) {
    // Accepted just before the stop: a client that may have sent a request; drain it.
    if (!ec) Admit(std::move(socket));
    return;
  }
  if (ec == net::error::operation_aborted) return;
  if (ec == net::error::no_descriptors || ec.value() == ENFILE) {
    AcceptWithSpareDescriptor();
  } else if (ec) {
    // Something else (e.g. out of memory): back off briefly instead of spinning.
    if (log_) log_->warn("accept failed: {}", ec.message());
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && !stopping()) Accept();
    });
    return;
  } else {
    Admit(std::move(socket));
  }
  Accept();
}

// Out of descriptors although under the cap (something else holds them): rather than
// leave the client hanging in the backlog, free the spare descriptor, take the
// connection, answer 503 and close it.
void ServerCore::AcceptWithSpareDescriptor() {
  if (log_) log_->warn("accept failed: out of file descriptors; answering 503");
  if (spare_fd_ >= 0) ::close(spare_fd_);
  beast::error_code ec;
  tcp::socket socket(ioc_);
  acceptor_.non_blocking(true, ec);
  acceptor_.accept(socket, ec);
  acceptor_.non_blocking(false, ec);
  if (socket.is_open()) {
    beast::error_code ignored;
    net::write(socket, net::buffer(kBusyResponse), ignored);  // fits any socket buffer
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
  }
  spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void ServerCore::Admit(tcp::socket socket) {
  beast::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // already gone
  const Admission admission = Reserve(peer.address());
  if (admission != Admission::kAdmitted) return RejectBusy(std::move(socket), admission);
  if (tls_) {
    std::make_shared<Session<TlsStream>>(*this, Slot(*this, peer.address()), peer.address(),
                                         std::move(socket), *tls_)
        ->Start();
  } else {
    std::make_shared<Session<PlainStream>>(*this, Slot(*this, peer.address()), peer.address(),
                                           std::move(socket))
        ->Start();
  }
}

ServerCore::Admission ServerCore::Reserve(const net::ip::address& peer) {
  std::lock_guard lock(sessions_mu_);
  if (connections_ >= connection_cap_) return Admission::kServerFull;
  std::size_t& from_peer = per_address_[peer];
  if (from_peer >= options_.max_connections_per_address) {
    if (from_peer == 0) per_address_.erase(peer);
    return Admission::kAddressFull;
  }
  ++from_peer;
  ++connections_;
  return Admission::kAdmitted;
}

// Over a cap: a canned 503 (fits any socket buffer at once), then close.
void ServerCore::RejectBusy(tcp::socket socket, Admission why) {
  const std::string_view body = why == Admission::kAddressFull ? kBusyAddressResponse
                                                                : kBusyResponse;
  auto shared = std::make_shared<tcp::socket>(std::move(socket));
  net::async_write(*shared, net::buffer(body.data(), body.size()),
                   [shared](beast::error_code, std::size_t) {
                     beast::error_code ignored;
                     shared->shutdown(tcp::socket::shutdown_send, ignored);
                     shared->close(ignored);
                   });
}

void ServerCore::Register(Connection* connection, std::weak_ptr<Connection> weak) {
  std::lock_guard lock(sessions_mu_);
  sessions_.emplace(connection, std::move(weak));
}

void ServerCore::Unregister(Connection* connection) {
  std::lock_guard lock(sessions_mu_);
  sessions_.erase(connection);
}

void ServerCore::Release(const net::ip::address& peer) {
  bool drained;
  {
    std::lock_guard lock(sessions_mu_);
    --connections_;
    if (auto it = per_address_.find(peer); it != per_address_.end() && --it->second == 0) {
      per_address_.erase(it);
    }
    drained = connections_ == 0;
  }
  if (drained && stopping() && !destroying_.load(std::memory_order_acquire)) {
    net::post(acceptor_.get_executor(), [this] { CheckDrained(); });
  }
}

void ServerCore::Stop() {
  if (stopping_.exchange(true, std::memory_order_acq_rel)) return;
  net::post(acceptor_.get_executor(), [this] {
    // Connections the kernel completed before the stop are clients that already sent (or
    // are sending) a request: take them in, they are answered like the rest.
    beast::error_code ec;
    acceptor_.non_blocking(true, ec);
    while (!ec) {
      tcp::socket socket(net::make_strand(ioc_));
      acceptor_.accept(socket, ec);
      if (!ec) Admit(std::move(socket));
    }
    acceptor_.close(ec);
    retry_timer_.cancel();
    std::vector<std::shared_ptr<Connection>> live;
    {
      std::lock_guard lock(sessions_mu_);
      live.reserve(sessions_.size());
      for (auto& [raw, weak] : sessions_) {
        if (auto session = weak.lock()) live.push_back(std::move(session));
      }
    }
    for (auto& session : live) session->Shutdown();
    // The deadline for whatever is still running; cancelled once the last session ends.
    grace_timer_.expires_after(options_.shutdown_grace);
    grace_timer_.async_wait([this](beast::error_code wait_ec) {
      if (wait_ec) return;
      if (log_) log_->warn("shutdown grace period over: closing remaining connections");
      ioc_.stop();
    });
    CheckDrained();
  });
}

// On the acceptor's strand: once no session is left, nothing keeps the threads running.
void ServerCore::CheckDrained() {
  std::lock_guard lock(sessions_mu_);
  if (connections_ == 0) grace_timer_.cancel();
}

void ServerCore::Join() {
  std::lock_guard lock(join_mu_);
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  workers_.join();
}

}  // namespace

struct Server::Impl {
  std::unique_ptr<ServerCore> core;
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Stop();
  Wait();
}

Result<std::unique_ptr<Server>> Server::Start(RequestHandler handler,
                                              const ServerOptions& options, LiveEndpoint live) {
  return Start(
      [handler = std::move(handler)](const Request& req, const RequestContext&,
                                     Completion done) { done(handler(req)); },
      options, std::move(live));
}

Result<std::unique_ptr<Server>> Server::Start(AsyncRequestHandler handler,
                                              const ServerOptions& options, LiveEndpoint live) {
  auto impl = std::make_unique<Impl>();
  impl->core = std::make_unique<ServerCore>(std::move(handler), options, std::move(live));
  if (auto tls = impl->core->LoadTls(); !tls) return tls.error();
  auto listening = impl->core->Listen();
  if (!listening) return listening.error();
  const unsigned threads =
      options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  impl->core->Run(threads);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

unsigned short Server::port() const { return impl_->core->port(); }
std::size_t Server::connection_cap() const { return impl_->core->connection_cap(); }
void Server::Stop() { impl_->core->Stop(); }
void Server::Wait() { impl_->core->Join(); }

namespace {

// An eventfd that ends a poll() on the source's descriptor when the housekeeper stops.
class WakeFd {
 public:
  WakeFd() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~WakeFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  WakeFd(const WakeFd&) = delete;
  WakeFd& operator=(const WakeFd&) = delete;
  int get() const { return fd_; }
  void Signal() {
    const std::uint64_t one = 1;
    if (fd_ >= 0) [[maybe_unused]] const auto n = ::write(fd_, &one, sizeof one);
  }

 private:
  int fd_;
};

// The server's background chores until stopped: reloads the source when it changes and
// publishes new snapshots (a failed reload keeps the last good data; the holder records the
// error and the page shows it), and flushes the log's stdout buffer every second.
//
// A change is noticed through inotify (FileWatcher) at once: after the events stop for
// kDebounce (or kMaxDebounce after the first, for a writer that never pauses) the source is
// looked at, and again at that cadence while it settles, so a complete new version (the
// source's rule) is loaded within a few debounce periods. A database's notification is
// looked at as soon as it comes. Looking every `interval` stays as
// a safety net (filesystems without inotify, e.g. NFS; retries after transient errors).
// Thread-safety: owns one thread; the source is only ever used from it once started.
class Housekeeper {
 public:
  Housekeeper(DataSource& source, DatasetHolder& holder, std::chrono::milliseconds interval,
              const std::string& watch_path, spdlog::logger& log)
      : source_(source), holder_(holder), interval_(interval), log_(log) {
    if (interval_.count() > 0 && !watch_path.empty()) {
      auto watcher = FileWatcher::Create(watch_path);
      if (watcher) {
        watcher_ = std::move(*watcher);
      } else {
        log_.warn("not watching for changes ({}); looking every {} ms instead",
                  watcher.error().message, interval_.count());
      }
    }
    thread_ = std::thread([this] { Loop(); });
  }
  ~Housekeeper() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (watcher_) watcher_->Wake();
    wake_.Signal();
    thread_.join();
  }

  // Where reload durations and failures are counted (GET /metrics).
  void ReportTo(Metrics::Value* load_seconds, Metrics::Value* reload_failures) {
    load_seconds_ = load_seconds;
    reload_failures_ = reload_failures;
  }

 private:
  static constexpr std::chrono::milliseconds kFlushInterval{1000};
  static constexpr std::chrono::milliseconds kDebounce{10};
  static constexpr std::chrono::milliseconds kMaxDebounce{100};
  // After a change, keep looking at the debounce cadence for this long: the source's rule
  // wants a new version unchanged for a while (store/complete_file.h: 0.5 s, or 5 s
  // without a final newline) before it loads it.
  // (A time, not a count of looks: events about other files in the folder wake the loop
  // early, which would use a count up in no time.)
  static constexpr std::chrono::milliseconds kSettleWindow{6000};

  bool Done() {
    std::lock_guard lock(mu_);
    return done_;
  }

  // Waits up to `timeout` for a change (true) or the end (done_).
  bool WaitForChange(std::chrono::milliseconds timeout) {
    if (watcher_) return watcher_->Wait(timeout) == FileWatcher::Event::kChanged;
    if (const int fd = source_.ChangeFd(); fd >= 0) {
      // A database's notifications: readable when one may have come; woken to stop.
      pollfd fds[2] = {{fd, POLLIN, 0}, {wake_.get(), POLLIN, 0}};
      const int ready = ::poll(fds, 2, static_cast<int>(timeout.count()));
      return ready > 0 && (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [this] { return done_; });
    return false;
  }

  void Loop() {
    const bool reloads = interval_.count() > 0;
    auto next_look = Clock::now() + interval_;
    auto next_flush = Clock::now() + kFlushInterval;
    bool pending = false;           // a change event not yet looked at
    Clock::time_point pending_since;  // when the first of them came
    Clock::time_point settle_until;   // looking at the debounce cadence until then
    while (!Done()) {
      const auto now = Clock::now();
      const bool settling = now < settle_until;
      auto wake = next_flush;
      if (reloads) wake = std::min(wake, next_look);
      if (pending || settling) wake = std::min(wake, now + kDebounce);
      const auto timeout = std::chrono::ceil<std::chrono::milliseconds>(
          std::max(Clock::duration::zero(), wake - now));
      const bool changed = WaitForChange(timeout);
      if (Done()) break;
      if (changed && reloads) {
        if (!pending) pending_since = Clock::now();
        pending = true;
        // A file is written in bursts: let the writer finish. A database's notification
        // stands for a committed change (and its descriptor stays readable until the
        // source reads it): look at once.
        if (watcher_ && Clock::now() - pending_since < kMaxDebounce) continue;
      }
      if (pending || settling) {
        // Quiet for kDebounce (or busy for kMaxDebounce): look; keep looking a while, as
        // the source wants the new version to stay unchanged for a while.
        if (pending) settle_until = Clock::now() + kSettleWindow;
        pending = false;
        if (MaybeReload()) settle_until = {};
        next_look = Clock::now() + interval_;
      }
      if (reloads && Clock::now() >= next_look) {
        MaybeReload();
        next_look = Clock::now() + interval_;
      }
      if (Clock::now() >= next_flush) {
        log_.flush();
        next_flush = Clock::now() + kFlushInterval;
      }
    }
  }

  // True when a load was attempted.
  bool MaybeReload() {
    if (!source_.MaybeChanged()) return false;
    const auto started = Clock::now();
    auto loaded = source_.Load();
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    if (loaded && *loaded == nullptr) return true;  // changed again before it was read
    if (loaded) {
      const std::size_t rows = (*loaded)->rows();
      const bool rebuilt = (*loaded)->segments() == 1;
      holder_.Publish(std::move(*loaded));
      // A snapshot built anew freed the old one's columns: hand the pages back rather than
      // keep a second dataset's worth of free heap for the life of the process. (An append
      // shares the old columns and frees little; trimming a large heap costs milliseconds.)
      if (rebuilt) ::malloc_trim(0);
      if (Metrics::Value* gauge = load_seconds_.load()) {
        gauge->Set(std::chrono::duration<double>(Clock::now() - started).count());
      }
      log_.info("reloaded {}: {} rows in {} ms", SanitizedForLog(source_.Describe()), rows,
                millis.count());
    } else {
      // Recorded before it is logged: whoever reads the log line sees the API say stale.
      holder_.RecordError(loaded.error().message);
      if (Metrics::Value* counter = reload_failures_.load()) counter->Add();
      log_.warn("reload of {} failed (still serving the last good data): {}",
                SanitizedForLog(source_.Describe()), SanitizedForLog(loaded.error().message));
    }
    return true;
  }

  DataSource& source_;
  DatasetHolder& holder_;
  // Set after the thread starts (ReportTo), so read atomically.
  std::atomic<Metrics::Value*> load_seconds_{nullptr};
  std::atomic<Metrics::Value*> reload_failures_{nullptr};
  const std::chrono::milliseconds interval_;
  spdlog::logger& log_;
  std::unique_ptr<FileWatcher> watcher_;
  WakeFd wake_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

namespace {

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

// Who may use the server: accounts from the state file, local mode, or --no-auth. An Error
// when the options contradict each other (e.g. a public address without accounts).
Result<AccessOptions> PrepareAccess(const ServerOptions& options) {
  AccessOptions access;
  access.mode = options.no_auth ? AccessOptions::Mode::kOpen : AccessOptions::Mode::kLocal;
  for (const std::string& range : options.trusted_proxies) {
    auto cidr = Cidr::Parse(range);
    if (!cidr) return cidr.error();
    access.trusted_proxies.push_back(*cidr);
  }
  access.proxy_header = options.auth_proxy_header;
  if (!access.proxy_header.empty() && access.trusted_proxies.empty()) {
    return Error{"--auth-proxy-header needs --trusted-proxy: the addresses whose header is "
                 "believed", "trusted-proxy"};
  }
  // A missing state file means no accounts; serving does not create one.
  std::error_code exists_ec;
  if (!options.no_auth && std::filesystem::exists(options.state_path, exists_ec)) {
    auto store = state::OpenSqliteStateStore(options.state_path);
    if (!store) return store.error();
    auto accounts = (*store)->CountAccounts();
    if (!accounts) return accounts.error();
    if (*accounts > 0) {
      access.mode = AccessOptions::Mode::kAccounts;
      access.auth = std::make_shared<auth::Authenticator>(
          std::shared_ptr<state::StateStore>(std::move(*store)));
    }
  }
  if (access.mode == AccessOptions::Mode::kLocal && !IsLoopbackHost(options.host)) {
    return Error{fmt::format("refusing to serve on '{}' without accounts: anyone could read "
                             "every number. Add an account (keeta users add NAME --role "
                             "admin --state {}), or pass --no-auth to serve openly",
                             options.host, options.state_path),
                 "host"};
  }
  return access;
}

}  // namespace

int Serve(const ServerOptions& options) {
  auto access = PrepareAccess(options);
  if (!access) {
    std::fprintf(stderr, "keeta: %s\n", access.error().message.c_str());
    return 1;
  }
  const bool database = sql::IsDbUrl(options.data_path);
  // mode=pushdown loads nothing: the handler asks the database per request, and there is
  // no source to reload (the holder stays empty).
  std::shared_ptr<sql::PushdownSource> pushdown;
  std::unique_ptr<DataSource> source;
  auto url = sql::ParseDbUrl(options.data_path);  // an error for a file path
  std::optional<sql::DbUrl> pushdown_url;
  if (database && url && url->mode == sql::DbUrl::Mode::kPushdown) {
    pushdown_url = *url;
    pushdown = sql::MakePushdownSource(std::move(*url), options.load, options.data_label);
  } else {
    CsvSourceOptions source_options;
    source_options.label = options.data_label;
    auto made = sql::MakeAnySource(options.data_path, options.load, source_options);
    if (!made) {
      std::fprintf(stderr, "keeta: %s\n", made.error().message.c_str());
      return 1;
    }
    source = std::move(*made);
  }
  const std::string described = pushdown ? pushdown->Describe() : source->Describe();
  const auto metrics = std::make_shared<Metrics>();
  Metrics::Value& load_seconds =
      metrics->Gauge("keeta_load_seconds", "Seconds the last successful (re)load took.");
  Metrics::Value& reload_failures = metrics->Counter(
      "keeta_reload_failures_total", "Reloads that failed (the last good data kept serving).");
  const auto load_started = std::chrono::steady_clock::now();
  auto initial = pushdown ? Result<std::shared_ptr<const Dataset>>(nullptr) : source->Load();
  load_seconds.Set(std::chrono::duration<double>(std::chrono::steady_clock::now() - load_started).count());
  // A database that cannot be read yet is retried in the background, unless reloading is
  // off (--reload-interval-ms 0): then, as for a file, there is nothing to serve.
  if (!initial && (!database || options.reload_interval.count() == 0)) {
    std::fprintf(stderr, "keeta: cannot load %s: %s\n", SanitizedForLog(described).c_str(),
                 SanitizedForLog(initial.error().message).c_str());
    return 1;
  }
  std::shared_ptr<SettingsStore> settings = MakeMemorySettings();
  if (!options.settings_path.empty()) {
    auto opened = OpenSettingsFile(options.settings_path);
    if (!opened) {
      std::fprintf(stderr, "keeta: %s\n", opened.error().message.c_str());
      return 1;
    }
    settings = std::move(*opened);
  }
  // Until a database's first snapshot arrives, the page and the API answer 503 with the
  // reason.
  auto holder = std::make_shared<DatasetHolder>(initial ? std::move(*initial) : nullptr);
  if (!initial) holder->RecordError(initial.error().message);
  const std::shared_ptr<auth::Authenticator> authenticator = access->auth;
  // Local mode answers only for loopback names, IP literals and --allowed-host names.
  ServerOptions serving = options;
  serving.restrict_hosts = access->mode == AccessOptions::Mode::kLocal;
  const auto handler = std::make_shared<const Handler>(
      holder, HandlerOptions{.enable_cache = options.cache, .settings = settings,
                             .access = std::move(*access), .metrics = metrics,
                             .pushdown = pushdown});

  // Signals first, so a SIGINT/SIGTERM arriving during start-up is not lost.
  net::io_context signal_ioc;
  net::signal_set signals(signal_ioc, SIGINT, SIGTERM);

  // Declared before the server, so that it outlives every live connection.
  const auto hub = std::make_shared<LiveHub>(holder, options.max_live_connections);
  metrics->GaugeFunction("keeta_live_clients", "Open live dashboard WebSocket connections.",
                         [weak = std::weak_ptr<LiveHub>(hub)] {
                           const auto h = weak.lock();
                           return h ? static_cast<double>(h->subscribers()) : 0.0;
                         });
  auto server = Server::Start(
      [handler](const Request& req, const RequestContext& ctx, Completion done) {
        handler->HandleAsync(req, ctx, std::move(done));
      },
      serving,
      LiveEndpoint{[handler](const Request& req, const RequestContext& ctx) {
                     return handler->LiveQuery(req, ctx);
                   },
                   hub});
  if (!server) {
    std::fprintf(stderr, "keeta: %s\n", server.error().message.c_str());
    return 1;
  }
  spdlog::logger& log = *ServerLogger();
  if (options.data_path.empty()) log.info("no --data: serving the bundled sample data");
  if (!initial) {
    log.warn("cannot read {} yet (retrying with backoff): {}", SanitizedForLog(described),
             SanitizedForLog(initial.error().message));
  }
  log.info("serving {} ({}, at most {} connections); {}", SanitizedForLog(described),
           pushdown ? std::string("mode=pushdown: each answer asked of the database")
                    : fmt::format("{} rows", initial ? holder->Get()->rows() : 0),
           (*server)->connection_cap(),
           authenticator ? "sign-in required (accounts in " + options.state_path + ")"
           : options.no_auth ? std::string("sign-in off (--no-auth)")
                             : std::string("local mode: no accounts, loopback only"));
  // Watching before the announcement: a change made as soon as the URL is printed (what
  // scripts and tests do) must not fall before the watch exists.
  std::optional<Housekeeper> housekeeper;
  std::optional<sql::RollupKeeper> rollup_keeper;
  if (pushdown_url && options.reload_interval.count() > 0) {
    rollup_keeper.emplace(*pushdown_url, options.load, options.reload_interval, [&log](bool failed, const std::string& line) {
      if (failed) {
        log.warn("{}", SanitizedForLog(line));
      } else {
        log.info("{}", SanitizedForLog(line));
      }
    });
  }
  if (source) {
    housekeeper.emplace(*source, *holder, options.reload_interval,
                        database ? std::string() : options.data_path, log);
    housekeeper->ReportTo(&load_seconds, &reload_failures);
  }
  // The one line scripts wait for: printed directly, complete and flushed.
  std::printf("Keeta dashboard: %s://%s/overall\n", options.tls_cert.empty() ? "http" : "https",
              HostPort(options.host, (*server)->port()).c_str());
  std::fflush(stdout);

  signals.async_wait([&](beast::error_code ec, int signal) {
    if (ec) return;
    log.info("signal {}: stopping (in-flight requests finish)", signal);
    (*server)->Stop();
  });
  signal_ioc.run();
  (*server)->Wait();
  // Sign-ins still being checked answer into sessions that belong to the server: finish
  // them while it still exists.
  if (authenticator) authenticator->StopSignIns();
  log.info("stopped");
  log.flush();
  return 0;
}

}  // namespace keeta::web
