#!/usr/bin/env python3
"""Tasks handed to Kafka against tasks run by the host, side by side, and create -> message on the
topic latency (issue 19).

The broker is the tests' warden_kafka_mock_broker (librdkafka's mock cluster, in memory, one
process on loopback; build/tests/). Each run makes a topic of --partitions partitions and, for each
of the three figures, a fresh `warden serve` (SQLite, fresh temporary database, `workers: 2`,
`http_threads: 64`) whose service `bench` is external (`source_db.bench.topic_name`, `mq_conf`
pointing at the broker):
  (a) hand-off   --clients client processes, each with one keep-alive connection, create their
                 share of --tasks `bench` tasks as fast as the answers come; one consumer (a group
                 of its own, subscribed and assigned before the clock starts) polls the topic
                 continuously on a thread of this script. The clock runs from the clients' release
                 until the consumer has a message for every task id. Each task's create -> message
                 latency is from just before its create_task request was sent to the consumer's
                 receipt of its message (one monotonic clock: clients and consumer share the
                 machine).
  (b) host       the same clients create --tasks `test` tasks (the bundled solution) and poll
                 status_task until each is finished, as bench/tasks_throughput.py does.
  (c) latency    one client creates --latency-tasks `bench` tasks one after another, each once the
                 consumer has the previous one's message: create -> message on an idle host.
Printed per run, then the medians of --runs runs, with the server's CPU a task for (a) and (b).
Usage:
    python3 bench/kafka_handoff.py [--build build] [--tasks 5000] [--clients 8] [--runs 3]
Runs with /usr/bin/python3, where Debian's python3-confluent-kafka is importable (scripts/setup.sh
installs it).
"""
import argparse
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import tasks_throughput  # noqa: E402
from benchlib import HOST, median, percentile, runs_text, share  # noqa: E402

SERVICE = "bench"


def handoff_client(index, port, count, ready, go, out):
    """Creates `count` external tasks, noting when each create_task request was sent."""
    try:
        client = benchlib.Client(port)
        client.call("GET", "/healthz")  # the keep-alive connection is open before the clock starts
        ready.put(index)
        go.wait()
        cpu0 = time.process_time()
        sent = {}
        for i in range(count):
            t = time.perf_counter()
            sent[benchlib.create_task(client, SERVICE, {"client": index, "n": i})] = t
        now = time.perf_counter()
        out.put(("done", index, now, now, count, [], 0, time.process_time() - cpu0, sent))
    except BaseException as e:  # the parent must hear about it instead of waiting
        out.put(("error", index, f"{type(e).__name__}: {e}"))


