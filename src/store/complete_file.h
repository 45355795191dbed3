// Publishing only complete data files: the rule every file-based source follows, whatever
// tells it that the file may have changed (inotify events, or periodic looks).
//
// A program writing the data file in place is seen half-way: half the rows, or a last
// line cut short. The supported way to replace a file is to write a temporary file in the
// same directory and rename(2) it over the old one (atomic: a reader sees the old file or
// the new one, never a mix). For writers that do not, CompleteFileRule publishes a version
// only once it looks finished:
//   - the same (device, inode, size, mtime, ctime) on at least two looks, for at least
//     `settle` (however often something looks: inotify makes looks frequent), and
//   - a last byte that is a newline; a file that does not end with one (being appended
//     to, or simply written without a final newline) must instead stay unchanged for
//     `quiet`;
//   - except for an append: the same inode as the version loaded, larger, ending with a
//     newline, and (checked by the caller: NotAnAppend otherwise) its old bytes unchanged
//     needs to stay unchanged only for `append_settle`, because whole lines added at the
//     end are a consistent version at every step, while a rewrite seen half-way is not;
// and the reader then checks that the file did not change while it was being read.
// Looking also refuses what is not a regular file (a FIFO or a device would block a
// reader forever) and opens without blocking.
// Thread-safety: CompleteFileRule is a value used by one thread; the functions are
// stateless.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace keeta {

// What identifies one version of a file.
struct FileStamp {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = -1;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

// One look at a file.
struct FileLook {
  FileStamp stamp;
  bool ends_with_newline = false;
};

// The decision "load this version now?", fed one look at a time.
class CompleteFileRule {
 public:
  using Clock = std::chrono::steady_clock;
  struct Timing {
    std::chrono::milliseconds settle{500};   // unchanged this long, ending with a newline
    std::chrono::milliseconds quiet{5000};   // unchanged this long, without one
    std::chrono::milliseconds append_settle{20};  // unchanged this long, an append
  };
  explicit CompleteFileRule(Timing timing) : timing_(timing) {}

  // Records a look taken at `now`; true when this version is complete by the rule and not
  // yet loaded.
  bool ReadyToLoad(const FileLook& look, Clock::time_point now);
  // After ReadyToLoad said true: whether it did so early, as an append. The caller then
  // checks that the old bytes are unchanged, and calls NotAnAppend when they are not.
  bool ready_as_append() const { return ready_as_append_; }
  // The version just offered as an append is not one (its old bytes changed): it is
  // offered again only once it has settled like any other version.
  void NotAnAppend() { not_an_append_ = previous_; }
  // A load of `stamp` was attempted (whatever its outcome): not offered again until the
  // file changes.
  void Loaded(const FileStamp& stamp);
  // Forget the loaded version, so the current one is offered again once stable (a retry).
  void Forget() { loaded_.reset(); }

 private:
  Timing timing_;
  std::optional<FileStamp> loaded_;
  std::optional<FileStamp> previous_;
  Clock::time_point previous_since_;  // the first look that saw previous_
  int unchanged_looks_ = 0;           // consecutive looks that saw previous_ (capped at 2)
  bool ready_as_append_ = false;
  std::optional<FileStamp> not_an_append_;
};

// How a source opens files: ::open in production; tests inject failures (EMFILE).
using OpenFunction = std::function<int(const char* path, int flags)>;
OpenFunction SystemOpen();

// A file descriptor, closed on destruction.
class OpenedFile {
 public:
  explicit OpenedFile(int fd) : fd_(fd) {}
  ~OpenedFile();
  OpenedFile(OpenedFile&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  OpenedFile& operator=(OpenedFile&&) = delete;
  OpenedFile(const OpenedFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Why a file could not be opened or looked at. `transient` errors (out of descriptors or
// memory, interrupted, I/O errors) are worth retrying while the file stays the same.
struct FileError {
  std::string message;
  bool transient = false;
};

// Opens `path` read-only without blocking and checks it is a regular file; `label` names
// it in messages.
struct OpenOutcome {
  std::optional<OpenedFile> file;
  FileError error;  // when !file
};
OpenOutcome OpenRegularFile(const std::string& path, const std::string& label,
                            const OpenFunction& open);

// Stamps an open file and reads its last byte.
std::optional<FileLook> LookAt(const OpenedFile& file);

// The stamp of whatever is at `path` now (nothing when there is nothing).
std::optional<FileStamp> StampAt(const std::string& path);

}  // namespace keeta
