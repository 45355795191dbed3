#!/usr/bin/env python3
"""Sign-in flood against a local `keeta serve` with accounts, while probing /healthz.

Sends RATE wrong sign-ins per second for DURATION seconds (POST /login with a valid CSRF
pair and a wrong password; each from one of ADDRESSES loopback source addresses 127.0.0.x,
so the per-address back-off does not absorb all of it) and meanwhile GETs /healthz 50 times
a second on a keep-alive connection. Prints the /healthz latency percentiles before and
during the flood, and how the sign-ins were answered (401 checked, 429 backing off, 503
password pool full). Loopback only; bounded in time.

Usage: signin_flood.py BASE_URL [--rate 200] [--duration 10] [--addresses 50]
"""
import argparse
import asyncio
import collections
import re
import statistics
import time
import urllib.parse


async def request(host, port, raw, source=None, timeout=30.0):
    local = (source, 0) if source else None
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port, local_addr=local), timeout)
    try:
        writer.write(raw)
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        body = await asyncio.wait_for(reader.readexactly(length), timeout)
        return head, body
    finally:
        writer.close()


async def login_form(host, port, source):
    head, body = await request(
        host, port, f"GET /login HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode(),
        source)
    cookie = re.search(rb"keeta_csrf=([^;]+)", head).group(1).decode()
    return cookie


async def flood(host, port, rate, duration, addresses, outcomes):
    sources = [f"127.0.0.{2 + i}" for i in range(addresses)]
    cookies = {s: await login_form(host, port, s) for s in sources}
    tasks = []
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < duration:
        source = sources[n % len(sources)]
        form = urllib.parse.urlencode({"username": f"user{n % 997}", "password": "wrong password!",
                                       "csrf": cookies[source]})
        raw = (f"POST /login HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
               f"Cookie: keeta_csrf={cookies[source]}\r\n"
               f"Content-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {len(form)}\r\n\r\n{form}").encode()

        async def one(raw=raw, source=source):
            try:
                head, _ = await request(host, port, raw, source)
                outcomes[head.split(b" ")[1].decode()] += 1
            except Exception as e:  # noqa: BLE001 - counted, not fatal
                outcomes[type(e).__name__] += 1
        tasks.append(asyncio.create_task(one()))
        n += 1
        await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
    await asyncio.gather(*tasks)
    return n


async def probe(host, port, seconds, per_second=50):
    reader, writer = await asyncio.open_connection(host, port)
    raw = f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    latencies = []
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < seconds:
        t0 = time.perf_counter()
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        await reader.readexactly(length)
        latencies.append((time.perf_counter() - t0) * 1000)
        i += 1
        await asyncio.sleep(max(0.0, start + i / per_second - time.monotonic()))
    writer.close()
    return latencies


def summary(latencies):
    q = statistics.quantiles(latencies, n=100)
    return f"p50 {q[49]:.2f} ms  p99 {q[98]:.2f} ms  max {max(latencies):.2f} ms  ({len(latencies)} probes)"


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--addresses", type=int, default=50)
    args = parser.parse_args()
    url = urllib.parse.urlparse(args.base)
    host, port = url.hostname, url.port
    assert host in ("127.0.0.1", "localhost"), "loopback only"

    quiet = await probe(host, port, 5)
    print(f"/healthz, no flood:      {summary(quiet)}")
    outcomes = collections.Counter()
    flood_task = asyncio.create_task(flood(host, port, args.rate, args.duration, args.addresses, outcomes))
    await asyncio.sleep(1.0)  # past the CSRF set-up
    busy = await probe(host, port, args.duration - 1.5)
    sent = await flood_task
    print(f"/healthz, {args.rate:.0f} wrong sign-ins/s from {args.addresses} addresses: {summary(busy)}")
    print(f"sign-ins sent: {sent}; answers: {dict(sorted(outcomes.items()))}")


asyncio.run(main())
