#!/usr/bin/env python3
"""What running plugins in warden-plugin-runner processes costs (issue 16): the same work with
`isolation: {default: M, bundled: M}` for M = in_process and M = process, side by side.

Each run starts `warden serve` (a fresh SQLite database, the bundled plugins, `workers: 2`) once
per mode, the modes alternating, and measures in it:
  step round trip   one `test` task at a time (its one step: run -> set_finished) from one
                    keep-alive client: create_task, then status_task until `finished`; the median
                    of --calls tasks after 20 of warm-up. The process mode's extra over in_process
                    is the cost of one step call through a runner.
  send round trip   one alert at a time through an http_callback instance to bench_alert_receiver:
                    from the start of POST /api/alerts to the receiver's clock at receipt (both on
                    this machine's clock); the median of --calls alerts after 20 of warm-up.
  tasks/s           --tasks `test` tasks from --clients client processes, create -> all finished
                    (tasks_throughput.py's clients), with the CPU per task of warden and its
                    runner processes.
  notices/s         --alerts alerts to the http_callback instance from --clients client processes,
                    POST -> the receiver has them all (alerts_throughput.py's clients), with the
                    CPU per notice of warden and its runners.
Printed: each run's figures, then a table of the medians of --runs and the difference.

Usage: python3 bench/isolation.py [--build build] [--runs 3] [--calls 300] [--tasks 5000]
                                  [--alerts 5000] [--clients 8]
"""
import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alerts_throughput  # noqa: E402
import benchlib  # noqa: E402
import tasks_throughput  # noqa: E402
from benchlib import HOST, median, runs_text, share  # noqa: E402

MODES = ("in_process", "process")
WARM_UP = 20


def family(pid):
    """`pid` and its children (a warden and its runner processes)."""
    pids = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        pids.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return pids


def step_round_trips(port, calls):
    """Microseconds from create_task to `finished`, one `test` task at a time."""
    client = benchlib.Client(port)
    out = []
    for i in range(WARM_UP + calls):
        started = time.perf_counter()
        task_id = benchlib.create_test_task(client, f"seq-{i}")
        while True:
            status = benchlib.statuses(client, [task_id])[task_id]
            if status == "finished":
                break
            if status in ("failed", "Invalid"):
                raise RuntimeError(f"task {task_id} is {status}")
        if i >= WARM_UP:
            out.append((time.perf_counter() - started) * 1e6)
    client.close()
    return out


def send_round_trips(port, receiver_port, calls):
    """Microseconds from POST /api/alerts to the receiver's receipt, one alert at a time."""
    api = benchlib.Client(port)
    receiver = benchlib.Client(receiver_port)
    out = []
    for i in range(WARM_UP + calls):
        alert_id = f"seq-{i}"
        started = time.time()
        status, answer = api.post("/api/alerts", {
            "channels": ["healthy"],
            "alert": {"id": alert_id, "title": f"alert {alert_id}", "source": "bench",
                      "status": "firing", "dedupe_key": alert_id}})
        benchlib.api_ok(status, answer, "POST /api/alerts")
        deadline = time.monotonic() + 30
        received = None
        while received is None:
            _, text = receiver.call("GET", "/results")
            for line in str(text).splitlines():
                if line.split()[0] == alert_id:
                    received = int(line.split()[1]) / 1e6
            if time.monotonic() > deadline:
                raise RuntimeError(f"alert {alert_id} never reached the receiver")
        if i >= WARM_UP:
            out.append((received - started) * 1e6)
    api.close()
    receiver.close()
    benchlib.clear_alert_receipts(receiver_port)
    return out


def task_throughput(args, warden):
    meter = benchlib.CpuMeter(lambda: family(warden.proc.pid))
    elapsed, _, results = tasks_throughput.drive(
        "warden", tasks_throughput.warden_client,
        lambda i: (warden.port, share(args.tasks, args.clients, i), 100, 0.02),
        args.clients, 900, meter)
    tasks_throughput.check("warden", results, args.tasks)
    return args.tasks / elapsed, meter.seconds / args.tasks * 1e6


