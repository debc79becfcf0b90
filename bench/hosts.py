#!/usr/bin/env python3
"""Several hosts on one PostgreSQL database (issue 17): task throughput and failover time.

Throughput: tasks_throughput.py's Warden side (--clients client processes create their share of
--tasks `test` tasks, then poll status_task until each is finished) against
  - one host on SQLite (a fresh file),
  - one, two and three hosts on one PostgreSQL 15 cluster that this script starts
    (scripts/pg_cluster.sh with WARDEN_PG_DURABLE=1: initdb in a temporary folder, unix socket,
    fsync and synchronous commit on, as SQLite's commits are; a fresh schema each run). Every
    host runs the tasks made through it: client i talks to host i mod hosts.
The configurations alternate within each of --runs rounds; medians are printed.

Failover: two hosts on PostgreSQL with the default lease_ttl (15 s, or --ttl); one-shot timers
(the `probe` test action, which logs each firing with its fire time) due every 100 ms; kill -9 the
host that owns the task the timers are events of (and coordinates), and the failover time is from
the kill to the first firing after it, on the other host (which claims the task and its events).
The killed host is started again; --kills times; p50 and max are printed.

Slow steps: the same with --slow-tasks `scripted` tasks whose three steps each hold a worker for
--work-ms (a solution waiting on a slow system): what more hosts add when the work, not the
database or the CPU, is the limit.

Usage: python3 bench/hosts.py [--build build] [--tasks 5000] [--clients 8] [--runs 3] [--kills 5]
"""
import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import tasks_throughput as tt  # noqa: E402
from benchlib import median, runs_text  # noqa: E402


def start_cluster(work):
    d = os.path.join(work, "pg")
    os.makedirs(d)
    os.chmod(work, 0o755)
    env = dict(os.environ, WARDEN_PG_DURABLE="1")  # fsync and synchronous commit, like SQLite's
    uri = subprocess.check_output(["bash", os.path.join(benchlib.ROOT, "scripts", "pg_cluster.sh"),
                                   "start", d], text=True, env=env).strip()
    return d, uri


def fresh_schema(uri, name):
    subprocess.check_call(["psql", uri, "-qc", f"CREATE SCHEMA {name}"])
    return uri + ("&" if "?" in uri else "?") + f"options=-csearch_path%3D{name}"


def fixture_dirs(args):
    return [os.path.join(args.build, "tests", "fixture_plugins", d) for d in ("tasks", "timers")]


def throughput(procs, args, work, label, database, hosts, count, task=None):
    """Runs one throughput measurement of `count` tasks (`test` ones, or `task`); returns tasks/s."""
    wardens = []
    try:
        for i in range(hosts):
            wardens.append(benchlib.Warden(procs, args.build, work, name=f"{label}-h{i}",
                                           workers=args.workers, http_threads=64,
                                           max_status_task=100, database=database,
                                           plugins_dirs=fixture_dirs(args),
                                           extra_config=f"host_id: {label}-h{i}\n"))
        ports = [w.port for w in wardens]
        elapsed, _, results = tt.drive(label, tt.warden_client,
                                       lambda i: (ports[i % len(ports)],
                                                  tt.share(count, args.clients, i), 100,
                                                  args.poll_interval, task),
                                       args.clients, args.timeout)
        tt.check(label, results, count)
        return count / elapsed
    finally:
        for w in reversed(wardens):
            w.stop()


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def fired_after(log, after_ms):
    """The first fire time (ms) in the probe's log after `after_ms`, or None."""
    best = None
    try:
        with open(log) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 4 and int(parts[3]) > after_ms:
                    best = int(parts[3]) if best is None else min(best, int(parts[3]))
    except OSError:
        pass
    return best


