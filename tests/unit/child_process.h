// Test helpers for end-to-end tests of the `keeta` binary: a child process whose output
// is read from a pipe, and temporary CSV files. Test-only code; one thread per object.
#pragma once

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace keeta::test {

// A child process with its stdout (and stderr) on a pipe.
class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    // Only stdout and stderr hold the pipe: a daemon the child starts (a test database)
    // that closes those must not keep it open, or reading to the end would wait for it.
    if (fds[1] > 2) posix_spawn_file_actions_addclose(&actions, fds[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) ::close(fd_);
  }

  // Output up to and including the first line containing `needle` (or all output until EOF
  // or a generous hang guard).
  std::string ReadUntil(std::string_view needle) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (output_.find(needle) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[4096];
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      output_.append(buf, static_cast<std::size_t>(n));
    }
    return output_;
  }

  // Sends a signal and returns the exit status (-1 if it did not exit normally).
  int SignalAndWait(int sig) {
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // The same with a hang guard: a child still running after `limit` is killed and the
  // result is -2.
  int SignalAndWaitAtMost(int sig, std::chrono::seconds limit) {
    ::kill(pid_, sig);
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
        return -2;
      }
      ::usleep(10000);
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  int Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
};

// The port from a `keeta serve` ready line in `output`, or 0.
inline int ReadyPort(const std::string& output) {
  const std::string prefix = "Keeta dashboard: http://127.0.0.1:";
  const auto at = output.find(prefix);
  if (at == std::string::npos) return 0;
  return std::atoi(output.c_str() + at + prefix.size());
}

inline std::filesystem::path TempCsv(std::string_view name, std::string_view text) {
  const auto path = std::filesystem::temp_directory_path() /
                    (std::string(name) + "-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << text;
  return path;
}

}  // namespace keeta::test