def start_broker(procs, build):
    binary = os.path.join(build, "tests", "warden_kafka_mock_broker")
    if not os.path.exists(binary):
        subprocess.run(["cmake", "--build", build, "--target", "warden_kafka_mock_broker"],
                       check=True)
    proc = procs.start("kafka", [binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = broker_answer(proc)
    if not line.startswith("bootstrap "):
        raise RuntimeError(f"warden_kafka_mock_broker said {line!r}")
    return proc, line.split(" ", 1)[1]


def broker_answer(proc, timeout=20):
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline().strip() if ready else ""
    if not line:
        raise RuntimeError(f"warden_kafka_mock_broker did not answer (exit code {proc.poll()})")
    return line


def make_topic(broker, topic, partitions):
    broker.stdin.write(f"topic {topic} {partitions}\n")
    broker.stdin.flush()
    answer = broker_answer(broker)
    if answer != "ok":
        raise RuntimeError(f"topic {topic}: {answer}")


class TopicWatch:
    """One consumer in a group of its own, polling `topic` on a thread from before the clock
    starts: when each message's key (a task id) first arrived, and how many came again."""

    def __init__(self, bootstrap, topic):
        from confluent_kafka import Consumer
        # The mock broker holds a fetch for fetch.wait.max.ms even when a message arrives meanwhile
        # (a real broker answers at once): with the default, 500 ms, that wait would be measured.
        self.consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bench-{topic}",
                                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                                  "fetch.wait.max.ms": 1})
        self.arrived, self.duplicates, self.errors = {}, 0, []
        self.changed = threading.Condition()
        self.assigned = threading.Event()
        self.stopping = False
        self.consumer.subscribe([topic], on_assign=lambda consumer, parts: self.assigned.set())
        self.thread = threading.Thread(target=self._poll, daemon=True)
        self.thread.start()
        if not self.assigned.wait(30):
            self.close()
            raise RuntimeError(f"the bench consumer got no partitions of {topic} within 30 s")

    def _poll(self):
        while not self.stopping:
            first = self.consumer.poll(0.1)  # returns at the first message (consume() would not)
            now = time.perf_counter()
            if first is None:
                continue
            batch = [first] + self.consumer.consume(num_messages=1000, timeout=0)
            with self.changed:
                for msg in batch:
                    if msg.error():
                        self.errors.append(str(msg.error()))
                    elif msg.key() in self.arrived:
                        self.duplicates += 1
                    else:
                        self.arrived[msg.key()] = now
                self.changed.notify_all()

    def wait_for(self, keys, timeout):
        """Waits until every key (bytes) has arrived; returns the latest arrival time."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                missing = [k for k in keys if k not in self.arrived]
                if not missing:
                    return max(self.arrived[k] for k in keys)
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{len(missing)} of {len(keys)} messages not on the topic "
                                       f"after {timeout} s (consumer errors: {self.errors[:3]})")
                self.changed.wait(0.5)

    def close(self):
        self.stopping = True
        self.thread.join(timeout=10)
        self.consumer.close()


def start_warden(procs, args, work, name, bootstrap, topic):
    extra = (f"service: [test, {SERVICE}]\n"
             f"source_db:\n  {SERVICE}: {{source_name: bench, topic_name: {topic}, "
             f"consumer_id: c_{SERVICE}}}\n"
             f"mq_conf:\n  bootstrap_servers: \"{bootstrap}\"\n")
    return benchlib.Warden(procs, args.build, work, name=name, workers=args.workers,
                           http_threads=64, max_status_task=100, extra_config=extra)


def is_external(port):
    """True when Warden lists SERVICE as external (a build with the Kafka hand-off)."""
    client = benchlib.Client(port)
    try:
        status, answer = client.post("/api/service_task", {})
    finally:
        client.close()
    services = answer.get("services", []) if status == 200 and isinstance(answer, dict) else []
    return any(s.get("service") == SERVICE and s.get("external") for s in services)


def outbox_metrics(port, timeout=10):
    """The warden_outbox_* figures once no row is pending (marks trail the delivery reports)."""
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(f"http://{HOST}:{port}/metrics", timeout=30) as r:
            lines = r.read().decode().splitlines()
        figures = {line.split()[0]: float(line.split()[1]) for line in lines
                   if line.startswith("warden_outbox_")}
        if not figures.get('warden_outbox_messages{state="pending"}') or \
                time.monotonic() > deadline:
            return figures
        time.sleep(0.05)


def stop(warden, name):
    log = warden.stop()
    if log.strip():
        print(f"  ({name} stderr, last lines:)\n{log}", end="", flush=True)


def run_handoff(procs, args, work, run, bootstrap, topic, watch):
    """(a): returns (seconds to all on the topic, seconds to all created, server CPU seconds,
    latencies in ms, outbox metrics)."""
    name = f"warden-handoff-{run}"
    warden = start_warden(procs, args, work, name, bootstrap, topic)
    try:
        if not is_external(warden.port):
            return None
        meter = benchlib.CpuMeter(lambda: [warden.proc.pid]).start()
        done, created, results = tasks_throughput.drive(
            "hand-off", handoff_client,
            lambda i: (warden.port, share(args.tasks, args.clients, i)),
            args.clients, args.timeout)
        t0 = max(r[3] for r in results) - done
        sent = {k.encode(): t for r in results for k, t in r[8].items()}
        last = watch.wait_for(list(sent), args.timeout)
        meter.stop()
        latencies = [1000 * (watch.arrived[k] - t) for k, t in sent.items()]
        return last - t0, created, meter.seconds, latencies, outbox_metrics(warden.port)
    finally:
        stop(warden, name)


def run_host(procs, args, work, run, bootstrap, topic):
    """(b): returns (seconds to all finished, seconds to all created, server CPU seconds)."""
    name = f"warden-host-{run}"
    warden = start_warden(procs, args, work, name, bootstrap, topic)
    try:
        meter = benchlib.CpuMeter(lambda: [warden.proc.pid])
        done, created, results = tasks_throughput.drive(
            "host", tasks_throughput.warden_client,
            lambda i: (warden.port, share(args.tasks, args.clients, i), 100, args.poll_interval,
                       None),
            args.clients, args.timeout, meter)
        tasks_throughput.check("host", results, args.tasks)
        return done, created, meter.seconds
    finally:
        stop(warden, name)


def run_latency(procs, args, work, run, bootstrap, topic, watch):
    """(c): create -> message latencies in ms, one task at a time."""
    name = f"warden-latency-{run}"
    warden = start_warden(procs, args, work, name, bootstrap, topic)
    try:
        client = benchlib.Client(warden.port)
        latencies = []
        for i in range(args.warmup + args.latency_tasks):
            t = time.perf_counter()
            key = benchlib.create_task(client, SERVICE, {"n": i}).encode()
            arrived = watch.wait_for([key], 30)
            if i >= args.warmup:
                latencies.append(1000 * (arrived - t))
        client.close()
        return latencies
    finally:
        stop(warden, name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(benchlib.ROOT, "build"))
    ap.add_argument("--tasks", type=int, default=5000, help="tasks of (a) and of (b)")
    ap.add_argument("--clients", type=int, default=8, help="client processes of (a) and (b)")
    ap.add_argument("--latency-tasks", type=int, default=300, help="sequential tasks of (c)")
    ap.add_argument("--warmup", type=int, default=10, help="(c)'s first tasks, not counted")
    ap.add_argument("--partitions", type=int, default=4, help="the topic's partitions")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2, help="Warden's `workers`")
    ap.add_argument("--poll-interval", type=float, default=0.02,
                    help="(b)'s clients' pause between status_task sweeps, seconds")
    ap.add_argument("--timeout", type=float, default=600, help="most seconds one phase may take")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)

    benchlib.setup()
    benchlib.reexec_with_debian_python("confluent_kafka")
    benchlib.exit_on_sigterm()
    benchlib.cpu_busy_warning()

    n = args.tasks
    a_runs, b_runs, c_runs = [], [], []
    with tempfile.TemporaryDirectory(prefix="warden-bench-") as work, benchlib.Procs() as procs:
        broker, bootstrap = start_broker(procs, args.build)
        for run in range(args.runs):
            topic = f"mq_bench_{run}"
            make_topic(broker, topic, args.partitions)
            watch = TopicWatch(bootstrap, topic)
            try:
                a = run_handoff(procs, args, work, run, bootstrap, topic, watch)
                if a is None:
                    print(f"Warden: service_task does not list `{SERVICE}` as external (the Kafka "
                          f"hand-off is not in this build yet): nothing to measure")
                    return 1
                b = run_host(procs, args, work, run, bootstrap, topic)
                c = run_latency(procs, args, work, run, bootstrap, topic, watch)
                duplicates = watch.duplicates
            finally:
                watch.close()
            a_runs.append(a)
            b_runs.append(b)
            c_runs.append(c)
            outbox = a[4]
            print(f"  run {run + 1}: (a) {n / a[0]:.0f} tasks/s to the topic ({a[0]:.2f} s; all "
                  f"created after {a[1]:.2f} s; server CPU {1000 * a[2] / n:.2f} ms a task; "
                  f"create -> message p50 {percentile(a[3], 50):.1f} ms, p99 "
                  f"{percentile(a[3], 99):.1f} ms; outbox sent "
                  f"{outbox.get('warden_outbox_sent_total', 0):.0f}, retries "
                  f"{outbox.get('warden_outbox_retries_total', 0):.0f}; messages read twice "
                  f"{duplicates})", flush=True)
            print(f"  run {run + 1}: (b) {n / b[0]:.0f} tasks/s run ({b[0]:.2f} s; all created "
                  f"after {b[1]:.2f} s; server CPU {1000 * b[2] / n:.2f} ms a task)", flush=True)
            print(f"  run {run + 1}: (c) create -> message, one at a time: p50 "
                  f"{percentile(c, 50):.2f} ms, p99 {percentile(c, 99):.2f} ms, max "
                  f"{max(c):.2f} ms", flush=True)

    def row(label, values, fmt="{:.0f}"):
        print(f"  {label:<44} {fmt.format(median(values)):>9}   (runs: {runs_text(values, fmt)})")

    print(f"Kafka hand-off against the host running tasks: {n} tasks from {args.clients} client "
          f"processes (each one keep-alive connection), workers {args.workers}, a topic of "
          f"{args.partitions} partitions on warden_kafka_mock_broker; medians of {args.runs} runs")
    row("(a) external tasks/s, create -> all on topic", [n / a[0] for a in a_runs])
    row("    creation alone, tasks/s", [n / a[1] for a in a_runs])
    row("    server CPU a task, ms", [1000 * a[2] / n for a in a_runs], "{:.2f}")
    row("    create -> message p50 under that load, ms", [percentile(a[3], 50) for a in a_runs],
        "{:.1f}")
    row("    create -> message p99 under that load, ms", [percentile(a[3], 99) for a in a_runs],
        "{:.1f}")
    row("(b) `test` tasks/s, create -> all finished", [n / b[0] for b in b_runs])
    row("    creation alone, tasks/s", [n / b[1] for b in b_runs])
    row("    server CPU a task, ms", [1000 * b[2] / n for b in b_runs], "{:.2f}")
    row("(c) create -> message p50, one at a time, ms", [percentile(c, 50) for c in c_runs],
        "{:.2f}")
    row(f"    create -> message p99 ({args.latency_tasks} tasks), ms",
        [percentile(c, 99) for c in c_runs], "{:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
