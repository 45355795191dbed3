// FileWatcher over a real temporary folder: appends, in-place rewrites, atomic renames,
// truncation, deletion and re-creation are reported; other files in the folder are not.
#include "store/file_watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace keeta {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Event = FileWatcher::Event;

// Generous: only a hang guard. "Nothing happened" is checked with a short wait instead.
constexpr milliseconds kHangGuard{20000};
constexpr milliseconds kShort{50};

class FileWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("keeta-watch-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    path_ = dir_ / "data.csv";
    std::ofstream(path_) << "day,agent\n";
    auto watcher = FileWatcher::Create(path_.string());
    ASSERT_TRUE(watcher.ok()) << watcher.error().message;
    watcher_ = std::move(watcher).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Waits for a change report, skipping reports of nothing (there should be none).
  Event NextChange() { return watcher_->Wait(kHangGuard); }

  fs::path dir_;
  fs::path path_;
  std::unique_ptr<FileWatcher> watcher_;
};

TEST_F(FileWatcherTest, AnAppendIsReported) {
  EXPECT_EQ(watcher_->Wait(kShort), Event::kNothing);
  { std::ofstream(path_, std::ios::app) << "2025-01-01,Ahmed\n"; }
  EXPECT_EQ(NextChange(), Event::kChanged);
  EXPECT_EQ(watcher_->Wait(kShort), Event::kNothing);  // drained: reported once
}

TEST_F(FileWatcherTest, AnAtomicRenameOverTheFileIsReportedAndLaterWritesToo) {
  const fs::path next = dir_ / ".data.csv.tmp";
  std::ofstream(next) << "day,agent\n2025-01-02,Badr\n";
  // Writing the temporary file concerns another name.
  EXPECT_EQ(watcher_->Wait(kShort), Event::kNothing);
  fs::rename(next, path_);
  EXPECT_EQ(NextChange(), Event::kChanged);
  // The name is now another inode: writes to it are still seen.
  { std::ofstream(path_, std::ios::app) << "2025-01-03,Carla\n"; }
  EXPECT_EQ(NextChange(), Event::kChanged);
}

TEST_F(FileWatcherTest, TruncationDeletionAndRecreationAreReported) {
  fs::resize_file(path_, 3);
  EXPECT_EQ(NextChange(), Event::kChanged);
  fs::remove(path_);
  EXPECT_EQ(NextChange(), Event::kChanged);
  std::ofstream(path_) << "day\n";
  EXPECT_EQ(NextChange(), Event::kChanged);
  { std::ofstream(path_, std::ios::app) << "2025-01-01\n"; }
  EXPECT_EQ(NextChange(), Event::kChanged);
}

TEST_F(FileWatcherTest, OtherFilesInTheFolderAreIgnored) {
  std::ofstream(dir_ / "other.csv") << "x\n";
  fs::remove(dir_ / "other.csv");
  EXPECT_EQ(watcher_->Wait(kShort), Event::kNothing);
}

TEST_F(FileWatcherTest, WakeEndsAWaitFromAnotherThread) {
  std::thread waker([&] { watcher_->Wake(); });
  EXPECT_EQ(watcher_->Wait(kHangGuard), Event::kWoken);
  waker.join();
}

TEST(FileWatcherCreateTest, AMissingFolderIsAnError) {
  EXPECT_FALSE(FileWatcher::Create("/nonexistent-keeta-folder/data.csv").ok());
}

}  // namespace
}  // namespace keeta
