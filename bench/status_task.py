#!/usr/bin/env python3
"""`status_task` requests/s and latency under wrk, against a fixed-body Poco ceiling (issue 3).

Starts `warden serve` (SQLite default, fresh temporary database, `workers: 2`, `http_threads: 64`,
`max_status_task: 100`), creates --ids `test` tasks and waits until they are finished, then asks
POST /api/status_task about them once to learn the exact answer. The ceiling is
bench_fixed_body_server (bench/fixed_body_server.cpp): a minimal Poco HTTPServer, set up like
Warden's (ThreadPool and HTTPServerParams, 64 threads, keep-alive, no per-connection request limit),
that answers every request with that same body, byte for byte, and the same Content-Type.

Both get the same load in the same run: wrk -t2 (two cores) with --connections keep-alive
connections (64) for --duration seconds (10), the same request (bench/status_task.lua: POST, JSON
body, Authorization header), runs alternating Warden, ceiling, Warden, ... (--runs 3 each, after a
2 s warm-up of each that is not counted); medians are printed.

Fairness check: Poco serves one keep-alive connection per pool thread, and a connection beyond the
pool waits for a free thread while wrk reports no error. Requests per connection come from the
kernel's per-socket TCP counters (ss -ti, data_segs_out of each wrk socket: one segment per
request), sampled 1 s into each run and 0.7 s before its end; min and median over the connections
show whether any starved. (A wrk Lua script cannot count them: wrk 4.1's response() hook is not told
the connection.)

Prints Warden's requests/s as a percentage of the ceiling's (target: >= 70%). Usage:
    python3 bench/status_task.py [--build build] [--duration 10] [--runs 3] [--ids 1]
--route plugins or healthz measures GET /api/plugins or GET /healthz instead (no task routes needed).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import HOST, median, runs_text  # noqa: E402

LUA = os.path.join(benchlib.BENCH, "status_task.lua")


def socket_counters(port):
    """{local port: (data_segs_out, bytes_sent)} of the established connections to `port`."""
    out = subprocess.run(["ss", "-tinH", "state", "established", f"( dport = :{port} )"],
                         capture_output=True, text=True, check=True).stdout
    counters, local = {}, None
    for line in out.splitlines():
        if line and not line[0].isspace():
            addrs = re.findall(r"\S+:(\d+)", line)
            local = int(addrs[0]) if addrs else None
        elif local is not None:
            segs = re.search(r"\bdata_segs_out:(\d+)", line)
            sent = re.search(r"\bbytes_sent:(\d+)", line)
            counters[local] = (int(segs.group(1)) if segs else 0, int(sent.group(1)) if sent else 0)
            local = None
    return counters


def wrk_run(port, server_pid, path, duration, args, env, measure=True):
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "5s",
           "-s", LUA, f"http://{HOST}:{port}{path}"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env, preexec_fn=benchlib._pdeathsig)
    try:
        first = last = window = None
        server = benchlib.CpuMeter(lambda: [server_pid])
        ours = benchlib.CpuMeter(lambda: [server_pid, proc.pid, os.getpid()])  # + wrk, this script
        if measure:
            time.sleep(max(0, start + 1.0 - time.monotonic()))
            first = socket_counters(port)
            server.start()
            ours.start()
            window = time.monotonic()
            time.sleep(max(0, start + duration - 0.7 - time.monotonic()))
            last = socket_counters(port)
            server.stop()
            ours.stop()
            window = time.monotonic() - window
        out, _ = proc.communicate(timeout=duration + 60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    m = re.search(r"^WRK_RESULT (.*)$", out, re.M)
    if proc.returncode != 0 or not m:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{out}")
    r = {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["errors"] = int(r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"])
    if measure:
        per_conn = [last[p][0] - first[p][0] for p in last if p in first]
        r["connections"] = len(last)
        r["per_conn"] = per_conn
        r["new_conns"] = len([p for p in last if p not in first])  # reconnected within the window
        sizes = {(last[p][1] - first[p][1]) / (last[p][0] - first[p][0])
                 for p in last if p in first and last[p][0] > first[p][0]}
        r["request_sizes"] = sorted(sizes)
        cores = os.cpu_count() or 1
        r["server_cores"] = server.seconds / window  # cores the server kept busy
        r["outside"] = max(0.0, ours.machine_seconds - ours.seconds) / (window * cores)
    return r


def prepare_request(warden, args):
    """(method, path, body or None, answer bytes, answer Content-Type) of the request to measure."""
    client = benchlib.Client(warden.port)
    try:
        if args.route == "status_task":
            if not benchlib.has_route(warden.port, "/api/create_task"):
                return None
            ids = [benchlib.create_test_task(client, f"wrk-{i}") for i in range(args.ids)]
            deadline = time.monotonic() + 30
            while True:
                st = benchlib.statuses(client, ids)
                if all(st.get(t) == "finished" for t in ids):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"tasks not finished after 30 s: {st}")
                time.sleep(0.01)
            method, path = "POST", "/api/status_task"
            body = json.dumps({"data": [{"task_id": t} for t in ids]})
        else:
            method, path, body = "GET", {"plugins": "/api/plugins", "healthz": "/healthz"}[args.route], None
        client.conn.request(method, path, body=body, headers=client.headers)
        resp = client.conn.getresponse()
        answer = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {resp.status}: {answer[:300]!r}")
        return method, path, body, answer, resp.getheader("Content-Type", "application/json")
    finally:
        client.close()


def describe(r_list, label):
    rps = [r["rps"] for r in r_list]
    p99 = [r["p99_us"] / 1000 for r in r_list]
    p50 = [r["p50_us"] / 1000 for r in r_list]
    mins = [min(r["per_conn"]) if r["per_conn"] else 0 for r in r_list]
    meds = [median(r["per_conn"]) if r["per_conn"] else 0 for r in r_list]
    starved = [sum(1 for n in r["per_conn"] if n == 0) for r in r_list]
    conns = [r["connections"] for r in r_list]
    errors = sum(r["errors"] for r in r_list)
    print(f"  {label}: {median(rps):.0f} req/s (runs: {runs_text(rps)}); latency p50 "
          f"{median(p50):.2f} ms, p99 {median(p99):.2f} ms (runs: {runs_text(p99, '{:.2f}')})")
    print(f"    requests per connection in each run's measured window: min {runs_text(mins)}, "
          f"median {runs_text(meds)}; connections open {runs_text(conns)}, starved (0 requests) "
          f"{runs_text(starved)}; wrk errors {errors}")
    print(f"    server CPU: {median([r['server_cores'] for r in r_list]):.2f} cores; other "
          f"processes took {runs_text([100 * r['outside'] for r in r_list])}% of the machine")
    return median(rps)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(benchlib.ROOT, "build"))
    ap.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--server-threads", type=int, default=64,
                    help="http_threads of Warden and threads of the fixed-body server")
    ap.add_argument("--ids", type=int, default=1, help="task ids in each status_task request")
    ap.add_argument("--route", choices=["status_task", "plugins", "healthz"], default="status_task")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    if args.duration < 3:
        sys.exit("--duration must be at least 3 s (the window is 1 s in to 0.7 s before the end)")
    benchlib.setup()
    benchlib.exit_on_sigterm()
    benchlib.cpu_busy_warning()

    results = {"warden": [], "fixed": []}
    with tempfile.TemporaryDirectory(prefix="warden-bench-") as work, benchlib.Procs() as procs:
        warden = benchlib.Warden(procs, args.build, work, workers=2,
                                 http_threads=args.server_threads, max_status_task=100)
        prepared = prepare_request(warden, args)
        if prepared is None:
            print("Warden: POST /api/create_task answers 404 (the task routes are not in this build "
                  "yet): nothing to measure (try --route plugins)")
            return 1
        method, path, body, answer, content_type = prepared
        fixed, fixed_port = benchlib.start_fixed_server(procs, args.build, work, answer,
                                                    args.server_threads, content_type=content_type)
        env = dict(os.environ, WRK_METHOD=method, WRK_TOKEN=benchlib.TOKEN)
        if body is not None:
            env["WRK_BODY"] = body
        targets = [("warden", warden.port, warden.proc.pid), ("fixed", fixed_port, fixed.pid)]
        for _, port, pid in targets:  # warm-up, not counted
            wrk_run(port, pid, path, 2, args, env, measure=False)
        for run in range(args.runs):
            for name, port, pid in targets:
                r = wrk_run(port, pid, path, args.duration, args, env)
                results[name].append(r)
                print(f"  run {run + 1} {name}: {r['rps']:.0f} req/s, p99 {r['p99_us'] / 1000:.2f} ms, "
                      f"requests per connection min {min(r['per_conn'], default=0)} median "
                      f"{median(r['per_conn']) if r['per_conn'] else 0:.0f} over "
                      f"{r['connections']} connections, errors {r['errors']}; server used "
                      f"{r['server_cores']:.2f} cores, other processes {r['outside']:.0%} of the "
                      f"machine", flush=True)
                time.sleep(0.5)
        warden_log = warden.stop()

    what = (f"POST {path} with {args.ids} finished task id{'s' if args.ids > 1 else ''}"
            if args.route == "status_task" else f"{method} {path}")
    print(f"{what} under wrk -t{args.threads} -c{args.connections} (keep-alive), {args.duration} s "
          f"a run, {args.runs} runs each alternating, medians; answer {len(answer)} bytes")
    w = describe(results["warden"], f"Warden (http_threads {args.server_threads})")
    f = describe(results["fixed"], f"fixed-body Poco server ({args.server_threads} threads, same "
                                   f"answer body)")
    print(f"  Warden at {100 * w / f:.0f}% of the ceiling (target: >= 70%)")
    sizes = sorted({s for name in results for r in results[name] for s in r["request_sizes"]})
    if len(sizes) > 1:
        print(f"  note: bytes per request segment varied ({sizes}): a request was split across "
              f"segments, so per-connection counts are approximate")
    if warden_log.strip():
        print(f"  (warden stderr, last lines:)\n{warden_log}", end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
