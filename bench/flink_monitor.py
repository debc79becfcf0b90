#!/usr/bin/env python3
"""The Flink jobs monitor (issue 6): alert latency, and CPU and memory per poll with 2,000 jobs.

A fake Flink JobManager (Python's http.server, in this process, answering /jobs/overview,
/jobs/{id}/exceptions, /jobs/{id}/checkpoints, /jobs/{id}/metrics?get=… and the aggregated
/jobs/metrics?get=…&agg=sum&jobs=… in the shapes of Flink's REST documentation) and an alert receiver (the same, for the http_callback channel
instance) run beside `warden serve` (fresh SQLite database, bundled plugins).

1. Latency. --jobs-latency running jobs and a schedule `R/PT<interval>S` of flink_jobs_monitor.
   --changes times, at a random moment, one running job turns FAILED on the fake cluster; the time
   from that change to the receipt of its alert by the receiver is measured (p50/p99). Changes are
   spread so that about --per-interval fall within one poll interval.
   Target: p99 < interval + 200 ms.
2. Load. --jobs running jobs and a schedule every --load-interval seconds, first with the default
   params (one /jobs/overview per poll), then with restartBudget and cpMaxFailureInterval set
   (plus one aggregated metrics request per 64 running jobs; a job is read on its own only when
   nothing is recorded for it yet or its group's sums moved, here only at the first poll). The warden process's CPU seconds over --load-polls polls,
   divided by the polls made, and its RSS before the schedule and after the polls.
   Target: < 50 ms CPU per poll.
Usage:
    python3 bench/flink_monitor.py [--build build] [--interval 5] [--changes 100] [--jobs 2000]
"""
import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from urllib.parse import parse_qs, urlparse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import percentile  # noqa: E402


FIGURES = ("numRestarts", "numberOfFailedCheckpoints")


def metric_names(url):
    return parse_qs(urlparse(url).query).get("get", [""])[0].split(",")


def now_ms():
    return int(time.time() * 1000)


class FakeFlink:
    """Jobs by id; the overview body is rebuilt only when a job changes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.jobs = {}
        self.changed_at = {}
        self._overview = None
        self.overviews = 0

    def add(self, n, name):
        jid = f"{0xbe7c:016x}{n:016x}"
        with self.lock:
            self.jobs[jid] = {"jid": jid, "name": name, "state": "RUNNING",
                              "start-time": now_ms(), "end-time": -1, "duration": 0,
                              "last-modification": now_ms(),
                              "tasks": {"running": 2, "total": 2, "failed": 0, "canceled": 0}}
            self._overview = None
        return jid

    def fail(self, jid):
        with self.lock:
            job = self.jobs[jid]
            job["state"] = "FAILED"
            job["end-time"] = job["last-modification"] = now_ms()
            self._overview = None
            self.changed_at[jid] = time.monotonic()

    def overview(self):
        with self.lock:
            self.overviews += 1
            if self._overview is None:
                self._overview = json.dumps({"jobs": list(self.jobs.values())}).encode()
            return self._overview

    def aggregated(self, url):
        """/jobs/metrics?get=…&agg=sum&jobs=…: every job's figures are 0 here."""
        selected = parse_qs(urlparse(url).query).get("jobs", [""])[0].split(",")
        with self.lock:
            running = [j for j in selected if self.jobs.get(j, {}).get("state") == "RUNNING"]
        if not running:
            return b"[]"
        return json.dumps([{"id": m, "sum": 0.0} for m in metric_names(url)
                           if m in FIGURES]).encode()

    def serve(self):
        flink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, the body waits for the
            # client's delayed ACK (~40 ms a request), which a real JobManager does not do.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?")[0].strip("/").split("/")
                if path == ["jobs", "overview"]:
                    body = flink.overview()
                elif len(path) == 3 and path[2] == "exceptions":
                    body = json.dumps({"root-exception": "java.lang.RuntimeException: boom\n\tat x",
                                       "exceptionHistory": {"entries": [{
                                           "stacktrace": "java.lang.RuntimeException: boom\n\tat x"}],
                                           "truncated": False}}).encode()
                elif len(path) == 3 and path[2] == "checkpoints":
                    body = (b'{"counts":{"restored":0,"total":10,"in_progress":0,"completed":10,'
                            b'"failed":0},"latest":{"completed":null,"failed":null},"history":[]}')
                elif len(path) == 3 and path[2] == "metrics":
                    body = json.dumps([{"id": m, "value": "0"} for m in metric_names(self.path)
                                       if m in FIGURES]).encode()
                elif path == ["jobs", "metrics"]:
                    body = flink.aggregated(self.path)
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return start_server(Handler)


