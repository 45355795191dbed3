#!/usr/bin/env python3
"""Hardening figures for `keeta serve` (issue #6), for this build and an anchor build.

Scenarios (each starts its own server on a free loopback port, bounded in time):
  memory     resident memory growth from one hostile chunked connection whose chunk
             extension never ends (sends up to --hostile-mb MB)
  amplify    /overall body size for a 1,700-agent query (15 KB) and a 1,000-agent one
  torn       responses serving a partial file while the file is rewritten in place (half,
             a pause, the rest) and appended to (half a line, a pause, the rest)
  sigterm    requests sent just before SIGTERM that get no answer, with busy workers
  healthz    /healthz latency (p50/p99/max) while 1,000 slow clients hold connections and
             8 clients fetch a heavy uncached page in a loop

Usage: bench/hardening.py [--keeta PATH] [--rows N] [--only memory,amplify,...]
Run it once with this build and once with --keeta pointing at the previous commit's build
(the anchor); see bench/README.md. Data comes from `keeta generate` (cached in
$KEETA_BENCH_DATA or build/bench-data).
"""
import argparse
import json
import multiprocessing
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = "127.0.0.1"


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Server:
    """`keeta serve` on a free port; stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, keeta, data, *extra):
        self.proc = subprocess.Popen(
            [keeta, "serve", "--data", data, "--port", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            preexec_fn=raise_fd_limit)
        deadline = time.time() + 120
        self.port = None
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.search(r"http://127\.0\.0\.1:(\d+)/overall", line)
            if m:
                self.port = int(m.group(1))
                break
        if self.port is None:
            self.stop()
            raise RuntimeError("server did not start")
        # Drain the log so the server never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self, timeout=15):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def supports(keeta, flag):
    out = subprocess.run([keeta, "serve", "--help"], capture_output=True, text=True).stdout
    return flag in out


def get(port, target, timeout=120):
    """One request on a fresh connection: (status, body bytes)."""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
        data = bytearray()
        while True:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    head, _, body = bytes(data).partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    return status, body


def ensure_data(keeta, rows, seed=42):
    data_dir = os.environ.get("KEETA_BENCH_DATA", os.path.join(ROOT, "build", "bench-data"))
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, f"keeta-{rows}-seed{seed}.csv")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        subprocess.run([keeta, "generate", "--rows", str(rows), "--out", path + ".tmp",
                        "--seed", str(seed)], check=True)
        os.rename(path + ".tmp", path)
    return path


def agent_query(count):
    """`count` distinct two-character agent values: the issue's 15 KB shape at 1,700."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    names = [a + b for a in alphabet for b in alphabet][:count]
    return "/overall?" + "&".join("agent=" + n for n in names)


# ---- scenarios ----------------------------------------------------------------------------

def scenario_memory(keeta, data, args):
    with Server(keeta, data) as server:
        time.sleep(0.5)
        before = server.rss_kb()
        sent = 0
        limit = args.hostile_mb << 20
        piece = b"a" * 65536
        started = time.time()
        try:
            with socket.create_connection((HOST, server.port), timeout=10) as s:
                s.sendall(b"POST /overall HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Transfer-Encoding: chunked\r\n\r\n1;ext=")
                while sent < limit and time.time() - started < 30:
                    s.sendall(piece)
                    sent += len(piece)
        except OSError:
            pass  # the server refused and closed
        time.sleep(0.5)
        after = server.rss_kb()
    return {"sent_mb": round(sent / 2**20, 1),
            "rss_growth_mb": round((after - before) / 1024, 1)}


def scenario_amplify(keeta, data, args):
    out = {}
    with Server(keeta, data) as server:
        for count in (1700, 1000):
            target = agent_query(count)
            status, body = get(server.port, target)
            out[f"agents_{count}"] = {"query_bytes": len(target), "status": status,
                                      "body_bytes": len(body)}
    return out


def write_in_place(path, data):
    with open(path, "r+b") as f:
        f.seek(0)
        f.truncate()
        f.write(data)


def scenario_torn(keeta, data, args):
    rows = 20000
    src = ensure_data(keeta, rows, seed=7)
    with open(src, "rb") as f:
        full = f.read()
    work = tempfile.mkdtemp(prefix="keeta-torn-")
    path = os.path.join(work, "data.csv")
    with open(path, "wb") as f:
        f.write(full)
    results = {}
    with Server(keeta, path, "--reload-interval-ms", "200") as server:
        stop = threading.Event()

        def rewriter():
            cycle = 0
            while not stop.is_set():
                cut = len(full) // 2
                if cycle % 2 == 0:
                    cut = full.rfind(b"\n", 0, cut) + 1  # at a line end
                write_in_place(path, full[:cut])
                time.sleep(0.1)
                with open(path, "ab") as f:
                    f.write(full[cut:])
                time.sleep(0.3)
                cycle += 1

        counts = {"responses": 0, "partial": 0}
        writer = threading.Thread(target=rewriter)
        writer.start()
        deadline = time.time() + args.seconds
        while time.time() < deadline:
            status, body = get(server.port, "/api/v1/kpis")
            if status != 200:
                continue
            counts["responses"] += 1
            if json.loads(body)["data"]["rows_loaded"] != rows:
                counts["partial"] += 1
        stop.set()
        writer.join()
        results["rewrite_in_place"] = counts

        # Appends: a line written in two halves with a pause between.
        with open(path, "wb") as f:
            f.write(full)
        time.sleep(1)
        counts = {"responses": 0, "torn": 0}
        stop.clear()

        def appender():
            n = 0
            while not stop.is_set():
                with open(path, "ab") as f:
                    f.write(b"2025-06-01,Torn Ag")
                    f.flush()
                    time.sleep(0.15)
                    f.write(b"ent %d,Tala,Sara,5\n" % n)
                time.sleep(0.25)
                n += 1

        writer = threading.Thread(target=appender)
        writer.start()
        deadline = time.time() + args.seconds
        while time.time() < deadline:
            status, body = get(server.port, "/api/v1/filters")
            if status != 200:
                continue
            counts["responses"] += 1
            agents = json.loads(body)["agent"]
            if any(a.startswith("Torn") and not re.fullmatch(r"Torn Agent \d+", a)
                   for a in agents):
                counts["torn"] += 1
        stop.set()
        writer.join()
        results["append"] = counts
    return results


