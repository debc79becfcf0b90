#!/usr/bin/env python3
"""What policies cost an alert, and how soon an alert runs a solution (issue 15).

Three scenarios per run, each on its own `warden serve` with a fresh SQLite database, all against
bench_alert_receiver (bench/alert_receiver.cpp, a Poco server that records when each request
arrived, by the first "id" in its JSON body):
  0 policies     as bench/alerts_throughput.py's healthy scenario: a channel instance `healthy`
                 (the bundled http_callback plugin, pointed at the receiver); --clients client
                 processes, each with one keep-alive connection, POST their share of --alerts
                 alerts (each its own id and dedupe key, so each makes an alert record) naming
                 `channels: ["healthy"]`, as fast as their answers come back. The clock runs from
                 the moment every client is connected and released until the receiver has the last
                 alert. Printed: alerts/s, p50/p99 from the start of each POST to the alert's
                 receipt, and Warden's CPU per alert.
  1000 policies  the same after PUT /api/policies/p0000..p0999: each matches on a label and a
                 regex of the subject (`labels.team eq team-<i>`, `subject regex disk-.*`; every
                 other policy checks the regex first, so half of them run it), none matches the
                 bench alerts, and each has one notice action to `healthy`. So every alert is
                 matched against 1,000 policies and still goes only to the channel it names (a
                 POST whose answer reports an action fails the bench).
  alert → solution
                 one policy, for alerts of source `bench-solution`, whose action runs the bundled
                 `webhook` solution with the condition template
                 {"url": "<receiver>/hook", "method": "POST", "body": "{\"id\": \"{{id}}\"}",
                  "retries": 0}
                 so the task's first (and only) HTTP request carries the alert's id. One client
                 sends --solution-alerts alerts one at a time (no `channels`; each its own id), on
                 an otherwise idle host: after each it waits for the webhook's receipt, then for
                 the action to read `success`, before the next. --warmup alerts first, not counted.
                 Measured: from the start of the POST to the receipt of the webhook's request
                 (alert in → policy → action → task created → task running → its first request),
                 p50/p99; also when the POST was answered, and from the action's record (the
                 host's ms clock) when its attempt began (`started_at`) and when its task was made
                 (the log's `dispatched` entry).
The two throughput scenarios run back to back in each run (their order alternates from run to run,
so neither always gets the machine's warmer or cooler minute). Printed: the medians of runs, and
the median of each run's own ratio 1000 ÷ 0 policies, which is spared most of a shared machine's
drift. The matching cost is the time an alert takes with 1,000 policies over the time without
(0-policy rate ÷ 1000-policy rate − 1), and Warden's CPU per alert likewise. Clients, receiver
and Warden share the machine and one wall clock.

Targets: policy matching costs under 10% of the alert path (1,000 policies vs 0, per-run ratio);
alert → solution p99 under 50 ms.

Usage: python3 bench/automation.py [--build build] [--alerts 10000] [--clients 8] [--runs 3]
                                   [--solution-alerts 500]
"""
import argparse
import datetime
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import HOST, median, percentile, runs_text, share  # noqa: E402

POLICIES = 1000
THROUGHPUT = ("0 policies", f"{POLICIES} policies")
SOLUTION = "alert → solution"


def actions_of(answer):
    """The action ids a POST /api/alerts answer reports (DESIGN.md: `actions`; the answer may carry
    them in its `alert` object)."""
    actions = answer.get("actions")
    if actions is None and isinstance(answer.get("alert"), dict):
        actions = answer["alert"].get("actions")
    return actions or []


def client(index, port, count, ready, go, out):
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
                "channels": ["healthy"],
                "alert": {"id": alert_id, "title": f"bench alert {alert_id}", "source": "bench",
                          "subject": f"cpu-{i % 50}", "status": "firing", "severity": "warning",
                          "message": "x" * 64,
                          "labels": {"team": "platform", "strategy_id": str(i % 50),
                                     "bk_biz_id": "2"},
                          "dedupe_key": alert_id}})
            benchlib.api_ok(status, answer, "POST /api/alerts")
            if actions_of(answer):
                raise RuntimeError(f"alert {alert_id} made actions, no policy should match it: "
                                   f"{answer}")
            sent.append((alert_id, started))
        out.put(("done", index, sent, time.process_time() - cpu0))
    except BaseException as e:  # the parent must hear about it instead of waiting
        out.put(("error", index, f"{type(e).__name__}: {e}"))


