// Live updates end to end: starts `keeta serve` on a copy of a CSV file, connects WebSocket
// clients to /api/v1/live spread over distinct agent filters, then appends one day of rows
// (the file's last day's rows, re-dated to the next day, in one write) several times and
// measures, per append, the time from the write to the first and to the last client holding
// the new generation. Reports medians, the server's own reload time from its log, and the
// server's resident memory; then, as the anchor, the same kind of day arriving in a
// rewritten file (its first row gone), which the server reloads in full.
//
//   build/release/bench/live_bench --csv FILE [--clients N] [--filters K] [--appends A]
//                                  [--keeta PATH]
//
// The copy is made next to FILE (FILE.live-bench.csv) and removed at the end.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/date.h"

extern char** environ;

namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string csv;
  std::string keeta;
  int clients = 1;
  int filters = 1;
  int appends = 5;
  int rows_per_day = 913;  // 1M rows over three years, as the generator makes them
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string PercentEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// The server process; its output is drained on a thread (access lines must not fill the pipe).
class ServerProcess {
 public:
  ServerProcess(const std::string& keeta, const std::string& csv) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<std::string> args{keeta, "serve", "--data", csv, "--host", "127.0.0.1", "--port", "0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    fd_ = fds[0];
    reader_ = std::thread([this] {
      char buf[65536];
      for (ssize_t n; (n = ::read(fd_, buf, sizeof buf)) > 0;) {
        std::lock_guard lock(mu_);
        output_.append(buf, static_cast<std::size_t>(n));
        cv_.notify_all();
      }
    });
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    if (reader_.joinable()) reader_.join();
    ::close(fd_);
  }
  pid_t pid() const { return pid_; }

  // The port from the ready line; 0 on failure.
  unsigned short WaitReady() {
    const std::string prefix = "Keeta dashboard: http://127.0.0.1:";
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::minutes(5),
                 [&] { return output_.find("/overall\n") != std::string::npos; });
    const auto at = output_.find(prefix);
    if (at == std::string::npos) {
      std::fprintf(stderr, "server did not start:\n%s\n", output_.c_str());
      return 0;
    }
    return static_cast<unsigned short>(std::atoi(output_.c_str() + at + prefix.size()));
  }

  // Reload times ("reloaded …: N rows in M ms") logged so far.
  std::vector<double> ReloadMillis() {
    std::lock_guard lock(mu_);
    std::vector<double> out;
    for (std::size_t at = 0; (at = output_.find(" rows in ", at)) != std::string::npos; ++at) {
      out.push_back(std::atof(output_.c_str() + at + 9));
    }
    return out;
  }

  double StatusMb(const char* key) const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind(key, 0) == 0) return std::atof(line.c_str() + std::strlen(key)) / 1024.0;
    }
    return 0;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string output_;
};

// Counts clients that have seen a generation above `base`.
struct Progress {
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t base = 0;    // a client is updated when it holds a newer generation
  std::uint64_t newest = 0;  // the newest generation any client holds
  int reached = 0;
  int connected = 0;
  int failed = 0;
  Clock::time_point first;
  Clock::time_point last;
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(net::io_context& ioc, Progress& progress) : ws_(ioc), progress_(progress) {}

  // `source`: the local address to connect from. The server admits at most 256
  // connections per address, so a thousand clients come from several loopback addresses.
  void Start(tcp::endpoint endpoint, std::string target, const net::ip::address& source) {
    target_ = std::move(target);
    auto& socket = beast::get_lowest_layer(ws_).socket();
    beast::error_code bind_error;
    socket.open(tcp::v4(), bind_error);
    if (!bind_error) socket.bind(tcp::endpoint(source, 0), bind_error);
    if (bind_error) return Fail();
    beast::get_lowest_layer(ws_).async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Fail();
      self->ws_.async_handshake("127.0.0.1", self->target_, [self](beast::error_code ec2) {
        if (ec2) return self->Fail();
        self->Read();
      });
    });
  }

 private:
  void Fail() {
    std::lock_guard lock(progress_.mu);
    ++progress_.failed;
    progress_.cv.notify_all();
  }

  void Read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->Fail();
      self->OnMessage();
      self->Read();
    });
  }

  void OnMessage() {
    const auto now = Clock::now();
    const std::string_view text(static_cast<const char*>(buffer_.cdata().data()), buffer_.size());
    const auto at = text.find("\"generation\":");
    const std::uint64_t generation = at == std::string_view::npos ? 0 : std::strtoull(text.data() + at + 13, nullptr, 10);
    buffer_.consume(buffer_.size());
    if (generation == 0) return;  // an error message
    std::lock_guard lock(progress_.mu);
    if (generation_ == 0) ++progress_.connected;
    if (generation > progress_.base && generation_ <= progress_.base) {
      if (progress_.reached++ == 0) progress_.first = now;
      progress_.last = now;
    }
    generation_ = generation;
    progress_.newest = std::max(progress_.newest, generation);
    progress_.cv.notify_all();
  }

  websocket::stream<beast::tcp_stream> ws_;
  Progress& progress_;
  beast::flat_buffer buffer_;
  std::string target_;
  std::uint64_t generation_ = 0;
};

