// Hostile clients against a real in-process server over loopback sockets (and, for the
// descriptor limit, a real `keeta serve`): endless chunk lines, extensions and trailers,
// smuggling-shaped framing, missing or foreign Host fields, one address taking every slot,
// a process out of descriptors, and requests caught by a stop. Every wait is bounded by a
// socket timeout, so a server that hangs fails the test instead of hanging it.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "child_process.h"
#include "web/server.h"

namespace keeta::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A raw client: bytes out, bytes in, every read bounded by a receive timeout.
class RawClient {
 public:
  explicit RawClient(unsigned short port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  // Sends everything it can; false once the server stops taking bytes (closed or reset).
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Everything until the server closes the connection (or the timeout: then `timed_out`).
  std::string ReadToEnd() {
    std::string out;
    char buf[4096];
    while (true) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) timed_out_ = true;
      if (n <= 0) return out;
      out.append(buf, static_cast<std::size_t>(n));
    }
  }

  // One response: reads until `marker` has been seen (or the connection ends).
  std::string ReadUntil(std::string_view marker) {
    char buf[4096];
    while (received_.find(marker) == std::string::npos) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) timed_out_ = true;
      if (n <= 0) break;
      received_.append(buf, static_cast<std::size_t>(n));
    }
    return received_;
  }

  bool timed_out() const { return timed_out_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool timed_out_ = false;
  std::string received_;
};

Response Echo(const Request& req) {
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/plain");
  res.body() = "echo " + std::string(req.target()) + " body=" + req.body();
  res.prepare_payload();
  res.keep_alive(req.keep_alive());
  return res;
}

ServerOptions TestOptions() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.workers = 2;
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

// The status line of a raw response, e.g. "HTTP/1.1 400 Bad Request".
std::string StatusLine(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

constexpr std::string_view kChunkedHead =
    "POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";

// Sends `head`, then `filler` repeated up to `total` bytes (stopping early when the server
// refuses more), and returns the server's whole answer. A server without a limit never
// answers: the read times out and the answer is empty.
std::string SendEndless(unsigned short port, std::string_view head, char filler,
                        std::size_t total) {
  RawClient client(port);
  EXPECT_TRUE(client.connected());
  client.Send(head);
  const std::string piece(4096, filler);
  for (std::size_t sent = 0; sent < total; sent += piece.size()) {
    if (!client.Send(piece)) break;
  }
  std::string answer = client.ReadToEnd();
  EXPECT_FALSE(client.timed_out()) << "no answer: the server kept reading";
  return answer;
}

// ---- every part of a request is bounded --------------------------------------------------

// 1 MB is 50 times the read buffer: enough to show the server stopped reading long before.
constexpr std::size_t kHostileBytes = 1 << 20;

TEST(HostileClientTest, EndlessChunkExtensionIsRefused) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  const std::string answer =
      SendEndless(server->port(), std::string(kChunkedHead) + "1;ext=", 'a', kHostileBytes);
  EXPECT_THAT(StatusLine(answer), StartsWith("HTTP/1.1 400"));
}

TEST(HostileClientTest, EndlessChunkSizeLineIsRefused) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  const std::string answer = SendEndless(server->port(), kChunkedHead, '0', kHostileBytes);
  EXPECT_THAT(StatusLine(answer), StartsWith("HTTP/1.1 400"));
}

TEST(HostileClientTest, EndlessTrailerLineIsRefused) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  const std::string answer = SendEndless(
      server->port(), std::string(kChunkedHead) + "1\r\nx\r\n0\r\nX-Trailer: ", 'a',
      kHostileBytes);
  EXPECT_THAT(StatusLine(answer), StartsWith("HTTP/1.1 400"));
}

TEST(HostileClientTest, ChunkExtensionOverTheLimitIsRefused) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  client.Send(std::string(kChunkedHead) + "1;" + std::string(kChunkExtensionLimit, 'e') +
              "\r\nx\r\n0\r\n\r\n");
  EXPECT_THAT(StatusLine(client.ReadToEnd()), StartsWith("HTTP/1.1 400"));
}

TEST(HostileClientTest, ShortChunkExtensionsAreAccepted) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  client.Send(std::string(kChunkedHead) + "3;name=value\r\nabc\r\n0\r\n\r\n");
  const std::string answer = client.ReadUntil("body=abc");
  EXPECT_THAT(StatusLine(answer), StartsWith("HTTP/1.1 200"));
}

