// The Beast transport (web/server.h) over real loopback sockets: keep-alive, pipelining,
// HEAD, limits, malformed requests, the connection cap and graceful stop; and `keeta serve`
// end to end (ready line, a live reload, SIGTERM).
#include "web/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <stdexcept>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "child_process.h"
#include "store/dataset_holder.h"
#include "test_data.h"
#include "web/handler.h"

namespace keeta::web {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using test::Child;
using test::TempCsv;

constexpr std::string_view kCsv =
    "day,agent,team_leader,supervisor,total_chats,csat\n"
    "2025-01-01,Ahmed,Tala,Sara,40,90\n"
    "2025-01-02,Badr,Tala,Sara,38,85\n";

std::shared_ptr<DatasetHolder> FixtureHolder() {
  return std::make_shared<DatasetHolder>(test::DatasetFromCsv(kCsv));
}

// A blocking HTTP/1.1 client connection with a receive timeout, so a broken server fails a
// test instead of hanging it.
class Client {
 public:
  explicit Client(unsigned short port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    timeval tv{20, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  void Send(http::verb verb, std::string_view target,
            std::initializer_list<std::pair<std::string_view, std::string_view>> headers = {}) {
    Request req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) req.set(name, value);
    http::write(socket_, req);
  }
  void SendRaw(std::string_view bytes) { net::write(socket_, net::buffer(bytes)); }

  // Reads one response; `head` for a response to HEAD (no body follows).
  Response Receive(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    parser.skip(head);
    beast::error_code ec;
    http::read(socket_, buffer_, parser, ec);
    EXPECT_FALSE(ec) << ec.message();
    return parser.release();
  }

  Response Get(std::string_view target) {
    Send(http::verb::get, target);
    return Receive();
  }

  // Reads whatever bytes have arrived (at least one), bypassing the HTTP parser.
  std::size_t ReadSomeBytes() {
    char buf[4096];
    beast::error_code ec;
    return socket_.read_some(net::buffer(buf), ec);
  }

  // True when the server has closed the connection (a read sees end of stream).
  bool ClosedByPeer() {
    char byte;
    beast::error_code ec;
    if (buffer_.size() != 0) return false;
    socket_.read_some(net::buffer(&byte, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

ServerOptions TestOptions() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.access_log = false;
  return options;
}

std::unique_ptr<Server> StartOrDie(RequestHandler handler, const ServerOptions& options) {
  auto server = Server::Start(std::move(handler), options);
  if (!server.ok()) {
    ADD_FAILURE() << server.error().message;
    return nullptr;
  }
  return std::move(server).value();
}

RequestHandler RealHandler() {
  auto handler = std::make_shared<const Handler>(FixtureHolder());
  return [handler](const Request& req) { return handler->Handle(req); };
}

// Answers with the request target as the body.
Response Echo(const Request& req) {
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/plain");
  res.body() = std::string(req.target());
  res.prepare_payload();
  res.keep_alive(req.keep_alive());
  return res;
}

TEST(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto server = StartOrDie(RealHandler(), TestOptions());
  ASSERT_NE(server, nullptr);
  ASSERT_NE(server->port(), 0);
  Client client(server->port());
  const Response first = client.Get("/healthz");
  EXPECT_EQ(first.result(), http::status::ok);
  EXPECT_EQ(first.body(), "ok");
  EXPECT_TRUE(first.keep_alive());
  const Response second = client.Get("/api/v1/kpis?agent=Ahmed");
  EXPECT_EQ(second.result(), http::status::ok);
  EXPECT_EQ(nlohmann::json::parse(second.body())["rows"], 1);
  const Response third = client.Get("/overall");
  EXPECT_EQ(third.result(), http::status::ok);
  EXPECT_EQ(third[http::field::server], "keeta");
}

TEST(ServerTest, ErrorsTravelOverTheSocket) {
  auto server = StartOrDie(RealHandler(), TestOptions());
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  const Response page = client.Get("/nope");
  EXPECT_EQ(page.result(), http::status::not_found);
  EXPECT_THAT(std::string(page[http::field::content_type]), StartsWith("text/html"));
  const Response api = client.Get("/api/v1/nope");
  EXPECT_EQ(api.result(), http::status::not_found);
  EXPECT_EQ(nlohmann::json::parse(api.body())["error"]["code"], "not_found");
  client.Send(http::verb::post, "/api/v1/kpis");
  const Response post = client.Receive();
  EXPECT_EQ(post.result(), http::status::method_not_allowed);
  EXPECT_EQ(post[http::field::allow], "GET, HEAD");
  EXPECT_EQ(client.Get("/healthz").body(), "ok");  // the connection is still good
}

TEST(ServerTest, HeadSendsHeadersOnly) {
  auto server = StartOrDie(RealHandler(), TestOptions());
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  const std::size_t size = client.Get("/api/v1/kpis").body().size();
  client.Send(http::verb::head, "/api/v1/kpis");
  const Response head = client.Receive(/*head=*/true);
  EXPECT_EQ(head.result(), http::status::ok);
  EXPECT_EQ(head[http::field::content_length], std::to_string(size));
  EXPECT_TRUE(head.body().empty());
  // Had any body bytes followed the HEAD response, this would read garbage.
  EXPECT_EQ(client.Get("/healthz").body(), "ok");
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.SendRaw(
      "GET /first HTTP/1.1\r\nHost: localhost\r\n\r\n"
      "GET /second HTTP/1.1\r\nHost: localhost\r\n\r\n"
      "GET /third HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(client.Receive().body(), "/first");
  EXPECT_EQ(client.Receive().body(), "/second");
  const Response last = client.Receive();
  EXPECT_EQ(last.body(), "/third");
  EXPECT_FALSE(last.keep_alive());
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST(ServerTest, OversizedHeaderIsRejectedAndClosed) {
  ServerOptions options = TestOptions();
  options.limits.header_bytes = 1024;
  auto server = StartOrDie(Echo, options);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  const std::string pad(4000, 'a');
  client.Send(http::verb::get, "/x", {{"X-Pad", pad}});
  const Response res = client.Receive();
  EXPECT_EQ(res.result(), http::status::request_header_fields_too_large);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST(ServerTest, OversizedBodyIsRejected) {
  ServerOptions options = TestOptions();
  options.limits.body_bytes = 100;
  auto server = StartOrDie(Echo, options);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.SendRaw("GET /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n" +
                 std::string(1000, 'b'));
  EXPECT_EQ(client.Receive().result(), http::status::payload_too_large);
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST(ServerTest, MalformedRequestIs400AndClosed) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.SendRaw("THIS IS NOT HTTP\r\n\r\n");
  const Response res = client.Receive();
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_EQ(res[http::field::server], "keeta");
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST(ServerTest, AThrowingHandlerIsA500NotACrash) {
  auto server = StartOrDie(
      [](const Request& req) -> Response {
        if (req.target() == "/boom") throw std::runtime_error("bug");
        return Echo(req);
      },
      TestOptions());
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  EXPECT_EQ(client.Get("/boom").result(), http::status::internal_server_error);
  EXPECT_TRUE(client.ClosedByPeer());
  Client again(server->port());  // the I/O threads are still serving
  EXPECT_EQ(again.Get("/fine").body(), "/fine");
}

TEST(ServerTest, ConnectionsBeyondTheCapGet503) {
  ServerOptions options = TestOptions();
  options.max_connections = 1;
  auto server = StartOrDie(Echo, options);
  ASSERT_NE(server, nullptr);
  Client first(server->port());
  EXPECT_EQ(first.Get("/a").result(), http::status::ok);  // now surely live
  Client second(server->port());
  const Response busy = second.Receive();
  EXPECT_EQ(busy.result(), http::status::service_unavailable);
  EXPECT_TRUE(second.ClosedByPeer());
  EXPECT_EQ(first.Get("/b").body(), "/b");  // the first is unaffected
}

TEST(ServerTest, StopFinishesInFlightRequestsAndClosesIdleOnes) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto handler = [&, released](const Request& req) {
    if (req.target() == "/slow") {
      entered.set_value();
      released.wait();
    }
    return Echo(req);
  };
  auto server = StartOrDie(handler, TestOptions());
  ASSERT_NE(server, nullptr);
  const unsigned short port = server->port();

  Client idle(port);
  EXPECT_EQ(idle.Get("/warm").body(), "/warm");  // a keep-alive connection, now idle

  Client busy(port);
  busy.Send(http::verb::get, "/slow");
  entered.get_future().wait();  // the request is inside the handler

  server->Stop();
  EXPECT_TRUE(idle.ClosedByPeer());  // idle connections are closed at once

  release.set_value();
  const Response res = busy.Receive();  // the in-flight request still gets its answer
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), "/slow");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(busy.ClosedByPeer());

  server->Wait();
  // Nothing listens any more.
  net::io_context ioc;
  tcp::socket socket(ioc);
  beast::error_code ec;
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  EXPECT_TRUE(ec);
}

TEST(ServerTest, AClientThatStopsReadingIsCutOffAfterTheGracePeriod) {
  ServerOptions options = TestOptions();
  options.shutdown_grace = std::chrono::seconds(1);
  auto server = StartOrDie(
      [](const Request& req) {
        Response res = Echo(req);
        res.body() = std::string(64 << 20, 'x');  // far more than the socket buffers hold
        res.prepare_payload();
        return res;
      },
      options);
  ASSERT_NE(server, nullptr);
  Client stalled(server->port());
  stalled.Send(http::verb::get, "/big");
  EXPECT_GT(stalled.ReadSomeBytes(), 0u);  // the answer is being written; read no more
  Client idle(server->port());
  server->Stop();
  EXPECT_TRUE(idle.ClosedByPeer());
  server->Wait();  // returns: the stalled write is abandoned when the grace period ends
  server.reset();  // and the abandoned session is torn down cleanly
}

TEST(ServerTest, StopIsIdempotentAndDestructionStops) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  server->Stop();
  server->Stop();
  server->Wait();
  server->Wait();
  auto other = StartOrDie(Echo, TestOptions());
  ASSERT_NE(other, nullptr);
  Client client(other->port());
  EXPECT_EQ(client.Get("/x").body(), "/x");
  other.reset();  // the destructor stops and joins with a connection still open
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST(ServerTest, BindFailureIsAnError) {
  auto first = StartOrDie(Echo, TestOptions());
  ASSERT_NE(first, nullptr);
  ServerOptions options = TestOptions();
  options.port = first->port();
  auto second = Server::Start(Echo, options);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.error().message, HasSubstr(std::to_string(first->port())));
  options.host = "no such host name.invalid";
  EXPECT_FALSE(Server::Start(Echo, options).ok());
}

// ---- `keeta serve` end to end --------------------------------------------------------------

TEST(ServeTest, ServesReloadsAndStopsOnSigterm) {
  const auto csv = TempCsv("keeta-serve-test", kCsv);
  Child child({KEETA_BINARY, "serve", "--data", csv.string(), "--host", "127.0.0.1", "--port",
               "0", "--reload-interval-ms", "50"});
  const std::string out = child.ReadUntil("/overall\n");
  const std::string prefix = "Keeta dashboard: http://127.0.0.1:";
  const auto at = out.find(prefix);
  ASSERT_NE(at, std::string::npos) << out;
  const int port = std::stoi(out.substr(at + prefix.size()));
  ASSERT_GT(port, 0);

  Client client(static_cast<unsigned short>(port));
  EXPECT_EQ(nlohmann::json::parse(client.Get("/api/v1/kpis").body())["rows"], 2);

  // Replace the file (atomically, as an editor or exporter would): the server picks it up.
  const auto next = TempCsv("keeta-serve-test-next",
                            std::string(kCsv) + "2025-01-03,Carla,Omar,Yusuf,50,80\n");
  std::filesystem::rename(next, csv);
  int rows = 2;
  for (int i = 0; i < 400 && rows == 2; ++i) {  // hang guard only: ~20 s at most
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    rows = nlohmann::json::parse(client.Get("/api/v1/kpis").body())["rows"];
  }
  EXPECT_EQ(rows, 3);

  // A broken file keeps the last good data.
  { std::ofstream(csv, std::ios::trunc) << "day,agent\n\"unterminated\n"; }
  EXPECT_THAT(child.ReadUntil("failed"), HasSubstr("failed"));  // the server logs the reload
  EXPECT_EQ(nlohmann::json::parse(client.Get("/api/v1/kpis").body())["rows"], 3);

  EXPECT_EQ(child.SignalAndWait(SIGTERM), 0);
  std::filesystem::remove(csv);
}

TEST(ServeTest, AFifoAtTheDataPathNeitherHangsReloadsNorShutdown) {
  const auto csv = TempCsv("keeta-serve-fifo", kCsv);
  Child child({KEETA_BINARY, "serve", "--data", csv.string(), "--port", "0",
               "--reload-interval-ms", "20"});
  const int port = test::ReadyPort(child.ReadUntil("/overall\n"));
  ASSERT_GT(port, 0);
  std::filesystem::remove(csv);
  ASSERT_EQ(::mkfifo(csv.c_str(), 0600), 0);
  EXPECT_THAT(child.ReadUntil("not a regular file"), HasSubstr("not a regular file"));
  Client client(static_cast<unsigned short>(port));
  const nlohmann::json body = nlohmann::json::parse(client.Get("/api/v1/kpis").body());
  EXPECT_EQ(body["rows"], 2);  // the last good data
  EXPECT_EQ(body["data"]["stale"], true);
  EXPECT_EQ(child.SignalAndWaitAtMost(SIGTERM, std::chrono::seconds(20)), 0);
  std::filesystem::remove(csv);
}

TEST(ServeTest, UnreadableDataExitsNonZero) {
  Child child({KEETA_BINARY, "serve", "--data", "/nonexistent/keeta.csv", "--port", "0"});
  const std::string out = child.ReadUntil("\n");
  EXPECT_EQ(child.Wait(), 1);
  EXPECT_THAT(out, HasSubstr("/nonexistent/keeta.csv"));
  EXPECT_THAT(out, Not(HasSubstr("Keeta dashboard:")));
}

}  // namespace
}  // namespace keeta::web

namespace keeta::web {
namespace {

// A streamed body (Reply::stream) goes out as HTTP/1.1 chunks, one piece at a time, and
// the connection stays usable; through the real handler, rows.csv arrives whole.
TEST(ServerStreaming, StreamedBodyArrivesChunkedAndTheConnectionLivesOn) {
  auto pieces_asked = std::make_shared<std::atomic<int>>(0);
  AsyncRequestHandler streaming = [pieces_asked](const Request& req, const RequestContext&,
                                                 Completion done) {
    Response res{http::status::ok, req.version()};
    res.keep_alive(req.keep_alive());
    res.set(http::field::content_type, "text/plain");
    auto left = std::make_shared<int>(3);
    done(Reply{std::move(res), [left, pieces_asked](std::string& chunk) {
                 ++*pieces_asked;
                 chunk.clear();
                 if (*left == 0) return false;
                 chunk = "piece " + std::to_string((*left)--) + "\n";
                 return true;
               }});
  };
  auto server = Server::Start(streaming, TestOptions());
  ASSERT_TRUE(server.ok()) << server.error().message;
  Client client((*server)->port());
  for (int round = 0; round < 2; ++round) {
    const Response res = client.Get("/any");
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_TRUE(res.chunked());
    EXPECT_EQ(res.body(), "piece 3\npiece 2\npiece 1\n");
  }
  EXPECT_EQ(pieces_asked->load(), 8);  // three pieces and the end, twice

  auto handler = std::make_shared<const Handler>(FixtureHolder());
  auto real = Server::Start(
      [handler](const Request& req, const RequestContext& ctx, Completion done) {
        handler->HandleAsync(req, ctx, std::move(done));
      },
      TestOptions());
  ASSERT_TRUE(real.ok());
  Client rows((*real)->port());
  const Response csv = rows.Get("/export/rows.csv");
  EXPECT_TRUE(csv.chunked());
  EXPECT_EQ(csv.body(), handler->Handle(Request{http::verb::get, "/export/rows.csv", 11}).body());
  EXPECT_EQ(rows.Get("/healthz").body(), "ok");
}

}  // namespace
}  // namespace keeta::web
