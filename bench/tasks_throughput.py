#!/usr/bin/env python3
"""End-to-end task throughput of Warden against Celery + Redis, side by side (issue 3).

Warden: `warden serve` with its SQLite default (a fresh temporary database each run, `workers: 2`,
`http_threads: 64`, `max_status_task: 100`). --clients client processes, each with one keep-alive
HTTP connection, create their share of --tasks `test` tasks with POST /api/create_task, then poll
POST /api/status_task (up to 100 ids a call, a --poll-interval pause between sweeps) until each of
their tasks is `finished`. The clock runs from the moment every client is connected and released
until the last client has seen its last task finished.

Celery: the same work on Debian's python3-celery with a Redis broker and result backend: a
redis-server on a free loopback port (started here, in-memory: no RDB snapshots, no AOF, which only
helps Celery), a worker `--pool prefork --concurrency 2` (without gossip, mingle and heartbeat),
and bench/celery_peer.py's `test` task (returns {"step": "step1"} like the bundled solution).
The same number of client processes each submit their share with apply_async, then wait on every
AsyncResult.get(); done when every result is ready. Redis is flushed between runs.

The runs alternate (Warden, Celery, Warden, ...) and the medians of --runs are printed with the
ratio Warden/Celery (target: >= 3). Usage:
    python3 bench/tasks_throughput.py [--build build] [--tasks 20000] [--clients 16] [--runs 3]
Needs root the first time (bench/setup.sh installs redis-server, python3-celery, python3-redis);
the Celery side runs with /usr/bin/python3, where Debian installs those modules.
"""
import argparse
import multiprocessing as mp
import os
import queue
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
from benchlib import HOST, median, runs_text  # noqa: E402


def chunks(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def share(total, clients, index):
    return total // clients + (1 if index < total % clients else 0)


# ---------------------------------------------------------------------------------- client processes

def warden_client(index, port, count, max_status, poll_interval, task, ready, go, out):
    """max_status 0: create only (the client ceiling, against the fixed-body server). `task`:
    {"service", "condition"} of the tasks to create, or None for `test` tasks."""
    try:
        client = benchlib.Client(port)
        client.call("GET", "/healthz")  # the keep-alive connection is open before the clock starts
        ready.put(index)
        go.wait()
        cpu0 = time.process_time()
        ids = [benchlib.create_test_task(client, f"c{index}-{i}") if task is None
               else benchlib.create_task(client, task["service"], task["condition"])
               for i in range(count)]
        created = time.perf_counter()
        pending, failed, polls = (ids if max_status else []), [], 0
        while pending:
            still = []
            for chunk in chunks(pending, max_status):
                status = benchlib.statuses(client, chunk)
                polls += 1
                for task_id in chunk:
                    s = status.get(task_id)
                    if s == "finished":
                        continue
                    if s in ("failed", "Invalid", None):
                        failed.append((task_id, s))
                    else:
                        still.append(task_id)
            pending = still
            if pending:
                time.sleep(poll_interval)
        out.put(("done", index, created, time.perf_counter(), len(ids), failed, polls,
                 time.process_time() - cpu0))
    except BaseException as e:  # the parent must hear about it instead of waiting
        out.put(("error", index, f"{type(e).__name__}: {e}"))


def celery_client(index, redis_url, count, ready, go, out):
    try:
        os.environ["WARDEN_BENCH_REDIS_URL"] = redis_url
        sys.path.insert(0, benchlib.BENCH)
        import celery_peer
        celery_peer.app.backend.client.ping()  # connections open before the clock starts
        with celery_peer.app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=3)
        ready.put(index)
        go.wait()
        cpu0 = time.process_time()
        results = [celery_peer.test.apply_async(({"message": f"c{index}-{i}"},))
                   for i in range(count)]
        created = time.perf_counter()
        failed = []
        for r in results:
            value = r.get(timeout=600)
            if not isinstance(value, dict) or value.get("step") != "step1":
                failed.append((r.id, value))
        out.put(("done", index, created, time.perf_counter(), len(results), failed, 0,
                 time.process_time() - cpu0))
    except BaseException as e:
        out.put(("error", index, f"{type(e).__name__}: {e}"))


