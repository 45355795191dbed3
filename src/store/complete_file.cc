#include "store/complete_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace keeta {
namespace {

std::int64_t Nanoseconds(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
}

FileStamp StampOf(const struct stat& st) {
  return {st.st_dev, st.st_ino, st.st_size, Nanoseconds(st.st_mtim), Nanoseconds(st.st_ctim)};
}

bool IsTransient(int error_number) {
  switch (error_number) {
    case EMFILE: case ENFILE: case ENOMEM: case ENOBUFS: case EAGAIN: case EINTR: case EIO:
    case ESTALE: case ETIMEDOUT:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool CompleteFileRule::ReadyToLoad(const FileLook& look, Clock::time_point now) {
  if (previous_ == look.stamp) {
    unchanged_looks_ = std::min(unchanged_looks_ + 1, 2);
  } else {
    previous_ = look.stamp;
    previous_since_ = now;
    unchanged_looks_ = 1;
  }
  ready_as_append_ = false;
  if (loaded_ == look.stamp || unchanged_looks_ < 2) return false;
  const auto unchanged_for = now - previous_since_;
  const bool grew = look.ends_with_newline && loaded_ && loaded_->device == look.stamp.device &&
                    loaded_->inode == look.stamp.inode && look.stamp.size > loaded_->size &&
                    not_an_append_ != look.stamp;
  if (grew && unchanged_for >= timing_.append_settle) {
    ready_as_append_ = true;
    return true;
  }
  return unchanged_for >= (look.ends_with_newline ? timing_.settle : timing_.quiet);
}

void CompleteFileRule::Loaded(const FileStamp& stamp) { loaded_ = stamp; }

OpenFunction SystemOpen() {
  return [](const char* path, int flags) { return ::open(path, flags); };
}

OpenedFile::~OpenedFile() {
  if (fd_ >= 0) ::close(fd_);
}

OpenOutcome OpenRegularFile(const std::string& path, const std::string& label,
                            const OpenFunction& open) {
  OpenOutcome out;
  // O_NONBLOCK: opening a FIFO without a writer must not wait for one.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    out.error = {fmt::format("cannot open '{}': {}", label, std::strerror(err)),
                 IsTransient(err)};
    return out;
  }
  OpenedFile file(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    out.error = {fmt::format("cannot read '{}': {}", label, std::strerror(err)),
                 IsTransient(err)};
    return out;
  }
  if (!S_ISREG(st.st_mode)) {
    out.error = {fmt::format("cannot read '{}': not a regular file", label), false};
    return out;
  }
  out.file.emplace(std::move(file));
  return out;
}

std::optional<FileLook> LookAt(const OpenedFile& file) {
  struct stat st {};
  if (::fstat(file.fd(), &st) != 0) return std::nullopt;
  FileLook look;
  look.stamp = StampOf(st);
  char last = 0;
  look.ends_with_newline =
      st.st_size > 0 && ::pread(file.fd(), &last, 1, st.st_size - 1) == 1 && last == '\n';
  return look;
}

std::optional<FileStamp> StampAt(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return StampOf(st);
}

}  // namespace keeta
