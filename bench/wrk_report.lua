-- wrk report script: after a run, prints one machine-readable line for bench/wrk.sh:
--   WRK_RESULT <req/s> <p50 ms> <p90 ms> <p99 ms> <max ms> <errors> <non-2xx/3xx> <MB/s>
-- (errors = connect + read + write + timeout; non-2xx/3xx responses are counted apart,
-- since a benchmark that measures 404s measures nothing).
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("WRK_RESULT %.0f %.3f %.3f %.3f %.3f %d %d %.1f\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status,
    summary.bytes / seconds / 1e6))
end