def scenario_sigterm(keeta, data, args):
    unanswered = 0
    sent = 0
    for _ in range(args.rounds):
        server = Server(keeta, data, "--no-cache")
        try:
            socks = []
            for i in range(64):
                s = socket.create_connection((HOST, server.port), timeout=30)
                socks.append(s)
            # Every connection sends a heavy request; half pipeline a second one.
            for i, s in enumerate(socks):
                # Uncached pages, each a different date range: real work per request.
                target = f"/overall?from_date=2025-01-01&to_date=2025-12-{(i % 28) + 1:02d}"
                req = f"GET {target} HTTP/1.1\r\nHost: {HOST}\r\n\r\n"
                s.sendall((req * (2 if i % 2 else 1)).encode())
                sent += 2 if i % 2 else 1
            server.proc.terminate()
            for i, s in enumerate(socks):
                want = 2 if i % 2 else 1
                got = 0
                data_in = bytearray()
                try:
                    while True:
                        chunk = s.recv(1 << 20)
                        if not chunk:
                            break
                        data_in += chunk
                except OSError:
                    pass
                got = data_in.count(b"HTTP/1.1 200")
                unanswered += max(0, want - got)
                s.close()
        finally:
            server.stop()
    return {"requests_sent": sent, "unanswered": unanswered}


def slow_clients(port, count, seconds, ready):
    raise_fd_limit()
    socks = []
    for _ in range(count):
        try:
            s = socket.create_connection((HOST, port), timeout=10)
            s.sendall(f"GET /overall HTTP/1.1\r\nHost: {HOST}\r\n".encode())
            socks.append(s)
        except OSError:
            pass
    ready.set()
    end = time.time() + seconds
    while time.time() < end:  # one more header byte per client every second
        for s in socks:
            try:
                s.send(b"X")
            except OSError:
                pass
        time.sleep(1)
    for s in socks:
        s.close()


def heavy_loop(port, target, seconds):
    end = time.time() + seconds
    n = 0
    while time.time() < end:
        try:
            get(port, target)
            n += 1
        except OSError:
            time.sleep(0.05)
    return n


def scenario_healthz(keeta, data, args):
    extra = ["--no-cache"]
    if supports(keeta, "--max-connections-per-address"):
        extra += ["--max-connections-per-address", "5000"]  # all clients share 127.0.0.1
    heavy = agent_query(1000)
    with Server(keeta, data, *extra) as server:
        ctx = multiprocessing.get_context("fork")
        ready = ctx.Event()
        slow = ctx.Process(target=slow_clients,
                           args=(server.port, 1000, args.seconds + 10, ready))
        slow.start()
        ready.wait(60)
        heavies = [ctx.Process(target=heavy_loop, args=(server.port, heavy, args.seconds + 5))
                   for _ in range(8)]
        for p in heavies:
            p.start()
        time.sleep(2)
        samples = []
        with socket.create_connection((HOST, server.port), timeout=30) as s:
            end = time.time() + args.seconds
            buf = b""
            while time.time() < end:
                t0 = time.perf_counter()
                s.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                while b"\r\n\r\n" not in buf:
                    buf += s.recv(4096)
                head, _, rest = buf.partition(b"\r\n\r\n")
                length = int(re.search(rb"Content-Length: (\d+)", head, re.I).group(1))
                while len(rest) < length:
                    rest += s.recv(4096)
                buf = rest[length:]
                samples.append((time.perf_counter() - t0) * 1000)
                time.sleep(0.02)
        for p in heavies:
            p.join(60)
        slow.terminate()
        slow.join()
    samples.sort()

    def pct(p):
        return round(samples[min(len(samples) - 1, int(p / 100 * len(samples)))], 2)

    return {"samples": len(samples), "p50_ms": pct(50), "p99_ms": pct(99),
            "max_ms": round(samples[-1], 2)}


SCENARIOS = {"memory": scenario_memory, "amplify": scenario_amplify, "torn": scenario_torn,
             "sigterm": scenario_sigterm, "healthz": scenario_healthz}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keeta", default=os.path.join(ROOT, "build", "release", "keeta"))
    parser.add_argument("--rows", type=int, default=1000000)
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--hostile-mb", type=int, default=512)
    args = parser.parse_args()
    raise_fd_limit()
    data = ensure_data(args.keeta, args.rows)
    for name in args.only.split(","):
        result = SCENARIOS[name](args.keeta, data, args)
        print(json.dumps({"scenario": name, "keeta": args.keeta, **result}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
