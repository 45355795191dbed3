// The live dashboard WebSocket: the hub's fan-out (one computation per view per snapshot,
// one shared buffer, errors to everyone, the cap) without sockets; then real WebSocket
// clients against the Beast server: messages equal to the API's body, refusals, slow and
// dead clients, the connection cap and stop.
#include "web/live_hub.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "http_get.h"
#include "store/dataset_holder.h"
#include "test_data.h"
#include "web/handler.h"
#include "web/server.h"

namespace keeta::web {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;
using Json = nlohmann::json;

// `days` days (28 to a month) of two agents; `offset` shifts every total_chats value.
std::string Csv(int days, int offset = 0) {
  std::string csv = "day,agent,team_leader,supervisor,total_chats,csat\n";
  for (int i = 0; i < days; ++i) {
    const int month = 1 + i / 28;
    const int day = 1 + i % 28;
    char date[32];  // room for any int, as -Wformat-truncation wants
    std::snprintf(date, sizeof date, "2025-%02d-%02d", month, day);
    csv += std::string(date) + ",Ahmed,Tala,Sara," + std::to_string(11 + i + offset) + ",90\n";
    csv += std::string(date) + ",Badr,Omar,Yusuf," + std::to_string(21 + i + offset) + ",80\n";
  }
  return csv;
}

using test::HttpGet;

Response RawUpgrade(unsigned short port, std::string_view target) {
  return HttpGet(port, target, /*upgrade=*/true);
}

// Waits (bounded: a hang guard, not a timing assertion) until `done` holds.
bool Eventually(const std::function<bool()>& done) {
  for (int i = 0; i < 2000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

LiveView AgentView(std::string_view agent) {
  LiveView view;
  view.query.filter.AddName(Dimension::kAgent, agent);
  return view;
}

// ---- the hub, without sockets ---------------------------------------------------------------

class Recorder final : public LiveHub::Subscriber {
 public:
  void Deliver(const LiveHub::Message& message) override {
    std::lock_guard lock(mu_);
    messages_.push_back(message);
  }
  std::vector<LiveHub::Message> messages() const {
    std::lock_guard lock(mu_);
    return messages_;
  }
  std::size_t count() const { return messages().size(); }
  Json last() const { return Json::parse(*messages().back().text); }

 private:
  mutable std::mutex mu_;
  std::vector<LiveHub::Message> messages_;
};

TEST(LiveHubTest, SubscribingDeliversTheCurrentDashboardForTheQuery) {
  auto holder = std::make_shared<DatasetHolder>(test::DatasetFromCsv(Csv(3)));
  LiveHub hub(holder, 10);
  auto recorder = std::make_shared<Recorder>();
  ASSERT_TRUE(hub.Subscribe(recorder, AgentView("Ahmed")));
  ASSERT_EQ(recorder->count(), 1u);
  const Json message = recorder->last();
  EXPECT_EQ(message["type"], "dashboard");
  EXPECT_EQ(message["generation"], 1);
  EXPECT_EQ(message["dashboard"]["rows"], 3);
  EXPECT_EQ(message["dashboard"]["kpis"][0]["value"], 11 + 12 + 13);
}

TEST(LiveHubTest, EachViewIsComputedOncePerSnapshotAndSharedByItsSubscribers) {
  auto holder = std::make_shared<DatasetHolder>(test::DatasetFromCsv(Csv(3)));
  LiveHub hub(holder, 100);
  std::vector<std::shared_ptr<Recorder>> ahmed(5), badr(5);
  for (auto& r : ahmed) ASSERT_TRUE(hub.Subscribe(r = std::make_shared<Recorder>(), AgentView("Ahmed")));
  for (auto& r : badr) ASSERT_TRUE(hub.Subscribe(r = std::make_shared<Recorder>(), AgentView("Badr")));
  EXPECT_EQ(hub.views(), 2u);
  EXPECT_EQ(hub.computations(), 2u);  // the first subscriber of each view computed it

  holder->Publish(test::DatasetFromCsv(Csv(4, 100)));
  ASSERT_TRUE(Eventually([&] { return badr.back()->count() == 2 && ahmed.back()->count() == 2; }));
  EXPECT_EQ(hub.computations(), 4u);
  for (const auto& r : ahmed) {
    ASSERT_EQ(r->count(), 2u);
    EXPECT_EQ(r->messages()[1].text, ahmed[0]->messages()[1].text);  // the same buffer
    EXPECT_EQ(r->last()["dashboard"]["rows"], 4);
    EXPECT_EQ(r->last()["generation"], 2);
  }
  EXPECT_EQ(badr[0]->last()["dashboard"]["kpis"][0]["value"], 121 + 122 + 123 + 124);
  EXPECT_NE(ahmed[0]->messages()[1].text, badr[0]->messages()[1].text);
}

TEST(LiveHubTest, AFailedReloadReachesEverySubscriberAsAnErrorMessage) {
  auto holder = std::make_shared<DatasetHolder>(test::DatasetFromCsv(Csv(2)));
  LiveHub hub(holder, 10);
  auto a = std::make_shared<Recorder>();
  auto b = std::make_shared<Recorder>();
  ASSERT_TRUE(hub.Subscribe(a, AgentView("Ahmed")));
  ASSERT_TRUE(hub.Subscribe(b, LiveView{}));
  holder->RecordError("line 7: unterminated quote");
  ASSERT_TRUE(Eventually([&] { return a->count() == 2 && b->count() == 2; }));
  for (const auto& r : {a, b}) {
    const Json error = r->last();
    EXPECT_EQ(error["type"], "error");
    EXPECT_EQ(error["error"]["code"], "reload_failed");
    EXPECT_EQ(error["error"]["message"], "line 7: unterminated quote");
    EXPECT_GT(r->messages()[1].sequence, r->messages()[0].sequence);
  }
  EXPECT_EQ(hub.computations(), 2u);  // no new snapshot, nothing recomputed

  // A newcomer gets the last good dashboard, then the error.
  auto late = std::make_shared<Recorder>();
  ASSERT_TRUE(hub.Subscribe(late, LiveView{}));
  ASSERT_EQ(late->count(), 2u);
  EXPECT_EQ(Json::parse(*late->messages()[0].text)["type"], "dashboard");
  EXPECT_EQ(late->last()["type"], "error");
}

TEST(LiveHubTest, SubscribersBeyondTheCapAreRefusedAndLeavingFreesASlot) {
  auto holder = std::make_shared<DatasetHolder>(test::DatasetFromCsv(Csv(1)));
  LiveHub hub(holder, 2);
  auto a = std::make_shared<Recorder>();
  auto b = std::make_shared<Recorder>();
  auto c = std::make_shared<Recorder>();
  EXPECT_TRUE(hub.Subscribe(a, LiveView{}));
  EXPECT_TRUE(hub.Subscribe(b, LiveView{}));
  EXPECT_TRUE(hub.full());
  EXPECT_FALSE(hub.Subscribe(c, LiveView{}));
  EXPECT_EQ(c->count(), 0u);
  hub.Unsubscribe(a.get());
  EXPECT_EQ(hub.subscribers(), 1u);
  EXPECT_TRUE(hub.Subscribe(c, LiveView{}));
}

TEST(DatasetHolderTest, WaitForChangeWakesOnPublishAndOnStop) {
  DatasetHolder holder(test::DatasetFromCsv(Csv(1)));
  const std::uint64_t seen = holder.state().changes;
  std::thread publisher([&] { holder.Publish(test::DatasetFromCsv(Csv(2))); });
  const auto state = holder.WaitForChange(seen, std::stop_token{});
  publisher.join();
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->generation, 2u);
  EXPECT_EQ(state->dataset->rows(), 4u);

  std::stop_source stop;
  std::thread stopper([&] { stop.request_stop(); });
  EXPECT_FALSE(holder.WaitForChange(holder.state().changes, stop.get_token()).has_value());
  stopper.join();
}

// ---- over real sockets ----------------------------------------------------------------------

// A server with the production handler and hub over one holder.
class LiveServer {
 public:
  explicit LiveServer(ServerOptions options = Options(), int days = 3)
      : holder_(std::make_shared<DatasetHolder>(test::DatasetFromCsv(Csv(days)))),
        handler_(std::make_shared<const Handler>(holder_)),
        hub_(std::make_shared<LiveHub>(holder_, options.max_live_connections)) {
    auto handler = handler_;
    auto server = Server::Start([handler](const Request& r) { return handler->Handle(r); },
                                options,
                                LiveEndpoint{[handler](const Request& r, const RequestContext& c) { return handler->LiveQuery(r, c); }, hub_});
    EXPECT_TRUE(server.ok());
    if (server.ok()) server_ = std::move(server).value();
  }

  static ServerOptions Options() {
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.access_log = false;
    return options;
  }

  unsigned short port() const { return server_->port(); }
  DatasetHolder& holder() { return *holder_; }
  LiveHub& hub() { return *hub_; }
  Server& server() { return *server_; }
  std::string Api(std::string_view target) const {
    Request req{http::verb::get, target, 11};
    return handler_->Handle(req).body();
  }

 private:
  std::shared_ptr<DatasetHolder> holder_;
  std::shared_ptr<const Handler> handler_;
  std::shared_ptr<LiveHub> hub_;
  std::unique_ptr<Server> server_;
};

// A blocking WebSocket client with a receive timeout (a broken server fails the test
// instead of hanging it).
class WsClient {
 public:
  // `receive_buffer` > 0 shrinks the socket's receive buffer (set before connecting).
  explicit WsClient(unsigned short port, int receive_buffer = 0) : ws_(ioc_) {
    tcp::socket& socket = ws_.next_layer();
    socket.open(tcp::v4());
    if (receive_buffer > 0) {
      ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVBUF, &receive_buffer,
                   sizeof receive_buffer);
    }
    timeval tv{20, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    host_ = "127.0.0.1:" + std::to_string(port);
  }

  beast::error_code Handshake(std::string_view target) {
    beast::error_code ec;
    ws_.handshake(host_, target, ec);
    return ec;
  }

  // The next message as JSON; null on error, close, or when none comes within 20 s (a
  // blocking read would ignore SO_RCVTIMEO and wait forever: the test must fail, not hang).
  Json Next() {
    beast::flat_buffer buffer;
    beast::error_code ec;
    bool done = false;
    ws_.async_read(buffer, [&](beast::error_code e, std::size_t) {
      ec = e;
      done = true;
    });
    ioc_.restart();
    ioc_.run_for(std::chrono::seconds(20));
    if (!done) {
      beast::error_code ignored;
      ws_.next_layer().close(ignored);  // the read completes, aborted
      ioc_.restart();
      ioc_.run();
      ec = net::error::timed_out;
    }
    last_error_ = ec;
    if (ec) return nullptr;
    return Json::parse(beast::buffers_to_string(buffer.data()));
  }
  beast::error_code last_error() const { return last_error_; }
  websocket::close_reason reason() const { return ws_.reason(); }

 private:
  net::io_context ioc_;
  websocket::stream<tcp::socket> ws_;
  std::string host_;
  beast::error_code last_error_;
};

TEST(LiveServerTest, ConnectThenEveryNewSnapshotSendsTheSameNumbersAsTheApi) {
  LiveServer server;
  WsClient client(server.port());
  ASSERT_FALSE(client.Handshake("/api/v1/live?agent=Ahmed&from_date=2025-01-02"));
  Json first = client.Next();
  ASSERT_FALSE(first.is_null()) << client.last_error().message();
  EXPECT_EQ(first["type"], "dashboard");
  EXPECT_EQ(first["generation"], 1);
  EXPECT_EQ(first["dashboard"], Json::parse(server.Api("/api/v1/kpis?agent=Ahmed&from_date=2025-01-02")));
  EXPECT_EQ(first["dashboard"]["rows"], 2);

  server.holder().Publish(test::DatasetFromCsv(Csv(5, 7)));
  Json second = client.Next();
  ASSERT_FALSE(second.is_null()) << client.last_error().message();
  EXPECT_EQ(second["generation"], 2);
  EXPECT_EQ(second["dashboard"], Json::parse(server.Api("/api/v1/kpis?agent=Ahmed&from_date=2025-01-02")));
  EXPECT_EQ(second["dashboard"]["rows"], 4);
  EXPECT_NE(second["dashboard"]["kpis"][0]["value"], first["dashboard"]["kpis"][0]["value"]);

  server.holder().RecordError("broken file");
  Json error = client.Next();
  EXPECT_EQ(error["type"], "error");
  EXPECT_EQ(error["error"]["message"], "broken file");
}

TEST(LiveServerTest, TheKpisOptionsShapeTheMessagesAsTheyShapeTheApi) {
  LiveServer server(LiveServer::Options(), 60);
  WsClient weekly(server.port());
  ASSERT_FALSE(weekly.Handshake("/api/v1/live?granularity=week"));
  WsClient daily(server.port());
  ASSERT_FALSE(daily.Handshake("/api/v1/live"));
  const Json week = weekly.Next();
  const Json day = daily.Next();
  EXPECT_EQ(week["dashboard"], Json::parse(server.Api("/api/v1/kpis?granularity=week")));
  EXPECT_EQ(day["dashboard"], Json::parse(server.Api("/api/v1/kpis")));
  EXPECT_LT(week["dashboard"]["kpis"][0]["trend"].size(), day["dashboard"]["kpis"][0]["trend"].size());
  EXPECT_EQ(server.hub().views(), 2u);
  EXPECT_EQ(RawUpgrade(server.port(), "/api/v1/live?granularity=fortnight").result(),
            http::status::bad_request);
}

TEST(LiveServerTest, ABadFilterRefusesTheUpgradeWithTheApiError) {
  LiveServer server;
  const Response res = RawUpgrade(server.port(), "/api/v1/live?from_date=2025-13-45");
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_THAT(res.body(), HasSubstr("invalid_date"));
  EXPECT_EQ(server.hub().subscribers(), 0u);
}

TEST(LiveServerTest, WithoutAnUpgradeTheRouteAnswers426) {
  LiveServer server;
  EXPECT_THAT(server.Api("/api/v1/live"), HasSubstr("upgrade_required"));
}

TEST(LiveServerTest, ConnectionsBeyondTheLiveCapAreRefusedWith503) {
  ServerOptions options = LiveServer::Options();
  options.max_live_connections = 1;
  LiveServer server(options);
  WsClient first(server.port());
  ASSERT_FALSE(first.Handshake("/api/v1/live"));
  ASSERT_FALSE(first.Next().is_null());
  EXPECT_EQ(RawUpgrade(server.port(), "/api/v1/live").result(),
            http::status::service_unavailable);
}

TEST(LiveServerTest, ASlowClientGetsOnlyTheLatestMessageNotAQueue) {
  // The client reads nothing for as long as the publishing takes (long under ASan on a
  // busy machine): keep the ping timeout from dropping it meanwhile.
  ServerOptions options = LiveServer::Options();
  options.live_idle_timeout = std::chrono::minutes(10);
  LiveServer server(options, 365);  // ~60 KB messages
  WsClient client(server.port(), /*receive_buffer=*/4096);
  ASSERT_FALSE(client.Handshake("/api/v1/live"));
  ASSERT_EQ(client.Next()["generation"], 1);
  // The client reads nothing while 300 snapshots are published, far more than the socket
  // buffers hold; the hub sees each one (it waits for the holder) or a later one.
  constexpr int kPublishes = 300;
  for (int i = 0; i < kPublishes; ++i) {
    server.holder().Publish(test::DatasetFromCsv(Csv(365, i + 1)));
  }
  const std::uint64_t last = server.holder().generation();
  std::uint64_t generation = 1;
  int received = 0;
  while (generation < last) {
    Json message = client.Next();
    ASSERT_FALSE(message.is_null()) << client.last_error().message();
    ASSERT_GT(message["generation"].get<std::uint64_t>(), generation);  // newer every time
    generation = message["generation"];
    ++received;
  }
  EXPECT_LT(received, kPublishes);  // skipped the stale ones
  EXPECT_EQ(generation, last);
}

TEST(LiveServerTest, ADeadPeerIsDroppedByThePingTimeout) {
  ServerOptions options = LiveServer::Options();
  options.live_idle_timeout = std::chrono::milliseconds(200);
  LiveServer server(options);
  // A peer that completes the handshake and then never reads again answers no ping.
  WsClient dead(server.port());
  ASSERT_FALSE(dead.Handshake("/api/v1/live"));
  ASSERT_TRUE(Eventually([&] { return server.hub().subscribers() == 1; }));
  EXPECT_TRUE(Eventually([&] { return server.hub().subscribers() == 0; }));
}

TEST(LiveServerTest, AReadingClientSurvivesThePingTimeout) {
  ServerOptions options = LiveServer::Options();
  options.live_idle_timeout = std::chrono::milliseconds(400);
  LiveServer server(options);
  WsClient client(server.port());
  ASSERT_FALSE(client.Handshake("/api/v1/live"));
  ASSERT_EQ(client.Next()["generation"], 1);
  // A reading client answers the pings (Beast does so inside read) across many idle
  // periods, then still gets the next snapshot.
  std::thread publisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    server.holder().Publish(test::DatasetFromCsv(Csv(2)));
  });
  Json next = client.Next();
  publisher.join();
  ASSERT_FALSE(next.is_null()) << client.last_error().message();
  EXPECT_EQ(next["generation"], 2);
}