TEST(HostileClientTest, TrailerFieldsAreRefused) {
  // Beast would merge them into the header after the Host check ran.
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  client.Send(std::string(kChunkedHead) + "1\r\nx\r\n0\r\nHost: evil.example\r\n\r\n");
  const std::string answer = client.ReadToEnd();
  EXPECT_THAT(StatusLine(answer), StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(answer, HasSubstr("trailer"));
}

// ---- RFC 9112 framing ------------------------------------------------------------------

TEST(HostileClientTest, FinalTransferCodingOtherThanChunkedIsRefusedNotSmuggled) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  // Read as "no body", the body would be answered as a second request.
  client.Send(
      "POST /first HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n"
      "GET /smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const std::string answer = client.ReadToEnd();
  EXPECT_THAT(StatusLine(answer), StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(answer, Not(HasSubstr("smuggled")));
  EXPECT_THAT(answer, Not(HasSubstr("HTTP/1.1 200")));
}

TEST(HostileClientTest, TransferEncodingWithContentLengthIsRefused) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  client.Send(
      "POST /first HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n"
      "Content-Length: 5\r\n\r\nhello");
  EXPECT_THAT(StatusLine(client.ReadToEnd()), StartsWith("HTTP/1.1 400"));
}

TEST(HostileClientTest, CodingsBeforeChunkedAreNotImplemented) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  client.Send(
      "POST /first HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "0\r\n\r\n");
  EXPECT_THAT(StatusLine(client.ReadToEnd()), StartsWith("HTTP/1.1 501"));
}

TEST(HostileClientTest, Http11WithoutHostIsRefused) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  client.Send("GET /overall HTTP/1.1\r\n\r\n");
  EXPECT_THAT(StatusLine(client.ReadToEnd()), StartsWith("HTTP/1.1 400"));
}

TEST(HostileClientTest, TwoHostFieldsAreRefused) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  client.Send("GET /overall HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n");
  EXPECT_THAT(StatusLine(client.ReadToEnd()), StartsWith("HTTP/1.1 400"));
}

TEST(HostileClientTest, Http10WithoutHostIsServed) {
  auto server = StartOrDie(Echo, TestOptions());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  client.Send("GET /old HTTP/1.0\r\n\r\n");
  EXPECT_THAT(StatusLine(client.ReadToEnd()), StartsWith("HTTP/1.0 200"));
}

// ---- allowed hosts (DNS rebinding) ------------------------------------------------------

std::string StatusForHost(unsigned short port, std::string_view host) {
  RawClient client(port);
  client.Send("GET /x HTTP/1.1\r\nHost: " + std::string(host) +
              "\r\nConnection: close\r\n\r\n");
  return StatusLine(client.ReadToEnd());
}

TEST(HostileClientTest, ForeignHostNamesAreRefusedLoopbackNamesServed) {
  ServerOptions options = TestOptions();
  options.allowed_hosts = {"Dashboard.Example.com"};
  auto server = StartOrDie(Echo, options);
  ASSERT_NE(server, nullptr);
  const unsigned short port = server->port();
  // A rebinding attack: the attacker's name, resolving to 127.0.0.1.
  EXPECT_THAT(StatusForHost(port, "attacker.example:5000"), StartsWith("HTTP/1.1 421"));
  EXPECT_THAT(StatusForHost(port, "localhost.attacker.example"), StartsWith("HTTP/1.1 421"));
  EXPECT_THAT(StatusForHost(port, "localhost:99999999"), StartsWith("HTTP/1.1 421"));
  for (std::string_view ok : {"localhost", "LOCALHOST:8080", "127.0.0.1:5000", "[::1]:5000",
                              "10.1.2.3", "app.localhost", "dashboard.example.com:443"}) {
    EXPECT_THAT(StatusForHost(port, ok), StartsWith("HTTP/1.1 200")) << ok;
  }
}

TEST(HostileClientTest, HostCheckCanBeTurnedOff) {
  ServerOptions options = TestOptions();
  options.restrict_hosts = false;
  auto server = StartOrDie(Echo, options);
  ASSERT_NE(server, nullptr);
  EXPECT_THAT(StatusForHost(server->port(), "anything.example"), StartsWith("HTTP/1.1 200"));
}

// ---- connection limits -------------------------------------------------------------------

TEST(HostileClientTest, OneAddressCannotTakeEverySlot) {
  ServerOptions options = TestOptions();
  options.max_connections_per_address = 3;
  auto server = StartOrDie(Echo, options);
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(server->port()));
    held.back()->Send("GET /held HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_THAT(held.back()->ReadUntil("body="), StartsWith("HTTP/1.1 200"));  // admitted
  }
  RawClient fourth(server->port());
  const std::string refused = fourth.ReadToEnd();
  EXPECT_THAT(StatusLine(refused), StartsWith("HTTP/1.1 503"));
  EXPECT_THAT(refused, HasSubstr("from one address"));
  held.pop_back();  // a slot frees up when a connection ends
  // The server notices the close asynchronously; a refused attempt is retried (bounded).
  std::string status;
  for (int attempt = 0; attempt < 200 && !status.starts_with("HTTP/1.1 200"); ++attempt) {
    status = StatusForHost(server->port(), "localhost");
  }
  EXPECT_THAT(status, StartsWith("HTTP/1.1 200"));
}