def drive(label, target, per_client_args, clients, timeout, meter=None):
    """Starts `clients` processes running target(index, *args, ready, go, out), releases them at
    once, and returns (seconds from release to the last done, seconds to the last create, results).
    `meter` (a benchlib.CpuMeter) runs from the release until the last client is done."""
    ctx = mp.get_context("spawn")  # no inherited sockets (Celery's pools) or handlers
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=target, args=(i, *per_client_args(i), ready, go, out), daemon=True)
             for i in range(clients)]
    try:
        for p in procs:
            p.start()
        for _ in procs:
            try:
                ready.get(timeout=60)
            except queue.Empty:
                raise RuntimeError(f"{label}: a client did not get ready: {_drain(out)}")
        if meter:
            meter.start()
        t0 = time.perf_counter()
        go.set()
        results = []
        deadline = time.monotonic() + timeout
        while len(results) < clients:
            try:
                msg = out.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"{label}: clients did not finish within {timeout} s")
            if msg[0] == "error":
                raise RuntimeError(f"{label}: client {msg[1]} failed: {msg[2]}")
            results.append(msg)
        if meter:
            meter.stop()
        for p in procs:
            p.join(timeout=10)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
    done = max(r[3] for r in results) - t0
    created = max(r[2] for r in results) - t0
    if meter:  # busy CPU-seconds of the machine used by neither the server nor the clients
        meter.clients = sum(r[7] for r in results)
        meter.outside = max(0.0, meter.machine_seconds - meter.seconds - meter.clients)
        meter.outside_share = meter.outside / (done * (os.cpu_count() or 1))
    return done, created, results


def _drain(q):
    try:
        return q.get_nowait()
    except queue.Empty:
        return "(no message)"


def check(label, results, tasks):
    total = sum(r[4] for r in results)
    failed = [f for r in results for f in r[5]]
    if total != tasks or failed:
        raise RuntimeError(f"{label}: {total} of {tasks} tasks submitted, {len(failed)} not "
                           f"finished, e.g. {failed[:3]}")


# ---------------------------------------------------------------------------------- the two systems

def run_warden(procs, args, work, run):
    warden = benchlib.Warden(procs, args.build, work, name=f"warden-{run}", workers=args.workers,
                             http_threads=64, max_status_task=100)
    try:
        if not benchlib.has_route(warden.port, "/api/create_task"):
            return None
        meter = benchlib.CpuMeter(lambda: [warden.proc.pid])
        elapsed, created, results = drive(
            "warden", warden_client,
            lambda i: (warden.port, share(args.tasks, args.clients, i), 100, args.poll_interval,
                       None),
            args.clients, args.timeout, meter)
        check("warden", results, args.tasks)
        polls = sum(r[6] for r in results)
        return elapsed, created, polls, meter
    finally:
        log = warden.stop()
        if log.strip():
            print(f"  (warden-{run} stderr, last lines:)\n{log}", end="", flush=True)


def client_ceiling(procs, args, work):
    """create_task requests/s the client processes manage against bench_fixed_body_server (which
    answers instantly): when Warden's creation rate comes near it, the clients are the bottleneck."""
    body = b'{"result": "ok", "task_id": "ts_test_0190f0c4-8b7e-7a31-9d4e-2c5b8f1e6a70"}'
    proc, port = benchlib.start_fixed_server(procs, args.build, work, body, threads=64,
                                             name="client-ceiling")
    try:
        _, created, _ = drive("client ceiling", warden_client,
                              lambda i: (port, share(args.tasks, args.clients, i), 0, 0, None),
                              args.clients, args.timeout)
        return args.tasks / created
    finally:
        procs.stop(proc)