TEST(LiveServerTest, StopClosesLiveConnectionsAsGoingAway) {
  LiveServer server;
  WsClient client(server.port());
  ASSERT_FALSE(client.Handshake("/api/v1/live"));
  ASSERT_FALSE(client.Next().is_null());
  server.server().Stop();
  EXPECT_TRUE(client.Next().is_null());
  EXPECT_EQ(client.last_error(), websocket::error::closed);
  EXPECT_EQ(client.reason().code, websocket::close_code::going_away);
  server.server().Wait();
}

// ---- `keeta serve` end to end ---------------------------------------------------------------

// Starts `keeta serve` on `csv` and returns its port (0 on failure).
unsigned short StartServe(test::Child& child) {
  const std::string out = child.ReadUntil("/overall\n");
  const std::string prefix = "Keeta dashboard: http://127.0.0.1:";
  const auto at = out.find(prefix);
  if (at == std::string::npos) {
    ADD_FAILURE() << out;
    return 0;
  }
  return static_cast<unsigned short>(std::stoi(out.substr(at + prefix.size())));
}

TEST(LiveServeTest, RowsAppendedToTheFileReachAnOpenConnectionWithTheApisNumbers) {
  const auto csv = test::TempCsv("keeta-live-append", Csv(3));
  test::Child child({KEETA_BINARY, "serve", "--data", csv.string(), "--host", "127.0.0.1",
                     "--port", "0"});
  const unsigned short port = StartServe(child);
  ASSERT_NE(port, 0);
  WsClient client(port);
  ASSERT_FALSE(client.Handshake("/api/v1/live?agent=Badr"));
  const Json first = client.Next();
  ASSERT_EQ(first["type"], "dashboard");
  EXPECT_EQ(first["dashboard"]["rows"], 3);

  { std::ofstream(csv, std::ios::app) << "2025-01-04,Badr,Omar,Yusuf,500,70\n"; }
  const Json second = client.Next();
  ASSERT_FALSE(second.is_null()) << client.last_error().message();
  EXPECT_GT(second["generation"], first["generation"]);
  EXPECT_EQ(second["dashboard"]["rows"], 4);
  EXPECT_EQ(second["dashboard"]["kpis"][0]["value"], 21 + 22 + 23 + 500);
  EXPECT_EQ(second["dashboard"], Json::parse(HttpGet(port, "/api/v1/kpis?agent=Badr").body()));
  EXPECT_EQ(child.SignalAndWait(SIGTERM), 0);
  std::filesystem::remove(csv);
}

