#!/usr/bin/env python3
"""Timer fire lateness, memory per armed timer, and re-arm time at start (issue 4).

Each run starts `warden serve` (fresh SQLite database, `timer_workers: 4`) with the test fixture
plugins (the `scripted` solution and the `probe` timer action, built by scripts/build.sh into
<build>/tests/fixture_plugins), creates one task that stays running, and then:

1. Lateness. Posts --timers timer events on that task (POST /api/timer_events, batches of
   --batch), each a `time_date` spread evenly over --spread seconds starting --lead seconds
   later, each firing the `probe` action with default params (returns true at once). Once all
   have fired, reads every event's `last_lateness_ms` (start of the action minus due time, as the
   host measured it) from GET /api/timer_events and prints p50, p99 and max.
2. Memory. The host's RSS just before and just after arming those timers, divided by --timers
   (so it includes the SQLite cache and whatever the allocator keeps from parsing the requests);
   and after the restart below, the RSS over a host with no timers divided by the timers it holds.
3. Re-arm. Posts another --timers events due an hour later, kills the host with SIGKILL, starts it
   again on the same database, and reads `warden_timer_rearm_seconds` (load from the store plus
   arming) from /metrics and the time from exec to serving.

Targets: p99 lateness < 10 ms; < 1 KiB per armed timer; < 2 s to re-arm 100,000 timers.
Prints each run's figures and the medians over --runs runs. Usage:
    python3 bench/timer_lateness.py [--build build] [--timers 100000] [--runs 3]
"""
import argparse
import os
import re
import signal
import sys
import tempfile
import time
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import median, percentile, runs_text  # noqa: E402


