// `keeta serve --tls-cert --tls-key` end to end: a certificate made for the test by the
// openssl command, the page and the API over TLS (with HSTS), the live WebSocket over TLS,
// a plain-HTTP client that gets no answer, and a start-up error for a key that is missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "child_process.h"
#include "http_get.h"

namespace keeta::test {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace websocket = beast::websocket;
namespace fs = std::filesystem;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;
using Json = nlohmann::json;

// A self-signed certificate and its key in a folder of their own.
struct Certificate {
  fs::path dir = fs::temp_directory_path() / ("keeta-tls-" + std::to_string(::getpid()));
  fs::path cert = dir / "cert.pem";
  fs::path key = dir / "key.pem";
  bool made = false;
  Certificate() {
    fs::create_directories(dir);
    Child openssl({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                   key.string(), "-out", cert.string(), "-days", "2", "-subj", "/CN=localhost",
                   "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"});
    openssl.ReadUntil("\x01never\x01");
    made = openssl.Wait() == 0 && fs::exists(cert) && fs::exists(key);
  }
  ~Certificate() { fs::remove_all(dir); }
};

// The port from a `keeta serve` ready line for https, or 0.
int HttpsPort(const std::string& output) {
  const std::string prefix = "Keeta dashboard: https://127.0.0.1:";
  const auto at = output.find(prefix);
  return at == std::string::npos ? 0 : std::atoi(output.c_str() + at + prefix.size());
}

// A client context that trusts only the test's certificate.
ssl::context ClientContext(const Certificate& c) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(c.cert.string());
  ctx.set_verify_mode(ssl::verify_peer);
  return ctx;
}

class TlsServe : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(certificate_.made) << "openssl could not make a test certificate";
    server_.emplace(std::vector<std::string>{
        KEETA_BINARY, "serve", "--port", "0", "--tls-cert", certificate_.cert.string(), "--tls-key",
        certificate_.key.string(), "--settings", "", "--state", "/nonexistent/keeta-state.db"});
    output_ = server_->ReadUntil("Keeta dashboard:");
    port_ = static_cast<unsigned short>(HttpsPort(output_));
    ASSERT_NE(port_, 0) << output_;
  }

  Certificate certificate_;
  std::optional<Child> server_;
  std::string output_;
  unsigned short port_ = 0;
};

TEST_F(TlsServe, ThePageAndTheApiAnswerOverTlsWithHsts) {
  net::io_context ioc;
  ssl::context ctx = ClientContext(certificate_);
  for (const char* target : {"/api/v1/kpis", "/overall"}) {
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    beast::get_lowest_layer(stream).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
    stream.handshake(ssl::stream_base::client);
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200) << target;
    EXPECT_THAT(std::string(res[http::field::strict_transport_security]), HasSubstr("max-age=")) << target;
    if (std::string_view(target) == "/api/v1/kpis") {
      EXPECT_GT(Json::parse(res.body())["rows"].get<int>(), 0);
    }
    beast::error_code ignored;
    stream.shutdown(ignored);
  }
}

TEST_F(TlsServe, TheLiveWebSocketSpeaksTls) {
  net::io_context ioc;
  ssl::context ctx = ClientContext(certificate_);
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(ioc, ctx);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
  beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(20));
  ws.next_layer().handshake(ssl::stream_base::client);
  ws.handshake("127.0.0.1", "/api/v1/live?agent=Ahmed");
  beast::flat_buffer buffer;
  ws.read(buffer);
  const Json message = Json::parse(beast::buffers_to_string(buffer.data()));
  EXPECT_EQ(message["type"], "dashboard");
  EXPECT_EQ(message["dashboard"]["filters"]["agent"], Json::array({"Ahmed"}));
}

TEST_F(TlsServe, APlainHttpClientGetsNoAnswer) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
  const std::string request = "GET /api/v1/kpis HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  net::write(socket, net::buffer(request));
  std::string received(512, '\0');
  beast::error_code ec;
  const std::size_t n = socket.read_some(net::buffer(received), ec);
  received.resize(n);
  EXPECT_THAT(received, ::testing::Not(HasSubstr("HTTP/1.1 200")));
  EXPECT_THAT(received, ::testing::Not(HasSubstr("total_chats")));
}

TEST(Tls, AMissingKeyOrOnlyOneOfTheFilesIsAStartUpError) {
  Certificate certificate;
  ASSERT_TRUE(certificate.made);
  Child only_cert({KEETA_BINARY, "serve", "--port", "0", "--tls-cert", certificate.cert.string(),
                   "--settings", "", "--state", "/nonexistent/keeta-state.db"});
  const std::string out = only_cert.ReadUntil("\x01never\x01");
  EXPECT_NE(only_cert.Wait(), 0);
  EXPECT_THAT(out, HasSubstr("--tls-key"));
  // A certificate given as the key: the message names the file, not what is in it.
  Child wrong_key({KEETA_BINARY, "serve", "--port", "0", "--tls-cert", certificate.cert.string(),
                   "--tls-key", certificate.cert.string(), "--settings", "", "--state",
                   "/nonexistent/keeta-state.db"});
  const std::string wrong = wrong_key.ReadUntil("\x01never\x01");
  EXPECT_NE(wrong_key.Wait(), 0);
  EXPECT_THAT(wrong, HasSubstr("--tls-key"));
  EXPECT_THAT(wrong, ::testing::Not(HasSubstr("BEGIN")));
}

}  // namespace
}  // namespace keeta::test