TEST(HostileClientTest, OutOfDescriptorsNewClientsGet503InsteadOfHanging) {
  const auto csv = test::TempCsv("keeta-hostile-fds",
                                 "day,agent,total_chats\n2025-01-01,Ahmed,4\n");
  // 100 descriptors: the server caps itself at 50 connections (half, at so low a limit).
  test::Child child({"/bin/sh", "-c",
                     "ulimit -n 100 && exec \"$0\" serve --data \"$1\" --port 0 "
                     "--threads 1 --workers 1",
                     KEETA_BINARY, csv.string()});
  const int port = test::ReadyPort(child.ReadUntil("/overall\n"));
  ASSERT_GT(port, 0);
  std::vector<std::unique_ptr<RawClient>> clients;
  int served = 0;
  int refused = 0;
  for (int i = 0; i < 120; ++i) {
    auto client = std::make_unique<RawClient>(static_cast<unsigned short>(port));
    if (!client->connected()) break;
    client->Send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
    const std::string answer = client->ReadUntil("\r\n\r\n");
    ASSERT_FALSE(client->timed_out()) << "connection " << i << " hangs without an answer";
    if (answer.starts_with("HTTP/1.1 200")) ++served;
    if (answer.starts_with("HTTP/1.1 503")) ++refused;
    clients.push_back(std::move(client));  // keep every connection open
  }
  EXPECT_GT(served, 0);
  EXPECT_GT(refused, 0);
  EXPECT_EQ(served + refused, 120);
  std::filesystem::remove(csv);
}

// ---- shutdown answers what was already sent ------------------------------------------------

TEST(HostileClientTest, StopAnswersEveryRequestAlreadySent) {
  // One I/O thread and one worker, held inside the first request: the others wait in socket
  // buffers and in the accept queue when the stop begins.
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto handler = [&entered, released](const Request& req) {
    if (req.target() == "/slow") {
      entered.set_value();
      released.wait();
    }
    return Echo(req);
  };
  ServerOptions options = TestOptions();
  options.threads = 1;
  options.workers = 1;
  auto server = StartOrDie(handler, options);
  ASSERT_NE(server, nullptr);
  RawClient slow(server->port());
  slow.Send("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
  entered.get_future().wait();

  constexpr int kWaiting = 20;
  std::vector<std::unique_ptr<RawClient>> waiting;
  for (int i = 0; i < kWaiting; ++i) {
    waiting.push_back(std::make_unique<RawClient>(server->port()));
    ASSERT_TRUE(waiting.back()->connected());
    ASSERT_TRUE(waiting.back()->Send("GET /waiting/" + std::to_string(i) +
                                     " HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  }
  server->Stop();
  release.set_value();

  EXPECT_THAT(slow.ReadToEnd(), HasSubstr("echo /slow"));
  for (int i = 0; i < kWaiting; ++i) {
    const std::string answer = waiting[i]->ReadToEnd();
    EXPECT_THAT(StatusLine(answer), StartsWith("HTTP/1.1 200")) << "request " << i;
    EXPECT_THAT(answer, HasSubstr("echo /waiting/" + std::to_string(i) + " "));
    EXPECT_THAT(answer, HasSubstr("Connection: close"));
  }
  server->Wait();
}

TEST(HostileClientTest, StopAnswersPipelinedRequestsAlreadySent) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  auto handler = [&entered, released](const Request& req) {
    if (req.target() == "/slow") {
      entered.set_value();
      released.wait();
    }
    return Echo(req);
  };
  auto server = StartOrDie(handler, TestOptions());
  ASSERT_NE(server, nullptr);
  RawClient client(server->port());
  client.Send(
      "GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n"
      "GET /second HTTP/1.1\r\nHost: localhost\r\n\r\n"
      "GET /third HTTP/1.1\r\nHost: localhost\r\n\r\n");
  entered.get_future().wait();
  server->Stop();
  release.set_value();
  const std::string answer = client.ReadToEnd();
  EXPECT_THAT(answer, HasSubstr("echo /slow"));
  EXPECT_THAT(answer, HasSubstr("echo /second"));
  EXPECT_THAT(answer, HasSubstr("echo /third"));
  server->Wait();
}

}  // namespace
}  // namespace keeta::web
