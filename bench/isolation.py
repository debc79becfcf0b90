#!/usr/bin/env python3
"""What running plugins in warden-plugin-runner processes costs (issue 16): the same work with
`isolation: {default: M, bundled: M}` for M = in_process and M = process, side by side.

Each run starts `warden serve` twice side by side (fresh SQLite databases, the bundled plugins,
`workers: 2`), one per mode, and measures:
  step round trip   one `test` task at a time (its one step: run -> set_finished) from one
                    keep-alive client: create_task, then status_task until `finished`.
  send round trip   one alert at a time through an http_callback instance to bench_alert_receiver:
                    from the start of POST /api/alerts to the receiver's clock at receipt (both on
                    this machine's clock).
                    Both round trips alternate between the two wardens call by call (the order
                    swapped every pair; 20 pairs of warm-up, then --calls), so each pair meets the
                    same moment of a shared machine: "paired extra" is the median of the pairs'
                    differences, the cost of one call through a runner.
  tasks/s           --tasks `test` tasks from --clients client processes, create -> all finished
                    (tasks_throughput.py's clients), with the CPU per task of warden and its
                    runner processes; one warden at a time, the other idle.
  notices/s         --alerts alerts to the http_callback instance from --clients client processes,
                    POST -> the receiver has them all (alerts_throughput.py's clients), with the
                    CPU per notice of warden and its runners.
  runners, PSS      runner processes at the end and the proportional set size of warden and its
                    runners (pages the runners share counted once).
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


def step_once(client, label):
    """Microseconds from create_task to `finished` of one `test` task."""
    started = time.perf_counter()
    task_id = benchlib.create_test_task(client, label)
    while True:
        status = benchlib.statuses(client, [task_id])[task_id]
        if status == "finished":
            return (time.perf_counter() - started) * 1e6
        if status in ("failed", "Invalid"):
            raise RuntimeError(f"task {task_id} is {status}")


def send_once(api, receiver, alert_id):
    """Microseconds from POST /api/alerts to the receiver's receipt of one alert."""
    started = time.time()
    status, answer = api.post("/api/alerts", {
        "channels": ["healthy"],
        "alert": {"id": alert_id, "title": f"alert {alert_id}", "source": "bench",
                  "status": "firing", "dedupe_key": alert_id}})
    benchlib.api_ok(status, answer, "POST /api/alerts")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        _, text = receiver.call("GET", "/results")
        for line in str(text).splitlines():
            if line.split()[0] == alert_id:
                return (int(line.split()[1]) / 1e6 - started) * 1e6
    raise RuntimeError(f"alert {alert_id} never reached the receiver")


def paired_round_trips(wardens, receiver_port, calls):
    """One call at a time to each warden in turn (the order swapped every pair), so that both modes
    meet the same moment of a shared machine: {"step": {mode: [µs]}, "send": {mode: [µs]}}."""
    clients = {mode: benchlib.Client(w.port) for mode, w in wardens.items()}
    receiver = benchlib.Client(receiver_port)
    out = {"step": {mode: [] for mode in MODES}, "send": {mode: [] for mode in MODES}}
    for i in range(WARM_UP + calls):
        for mode in (MODES if i % 2 == 0 else MODES[::-1]):
            step = step_once(clients[mode], f"seq-{i}")
            send = send_once(clients[mode], receiver, f"{mode}-seq-{i}")
            if i >= WARM_UP:
                out["step"][mode].append(step)
                out["send"][mode].append(send)
    for c in (*clients.values(), receiver):
        c.close()
    benchlib.clear_alert_receipts(receiver_port)
    return out


def task_throughput(args, warden):
    meter = benchlib.CpuMeter(lambda: family(warden.proc.pid))
    elapsed, _, results = tasks_throughput.drive(
        "warden", tasks_throughput.warden_client,
        lambda i: (warden.port, share(args.tasks, args.clients, i), 100, 0.02, None),
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


def one_run(args, work, receiver_port, run):
    """Both modes' wardens side by side: the paired round trips, then each one's throughput alone
    (the other idle), the order of the modes swapped every run."""
    figures = {mode: {} for mode in MODES}
    with benchlib.Procs() as procs:
        wardens = {}
        for mode in MODES:
            wardens[mode] = benchlib.Warden(
                procs, args.build, work, name=f"warden-{mode}-{run}",
                extra_config=f"isolation:\n  default: {mode}\n  bundled: {mode}\n")
            api = benchlib.Client(wardens[mode].port)
            benchlib.put_http_callback(api, "healthy", f"http://{HOST}:{receiver_port}/hook",
                                       {"concurrency": args.concurrency, "timeout": 5})
            api.close()
        trips = paired_round_trips(wardens, receiver_port, args.calls)
        for mode in MODES:
            figures[mode]["step_us"] = median(trips["step"][mode])
            figures[mode]["send_us"] = median(trips["send"][mode])
        for kind in ("step", "send"):
            figures["process"][f"{kind}_extra_us"] = median(
                [p - i for p, i in zip(trips[kind]["process"], trips[kind]["in_process"])])
            figures["in_process"][f"{kind}_extra_us"] = 0.0
        for mode in (MODES if run % 2 == 0 else MODES[::-1]):
            warden = wardens[mode]
            f = figures[mode]
            f["tasks_s"], f["task_cpu_us"] = task_throughput(args, warden)
            f["notices_s"], f["notice_cpu_us"] = alert_throughput(args, warden, receiver_port)
            f["runners"] = len(family(warden.proc.pid)) - 1
            f["pss_mib"] = sum(pss_kib(p) for p in family(warden.proc.pid)) / 1024
        for mode, warden in wardens.items():
            warden.stop()
    return figures


def pss_kib(pid):
    """Proportional set size: shared pages (the libraries every runner maps) counted once."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


ROWS = (("step_us", "step round trip, µs", "{:.0f}"),
        ("step_extra_us", "  paired extra over in_process, µs", "{:.0f}"),
        ("send_us", "send round trip, µs", "{:.0f}"),
        ("send_extra_us", "  paired extra over in_process, µs", "{:.0f}"),
        ("tasks_s", "tasks/s", "{:.0f}"),
        ("task_cpu_us", "CPU per task, µs", "{:.0f}"),
        ("notices_s", "notices/s", "{:.0f}"),
        ("notice_cpu_us", "CPU per notice, µs", "{:.0f}"),
        ("runners", "runner processes at the end", "{:.0f}"),
        ("pss_mib", "PSS at the end (warden + runners), MiB", "{:.0f}"))


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
            figures = one_run(args, work, receiver_port, run)
            for mode in MODES:
                r = figures[mode]
                results[mode].append(r)
                print(f"  run {run + 1} {mode:10s}: " +
                      ", ".join(f"{label.strip()} {fmt.format(r[key])}" for key, label, fmt in ROWS),
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
        if key.endswith("extra_us"):
            diff = ""
        elif key.endswith("_us"):
            diff = f"{b - a:+.0f}"
        else:
            diff = f"{b / a - 1:+.0%}" if a else ""
        print(f"  {label:40s} {cells[0]:>22s} {cells[1]:>22s} {diff:>12s}")


if __name__ == "__main__":
    main()
