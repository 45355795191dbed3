// The CSV data source as a careless pipeline meets it: a file rewritten in place, a line
// half appended, the wrong file, a FIFO, a transient open failure; and the complete-file
// rule (store/complete_file.h) on its own. Files are real, in a temporary directory; the
// "polls" are explicit MaybeChanged calls, so no test depends on timing.
#include "store/data_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <string>
#include <string_view>

#include "store/complete_file.h"

namespace keeta {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kHeader = "day,agent,team_leader,supervisor,total_chats\n";

std::string Rows(int first, int count) {
  std::string out;
  for (int i = first; i < first + count; ++i) {
    out += "2025-01-" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ",Agent " +
           std::to_string(i) + ",Tala,Sara," + std::to_string(10 + i) + "\n";
  }
  return out;
}

// Looks are explicit calls here, microseconds apart: no settle time for newline-ended
// versions; the production quiet time (5 s) for the others, so they are never ready.
CsvSourceOptions Looks() {
  CsvSourceOptions options;
  options.timing.settle = std::chrono::milliseconds(0);
  return options;
}

class DataSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("keeta-source-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "support.csv").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes in place (truncate, then write), as a careless exporter does.
  void Write(std::string_view text) const { std::ofstream(path_, std::ios::trunc) << text; }
  void Append(std::string_view text) const { std::ofstream(path_, std::ios::app) << text; }

  // Loads and returns the rows loaded (fails the test on error).
  static std::size_t LoadRows(DataSource& source) {
    auto loaded = source.Load();
    EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().message);
    return loaded.ok() ? (*loaded)->rows() : 0;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(DataSourceTest, AFileRewrittenInPlaceIsNotPublishedHalfWritten) {
  Write(std::string(kHeader) + Rows(1, 4));
  auto source = MakeCsvSource(path_, Looks());
  ASSERT_EQ(LoadRows(*source), 4u);

  // The exporter has written half the new file (ending on a whole line), then pauses.
  const std::string next = std::string(kHeader) + Rows(1, 8);
  Write(next.substr(0, kHeader.size() + Rows(1, 3).size()));
  EXPECT_FALSE(source->MaybeChanged()) << "the half file was offered at first sight";
  Write(next);  // the rest arrives
  EXPECT_FALSE(source->MaybeChanged()) << "offered before it was seen twice unchanged";
  EXPECT_TRUE(source->MaybeChanged());
  EXPECT_EQ(LoadRows(*source), 8u);
  EXPECT_FALSE(source->MaybeChanged());  // loaded; nothing new
}

TEST_F(DataSourceTest, ALineBeingAppendedIsNotPublishedTorn) {
  Write(std::string(kHeader) + Rows(1, 2));
  auto source = MakeCsvSource(path_, Looks());
  ASSERT_EQ(LoadRows(*source), 2u);

  Append("2025-01-03,Torn Ag");  // half a line
  for (int look = 0; look < 4; ++look) {
    EXPECT_FALSE(source->MaybeChanged()) << "a torn last line was offered at look " << look;
  }
  Append("ent,Tala,Sara,7\n");
  EXPECT_FALSE(source->MaybeChanged());
  ASSERT_TRUE(source->MaybeChanged());
  auto loaded = source->Load();
  ASSERT_TRUE(loaded.ok());
  const std::vector<std::string> agents = (*loaded)->Names(Dimension::kAgent);
  EXPECT_THAT(agents, ::testing::Contains("Torn Agent"));
  EXPECT_THAT(agents, Not(::testing::Contains("Torn Ag")));
}

TEST_F(DataSourceTest, AFileWithoutAFinalNewlineIsPublishedOnceItStaysQuiet) {
  Write(std::string(kHeader) + Rows(1, 2));
  CsvSourceOptions options = Looks();
  options.timing.quiet = std::chrono::milliseconds(0);
  auto source = MakeCsvSource(path_, options);
  ASSERT_EQ(LoadRows(*source), 2u);
  Write(std::string(kHeader) + Rows(1, 3) + "2025-01-09,Last,Tala,Sara,1");
  EXPECT_FALSE(source->MaybeChanged());
  EXPECT_TRUE(source->MaybeChanged());
  EXPECT_EQ(LoadRows(*source), 4u);
}

TEST_F(DataSourceTest, AnAtomicRenameIsPublishedAfterTwoLooks) {
  Write(std::string(kHeader) + Rows(1, 2));
  auto source = MakeCsvSource(path_, Looks());
  ASSERT_EQ(LoadRows(*source), 2u);
  const std::string temp = (dir_ / ".support.csv.tmp").string();
  std::ofstream(temp) << std::string(kHeader) + Rows(1, 5);
  std::filesystem::rename(temp, path_);
  EXPECT_FALSE(source->MaybeChanged());
  EXPECT_TRUE(source->MaybeChanged());
  EXPECT_EQ(LoadRows(*source), 5u);
}

// A settle time no test waits out, and appends that need only two looks: only an append
// can be offered early.
CsvSourceOptions AppendsEarly() {
  CsvSourceOptions options;
  options.timing.settle = std::chrono::hours(1);
  options.timing.append_settle = std::chrono::milliseconds(0);
  return options;
}

TEST_F(DataSourceTest, AnAppendOfWholeLinesIsPublishedWithoutTheSettleTime) {
  Write(std::string(kHeader) + Rows(1, 2));
  auto source = MakeCsvSource(path_, AppendsEarly());
  ASSERT_EQ(LoadRows(*source), 2u);
  Append(Rows(3, 2));
  EXPECT_FALSE(source->MaybeChanged()) << "offered at first sight";
  ASSERT_TRUE(source->MaybeChanged()) << "an append waited for the settle time";
  EXPECT_EQ(LoadRows(*source), 4u);
  EXPECT_FALSE(source->MaybeChanged());
  // Half a line appended is still not offered, however often it is looked at.
  Append("2025-01-05,Torn Ag");
  for (int look = 0; look < 4; ++look) EXPECT_FALSE(source->MaybeChanged()) << look;
}

TEST_F(DataSourceTest, ALongerRewriteInPlaceIsNotMistakenForAnAppend) {
  Write(std::string(kHeader) + Rows(1, 2));
  auto source = MakeCsvSource(path_, AppendsEarly());
  ASSERT_EQ(LoadRows(*source), 2u);
  // Same file, longer, ending on a whole line, but its old bytes are not there any more.
  Write(std::string(kHeader) + Rows(5, 6));
  for (int look = 0; look < 4; ++look) {
    EXPECT_FALSE(source->MaybeChanged()) << "a rewrite was offered early at look " << look;
  }
}

TEST_F(DataSourceTest, AnAppendThatGrowsAgainBeforeItIsReadPublishesNothingYet) {
  Write(std::string(kHeader) + Rows(1, 2));
  auto source = MakeCsvSource(path_, AppendsEarly());
  ASSERT_EQ(LoadRows(*source), 2u);
  Append(Rows(3, 1));
  EXPECT_FALSE(source->MaybeChanged());
  ASSERT_TRUE(source->MaybeChanged());
  Append(Rows(4, 1));  // between the check and the read
  auto loaded = source->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(*loaded, nullptr) << "published a version that was not the one checked";
  EXPECT_FALSE(source->MaybeChanged());
  ASSERT_TRUE(source->MaybeChanged());
  EXPECT_EQ(LoadRows(*source), 4u);
}

TEST_F(DataSourceTest, AFileWithNoKnownColumnIsALoadError) {
  Write("invoice,amount\nA-1,20\nA-2,30\n");
  auto source = MakeCsvSource(path_, Looks());
  auto loaded = source->Load();
  ASSERT_FALSE(loaded.ok()) << "the wrong file became " << (*loaded)->rows() << " rows";
  EXPECT_THAT(loaded.error().message, HasSubstr("none of the known columns"));
  EXPECT_THAT(loaded.error().message, HasSubstr("support.csv"));
}

TEST_F(DataSourceTest, MessagesAndTheReportNameTheFileNotItsDirectory) {
  Write(std::string(kHeader) + Rows(1, 2));
  auto source = MakeCsvSource(path_, Looks());
  auto loaded = source->Load();
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ((*loaded)->report().source, "support.csv");

  CsvSourceOptions options = Looks();
  options.label = "Support KPIs";
  auto labelled = MakeCsvSource(path_, options);
  EXPECT_EQ((*labelled->Load())->report().source, "Support KPIs");

  Write("day,agent\n\"2025-01-01,unterminated\n");
  auto broken = MakeCsvSource(path_, Looks())->Load();
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.error().message, Not(HasSubstr(dir_.string())));
  auto missing = MakeCsvSource((dir_ / "gone.csv").string())->Load();
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error().message, HasSubstr("gone.csv"));
  EXPECT_THAT(missing.error().message, Not(HasSubstr(dir_.string())));
}

