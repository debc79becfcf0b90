#!/usr/bin/env python3
"""Notices per second through Warden's whole alert pipeline, and the latency from POST /api/alerts
to the alert's arrival at an HTTP-callback receiver (issue 5).

`warden serve` (a fresh SQLite database each run) gets a channel instance `healthy`: the bundled
http_callback plugin with its default template, pointed at bench_alert_receiver
(bench/alert_receiver.cpp, a Poco server that records when each alert arrived, by the alert's id).
--clients client processes, each with one keep-alive connection, POST their share of --alerts
alerts (each with its own id and dedupe key) as fast as their answers come back. Each answer comes
after the notice is committed to SQLite; the pipeline then delivers it on the channel's own
threads. The clock runs from the moment every client is connected and released until the receiver
has the last alert.

Printed per scenario (medians of --runs): notices/s, and p50/p99 from the start of each POST to
the alert's receipt (one wall clock: client and receiver share the machine), plus the CPU per
notice of Warden, of the client processes and of the receiver (all share the machine). Scenarios:
  healthy       every alert to `healthy`;
  dead+healthy  every alert to `healthy` and to `dead`, an instance whose URL refuses connections
                (3 attempts, backoff 0.05 s): the healthy channel's figures should stay within 10%.
Targets: over 2,000 notices/s; p99 under 50 ms. The comparison is printed twice: medians of whole
scenarios, and the median of each run's own ratio (its scenarios run back to back, so it is spared
most of a shared machine's drift).

Usage: python3 bench/alerts_throughput.py [--build build] [--alerts 10000] [--clients 8] [--runs 3]
"""
import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import HOST, median, runs_text, share  # noqa: E402


def client(index, port, count, channels, ready, go, out):
    try:
        c = benchlib.Client(port)
        c.call("GET", "/healthz")  # the keep-alive connection is open before the clock starts
        ready.put(index)
        go.wait()
        cpu0 = time.process_time()
        sent = []
        for i in range(count):
            alert_id = f"c{index}-{i}"
            started = time.time()
            status, answer = c.post("/api/alerts", {
                "channels": channels,
                "alert": {"id": alert_id, "title": f"bench alert {alert_id}", "source": "bench",
                          "status": "firing", "severity": "warning", "message": "x" * 64,
                          "labels": {"strategy_id": str(i % 50), "bk_biz_id": "2"},
                          "dedupe_key": alert_id}})
            benchlib.api_ok(status, answer, "POST /api/alerts")
            sent.append((alert_id, started))
        out.put(("done", index, sent, time.process_time() - cpu0))
    except BaseException as e:  # the parent must hear about it instead of waiting
        out.put(("error", index, f"{type(e).__name__}: {e}"))


