-- wrk script for bench/status_task.py. Every request is the same static request (wrk builds it
-- once per thread): method $WRK_METHOD (POST by default), body $WRK_BODY, header
-- Authorization: $WRK_TOKEN. done() prints one machine-readable line with the totals, the errors
-- and the latency percentiles in microseconds.
--
-- Requests per connection are not counted here: wrk 4.1 calls response(status, headers, body)
-- without saying on which connection the answer came, so a script cannot attribute it. The
-- benchmark reads the kernel's per-socket counters instead (ss -ti: data_segs_out per connection).
wrk.method = os.getenv("WRK_METHOD") or "POST"
local body = os.getenv("WRK_BODY")
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
local token = os.getenv("WRK_TOKEN")
if token then
  wrk.headers["Authorization"] = token
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d " ..
    "timeout=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max))
end
