// FileWatcher: wakes the reloader when a data file may have changed, through inotify, so
// that a change is seen at once instead of at the next poll. It watches the file's folder
// (a file replaced by rename(2) is a new inode: only the folder sees it arrive) and the file
// itself (writes through another hard link or path). Whether the new version is complete
// enough to load is not its business: callers look at the file (store/complete_file.h).
// Thread-safety: one thread at a time calls Wait; Wake may be called from any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/result.h"

namespace keeta {

class FileWatcher {
 public:
  // Starts watching; an Error when inotify is unavailable (callers then fall back to
  // looking at the file periodically).
  static Result<std::unique_ptr<FileWatcher>> Create(std::string path);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  enum class Event { kChanged, kNothing, kWoken };
  // Blocks until the file may have changed (an event on it, or on its name in the folder:
  // written, closed after writing, created, renamed in or out, deleted, attributes), Wake
  // is called, or `timeout` passes (kNothing; also after events about other files only).
  // Events that arrived together are reported once.
  Event Wait(std::chrono::milliseconds timeout);

  // Makes the current or next Wait return kWoken (e.g. to stop the reloader).
  void Wake();

 private:
  FileWatcher(int inotify_fd, int wake_fd, std::string dir, std::string name, std::string path);
  void WatchFile();  // (re)adds the watch on the file itself, after it was replaced

  const int inotify_fd_;
  const int wake_fd_;  // an eventfd
  const std::string dir_;
  const std::string name_;
  const std::string path_;
  int dir_watch_ = -1;
  int file_watch_ = -1;
};

}  // namespace keeta