def policy(i):
    label = {"field": "labels.team", "op": "eq", "value": f"team-{i}"}
    subject = {"field": "subject", "op": "regex", "value": "disk-.*"}
    return {"order": i, "description": f"bench policy {i}",
            "match": [label, subject] if i % 2 == 0 else [subject, label],
            "actions": [{"kind": "notice", "channels": ["healthy"]}]}


def put_policies(api, count):
    """PUTs p0000.. and checks that the list holds them; answers the seconds it took."""
    t0 = time.perf_counter()
    for i in range(count):
        status, answer = api.call("PUT", f"/api/policies/p{i:04d}", policy(i))
        benchlib.api_ok(status, answer, f"PUT /api/policies/p{i:04d}")
    took = time.perf_counter() - t0
    status, answer = api.call("GET", "/api/policies")
    listed = benchlib.api_ok(status, answer, "GET /api/policies")["data"]
    if len(listed) != count:
        raise RuntimeError(f"GET /api/policies lists {len(listed)} policies, expected {count}")
    return took


def stored_notices(api, query):
    status, answer = api.call("GET", f"/api/notifications?channel=healthy{query}&p_size=1")
    return benchlib.api_ok(status, answer, "GET /api/notifications")["total"]


def throughput_run(args, work, receiver_port, receiver_pid, scenario, run):
    with benchlib.Procs() as procs:
        warden = benchlib.Warden(procs, args.build, work,
                                 name=f"warden-{run}-{scenario.replace(' ', '-')}", http_threads=64)
        api = benchlib.Client(warden.port)
        benchlib.put_http_callback(api, "healthy", f"http://{HOST}:{receiver_port}/hook",
                                   {"concurrency": args.concurrency, "timeout": 5})
        policies = POLICIES if scenario != "0 policies" else 0
        put_s = put_policies(api, policies) if policies else 0.0
        benchlib.clear_alert_receipts(receiver_port)

        ready, out, go = mp.Queue(), mp.Queue(), mp.Event()
        workers = [mp.Process(target=client,
                              args=(i, warden.port, share(args.alerts, args.clients, i), ready, go,
                                    out))
                   for i in range(args.clients)]
        for w in workers:
            w.start()
        for _ in workers:
            ready.get(timeout=30)
        cpu = benchlib.CpuMeter(lambda: [warden.proc.pid]).start()
        t0 = time.time()
        go.set()
        sent = {}
        for _ in workers:
            message = out.get(timeout=600)
            if message[0] == "error":
                raise RuntimeError(f"client {message[1]}: {message[2]}")
            sent.update(dict(message[2]))
        for w in workers:
            w.join()
        deadline = time.time() + 60
        received = benchlib.alert_receipts(receiver_port)
        while len(received) < len(sent) and time.time() < deadline:
            time.sleep(0.05)
            received = benchlib.alert_receipts(receiver_port)
        cpu.stop()
        missing = len(sent) - len(received)
        if missing:
            raise RuntimeError(f"{missing} of {len(sent)} alerts never reached the receiver")
        # Each alert went to `healthy` once and nowhere else: no policy sent a notice of its own.
        stored, stored_sent = stored_notices(api, ""), stored_notices(api, "&status=sent")
        if stored != len(sent) or stored_sent != len(sent):
            raise RuntimeError(f"{stored} notices stored for healthy ({stored_sent} sent), "
                               f"expected {len(sent)}")
        last = max(received.values())
        latencies = [(received[i] - started) * 1000 for i, started in sent.items()]
        api.close()
        return {"rate": len(sent) / (last - t0), "p50": percentile(latencies, 50),
                "p99": percentile(latencies, 99), "cpu_us": cpu.seconds / len(sent) * 1e6,
                "busy": cpu.machine_busy, "put_s": put_s}


def solution_policy(receiver_port):
    condition = json.dumps({"url": f"http://{HOST}:{receiver_port}/hook", "method": "POST",
                            "body": '{"id": "{{id}}"}', "retries": 0})
    return {"description": "bench: every alert of bench-solution runs the webhook solution",
            "match": [{"field": "source", "op": "eq", "value": "bench-solution"}],
            "actions": [{"kind": "solution", "plugin": "webhook", "condition": condition,
                         "timeout": 60}]}


