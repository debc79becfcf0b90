#!/usr/bin/env python3
"""Round-trip latency of one task on an idle Warden (issue 3): create -> finished.

Starts `warden serve` (SQLite default, fresh temporary database, `workers: 2`,
`http_threads: 64`), then one client on one keep-alive HTTP connection runs --tasks tasks one after
another: POST /api/create_task for a `test` task, then POST /api/status_task for that id in a tight
loop (no pause) until it reads `finished`. The round trip is from just before the create request is
sent to the arrival of the first status answer that says `finished`. --warmup tasks first, not
counted. Prints p50, p99 and max per run, and their medians over --runs runs (each on a fresh
server and database). Target: p99 < 5 ms. Usage:
    python3 bench/task_roundtrip.py [--build build] [--tasks 500] [--runs 3]
"""
import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import median, percentile, runs_text  # noqa: E402


def one_run(procs, args, work, run):
    warden = benchlib.Warden(procs, args.build, work, name=f"warden-{run}", workers=args.workers,
                             http_threads=64, max_status_task=100)
    try:
        if not benchlib.has_route(warden.port, "/api/create_task"):
            return None
        client = benchlib.Client(warden.port)
        times, creates, polls = [], [], []
        meter = benchlib.CpuMeter(lambda: [warden.proc.pid, os.getpid()])
        began = time.perf_counter()
        meter.start()
        for i in range(args.warmup + args.tasks):
            t0 = time.perf_counter()
            task_id = benchlib.create_test_task(client, f"rt-{i}")
            created = time.perf_counter() - t0
            n = 0
            while True:
                status = benchlib.statuses(client, [task_id])[task_id]
                n += 1
                if status == "finished":
                    break
                if status not in ("waiting", "running"):
                    raise RuntimeError(f"task {task_id} is {status}")
                if time.perf_counter() - t0 > 30:
                    raise RuntimeError(f"task {task_id} still {status} after 30 s")
            elapsed = time.perf_counter() - t0
            if i >= args.warmup:
                times.append(elapsed * 1000)
                creates.append(created * 1000)
                polls.append(n)
        meter.stop()
        client.close()
        # The share of the machine's CPU that processes other than Warden and this script took.
        outside = max(0.0, meter.machine_seconds - meter.seconds) / (
            (time.perf_counter() - began) * (os.cpu_count() or 1))
        return times, creates, polls, outside
    finally:
        log = warden.stop()
        if log.strip():
            print(f"  (warden-{run} stderr, last lines:)\n{log}", end="", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(benchlib.ROOT, "build"))
    ap.add_argument("--tasks", type=int, default=500)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2, help="Warden's `workers`")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    benchlib.setup()
    benchlib.exit_on_sigterm()
    benchlib.cpu_busy_warning()

    p50s, p99s, maxes, create_p50s, all_polls = [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="warden-bench-") as work, benchlib.Procs() as procs:
        for run in range(args.runs):
            result = one_run(procs, args, work, run)
            if result is None:
                print("Warden: POST /api/create_task answers 404 (the task routes are not in this "
                      "build yet): nothing to measure")
                return 1
            times, creates, polls, outside = result
            p50s.append(percentile(times, 50))
            p99s.append(percentile(times, 99))
            maxes.append(max(times))
            create_p50s.append(percentile(creates, 50))
            all_polls += polls
            print(f"  run {run + 1}: p50 {p50s[-1]:.2f} ms, p99 {p99s[-1]:.2f} ms, max "
                  f"{maxes[-1]:.2f} ms; create_task answered after p50 {create_p50s[-1]:.2f} ms; median "
                  f"{median(polls):.0f} status polls a task; other processes took {outside:.0%} "
                  f"of the machine", flush=True)
    print(f"Round trip of one `test` task (create -> finished; one client, keep-alive, polling "
          f"status_task without pause), {args.tasks} sequential tasks a run, idle host, "
          f"medians of {args.runs} runs:")
    print(f"  p50 {median(p50s):.2f} ms (runs: {runs_text(p50s, '{:.2f}')}); p99 {median(p99s):.2f} ms "
          f"(runs: {runs_text(p99s, '{:.2f}')}); max {median(maxes):.2f} ms")
    print(f"  of which create_task's answer: p50 {median(create_p50s):.2f} ms; status polls a "
          f"task: median {median(all_polls):.0f}, max {max(all_polls)}")
    print("  target: p99 < 5 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