def start_redis(procs, work):
    port = benchlib.free_port()
    d = os.path.join(work, "redis")
    os.makedirs(d)
    proc = procs.start("redis", ["redis-server", "--bind", HOST, "--port", str(port),
                                 "--save", "", "--appendonly", "no", "--dir", d,
                                 "--logfile", os.path.join(d, "redis.log")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis
    client = redis.Redis(host=HOST, port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            return proc, port, client
        except redis.exceptions.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start: " +
                                   benchlib.tail(os.path.join(d, "redis.log")))
            time.sleep(0.02)


def start_celery_worker(procs, work, redis_url, concurrency):
    log = os.path.join(work, "celery-worker.log")
    env = dict(os.environ, WARDEN_BENCH_REDIS_URL=redis_url, PYTHONPATH=benchlib.BENCH)
    with open(log, "wb") as f:
        proc = procs.start("celery", [benchlib.DEBIAN_PYTHON, "-m", "celery", "-A", "celery_peer",
                                      "worker", "--pool", "prefork", "--concurrency",
                                      str(concurrency), "--loglevel", "WARNING",
                                      "--without-gossip", "--without-mingle",
                                      "--without-heartbeat", "--hostname", "bench@%h"],
                           whole_group=True, cwd=benchlib.BENCH, env=env, stdout=f, stderr=f)
    # Ready when it has run a task (the warm-up, outside any measurement).
    os.environ["WARDEN_BENCH_REDIS_URL"] = redis_url
    sys.path.insert(0, benchlib.BENCH)
    import celery_peer
    try:
        value = celery_peer.test.apply_async(({"message": "warm-up"},)).get(timeout=60)
    except Exception as e:
        raise RuntimeError(f"the Celery worker did not answer: {e}\n{benchlib.tail(log)}")
    if value.get("step") != "step1":
        raise RuntimeError(f"unexpected Celery result {value}")
    return proc, log


def run_celery(args, redis_client, redis_url, server_pids):
    redis_client.flushall()
    meter = benchlib.CpuMeter(server_pids)
    elapsed, created, results = drive(
        "celery", celery_client, lambda i: (redis_url, share(args.tasks, args.clients, i)),
        args.clients, args.timeout, meter)
    check("celery", results, args.tasks)
    return elapsed, created, meter


def noise(meter):
    """How much of the machine's CPU processes outside this benchmark took during the run."""
    return (f"machine {meter.machine_busy:.0%} busy; other processes took {meter.outside_share:.0%} "
            f"of its CPU")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(benchlib.ROOT, "build"))
    ap.add_argument("--tasks", type=int, default=20000)
    ap.add_argument("--clients", type=int, default=16, help="client processes, for both systems")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2, help="Warden's `workers`")
    ap.add_argument("--concurrency", type=int, default=2, help="the Celery worker's --concurrency")
    ap.add_argument("--poll-interval", type=float, default=0.02,
                    help="Warden clients' pause between status_task sweeps, seconds")
    ap.add_argument("--timeout", type=float, default=900, help="most seconds one run may take")
    ap.add_argument("--skip-celery", action="store_true", help="measure Warden only")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)

    benchlib.setup()
    benchlib.reexec_with_debian_python("celery")
    benchlib.exit_on_sigterm()
    import celery
    import redis

    benchlib.cpu_busy_warning()
    warden_runs, celery_runs = [], []
    warden_missing = False
    with tempfile.TemporaryDirectory(prefix="warden-bench-") as work, benchlib.Procs() as procs:
        if not args.skip_celery:
            redis_proc, redis_port, redis_client = start_redis(procs, work)
            redis_url = f"redis://{HOST}:{redis_port}"
            worker, _ = start_celery_worker(procs, work, redis_url, args.concurrency)
            redis_version = redis_client.info()["redis_version"]

            def celery_pids():  # the worker, its pool processes, and redis-server
                return benchlib.session_pids(worker.pid) + [redis_proc.pid]
        ceiling = client_ceiling(procs, args, work)
        print(f"  client ceiling: {args.clients} client processes send {ceiling:.0f} create_task "
              f"requests/s to a server that answers at once (bench_fixed_body_server)", flush=True)
        for run in range(args.runs):
            if not warden_missing:
                w = run_warden(procs, args, work, run)
                if w is None:
                    warden_missing = True
                    print("Warden: POST /api/create_task answers 404 (the task routes are not in this "
                          "build yet): measuring Celery only", flush=True)
                else:
                    warden_runs.append(w)
                    print(f"  run {run + 1}: Warden {args.tasks / w[0]:.0f} tasks/s "
                          f"({w[0]:.2f} s; all created after {w[1]:.2f} s; {w[2]} status_task "
                          f"calls; CPU a task: server {1000 * w[3].seconds / args.tasks:.2f} ms, "
                          f"clients {1000 * w[3].clients / args.tasks:.2f} ms; {noise(w[3])})",
                          flush=True)
            if not args.skip_celery:
                c = run_celery(args, redis_client, redis_url, celery_pids)
                celery_runs.append(c)
                print(f"  run {run + 1}: Celery {args.tasks / c[0]:.0f} tasks/s ({c[0]:.2f} s; all "
                      f"submitted after {c[1]:.2f} s; CPU a task: server (worker, pool, redis) "
                      f"{1000 * c[2].seconds / args.tasks:.2f} ms, clients "
                      f"{1000 * c[2].clients / args.tasks:.2f} ms; {noise(c[2])})", flush=True)

    n = args.tasks
    print(f"End-to-end throughput: {n} `test` tasks from {args.clients} client processes "
          f"(each one keep-alive connection), create -> all finished; medians of {args.runs} runs")
    w_rate = c_rate = None
    print(f"  client ceiling: {ceiling:.0f} create_task requests/s from the {args.clients} client "
          f"processes against a server that answers at once")
    if warden_runs:
        rates = [n / w[0] for w in warden_runs]
        w_rate = median(rates)
        print(f"  Warden (SQLite, fresh database, workers {args.workers}, http_threads 64): "
              f"{w_rate:.0f} tasks/s (runs: {runs_text(rates)}); creation alone: "
              f"{median([n / w[1] for w in warden_runs]):.0f} tasks/s; server CPU "
              f"{median([1000 * w[3].seconds / n for w in warden_runs]):.2f} ms a task")
    if celery_runs:
        rates = [n / c[0] for c in celery_runs]
        c_rate = median(rates)
        print(f"  Celery {celery.__version__} + Redis {redis_version} (redis-py "
              f"{redis.__version__}), prefork concurrency {args.concurrency}: {c_rate:.0f} tasks/s "
              f"(runs: {runs_text(rates)}); submission alone: "
              f"{median([n / c[1] for c in celery_runs]):.0f} tasks/s; server CPU "
              f"{median([1000 * c[2].seconds / n for c in celery_runs]):.2f} ms a task")
    if w_rate and c_rate:
        print(f"  ratio Warden/Celery: {w_rate / c_rate:.2f} (target: >= 3)")


if __name__ == "__main__":
    main()