def one_run(args, work, receiver_port, receiver_pid, scenario, run, slot):
    with benchlib.Procs() as procs:
        warden = benchlib.Warden(procs, args.build, work, name=f"warden-{scenario}-{run}-{slot}",
                                 http_threads=64)
        api = benchlib.Client(warden.port)
        benchlib.put_http_callback(api, "healthy", f"http://{HOST}:{receiver_port}/hook",
                                   {"concurrency": args.concurrency, "timeout": 5})
        channels = ["healthy"]
        if scenario == "dead+healthy":
            benchlib.put_http_callback(api, "dead", f"http://{HOST}:{benchlib.free_port()}/hook",
                                       {"concurrency": args.concurrency, "attempts": 3,
                                        "backoff": 0.05, "timeout": 5})
            channels.append("dead")
        benchlib.clear_alert_receipts(receiver_port)

        ready, out, go = mp.Queue(), mp.Queue(), mp.Event()
        workers = [mp.Process(target=client, args=(i, warden.port, share(args.alerts, args.clients, i),
                                                   channels, ready, go, out))
                   for i in range(args.clients)]
        for w in workers:
            w.start()
        for _ in workers:
            ready.get(timeout=30)
        cpu = benchlib.CpuMeter(lambda: [warden.proc.pid]).start()
        receiver_cpu = benchlib.CpuMeter(lambda: [receiver_pid]).start()
        t0 = time.time()
        go.set()
        sent, client_cpu = {}, 0.0
        for _ in workers:
            message = out.get(timeout=600)
            if message[0] == "error":
                raise RuntimeError(f"client {message[1]}: {message[2]}")
            sent.update(dict(message[2]))
            client_cpu += message[3]
        for w in workers:
            w.join()
        deadline = time.time() + 60
        received = benchlib.alert_receipts(receiver_port)
        while len(received) < len(sent) and time.time() < deadline:
            time.sleep(0.05)
            received = benchlib.alert_receipts(receiver_port)
        cpu.stop()
        receiver_cpu.stop()
        missing = len(sent) - len(received)
        if missing:
            raise RuntimeError(f"{missing} of {len(sent)} alerts never reached the receiver")
        last = max(received.values())
        latencies = [(received[i] - started) * 1000 for i, started in sent.items()]
        status, answer = api.call("GET", "/api/notifications?channel=healthy&status=sent&p_size=1")
        stored_sent = benchlib.api_ok(status, answer, "GET /api/notifications")["total"]
        if stored_sent != len(sent):
            raise RuntimeError(f"{stored_sent} notices stored as sent, expected {len(sent)}")
        status, metrics = api.call("GET", "/metrics")
        figures = dict(line.rsplit(" ", 1) for line in str(metrics).splitlines()
                       if line.startswith("warden_notice_"))
        commits = float(figures.get("warden_notice_commits_total", "nan"))
        rows = float(figures.get("warden_notice_rows_written_total", "nan"))
        write_s = float(figures.get("warden_notice_write_seconds_total", "nan"))
        api.close()
        return {"commits": commits / len(sent), "rows": rows / len(sent),
                "commit_ms": write_s / commits * 1000, "journal_busy": write_s / (last - t0),
                "rate": len(sent) / (last - t0), "p50": benchlib.percentile(latencies, 50),
                "p99": benchlib.percentile(latencies, 99),
                "cpu_us": cpu.seconds / len(sent) * 1e6, "busy": cpu.machine_busy,
                "client_us": client_cpu / len(sent) * 1e6,
                "receiver_us": receiver_cpu.seconds / len(sent) * 1e6}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(benchlib.ROOT, "build"))
    parser.add_argument("--alerts", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=8,
                        help="the healthy channel's delivery threads")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenarios", default="healthy,dead+healthy",
                        help="comma-separated, run in turn; the first is the baseline of the "
                             "comparison (healthy,healthy measures the noise of the machine)")
    args = parser.parse_args()
    benchlib.exit_on_sigterm()
    benchlib.cpu_busy_warning()
    print(f"{args.alerts} alerts per run from {args.clients} clients; healthy channel concurrency "
          f"{args.concurrency}; {args.runs} runs per scenario", flush=True)
    with tempfile.TemporaryDirectory(prefix="warden-alerts-bench-") as work, benchlib.Procs() as procs:
        receiver, receiver_port = benchlib.start_alert_receiver(procs, args.build, work)
        results = {}
        for run in range(args.runs):
            names = args.scenarios.split(",")
            for slot, scenario in enumerate(names):
                r = one_run(args, work, receiver_port, receiver.pid, scenario, run, slot)
                # The same scenario twice (healthy,healthy) shows how far runs alone differ.
                label = scenario if names.count(scenario) == 1 else f"{scenario} ({slot + 1})"
                results.setdefault(label, []).append(r)
                print(f"  run {run + 1} {scenario:13s}: {r['rate']:7.0f} notices/s, "
                      f"p50 {r['p50']:6.1f} ms, p99 {r['p99']:6.1f} ms, "
                      f"CPU per notice: warden {r['cpu_us']:4.0f} us, clients {r['client_us']:4.0f} us, "
                      f"receiver {r['receiver_us']:4.0f} us; machine busy {r['busy']:.0%}; "
                      f"{r['commits']:.2f} commits and {r['rows']:.2f} rows per notice, "
                      f"{r['commit_ms']:.2f} ms per commit, journal busy {r['journal_busy']:.0%}",
                      flush=True)
    print()
    base = None
    for scenario, runs in results.items():
        rate = median([r["rate"] for r in runs])
        p99 = median([r["p99"] for r in runs])
        p50 = median([r["p50"] for r in runs])
        line = (f"{scenario:13s}: {rate:7.0f} notices/s (runs: {runs_text([r['rate'] for r in runs])}), "
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms (runs: "
                f"{runs_text([r['p99'] for r in runs], '{:.1f}')})")
        if base:
            line += (f"; vs healthy alone: throughput {rate / base[0] - 1:+.0%}, "
                     f"p99 {p99 / base[1] - 1:+.0%}")
            # Each run's scenarios follow each other within seconds, so a run's ratio is spared
            # the drift of a shared machine that the medians of whole scenarios are not.
            paired_rate = median([r["rate"] / b["rate"] for r, b in zip(runs, base[2])])
            paired_p99 = median([r["p99"] / b["p99"] for r, b in zip(runs, base[2])])
            line += (f"; paired by run (median): throughput {paired_rate - 1:+.0%}, "
                     f"p99 {paired_p99 - 1:+.0%}")
        else:
            base = (rate, p99, runs)
        print(line)
    print("targets: > 2000 notices/s, p99 < 50 ms; with a dead channel beside, within 10%")


if __name__ == "__main__":
    main()