def iso(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds")


def running_task(client):
    status, answer = client.post("/api/create_task", {"data": {
        "service": "scripted", "condition": {"mode": "forever", "delay_ms": 100_000_000}}})
    task = benchlib.api_ok(status, answer, "create_task")["task_id"]
    for _ in range(2000):
        if benchlib.statuses(client, [task])[task] == "running":
            return task
        time.sleep(0.005)
    raise RuntimeError("the task did not start running")


def arm(client, task, dues_ms, batch):
    for i in range(0, len(dues_ms), batch):
        configs = [{"action": "probe", "timer_type": "time_date", "defined": iso(ms)}
                   for ms in dues_ms[i:i + batch]]
        status, answer = client.post("/api/timer_events", {task: configs})
        if status != 200:
            raise RuntimeError(f"timer_events: HTTP {status}: {str(answer)[:300]}")


def events(client, task):
    status, answer = client.call("GET", f"/api/timer_events?node_id={task}")
    if status != 200:
        raise RuntimeError(f"GET timer_events: HTTP {status}")
    return answer["data"]


def metric(client, name):
    status, text = client.call("GET", "/metrics")
    text = text if isinstance(text, str) else str(text)
    m = re.search(rf"^{re.escape(name)} ([0-9.e+-]+)$", text, re.M)
    return float(m.group(1)) if m else float("nan")


def one_run(procs, args, work, run):
    fixtures = os.path.join(args.build, "tests", "fixture_plugins")
    warden = benchlib.Warden(procs, args.build, work, name=f"warden-{run}",
                             plugins_dirs=(os.path.join(fixtures, "tasks"),
                                           os.path.join(fixtures, "timers")),
                             extra_config="timer_workers: 4\nmax_body_bytes: 4194304\n")
    client = benchlib.Client(warden.port, timeout=300)
    task = running_task(client)
    time.sleep(0.5)
    rss_before = warden.rss_kib()  # the host with one task and no timers
    start_ms = int(time.time() * 1000) + args.lead * 1000
    step = args.spread * 1000 / args.timers
    dues = [start_ms + int(i * step) for i in range(args.timers)]
    t0 = time.perf_counter()
    arm(client, task, dues, args.batch)
    arm_s = time.perf_counter() - t0
    if time.time() * 1000 > start_ms:
        print(f"  warning: arming took {arm_s:.1f} s, longer than --lead {args.lead} s")
    rss_armed = warden.rss_kib()
    per_timer = (rss_armed - rss_before) * 1024 / args.timers

    client.close()
    time.sleep(max(0, (dues[-1] - time.time() * 1000) / 1000) + 1)
    client = benchlib.Client(warden.port, timeout=300)  # the idle one has been closed by now
    fired = []
    for _ in range(60):
        data = events(client, task)
        fired = [e["last_lateness_ms"] for e in data if e["last_lateness_ms"] is not None]
        if len(fired) >= args.timers:
            break
        time.sleep(1)
    if len(fired) < args.timers:
        raise RuntimeError(f"only {len(fired)} of {args.timers} timers fired")
    p50, p99, worst = percentile(fired, 50), percentile(fired, 99), max(fired)

    # Re-arm: as many timers again, an hour out; then SIGKILL and a fresh start.
    later = int(time.time() * 1000) + 3_600_000
    arm(client, task, [later + i for i in range(args.timers)], args.batch)
    client.close()
    time.sleep(1)  # the write-behind journal commits within milliseconds; leave it room
    os.kill(warden.proc.pid, signal.SIGKILL)
    warden.proc.wait()
    t0 = time.perf_counter()
    warden.launch()
    serving_s = time.perf_counter() - t0
    client = benchlib.Client(warden.port, timeout=300)
    rearm_s = metric(client, "warden_timer_rearm_seconds")
    armed = metric(client, 'warden_timers{state="armed"}')
    stored = metric(client, 'warden_timers{state="stored"}')
    per_loaded = (warden.rss_kib() - rss_before) * 1024 / stored
    client.close()
    warden.stop()
    print(f"  run {run}: armed {args.timers} in {arm_s:.1f} s; lateness p50 {p50:.2f} ms, "
          f"p99 {p99:.2f} ms, max {worst:.2f} ms; {per_timer:.0f} B per armed timer "
          f"(RSS {rss_before} -> {rss_armed} KiB); re-armed {armed:.0f} in {rearm_s:.3f} s "
          f"(exec to serving {serving_s:.2f} s), {per_loaded:.0f} B per timer after the restart "
          f"({stored:.0f} in memory)")
    return p50, p99, worst, per_timer, rearm_s, serving_s, per_loaded


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--timers", type=int, default=100_000)
    parser.add_argument("--spread", type=int, default=60, help="seconds the due times cover")
    parser.add_argument("--lead", type=int, default=40, help="seconds before the first is due")
    parser.add_argument("--batch", type=int, default=500, help="timer events per request")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    benchlib.cpu_busy_warning()
    results = []
    with tempfile.TemporaryDirectory() as work, benchlib.Procs() as procs:
        for run in range(1, args.runs + 1):
            results.append(one_run(procs, args, work, run))
    cols = list(zip(*results))
    print(f"Timer lateness with {args.timers} timers over {args.spread} s, {args.runs} runs "
          f"(medians):")
    print(f"  p50 {median(cols[0]):.2f} ms ({runs_text(cols[0], '{:.2f}')})")
    print(f"  p99 {median(cols[1]):.2f} ms ({runs_text(cols[1], '{:.2f}')})  target < 10 ms")
    print(f"  max {median(cols[2]):.2f} ms ({runs_text(cols[2], '{:.2f}')})")
    print(f"Memory per armed timer: {median(cols[3]):.0f} B ({runs_text(cols[3])})  "
          f"target < 1024 B; after a restart (every stored timer loaded, no request garbage): "
          f"{median(cols[6]):.0f} B ({runs_text(cols[6])})")
    print(f"Re-arm {args.timers} timers at start: {median(cols[4]):.3f} s "
          f"({runs_text(cols[4], '{:.3f}')})  target < 2 s; exec to serving "
          f"{median(cols[5]):.2f} s")


if __name__ == "__main__":
    main()
