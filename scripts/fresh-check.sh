#!/usr/bin/env bash
# Runs the README's two commands as a new user would: in a minimal Debian 12 root
# (debootstrap --variant=minbase bookworm, plus make, git and ca-certificates), from a
# clean clone of this repository, as root. Reports how each command ended and how long
# it took. Not part of `make test`: it downloads a Debian root and every package.
#
#   sudo scripts/fresh-check.sh [--rev REV] [--root DIR] [--keep]
#
# --rev   what to clone (default HEAD of this checkout; commit it first)
# --root  where to build the Debian root (default a new folder under /var/tmp)
# --keep  leave the root in place afterwards (to look around: chroot DIR bash)
#
# The host's extra CA certificates (/usr/local/share/ca-certificates) are copied into the
# root and NODE_EXTRA_CA_CERTS is set, for networks whose proxies present their own CA.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

rev=HEAD
root=
keep=0
while (($#)); do
  case $1 in
    --rev) rev=${2:?--rev needs a revision}; shift ;;
    --root) root=${2:?--root needs a directory}; shift ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fresh-check: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

[[ $(id -u) -eq 0 ]] || { echo "fresh-check: run as root (debootstrap and chroot need it)" >&2; exit 2; }
if ! command -v debootstrap >/dev/null; then
  apt-get install -y -qq --no-install-recommends debootstrap
fi
commit=$(git -C "$repo" rev-parse --verify "$rev^{commit}")
root=${root:-$(mktemp -d /var/tmp/keeta-fresh.XXXXXX)}
chmod 755 "$root"  # a root directory as on any machine: mktemp's 0700 locks out every other user
log=$root.log
mirror=http://deb.debian.org/debian

mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
  if ((keep == 0)); then rm -rf --one-file-system "$root"; fi
}
trap cleanup EXIT

say() { printf 'fresh-check: %s\n' "$*" | tee -a "$log"; }
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 TERM=dumb CI=true NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    "$@"
}
mount_into() {  # mount_into SOURCE TARGET [mount options...]
  mkdir -p "$root$2"
  mount "${@:3}" "$1" "$root$2"
  mounted+=("$root$2")
}

: >"$log"
say "root $root, commit $(git -C "$repo" rev-parse --short "$commit"), log $log"
t0=$SECONDS
debootstrap --variant=minbase bookworm "$root" "$mirror" >>"$log" 2>&1
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
mount_into proc /proc -t proc
mount_into sysfs /sys -t sysfs
mount_into /dev /dev --bind
mount_into devpts /dev/pts -t devpts
mount_into tmpfs /dev/shm -t tmpfs
in_root apt-get update -qq >>"$log" 2>&1
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  make git ca-certificates >>"$log" 2>&1
in_root update-ca-certificates >>"$log" 2>&1
say "bare root ready in $((SECONDS - t0)) s: $(in_root dpkg-query -W -f='.' | wc -c) packages"

git clone -q --no-local "$repo" "$root/root/keeta"
git -C "$root/root/keeta" checkout -q "$commit"

# make run: installs, builds, serves. Ready when it prints the dashboard's URL.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
t0=$SECONDS
run_out=$root.run.log
in_root bash -c "cd /root/keeta && exec make run PORT=$port" >"$run_out" 2>&1 &
run_pid=$!
run_result="did not become ready"
while kill -0 "$run_pid" 2>/dev/null; do
  if grep -q "Keeta dashboard: http://" "$run_out"; then
    if curl -fsS "http://127.0.0.1:$port/overall" | grep -q 'class="card'; then
      run_result="ok: served the dashboard"
    else
      run_result="ready, but /overall did not answer a dashboard"
    fi
    break
  fi
  sleep 2
done
run_secs=$((SECONDS - t0))
pkill -TERM -f "keeta serve .*--port $port" 2>/dev/null || true
wait "$run_pid" 2>/dev/null || true
cat "$run_out" >>"$log"
say "make run: $run_result after $run_secs s"

t0=$SECONDS
test_out=$root.test.log
set +e
in_root bash -c 'cd /root/keeta && make test' >"$test_out" 2>&1
test_status=$?
set -e
test_secs=$((SECONDS - t0))
cat "$test_out" >>"$log"
summary=$(grep -E 'tests passed|^# (pass|fail) |all suites passed' "$test_out" | tr '\n' ';')
say "make test: exit $test_status after $test_secs s ($summary)"
say "node in the root: $(in_root node --version 2>/dev/null || echo none); packages: $(in_root dpkg-query -W -f='.' | wc -c)"
[[ $run_result == ok* && $test_status -eq 0 ]]
