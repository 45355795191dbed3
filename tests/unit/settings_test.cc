// Settings (store/settings.h): the JSON form, validation, and the file store's writes and
// pick-up of changes made by another process.
#include "store/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace keeta {
namespace {

using ::testing::HasSubstr;

std::filesystem::path TempDir() {
  auto dir = std::filesystem::temp_directory_path() /
             ("keeta-settings-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
              "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(SettingsJson, RoundTripsAndValidates) {
  Settings s;
  s.targets[2] = Target{TargetOp::kAtLeast, 85};
  s.targets[1] = Target{TargetOp::kAtMost, 30.5};
  s.weighted[2] = true;
  const auto back = ParseSettingsJson(SettingsToJson(s));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, s);
  EXPECT_TRUE(ParseSettingsJson("{}").ok());
  for (const char* bad : {"[", "[]", R"({"targets": {"speed": {"op": ">=", "value": 1}}})",
                          R"({"targets": {"csat": {"op": "=", "value": 1}}})",
                          R"({"targets": {"csat": {"op": ">="}}})",
                          R"({"weighted": ["total_chats"]})", R"({"colour": "red"})"}) {
    EXPECT_FALSE(ParseSettingsJson(bad).ok()) << bad;
  }
}

TEST(SettingsFile, MissingFileIsEmptyAndUpdatesPersist) {
  const auto dir = TempDir();
  const std::string path = (dir / "settings.json").string();
  auto store = OpenSettingsFile(path);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(*(*store)->Current().settings, Settings{});
  const auto v1 = (*store)->Current().version;
  auto updated = (*store)->Update([](Settings& s) { s.targets[0] = Target{TargetOp::kAtLeast, 100}; });
  ASSERT_TRUE(updated.ok());
  EXPECT_GT(updated->version, v1);
  auto reopened = OpenSettingsFile(path);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Current().settings->targets[0], (Target{TargetOp::kAtLeast, 100}));
  std::filesystem::remove_all(dir);
}

TEST(SettingsFile, ABrokenFileIsAnErrorAtOpenAndKeepsTheLastGoodSettingsLater) {
  const auto dir = TempDir();
  const std::string path = (dir / "settings.json").string();
  std::ofstream(path) << "{not json";
  auto broken = OpenSettingsFile(path);
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.error().message, HasSubstr("settings.json"));

  std::ofstream(path, std::ios::trunc) << R"({"targets": {"csat": {"op": ">=", "value": 80}}})";
  auto store = OpenSettingsFile(path);
  ASSERT_TRUE(store.ok());
  // Another process writes new settings; they are picked up within the re-check interval.
  std::ofstream(path, std::ios::trunc) << R"({"targets": {"csat": {"op": ">=", "value": 90}}, "weighted": []})";
  std::optional<Target> seen;
  for (int i = 0; i < 40 && seen != Target{TargetOp::kAtLeast, 90}; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = (*store)->Current().settings->targets[2];
  }
  EXPECT_EQ(seen, (Target{TargetOp::kAtLeast, 90}));
  // Then it breaks: the last good settings stay, and the error is reported.
  std::ofstream(path, std::ios::trunc) << "{broken";
  for (int i = 0; i < 40 && (*store)->last_error().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (*store)->Current();
  }
  EXPECT_FALSE((*store)->last_error().empty());
  EXPECT_EQ((*store)->Current().settings->targets[2], (Target{TargetOp::kAtLeast, 90}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace keeta
