#!/usr/bin/python3
"""README's Python worker (docs/examples/kafka_worker.py, which the README shows verbatim) against
a real `warden serve` and the tests' Kafka broker (warden_kafka_mock_broker): 10 tasks of an
external service are created, the worker reads their messages in its consumer group, claims and
finishes each, and result_task shows the data it reported. Then a second worker in another group
reads the same 10 messages again (a redelivery): each `running` is refused with 409, it skips them
all, and the tasks stay the first worker's.

Usage: kafka_worker_test.py <warden> <warden_kafka_mock_broker> <source-dir> <plugins-dir>
Bounded: the whole test gives up after 60 s. Needs /usr/bin/python3 with Debian's
python3-confluent-kafka (scripts/setup.sh installs it) for the worker.
"""
import json
import os
import select
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

WORKER_PYTHON = "/usr/bin/python3"  # where Debian's python3-confluent-kafka is importable
TOKEN = "kafka-worker-test"
TOPIC = "mq_aaa"
TASKS = 10
DEADLINE = time.monotonic() + 60


def left(cap=None):
    remaining = DEADLINE - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("the test ran out of its 60 s")
    return min(remaining, cap) if cap else remaining


def read_line(proc, what):
    """One line of proc's stdout, within the test's time."""
    ready, _, _ = select.select([proc.stdout], [], [], left(20))
    line = proc.stdout.readline() if ready else ""
    if not line:
        raise RuntimeError(f"{what}: no answer (exit code {proc.poll()})")
    return line.strip()


def start_broker(binary):
    broker = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = read_line(broker, "warden_kafka_mock_broker")
    if not line.startswith("bootstrap "):
        raise RuntimeError(f"warden_kafka_mock_broker said {line!r}")
    broker.stdin.write(f"topic {TOPIC} 1\n")
    broker.stdin.flush()
    answer = read_line(broker, "topic")
    if answer != "ok":
        raise RuntimeError(f"topic {TOPIC}: {answer}")
    return broker, line.split(" ", 1)[1]


def start_warden(binary, work, plugins, bootstrap):
    config = os.path.join(work, "warden.yaml")
    with open(config, "w") as f:
        f.write(f"default_env: TEST\n"
                f"TEST:\n  database: \"sqlite:{work}/warden.db\"\n"
                f"plugins_dir: \"{plugins}\"\n"
                f"log_level: warn\n"
                f"service: [test, aaa]\n"
                f"source_db:\n"
                f"  aaa: {{source_name: mongo, topic_name: {TOPIC}, consumer_id: c_aaa}}\n"
                f"mq_conf:\n  bootstrap_servers: [\"{bootstrap}\"]\n")
    out, err = os.path.join(work, "stdout.log"), os.path.join(work, "stderr.log")
    with open(out, "wb") as o, open(err, "wb") as e:
        warden = subprocess.Popen([binary, "serve", "--config", config, "--listen", "127.0.0.1:0"],
                                  stdout=o, stderr=e, env=dict(os.environ, AUTH_TOKEN=TOKEN))
    while True:
        with open(out, errors="replace") as f:
            for line in f:
                if "listening on http://" in line:
                    return warden, line.split("http://", 1)[1].split()[0]
        if warden.poll() is not None or left() < 30:
            with open(err, errors="replace") as f:
                raise RuntimeError(f"warden did not start (exit code {warden.poll()}):\n{f.read()}")
        time.sleep(0.05)


def api(address, path, body):
    request = urllib.request.Request(f"http://{address}{path}", json.dumps(body).encode(),
                                     {"Authorization": TOKEN, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=left(10)) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{path}: HTTP {e.code}: {e.read().decode(errors='replace')}")


def run_worker(source, address, bootstrap, group, worker_id):
    env = dict(os.environ, WARDEN_URL=f"http://{address}", AUTH_TOKEN=TOKEN,
               KAFKA_BOOTSTRAP=bootstrap, TOPIC=TOPIC, GROUP=group, WORKER_ID=worker_id,
               MAX_MESSAGES=str(TASKS))
    try:
        worker = os.path.join(source, "docs", "examples", "kafka_worker.py")
        done = subprocess.run([WORKER_PYTHON, worker], env=env, capture_output=True, text=True,
                              timeout=left())
    except subprocess.TimeoutExpired as e:
        raise RuntimeError(f"worker {worker_id} did not read {TASKS} messages in time; its "
                           f"stderr:\n{e.stderr}")
    if done.returncode != 0:
        raise RuntimeError(f"worker {worker_id} exited {done.returncode}:\n{done.stderr}")


def check(what, got, expected):
    if got != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {got!r}")


def main():
    warden_bin, broker_bin, source, plugins = sys.argv[1:5]
    procs = []
    with tempfile.TemporaryDirectory(prefix="warden-kafka-worker-") as work:
        try:
            broker, bootstrap = start_broker(broker_bin)
            procs.append(broker)
            warden, address = start_warden(warden_bin, work, plugins, bootstrap)
            procs.append(warden)

            conditions = {}
            for i in range(TASKS):
                condition = {"n": i, "host": f"db{i}"}
                answer = api(address, "/api/create_task",
                             {"data": {"service": "aaa", "condition": condition}})
                conditions[answer["task_id"]] = condition

            run_worker(source, address, bootstrap, "c_aaa", "w1")
            for task_id, condition in conditions.items():
                result = api(address, "/api/result_task", {"data": {"task_id": task_id}})
                check(f"{task_id} status", result.get("status"), "finished")
                check(f"{task_id} data", result.get("data"), {"echo": condition})
                check(f"{task_id} status_message.finished",
                      (result.get("status_message") or {}).get("finished"), "done")

            # The same messages to another group: every claim is refused and skipped.
            run_worker(source, address, bootstrap, "c_aaa_again", "w2")
            for task_id, condition in conditions.items():
                listed = api(address, "/api/tasks", {"task_id": task_id})["data"]
                check(f"{task_id} in /api/tasks", len(listed), 1)
                check(f"{task_id} worker", listed[0].get("worker"), "w1")
                check(f"{task_id} status after the redelivery", listed[0].get("status"), "finished")
                check(f"{task_id} source_name", listed[0].get("source_name"), "mongo")
            print(f"ok: {TASKS} tasks finished by the README's worker; a redelivery to another "
                  f"worker was refused with 409 and skipped")
        except BaseException:
            if os.path.exists(os.path.join(work, "stderr.log")):
                with open(os.path.join(work, "stderr.log"), errors="replace") as f:
                    print(f"warden's stderr, last lines:\n{''.join(f.readlines()[-20:])}",
                          file=sys.stderr)
            raise
        finally:
            for proc in reversed(procs):
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


if __name__ == "__main__":
    main()