TEST_F(DataSourceTest, AFifoIsRefusedWithoutBlocking) {
  ASSERT_EQ(::mkfifo(path_.c_str(), 0600), 0);
  auto source = MakeCsvSource(path_, Looks());
  auto pending = std::async(std::launch::async, [&] { return source->Load(); });
  // Hang guard, not a timing threshold: a reader blocked on the FIFO is released by
  // opening its other end, and the test then fails on the message.
  if (pending.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    ADD_FAILURE() << "Load blocked on a FIFO";
    const int writer = ::open(path_.c_str(), O_WRONLY);
    ::close(writer);
  }
  auto loaded = pending.get();
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.error().message, HasSubstr("not a regular file"));
}

TEST_F(DataSourceTest, AReloadThatMeetsAFifoKeepsTheLastGoodDataAndIsNotRetriedInALoop) {
  Write(std::string(kHeader) + Rows(1, 2));
  auto source = MakeCsvSource(path_, Looks());
  ASSERT_EQ(LoadRows(*source), 2u);
  std::filesystem::remove(path_);
  ASSERT_EQ(::mkfifo(path_.c_str(), 0600), 0);
  EXPECT_TRUE(source->MaybeChanged());  // a new failure to report
  auto loaded = source->Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.error().message, HasSubstr("not a regular file"));
  EXPECT_FALSE(source->MaybeChanged());  // reported once, not every poll
  std::filesystem::remove(path_);
  Write(std::string(kHeader) + Rows(1, 3));  // a real file again
  EXPECT_FALSE(source->MaybeChanged());
  EXPECT_TRUE(source->MaybeChanged());
  EXPECT_EQ(LoadRows(*source), 3u);
}