def unix_s(iso):
    """Seconds since the epoch of an ISO 8601 time the API answers (millisecond precision)."""
    return datetime.datetime.fromisoformat(iso).timestamp()


def wait_for_receipt(receiver, alert_id, deadline):
    """Polls the receiver (every 2 ms) until it has `alert_id`; answers its unix time in s."""
    needle = f"{alert_id} "
    while True:
        status, text = receiver.call("GET", "/results")
        if status != 200:
            raise RuntimeError(f"receiver GET /results: HTTP {status}")
        for line in (text if isinstance(text, str) else "").splitlines():
            if line.startswith(needle):
                return int(line.split()[1]) / 1e6
        if time.time() > deadline:
            raise RuntimeError(f"the webhook of alert {alert_id} never reached the receiver")
        time.sleep(0.002)


def wait_for_success(api, action_id, deadline):
    """Polls GET /api/actions/{id} until the action ended; fails unless it succeeded."""
    while True:
        status, answer = api.call("GET", f"/api/actions/{action_id}")
        action = benchlib.api_ok(status, answer, f"GET /api/actions/{action_id}")["data"]
        if action["status"] == "success":
            return action
        if action["status"] not in ("created", "running"):
            raise RuntimeError(f"action {action_id} is {action['status']}: {action}")
        if time.time() > deadline:
            raise RuntimeError(f"action {action_id} still {action['status']} after a minute")
        time.sleep(0.005)


def solution_run(args, work, receiver_port, run):
    with benchlib.Procs() as procs:
        warden = benchlib.Warden(procs, args.build, work, name=f"warden-{run}-solution",
                                 http_threads=64)
        api = benchlib.Client(warden.port)
        status, answer = api.call("PUT", "/api/policies/solution", solution_policy(receiver_port))
        benchlib.api_ok(status, answer, "PUT /api/policies/solution")
        benchlib.clear_alert_receipts(receiver_port)
        receiver = benchlib.Client(receiver_port)
        latencies, answered, attempt_began, dispatched = [], [], [], []
        for i in range(args.warmup + args.solution_alerts):
            alert_id = f"s{run}-{i}"
            started = time.time()
            status, answer = api.post("/api/alerts", {
                "alert": {"id": alert_id, "title": f"bench alert {alert_id}",
                          "source": "bench-solution", "subject": "disk-full", "status": "firing",
                          "severity": "critical", "labels": {"host": f"node-{i % 20}"},
                          "dedupe_key": alert_id}})
            answered_at = time.time()
            benchlib.api_ok(status, answer, "POST /api/alerts")
            actions = actions_of(answer)
            if len(actions) != 1:
                raise RuntimeError(f"alert {alert_id} made {len(actions)} actions, expected 1: "
                                   f"{answer}")
            received = wait_for_receipt(receiver, alert_id, started + 60)
            action = wait_for_success(api, actions[0], started + 60)
            if i >= args.warmup:
                latencies.append((received - started) * 1000)
                answered.append((answered_at - started) * 1000)
                attempt_began.append((unix_s(action["started_at"]) - started) * 1000)
                dispatched.append((unix_s(next(e["at"] for e in action["log"]
                                               if e["event"] == "dispatched")) - started) * 1000)
        receiver.close()
        api.close()
        return {"p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
                "max": max(latencies), "answer_p50": percentile(answered, 50),
                "answer_p99": percentile(answered, 99), "began_p50": percentile(attempt_began, 50),
                "began_p99": percentile(attempt_began, 99),
                "dispatched_p50": percentile(dispatched, 50),
                "dispatched_p99": percentile(dispatched, 99)}


