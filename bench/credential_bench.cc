// What a signed-in request costs before its route runs: the handler's whole path for a
// cached /api/v1/kpis answer in local mode and with an API token (the difference is the
// credential check: SHA-256 of the token and a cache lookup), and the check on its own.
// Run: build/release/bench/credential_bench
#include <benchmark/benchmark.h>

#include <memory>

#include "auth/accounts.h"
#include "auth/authenticator.h"
#include "state/sqlite_state_store.h"
#include "store/data_source.h"
#include "store/dataset_holder.h"
#include "bench_data.h"
#include "web/handler.h"

namespace {

using namespace keeta;

struct Fixture {
  std::shared_ptr<state::StateStore> store;
  std::shared_ptr<auth::Authenticator> auth;
  std::string token;
  std::shared_ptr<DatasetHolder> holder;

  Fixture() {
    auto opened = state::OpenSqliteStateStore(":memory:");
    store = std::shared_ptr<state::StateStore>(std::move(*opened));
    state::Account account;
    account.name = "bench";
    account.password_hash = "unused";
    (void)store->AddAccount(account);
    token = auth::IssueToken(*store, "bench", std::nullopt)->token;
    auth = std::make_shared<auth::Authenticator>(store);
    auto path = bench::EnsureBenchCsv(1'000'000);
    holder = std::make_shared<DatasetHolder>(std::move(*MakeCsvSource(*path)->Load()));
  }
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

void BM_TokenCheck(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) benchmark::DoNotOptimize(f.auth->FromToken(f.token, "127.0.0.1"));
}
BENCHMARK(BM_TokenCheck);

void HandleKpis(benchmark::State& state, bool signed_in) {
  Fixture& f = Shared();
  web::HandlerOptions options;
  if (signed_in) {
    options.access.mode = web::AccessOptions::Mode::kAccounts;
    options.access.auth = f.auth;
  }
  const web::Handler handler(f.holder, options);
  web::Request req{web::http::verb::get, "/api/v1/kpis", 11};
  if (signed_in) req.set(web::http::field::authorization, "Bearer " + f.token);
  for (auto _ : state) benchmark::DoNotOptimize(handler.Handle(req));
}
void BM_CachedKpisLocalMode(benchmark::State& state) { HandleKpis(state, false); }
void BM_CachedKpisWithToken(benchmark::State& state) { HandleKpis(state, true); }
BENCHMARK(BM_CachedKpisLocalMode);
BENCHMARK(BM_CachedKpisWithToken);

}  // namespace

BENCHMARK_MAIN();