TEST_F(DataSourceTest, ATransientOpenFailureIsRetriedUntilItLoads) {
  Write(std::string(kHeader) + Rows(1, 2));
  int failures_left = 2;
  CsvSourceOptions options = Looks();
  options.retry_min = std::chrono::milliseconds(0);
  options.open = [&failures_left](const char* path, int flags) {
    if (failures_left > 0) {
      --failures_left;
      errno = EMFILE;  // out of file descriptors
      return -1;
    }
    return ::open(path, flags);
  };
  auto source = MakeCsvSource(path_, options);
  auto first = source->Load();
  ASSERT_FALSE(first.ok());
  EXPECT_THAT(first.error().message, HasSubstr("Too many open files"));
  // The file did not change, yet the source asks to load again: a retry.
  ASSERT_TRUE(source->MaybeChanged());
  EXPECT_FALSE(source->Load().ok());
  ASSERT_TRUE(source->MaybeChanged());
  EXPECT_EQ(LoadRows(*source), 2u);
  EXPECT_FALSE(source->MaybeChanged());
}

TEST_F(DataSourceTest, AContentErrorIsNotRetriedUntilTheFileChanges) {
  Write("day,agent\n\"2025-01-01,unterminated\n");
  auto source = MakeCsvSource(path_, Looks());
  ASSERT_FALSE(source->Load().ok());
  EXPECT_FALSE(source->MaybeChanged());
  EXPECT_FALSE(source->MaybeChanged());
  Write(std::string(kHeader) + Rows(1, 2));
  EXPECT_FALSE(source->MaybeChanged());
  EXPECT_TRUE(source->MaybeChanged());
  EXPECT_EQ(LoadRows(*source), 2u);
}

// ---- the rule on its own -------------------------------------------------------------------

using std::chrono::milliseconds;
const CompleteFileRule::Clock::time_point kT0{};
constexpr CompleteFileRule::Timing kTiming{milliseconds(500), milliseconds(5000)};

FileLook Look(off_t size, std::int64_t mtime, bool newline) {
  FileLook look;
  look.stamp.inode = 7;
  look.stamp.size = size;
  look.stamp.mtime_ns = mtime;
  look.ends_with_newline = newline;
  return look;
}