def verdict(met):
    return "met" if met else "MISSED"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(benchlib.ROOT, "build"))
    parser.add_argument("--alerts", type=int, default=10000,
                        help="alerts per throughput scenario and run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=8,
                        help="the healthy channel's delivery threads")
    parser.add_argument("--solution-alerts", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=10,
                        help="alert → solution: alerts first, not counted")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if min(args.alerts, args.clients, args.solution_alerts, args.runs) < 1 or args.warmup < 0:
        parser.error("--alerts, --clients, --solution-alerts and --runs must be at least 1, "
                     "--warmup at least 0")
    benchlib.exit_on_sigterm()
    benchlib.cpu_busy_warning()
    print(f"{args.alerts} alerts per throughput run from {args.clients} clients (healthy channel "
          f"concurrency {args.concurrency}); {args.solution_alerts} alerts one at a time to a "
          f"solution (after {args.warmup} not counted); {args.runs} runs", flush=True)
    results = {name: [] for name in (*THROUGHPUT, SOLUTION)}
    with tempfile.TemporaryDirectory(prefix="warden-automation-bench-") as work, \
            benchlib.Procs() as procs:
        receiver, receiver_port = benchlib.start_alert_receiver(procs, args.build, work)
        for run in range(args.runs):
            for scenario in (THROUGHPUT if run % 2 == 0 else THROUGHPUT[::-1]):
                r = throughput_run(args, work, receiver_port, receiver.pid, scenario, run)
                results[scenario].append(r)
                put = f"; {POLICIES} PUTs took {r['put_s']:.1f} s" if r["put_s"] else ""
                print(f"  run {run + 1} {scenario:16s}: {r['rate']:7.0f} alerts/s, "
                      f"p50 {r['p50']:6.1f} ms, p99 {r['p99']:6.1f} ms, Warden CPU per alert "
                      f"{r['cpu_us']:4.0f} us; machine busy {r['busy']:.0%}{put}", flush=True)
            r = solution_run(args, work, receiver_port, run)
            results[SOLUTION].append(r)
            print(f"  run {run + 1} {SOLUTION:16s}: p50 {r['p50']:6.2f} ms, p99 {r['p99']:6.2f} ms, "
                  f"max {r['max']:6.2f} ms; POST answered p50 {r['answer_p50']:.2f} ms, "
                  f"p99 {r['answer_p99']:.2f} ms; on the host's ms clock, the action's attempt "
                  f"began p50 {r['began_p50']:.0f} ms, p99 {r['began_p99']:.0f} ms, its task was "
                  f"made p50 {r['dispatched_p50']:.0f} ms, p99 {r['dispatched_p99']:.0f} ms",
                  flush=True)
    print()
    base, loaded = (results[name] for name in THROUGHPUT)
    for name, runs in zip(THROUGHPUT, (base, loaded)):
        print(f"{name:16s}: {median([r['rate'] for r in runs]):7.0f} alerts/s "
              f"(runs: {runs_text([r['rate'] for r in runs])}), "
              f"p50 {median([r['p50'] for r in runs]):.1f} ms, "
              f"p99 {median([r['p99'] for r in runs]):.1f} ms "
              f"(runs: {runs_text([r['p99'] for r in runs], '{:.1f}')}), "
              f"Warden CPU per alert {median([r['cpu_us'] for r in runs]):.0f} us "
              f"(runs: {runs_text([r['cpu_us'] for r in runs])})")
    # A run's two scenarios follow each other within seconds: its own ratio is spared the drift of
    # a shared machine that the medians of whole scenarios are not.
    time_cost = [b["rate"] / r["rate"] - 1 for r, b in zip(loaded, base)]
    cpu_cost = [r["cpu_us"] / b["cpu_us"] - 1 for r, b in zip(loaded, base)]
    cpu_added = [r["cpu_us"] - b["cpu_us"] for r, b in zip(loaded, base)]
    p99_change = [r["p99"] / b["p99"] - 1 for r, b in zip(loaded, base)]
    cost = median(time_cost)
    print(f"{POLICIES} policies vs 0, paired by run (median): time per alert {cost:+.1%} "
          f"(runs: {runs_text([100 * c for c in time_cost], '{:+.1f}%')}), Warden CPU per alert "
          f"{median(cpu_cost):+.1%}, {median(cpu_added):+.0f} us "
          f"(runs: {runs_text([100 * c for c in cpu_cost], '{:+.1f}%')}; "
          f"{runs_text(cpu_added, '{:+.0f} us')}), p99 {median(p99_change):+.0%}")
    print(f"policy matching cost: {cost:+.1%} of the alert path (target < 10%): "
          f"{verdict(cost < 0.10)}")
    runs = results[SOLUTION]
    p99 = median([r["p99"] for r in runs])
    print(f"{SOLUTION:16s}: p50 {median([r['p50'] for r in runs]):.2f} ms "
          f"(runs: {runs_text([r['p50'] for r in runs], '{:.2f}')}), p99 {p99:.2f} ms "
          f"(runs: {runs_text([r['p99'] for r in runs], '{:.2f}')}) (target p99 < 50 ms): "
          f"{verdict(p99 < 50)}")


if __name__ == "__main__":
    main()