def alert_throughput(args, warden, receiver_port):
    benchlib.clear_alert_receipts(receiver_port)
    ready, out, go = mp.Queue(), mp.Queue(), mp.Event()
    clients = [mp.Process(target=alerts_throughput.client,
                          args=(i, warden.port, share(args.alerts, args.clients, i), ["healthy"],
                                ready, go, out))
               for i in range(args.clients)]
    for c in clients:
        c.start()
    for _ in clients:
        ready.get(timeout=60)
    meter = benchlib.CpuMeter(lambda: family(warden.proc.pid)).start()
    t0 = time.time()
    go.set()
    sent = 0
    for _ in clients:
        message = out.get(timeout=600)
        if message[0] == "error":
            raise RuntimeError(f"alert client {message[1]}: {message[2]}")
        sent += len(message[2])
    for c in clients:
        c.join()
    deadline = time.time() + 120
    received = benchlib.alert_receipts(receiver_port)
    while len(received) < sent and time.time() < deadline:
        time.sleep(0.02)
        received = benchlib.alert_receipts(receiver_port)
    meter.stop()
    if len(received) < sent:
        raise RuntimeError(f"{sent - len(received)} of {sent} alerts never reached the receiver")
    benchlib.clear_alert_receipts(receiver_port)
    return sent / (max(received.values()) - t0), meter.seconds / sent * 1e6


def one_run(args, work, receiver_port, mode, run):
    with benchlib.Procs() as procs:
        warden = benchlib.Warden(procs, args.build, work, name=f"warden-{mode}-{run}",
                                 extra_config=f"isolation:\n  default: {mode}\n  bundled: {mode}\n")
        api = benchlib.Client(warden.port)
        benchlib.put_http_callback(api, "healthy", f"http://{HOST}:{receiver_port}/hook",
                                   {"concurrency": args.concurrency, "timeout": 5})
        api.close()
        figures = {
            "step_us": median(step_round_trips(warden.port, args.calls)),
            "send_us": median(send_round_trips(warden.port, receiver_port, args.calls)),
        }
        figures["tasks_s"], figures["task_cpu_us"] = task_throughput(args, warden)
        figures["notices_s"], figures["notice_cpu_us"] = alert_throughput(args, warden,
                                                                          receiver_port)
        figures["runners"] = len(family(warden.proc.pid)) - 1
        figures["rss_mib"] = sum(rss_kib(p) for p in family(warden.proc.pid)) / 1024
        log = warden.stop()
        if log.strip():
            print(f"  (warden-{mode}-{run} stderr, last lines:)\n{log}", end="", flush=True)
        return figures


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


ROWS = (("step_us", "step round trip, µs", "{:.0f}"),
        ("send_us", "send round trip, µs", "{:.0f}"),
        ("tasks_s", "tasks/s", "{:.0f}"),
        ("task_cpu_us", "CPU per task, µs", "{:.0f}"),
        ("notices_s", "notices/s", "{:.0f}"),
        ("notice_cpu_us", "CPU per notice, µs", "{:.0f}"),
        ("runners", "runner processes at the end", "{:.0f}"),
        ("rss_mib", "RSS at the end (warden + runners), MiB", "{:.0f}"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(benchlib.ROOT, "build"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=300, help="one-at-a-time calls per mode")
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--alerts", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=8,
                        help="the http_callback instance's delivery threads")
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    benchlib.exit_on_sigterm()
    benchlib.cpu_busy_warning()
    print(f"{args.runs} runs per mode; {args.calls} calls one at a time, {args.tasks} tasks and "
          f"{args.alerts} alerts from {args.clients} clients per run", flush=True)
    results = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="warden-isolation-bench-") as work, \
            benchlib.Procs() as procs:
        _, receiver_port = benchlib.start_alert_receiver(procs, args.build, work)
        for run in range(args.runs):
            # Alternate which mode goes first, so that neither always meets a warmer machine.
            for mode in (MODES if run % 2 == 0 else MODES[::-1]):
                r = one_run(args, work, receiver_port, mode, run)
                results[mode].append(r)
                print(f"  run {run + 1} {mode:10s}: " +
                      ", ".join(f"{label} {fmt.format(r[key])}" for key, label, fmt in ROWS),
                      flush=True)
    print()
    print(f"Medians of {args.runs} runs (runs in brackets):")
    print(f"  {'':40s} {'in_process':>22s} {'process':>22s} {'difference':>12s}")
    for key, label, fmt in ROWS:
        cells = []
        for mode in MODES:
            values = [r[key] for r in results[mode]]
            cells.append(f"{fmt.format(median(values))} ({runs_text(values, fmt)})")
        a = median([r[key] for r in results["in_process"]])
        b = median([r[key] for r in results["process"]])
        diff = f"{b - a:+.0f}" if key.endswith("_us") else (f"{b / a - 1:+.0%}" if a else "")
        print(f"  {label:40s} {cells[0]:>22s} {cells[1]:>22s} {diff:>12s}")


if __name__ == "__main__":
    main()
