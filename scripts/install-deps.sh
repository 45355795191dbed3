#!/usr/bin/env bash
# Installs what Keeta needs to build, test and run, and only what is missing.
# Idempotent; works as root on a fresh Debian 12 machine, or through sudo otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: compiler and build tools, libraries, test tools, browser for UI tests.
packages=(
  g++ cmake ninja-build ccache make pkg-config
  clang libclang-rt-14-dev                 # libFuzzer for the CSV fuzz target
  libboost-dev nlohmann-json3-dev libfmt-dev libspdlog-dev libcli11-dev zlib1g-dev
  libsqlite3-dev libsodium-dev libssl-dev  # state store, passwords and tokens, TLS
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm chromium                      # uPlot bundle and browser tests
  fonts-dejavu-core fonts-liberation       # text (Latin and Arabic) in browser screenshots
  libcairo2-dev libpango1.0-dev libxlsxwriter-dev  # PDF and Excel exports
  fonts-noto-core                          # the PDF report's fonts (Latin and Arabic)
  python3-openpyxl poppler-utils           # export tests: read the workbook, the PDF's text
  libpq-dev libmariadb-dev                 # database sources: PostgreSQL, MySQL/MariaDB clients
  postgresql-15 mariadb-server mariadb-client  # servers the SQL tests start privately
  wrk curl                                 # load benchmark; smoke checks
)

missing=()
for p in "${packages[@]}"; do
  # node/npm may come from elsewhere (e.g. NodeSource); a working binary is enough.
  if [[ $p == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ $p == npm ]] && command -v npm >/dev/null; then continue; fi
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  # The database servers are for the tests, which start their own instances: keep their
  # packages from starting (or enabling) system services while they install.
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod +x "$policy"
    trap '"${sudo[@]}" rm -f "$policy"' EXIT
  fi
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages (uPlot, playwright-core), exactly as locked; skipped when already in place.
stamp=node_modules/.keeta-lock
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