TEST(LiveServeTest, RenamesTruncationAndDeletionUnderARunningServer) {
  const auto csv = test::TempCsv("keeta-live-replace", Csv(3));
  // A long safety-net interval: what follows is seen through inotify.
  test::Child child({KEETA_BINARY, "serve", "--data", csv.string(), "--host", "127.0.0.1",
                     "--port", "0", "--reload-interval-ms", "600000"});
  const unsigned short port = StartServe(child);
  ASSERT_NE(port, 0);
  WsClient client(port);
  ASSERT_FALSE(client.Handshake("/api/v1/live"));
  ASSERT_EQ(client.Next()["dashboard"]["rows"], 6);

  // An atomic replacement (write a temporary file, rename it over the name).
  const auto next = test::TempCsv("keeta-live-replace-next", Csv(5));
  std::filesystem::rename(next, csv);
  Json message = client.Next();
  ASSERT_EQ(message["type"], "dashboard") << message;
  EXPECT_EQ(message["dashboard"]["rows"], 10);

  // Deleted: an error; the last good numbers stay valid.
  std::filesystem::remove(csv);
  message = client.Next();
  ASSERT_EQ(message["type"], "error") << message;
  EXPECT_EQ(Json::parse(HttpGet(port, "/api/v1/kpis").body())["rows"], 10);

  // Back again: new numbers.
  { std::ofstream(csv) << Csv(2); }
  message = client.Next();
  ASSERT_EQ(message["type"], "dashboard") << message;
  EXPECT_EQ(message["dashboard"]["rows"], 4);

  // Truncated to nothing: an error, not an empty dashboard.
  std::filesystem::resize_file(csv, 0);
  message = client.Next();
  ASSERT_EQ(message["type"], "error") << message;
  EXPECT_EQ(Json::parse(HttpGet(port, "/api/v1/kpis").body())["rows"], 4);
  EXPECT_EQ(child.SignalAndWait(SIGTERM), 0);
  std::filesystem::remove(csv);
}

}  // namespace
}  // namespace keeta::web
