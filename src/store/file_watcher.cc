#include "store/file_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>

namespace keeta {
namespace {

// What in the folder concerns the file: its name arriving, leaving, or being written.
constexpr std::uint32_t kDirMask = IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                   IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_ONLYDIR;
// On the file itself (e.g. written through another path, or truncated).
constexpr std::uint32_t kFileMask =
    IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

}  // namespace

Result<std::unique_ptr<FileWatcher>> FileWatcher::Create(std::string path) {
  const std::filesystem::path p(path);
  std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
  std::string name = p.filename().string();
  const int ifd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (ifd < 0) return Error{fmt::format("inotify unavailable: {}", std::strerror(errno)), ""};
  const int efd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (efd < 0) {
    const int err = errno;
    ::close(ifd);
    return Error{fmt::format("eventfd unavailable: {}", std::strerror(err)), ""};
  }
  std::unique_ptr<FileWatcher> watcher(
      new FileWatcher(ifd, efd, std::move(dir), std::move(name), std::move(path)));
  watcher->dir_watch_ = ::inotify_add_watch(ifd, watcher->dir_.c_str(), kDirMask);
  if (watcher->dir_watch_ < 0) {
    return Error{
        fmt::format("cannot watch folder {}: {}", watcher->dir_, std::strerror(errno)), ""};
  }
  watcher->WatchFile();
  return watcher;
}

FileWatcher::FileWatcher(int inotify_fd, int wake_fd, std::string dir, std::string name,
                         std::string path)
    : inotify_fd_(inotify_fd),
      wake_fd_(wake_fd),
      dir_(std::move(dir)),
      name_(std::move(name)),
      path_(std::move(path)) {}

FileWatcher::~FileWatcher() {
  ::close(inotify_fd_);
  ::close(wake_fd_);
}

void FileWatcher::WatchFile() {
  // inotify_add_watch on the same inode returns the same descriptor; a new inode (after a
  // rename over the name) gets a new one. A missing file is fine: the folder watch will
  // report its creation.
  const int watch = ::inotify_add_watch(inotify_fd_, path_.c_str(), kFileMask);
  if (file_watch_ >= 0 && watch != file_watch_) ::inotify_rm_watch(inotify_fd_, file_watch_);
  file_watch_ = watch;
}

void FileWatcher::Wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

FileWatcher::Event FileWatcher::Wait(std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  const int ready = ::poll(fds, 2, static_cast<int>(timeout.count()));
  if (ready <= 0) return Event::kNothing;  // the timeout, or EINTR: the caller looks anyway
  if ((fds[1].revents & POLLIN) != 0) {
    std::uint64_t count;
    [[maybe_unused]] const ssize_t n = ::read(wake_fd_, &count, sizeof count);
    return Event::kWoken;
  }
  // Drain every queued event; report one change if any concerns the file.
  bool changed = false;
  alignas(inotify_event) char buf[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(inotify_fd_, buf, sizeof buf);
    if (n <= 0) break;  // EAGAIN: drained
    for (const char* at = buf; at < buf + n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(at);
      at += sizeof(inotify_event) + event->len;
      if ((event->mask & IN_Q_OVERFLOW) != 0) {
        changed = true;  // events were lost: assume the worst
      } else if (event->wd == dir_watch_) {
        changed |= event->len > 0 && name_ == event->name;
      } else if (event->wd == file_watch_) {
        changed = true;
      }
    }
  }
  if (changed) WatchFile();  // the name may now be another inode
  return changed ? Event::kChanged : Event::kNothing;
}

}  // namespace keeta