TEST(CompleteFileRuleTest, NewlineEndedFilesNeedTwoEqualLooksOverTheSettleTime) {
  CompleteFileRule rule(kTiming);
  EXPECT_FALSE(rule.ReadyToLoad(Look(10, 1, true), kT0));
  EXPECT_FALSE(rule.ReadyToLoad(Look(10, 1, true), kT0 + milliseconds(499)));
  EXPECT_TRUE(rule.ReadyToLoad(Look(10, 1, true), kT0 + milliseconds(500)));
  rule.Loaded(Look(10, 1, true).stamp);
  EXPECT_FALSE(rule.ReadyToLoad(Look(10, 1, true), kT0 + milliseconds(900)));  // loaded
  EXPECT_FALSE(rule.ReadyToLoad(Look(20, 2, true), kT0 + milliseconds(1000)));
  EXPECT_FALSE(rule.ReadyToLoad(Look(30, 3, true), kT0 + milliseconds(2000)));  // growing
  EXPECT_TRUE(rule.ReadyToLoad(Look(30, 3, true), kT0 + milliseconds(2500)));
}

TEST(CompleteFileRuleTest, AGrownFileIsOfferedEarlyAsAnAppendUnlessItIsNotOne) {
  CompleteFileRule rule(kTiming);  // append_settle: the default, 20 ms
  ASSERT_FALSE(rule.ReadyToLoad(Look(10, 1, true), kT0));
  ASSERT_TRUE(rule.ReadyToLoad(Look(10, 1, true), kT0 + milliseconds(500)));
  EXPECT_FALSE(rule.ready_as_append());  // nothing loaded before it
  rule.Loaded(Look(10, 1, true).stamp);
  EXPECT_FALSE(rule.ReadyToLoad(Look(20, 2, true), kT0 + milliseconds(1000)));
  EXPECT_FALSE(rule.ReadyToLoad(Look(20, 2, true), kT0 + milliseconds(1019)));
  EXPECT_TRUE(rule.ReadyToLoad(Look(20, 2, true), kT0 + milliseconds(1020)));
  EXPECT_TRUE(rule.ready_as_append());
  // Its old bytes changed: the same version now waits for the settle time.
  rule.NotAnAppend();
  EXPECT_FALSE(rule.ReadyToLoad(Look(20, 2, true), kT0 + milliseconds(1100)));
  EXPECT_TRUE(rule.ReadyToLoad(Look(20, 2, true), kT0 + milliseconds(1500)));
  EXPECT_FALSE(rule.ready_as_append());
  // A shorter file, another inode, or no final newline is never an append.
  rule.Loaded(Look(20, 2, true).stamp);
  EXPECT_FALSE(rule.ReadyToLoad(Look(15, 3, true), kT0 + milliseconds(2000)));
  EXPECT_FALSE(rule.ReadyToLoad(Look(15, 3, true), kT0 + milliseconds(2100)));
  FileLook other = Look(30, 4, true);
  other.stamp.inode = 8;
  EXPECT_FALSE(rule.ReadyToLoad(other, kT0 + milliseconds(3000)));
  EXPECT_FALSE(rule.ReadyToLoad(other, kT0 + milliseconds(3100)));
  EXPECT_FALSE(rule.ReadyToLoad(Look(30, 5, false), kT0 + milliseconds(4000)));
  EXPECT_FALSE(rule.ReadyToLoad(Look(30, 5, false), kT0 + milliseconds(4100)));
}

TEST(CompleteFileRuleTest, FilesWithoutAFinalNewlineNeedTheQuietTime) {
  CompleteFileRule rule(kTiming);
  EXPECT_FALSE(rule.ReadyToLoad(Look(10, 1, false), kT0));
  EXPECT_FALSE(rule.ReadyToLoad(Look(10, 1, false), kT0 + milliseconds(4999)));
  EXPECT_TRUE(rule.ReadyToLoad(Look(10, 1, false), kT0 + milliseconds(5000)));
}

TEST(CompleteFileRuleTest, ForgetOffersTheSameVersionAgain) {
  CompleteFileRule rule(kTiming);
  rule.ReadyToLoad(Look(10, 1, true), kT0);
  rule.Loaded(Look(10, 1, true).stamp);
  EXPECT_FALSE(rule.ReadyToLoad(Look(10, 1, true), kT0 + milliseconds(600)));
  rule.Forget();
  EXPECT_TRUE(rule.ReadyToLoad(Look(10, 1, true), kT0 + milliseconds(700)));
}

}  // namespace
}  // namespace keeta