int Run(const Options& options) {
  namespace fs = std::filesystem;
  const std::string copy = options.csv + ".live-bench.csv";
  fs::copy_file(options.csv, copy, fs::copy_options::overwrite_existing);

  // The last day's rows (the file is sorted by day): the template for each appended day.
  std::string tail;
  {
    std::ifstream in(copy, std::ios::binary);
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    const std::streamoff take = std::min<std::streamoff>(size, 1 << 20);
    in.seekg(size - take);
    tail.resize(static_cast<std::size_t>(take));
    in.read(tail.data(), take);
  }
  std::vector<std::string> last_day_rows;
  std::set<std::string> agents;
  std::string last_day;
  {
    std::vector<std::string> lines;
    std::size_t start = tail.find('\n') + 1;  // the first line may be cut
    for (std::size_t end; (end = tail.find('\n', start)) != std::string::npos; start = end + 1) {
      lines.push_back(tail.substr(start, end - start));
    }
    // The file's last rows (as many as an average day has), re-dated after its last day.
    last_day = lines.back().substr(0, 10);
    for (auto it = lines.rbegin(); it != lines.rend() && static_cast<int>(last_day_rows.size()) < options.rows_per_day; ++it) {
      if (it->size() < 10) continue;
      last_day = std::max(last_day, it->substr(0, 10));
      last_day_rows.push_back(it->substr(10));  // without the day
      const std::size_t a = it->find(',') + 1;
      if (static_cast<int>(agents.size()) < options.filters) agents.insert(it->substr(a, it->find(',', a) - a));
    }
  }
  const auto day0 = keeta::ParseIsoDay(last_day);
  if (!day0) {
    std::fprintf(stderr, "live_bench: cannot read the last day of %s\n", options.csv.c_str());
    return 1;
  }

  ServerProcess server(options.keeta, copy);
  const unsigned short port = server.WaitReady();
  if (port == 0) return 1;
  const double rss_idle = server.StatusMb("VmRSS:");

  Progress progress;
  net::io_context ioc;
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  std::vector<std::string> filters(agents.begin(), agents.end());
  for (int i = 0; i < options.clients; ++i) {
    const std::string target = "/api/v1/live?agent=" + PercentEncode(filters[static_cast<std::size_t>(i) % filters.size()]);
    // 200 clients per loopback address: 127.0.0.2, 127.0.0.3, ...
    const auto source = net::ip::make_address_v4(0x7F000002u + static_cast<unsigned>(i / 200));
    std::make_shared<Client>(ioc, progress)->Start(endpoint, target, source);
  }
  auto guard = net::make_work_guard(ioc);
  std::thread io([&] { ioc.run(); });
  {
    std::unique_lock lock(progress.mu);
    progress.cv.wait_for(lock, std::chrono::minutes(2),
                         [&] { return progress.connected + progress.failed >= options.clients; });
    std::printf("clients %d connected (%d failed), %zu distinct filters\n", progress.connected,
                progress.failed, filters.size());
  }
  const double rss_connected = server.StatusMb("VmRSS:");

  std::vector<double> first_ms, all_ms;
  for (int k = 1; k <= options.appends; ++k) {
    char day[11];
    keeta::FormatDayTo(*day0 + k, day);
    std::string rows;
    for (const std::string& row : last_day_rows) rows.append(day, 10).append(row).push_back('\n');
    {
      // Every client holds the newest generation by now (each append waited for all).
      std::lock_guard lock(progress.mu);
      progress.base = progress.newest;
      progress.reached = 0;
    }
    const int fd = ::open(copy.c_str(), O_WRONLY | O_APPEND);
    const auto t0 = Clock::now();
    const ssize_t written = ::write(fd, rows.data(), rows.size());
    ::close(fd);
    if (written != static_cast<ssize_t>(rows.size())) return 1;
    std::unique_lock lock(progress.mu);
    const bool done = progress.cv.wait_for(lock, std::chrono::minutes(2), [&] {
      return progress.reached >= progress.connected;
    });
    if (!done) {
      std::fprintf(stderr, "live_bench: only %d of %d clients updated\n", progress.reached, progress.connected);
      return 1;
    }
    first_ms.push_back(Ms(progress.first - t0));
    all_ms.push_back(Ms(progress.last - t0));
    std::printf("append %d (%zu rows): first client %.1f ms, all %d clients %.1f ms\n", k,
                last_day_rows.size(), first_ms.back(), progress.reached, all_ms.back());
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the server settle
  }
  std::vector<double> reloads = server.ReloadMillis();
  if (reloads.size() > static_cast<std::size_t>(options.appends)) {
    reloads.erase(reloads.begin(), reloads.end() - options.appends);  // the appends' only
  }
  std::printf("median: first client %.1f ms, all clients %.1f ms; server reload (parse + index) "
              "median %.0f ms\n", Median(first_ms), Median(all_ms), Median(reloads));

  // The anchor, in the same run: one more day of the same rows in a rewritten file (renamed
  // into place, its first row gone), which the server reads and indexes in full.
  {
    char day[11];
    keeta::FormatDayTo(*day0 + options.appends + 1, day);
    std::string rows;
    for (const std::string& row : last_day_rows) rows.append(day, 10).append(row).push_back('\n');
    // Without its first data row, so that its old bytes differ and no append path applies.
    const std::string next = copy + ".next";
    {
      std::ifstream in(copy, std::ios::binary);
      std::ofstream out(next, std::ios::binary);
      std::string line;
      std::getline(in, line);
      out << line << '\n';
      std::getline(in, line);
      out << in.rdbuf() << rows;
    }
    {
      std::lock_guard lock(progress.mu);
      progress.base = progress.newest;
      progress.reached = 0;
    }
    const auto t0 = Clock::now();
    fs::rename(next, copy);
    std::unique_lock lock(progress.mu);
    if (!progress.cv.wait_for(lock, std::chrono::minutes(2),
                              [&] { return progress.reached >= progress.connected; })) {
      std::fprintf(stderr, "live_bench: the rewrite reached only %d clients\n", progress.reached);
      return 1;
    }
    const double all = Ms(progress.last - t0);
    lock.unlock();
    // The server's log reaches us when it flushes (every second).
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    std::printf("rewrite instead (full reload): all clients %.1f ms, of which the complete-file "
                "rule waits 500 ms; server reload %.0f ms\n", all, server.ReloadMillis().back());
  }
  std::printf("server RSS: %.0f MB idle, %.0f MB with clients, %.0f MB now, peak %.0f MB\n", rss_idle,
              rss_connected, server.StatusMb("VmRSS:"), server.StatusMb("VmHWM:"));
  guard.reset();
  ioc.stop();
  io.join();
  fs::remove(copy);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  options.keeta = (std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path() / "keeta").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--csv") options.csv = value;
    else if (flag == "--keeta") options.keeta = value;
    else if (flag == "--clients") options.clients = std::atoi(value.c_str());
    else if (flag == "--filters") options.filters = std::atoi(value.c_str());
    else if (flag == "--appends") options.appends = std::atoi(value.c_str());
    else if (flag == "--rows-per-day") options.rows_per_day = std::atoi(value.c_str());
    else {
      std::fprintf(stderr, "usage: live_bench --csv FILE [--clients N] [--filters K] [--appends A] [--keeta PATH]\n");
      return 2;
    }
  }
  if (options.csv.empty()) {
    std::fprintf(stderr, "live_bench: --csv FILE is required\n");
    return 2;
  }
  return Run(options);
}
