// `keeta users|tokens|audit` and `keeta serve`'s access rules, run as real processes over a
// state file in a scratch directory: the password comes from standard input, errors are
// one line with a non-zero exit, and a server without accounts refuses a public address.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <vector>

#include "auth/password.h"
#include "auth/secrets.h"
#include "state/sqlite_state_store.h"

extern char** environ;

namespace keeta {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

class AccountCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("keeta-accounts-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    state_ = (dir_ / "state.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string ReadAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Runs keeta with `args` (and --state for the scratch file), `input` on stdin.
  Outcome Keeta(std::vector<std::string> args, const std::string& input = "") {
    const fs::path in = dir_ / "stdin", out = dir_ / "stdout", err = dir_ / "stderr";
    std::ofstream(in, std::ios::binary) << input;
    std::vector<std::string> all{KEETA_BINARY};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    Outcome result;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
      ADD_FAILURE() << "cannot run " << KEETA_BINARY;
      posix_spawn_file_actions_destroy(&actions);
      return result;
    }
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = ReadAll(out);
    result.err = ReadAll(err);
    return result;
  }

  void ExpectOneLineError(const Outcome& r, std::string_view needle) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_THAT(r.err, HasSubstr(std::string(needle)));
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }

  fs::path dir_;
  std::string state_;
};

TEST_F(AccountCommandsTest, UsersAddListPasswdRemove) {
  Outcome add = Keeta({"users", "add", "amal", "--role", "team_leader", "--scope", "Sara",
                   "--state", state_}, "a long enough password\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_THAT(add.out, HasSubstr("added amal (team_leader: Sara)"));
  ASSERT_EQ(Keeta({"users", "add", "root", "--role", "admin", "--state", state_},
                  "another long password\n").exit_code, 0);

  Outcome list = Keeta({"users", "list", "--state", state_});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, HasSubstr("amal"));
  EXPECT_THAT(list.out, HasSubstr("team_leader"));
  EXPECT_THAT(list.out, HasSubstr("(everything)"));
  EXPECT_THAT(list.out, Not(HasSubstr("argon2"))) << "hashes are never printed";

  // The stored password is an Argon2id hash of the line read (without its newline).
  {
    auto store = state::OpenSqliteStateStore(state_);
    ASSERT_TRUE(store.ok());
    const auto amal = (*store)->FindAccount("amal");
    ASSERT_TRUE(amal->has_value());
    EXPECT_TRUE(auth::VerifyPassword((*amal)->password_hash, "a long enough password"));
  }
  ASSERT_EQ(Keeta({"users", "passwd", "amal", "--state", state_}, "a brand new password\r\n")
                .exit_code, 0);
  {
    auto store = state::OpenSqliteStateStore(state_);
    const auto amal = (*store)->FindAccount("amal");
    EXPECT_TRUE(auth::VerifyPassword((*amal)->password_hash, "a brand new password"));
  }
  ASSERT_EQ(Keeta({"users", "remove", "amal", "--state", state_}).exit_code, 0);
  EXPECT_THAT(Keeta({"users", "list", "--state", state_}).out, Not(HasSubstr("amal")));
}

TEST_F(AccountCommandsTest, BadInputIsOneLineAndNonZero) {
  ExpectOneLineError(Keeta({"users", "add", "a", "--role", "agent", "--state", state_},
                           "a long enough password\n"), "--scope is required");
  ExpectOneLineError(Keeta({"users", "add", "a", "--role", "admin", "--state", state_},
                           "short\n"), "at least 12 characters");
  ExpectOneLineError(Keeta({"users", "add", "a", "--role", "admin", "--state", state_}, ""),
                     "no password");
  ExpectOneLineError(Keeta({"users", "remove", "ghost", "--state", state_}), "no account");
  ExpectOneLineError(Keeta({"tokens", "create", "--user", "ghost", "--state", state_}),
                     "no account");
  ExpectOneLineError(Keeta({"tokens", "revoke", "42", "--state", state_}), "no active token");
  ASSERT_EQ(Keeta({"users", "add", "a", "--role", "admin", "--state", state_},
                  "a long enough password\n").exit_code, 0);
  ExpectOneLineError(Keeta({"users", "add", "a", "--role", "admin", "--state", state_},
                           "a long enough password\n"), "already exists");
}

TEST_F(AccountCommandsTest, TokensCreateListRevokeAndAudit) {
  ASSERT_EQ(Keeta({"users", "add", "amal", "--role", "agent", "--scope", "Ahmed", "--state",
                   state_}, "a long enough password\n").exit_code, 0);
  Outcome created = Keeta({"tokens", "create", "--user", "amal", "--expires-days", "30",
                       "--state", state_});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string token = created.out.substr(0, created.out.find('\n'));
  EXPECT_THAT(token, ::testing::StartsWith("keeta_"));
  EXPECT_EQ(created.out, token + "\n") << "one line, only the token";

  Outcome list = Keeta({"tokens", "list", "--state", state_});
  EXPECT_THAT(list.out, HasSubstr("amal"));
  EXPECT_THAT(list.out, HasSubstr("active"));
  EXPECT_THAT(list.out, Not(HasSubstr(token.substr(6, 12)))) << "never the secret";
  EXPECT_THAT(ReadAll(state_), Not(HasSubstr(token))) << "stored hashed";

  ASSERT_EQ(Keeta({"tokens", "revoke", "1", "--state", state_}).exit_code, 0);
  EXPECT_THAT(Keeta({"tokens", "list", "--state", state_}).out, HasSubstr("revoked"));

  {
    auto store = state::OpenSqliteStateStore(state_);
    ASSERT_TRUE((*store)->AppendAudit({0, 1764000000, "sign_in_failed", "evil\x1b[2Jname",
                                       "10.0.0.1", ""}).ok());
  }
  Outcome audit = Keeta({"audit", "--state", state_});
  ASSERT_EQ(audit.exit_code, 0);
  EXPECT_THAT(audit.out, HasSubstr("sign_in_failed"));
  EXPECT_THAT(audit.out, HasSubstr("evil\\x1b[2Jname")) << "control characters escaped";
}

TEST_F(AccountCommandsTest, ServeWithoutAccountsRefusesAPublicAddress) {
  const std::string csv = (fs::path(KEETA_SOURCE_DIR) / "data/sample.csv").string();
  Outcome refused = Keeta({"serve", "--data", csv, "--host", "0.0.0.0", "--port", "0", "--state",
                       state_});
  ExpectOneLineError(refused, "refusing to serve on '0.0.0.0' without accounts");
  EXPECT_FALSE(fs::exists(state_)) << "serving creates no state file";
  Outcome proxy = Keeta({"serve", "--data", csv, "--auth-proxy-header", "X-User", "--state", state_});
  ExpectOneLineError(proxy, "--trusted-proxy");
  Outcome bad_range = Keeta({"serve", "--data", csv, "--trusted-proxy", "10.0.0.0/99"});
  ExpectOneLineError(bad_range, "not an address range");
}

}  // namespace
}  // namespace keeta