def failover(procs, args, work, cluster_uri):
    database = fresh_schema(cluster_uri, "failover")
    fixtures = fixture_dirs(args)
    log = os.path.join(work, "probe.log")
    ttl = f"lease_ttl: {args.ttl}\n" if args.ttl else ""

    def host(name, wait):
        return benchlib.Warden(procs, args.build, work, name=name, database=database,
                               plugins_dirs=fixtures, extra_config=f"host_id: {name}\n{ttl}",
                               wait=wait)

    holder, standby = host("fa", True), host("fb", True)
    client = benchlib.Client(holder.port)
    status, answer = client.post("/api/create_task", {"data": {
        "service": "scripted", "condition": {"mode": "forever", "delay_ms": 100_000_000}}})
    task = benchlib.api_ok(status, answer, "create_task")["task_id"]
    horizon_s = (args.kills + 1) * ((args.ttl or 15) + 15)
    now = int(time.time() * 1000)
    events = [{"action": "probe", "timer_type": "time_date", "defined": iso(now + 2000 + 100 * i),
               "params": {"log_file": log}} for i in range(horizon_s * 10)]
    time.sleep(1)  # the task is running: its boundary events may be armed
    for chunk in tt.chunks(events, 500):
        status, answer = client.post("/api/timer_events", {task: chunk})
        if status != 200:
            raise RuntimeError(f"timer_events: HTTP {status}: {str(answer)[:300]}")
    client.close()
    times = []
    restarts = 0
    for k in range(args.kills):
        time.sleep(3)
        killed_ms = int(time.time() * 1000)
        holder.proc.kill()
        holder.proc.wait()
        deadline = time.monotonic() + 120
        first = None
        while first is None and time.monotonic() < deadline:
            first = fired_after(log, killed_ms + 0)
            time.sleep(0.05)
        if first is None:
            raise RuntimeError("no timer fired within 120 s of the kill\n" + benchlib.tail(standby.stderr))
        times.append((first - killed_ms) / 1000)
        print(f"  kill {k + 1}: the other host fired the next due timer {times[-1]:.2f} s after "
              f"kill -9", flush=True)
        holder.launch(wait=True)  # the killed host comes back
        restarts += 1
        holder, standby = standby, holder
        time.sleep(1)
    holder.stop()
    standby.stop()
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(benchlib.ROOT, "build"))
    ap.add_argument("--tasks", type=int, default=5000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--poll-interval", type=float, default=0.02)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--ttl", type=int, default=0, help="lease_ttl; 0: the default (15 s)")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--slow-tasks", type=int, default=400,
                    help="tasks whose steps each hold a worker for --work-ms; 0: none")
    ap.add_argument("--work-ms", type=int, default=50)
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    benchlib.setup()
    benchlib.exit_on_sigterm()
    benchlib.cpu_busy_warning()
    rates, slow_rates = {}, {}
    # Three steps, each holding a worker for --work-ms (a solution waiting on a slow system).
    slow_task = {"service": "scripted",
                 "condition": {"mode": "steps", "delay_ms": 0, "work_ms": args.work_ms}}
    with tempfile.TemporaryDirectory(prefix="warden-bench-hosts-") as work, \
            benchlib.Procs() as procs:
        pg_dir, cluster = start_cluster(work)
        try:
            configs = [("sqlite-1", None, 1), ("pg-1", "pg", 1), ("pg-2", "pg", 2),
                       ("pg-3", "pg", 3)]
            for run in range(0 if args.skip_throughput else args.runs):
                for label, kind, hosts in configs:
                    database = fresh_schema(cluster, f"r{run}_{label.replace('-', '_')}") \
                        if kind else None
                    rate = throughput(procs, args, work, f"{label}-r{run}", database, hosts,
                                      args.tasks)
                    rates.setdefault(label, []).append(rate)
                    print(f"  run {run + 1}: {label}: {rate:.0f} tasks/s", flush=True)
                    if not args.slow_tasks:
                        continue
                    database = fresh_schema(cluster, f"s{run}_{label.replace('-', '_')}") \
                        if kind else None
                    rate = throughput(procs, args, work, f"{label}-s{run}", database, hosts,
                                      args.slow_tasks, slow_task)
                    slow_rates.setdefault(label, []).append(rate)
                    print(f"  run {run + 1}: {label}: {rate:.1f} slow tasks/s", flush=True)
            times = failover(procs, args, work, cluster) if args.kills else []
        finally:
            subprocess.call(["bash", os.path.join(benchlib.ROOT, "scripts", "pg_cluster.sh"),
                             "stop", pg_dir])
    if rates:
        print(f"Task throughput: {args.tasks} `test` tasks from {args.clients} client processes, "
              f"create -> all finished; medians of {args.runs} runs")
        base = median(rates["sqlite-1"])
        for label, values in rates.items():
            m = median(values)
            print(f"  {label}: {m:.0f} tasks/s (runs: {runs_text(values)}); {m / base:.0%} of "
                  f"SQLite's")
        print("  (target: PostgreSQL with one host >= 50% of SQLite's)")
    if slow_rates:
        print(f"Slow steps: {args.slow_tasks} `scripted` tasks whose steps each hold a worker for "
              f"{args.work_ms} ms ({args.workers} workers a host); medians of {args.runs} runs")
        base = median(slow_rates["pg-1"])
        for label, values in slow_rates.items():
            m = median(values)
            print(f"  {label}: {m:.1f} tasks/s (runs: {runs_text(values)}); {m / base:.2f}x one "
                  f"PostgreSQL host")
    if times:
        print(f"Failover, kill -9 of the timers' host -> the next due timer fires on the other host, "
              f"lease_ttl {args.ttl or 15} s, {len(times)} kills: p50 {median(times):.2f} s, "
              f"max {max(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)}; "
              f"target < 20 s)")


if __name__ == "__main__":
    main()