class Receiver:
    """Records when each job's alert arrived."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = {}

    def serve(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                at = time.monotonic()
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                alert = json.loads(body)
                with receiver.lock:
                    receiver.received.setdefault((alert["id"], alert["status"]), at)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        return start_server(Handler)


def start_server(handler):
    server = ThreadingHTTPServer((benchlib.HOST, 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def schedule(client, flink_port, interval, extra=None):
    params = {"restUrl": f"http://{benchlib.HOST}:{flink_port}", "channels": ["ops"]}
    params.update(extra or {})
    status, answer = client.post("/api/schedules", {
        "name": "flink", "action": "flink_jobs_monitor", "timer_type": "time_cycle",
        "defined": f"R/PT{interval}S", "params": params})
    if status not in (200, 201):
        raise RuntimeError(f"schedule: HTTP {status}: {str(answer)[:300]}")


def runs(client):
    status, answer = client.call("GET", "/api/schedules/flink")
    return answer["data"]["runs"], answer["data"]


def wait_runs(client, at_least, timeout):
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        n, data = runs(client)
        if n >= at_least and not data["running"]:
            return n
        time.sleep(0.5)
    raise RuntimeError(f"the schedule did not run {at_least} times in {timeout} s: {data}")


def latency(procs, args, work, receiver_port):
    flink = FakeFlink()
    server = flink.serve()
    jobs = [flink.add(i, f"job-{i}") for i in range(args.changes)]
    warden = benchlib.Warden(procs, args.build, work, name="warden-latency")
    client = benchlib.Client(warden.port)
    status, answer = client.call("PUT", "/api/channels/ops", {
        "channel": "http_callback", "config": {"url": f"http://{benchlib.HOST}:{receiver_port}/"}})
    if status not in (200, 201):
        raise RuntimeError(f"channel: HTTP {status}: {answer}")
    schedule(client, server.server_address[1], args.interval)
    wait_runs(client, 1, 30)  # the baseline
    rng = random.Random(6)
    spacing = args.interval / args.per_interval
    for jid in jobs:
        time.sleep(rng.uniform(0.5, 1.5) * spacing)
        flink.fail(jid)
    until = time.monotonic() + args.interval + 30
    while time.monotonic() < until and len(receiver.received) < len(jobs):
        time.sleep(0.05)
    delays = [(receiver.received[(j, "FAILED")] - flink.changed_at[j]) * 1000
              for j in jobs if (j, "FAILED") in receiver.received]
    missing = len(jobs) - len(delays)
    client.close()
    warden.stop()
    server.shutdown()
    return delays, missing


def load(procs, args, work, receiver_port, name, extra):
    flink = FakeFlink()
    server = flink.serve()
    for i in range(args.jobs):
        flink.add(i, f"load-job-{i}")
    warden = benchlib.Warden(procs, args.build, work, name=name)
    client = benchlib.Client(warden.port)
    status, answer = client.call("PUT", "/api/channels/ops", {
        "channel": "http_callback", "config": {"url": f"http://{benchlib.HOST}:{receiver_port}/"}})
    if status not in (200, 201):
        raise RuntimeError(f"channel: HTTP {status}: {answer}")
    rss_before = warden.rss_kib()
    schedule(client, server.server_address[1], args.load_interval, extra)
    first = wait_runs(client, 2, 120)  # the baseline and one more: state at its full size
    meter = benchlib.CpuMeter(lambda: [warden.proc.pid]).start()
    # Watching the schedule costs the host a GET every 0.5 s, counted in (a few ms per poll).
    last = wait_runs(client, first + args.load_polls, args.load_polls * args.load_interval * 4 + 60)
    meter.stop()
    polls = last - first
    _, data = runs(client)
    rss_after = warden.rss_kib()
    client.close()
    warden.stop()
    server.shutdown()
    return meter.seconds * 1000 / polls, rss_before, rss_after, data["skipped_overlaps"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(benchlib.ROOT, "build"))
    parser.add_argument("--interval", type=int, default=5, help="poll interval, seconds")
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--per-interval", type=int, default=10,
                        help="state changes per poll interval, on average")
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--load-interval", type=int, default=2)
    parser.add_argument("--load-polls", type=int, default=10)
    args = parser.parse_args()
    benchlib.exit_on_sigterm()
    benchlib.cpu_busy_warning()
    global receiver
    receiver = Receiver()
    receiver_server = receiver.serve()
    receiver_port = receiver_server.server_address[1]
    with tempfile.TemporaryDirectory() as work, benchlib.Procs() as procs:
        delays, missing = latency(procs, args, work, receiver_port)
        print(f"Latency, job state change on the cluster -> alert received, {len(delays)} changes, "
              f"poll every {args.interval} s:")
        print(f"  p50 {percentile(delays, 50):.0f} ms, p99 {percentile(delays, 99):.0f} ms, "
              f"max {max(delays):.0f} ms  target p99 < {args.interval * 1000 + 200} ms"
              + (f"; {missing} alerts MISSING" if missing else ""))
        for name, extra in (("overview only (default params)", {}),
                            ("restartBudget + cpMaxFailureInterval",
                             {"restartBudget": 3, "cpMaxFailureInterval": 3})):
            cpu_ms, rss0, rss1, skipped = load(procs, args, work, receiver_port,
                                               f"warden-load-{len(extra)}", extra)
            print(f"{args.jobs} jobs, {name}: {cpu_ms:.1f} ms CPU per poll (target < 50 ms); "
                  f"RSS {rss0 / 1024:.1f} -> {rss1 / 1024:.1f} MiB; skipped polls {skipped}")
    receiver_server.shutdown()


if __name__ == "__main__":
    main()
