"""Helpers shared by the benchmarks under bench/: installing their packages, starting and stopping
`warden serve` and other servers (the fixed-body server, the alert receiver) on free loopback
ports, keep-alive JSON clients, percentiles.

Every process a benchmark starts goes through `Procs`, which stops it (SIGTERM, then SIGKILL) when
the benchmark ends, fails or is interrupted, and asks the kernel to send it SIGTERM should the
benchmark itself die first. Bench traffic goes to 127.0.0.1 only.
"""
import ctypes
import http.client
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
HOST = "127.0.0.1"
TOKEN = "bench-token"
DEBIAN_PYTHON = "/usr/bin/python3"  # where Debian's python3-celery and python3-redis are importable


def setup():
    """Installs what the benchmarks need (bench/setup.sh: idempotent, apt-get only when missing)."""
    subprocess.run(["bash", os.path.join(BENCH, "setup.sh")], check=True)


def reexec_with_debian_python(module):
    """Debian's python3-* packages install for /usr/bin/python3; a `python3` earlier on PATH (pyenv,
    a venv) cannot import them. Re-runs this script with /usr/bin/python3 when `module` is missing."""
    try:
        __import__(module)
        return
    except ImportError:
        pass
    if os.environ.get("WARDEN_BENCH_REEXEC") or not os.path.exists(DEBIAN_PYTHON):
        sys.exit(f"cannot import {module} with {sys.executable}; bench/setup.sh installs Debian's "
                 f"package for {DEBIAN_PYTHON}")
    os.environ["WARDEN_BENCH_REEXEC"] = "1"
    sys.stdout.flush()
    os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(sys.argv[0])] + sys.argv[1:])


def exit_on_sigterm():
    """SIGTERM unwinds like Ctrl-C, so every `finally` (and so every cleanup) runs."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def cpu_busy_warning(seconds=1.0):
    """Warns when something else keeps the CPUs busy (another build or benchmark): the figures
    would be meaningless. Returns the busy fraction of all cores over `seconds`."""
    def sample():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + fields[4]
        return idle, sum(fields)
    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    busy = 1 - (idle1 - idle0) / max(1, total1 - total0)
    if busy > 0.25:
        print(f"WARNING: the CPUs are {busy:.0%} busy before the benchmark starts (another build or "
              f"benchmark?); the figures below are not trustworthy", flush=True)
    return busy


def _cpu_stat():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return fields[3] + fields[4], sum(fields)  # idle + iowait, total (clock ticks, all cores)


class CpuMeter:
    """CPU seconds used by some processes, and how busy the whole machine was, between start()
    and stop(). `pids` is a function, called at both ends, giving the processes to count."""

    def __init__(self, pids):
        self.pids = pids

    @staticmethod
    def process_seconds(pids):
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime + stime, every thread
            except (OSError, IndexError, ValueError):
                pass
        return total / tick

    def start(self):
        self.cpu0 = self.process_seconds(self.pids())
        self.stat0 = _cpu_stat()
        return self

    def stop(self):
        stat1 = _cpu_stat()
        # The CPU of a process that ended in between is lost (none is expected to).
        self.seconds = self.process_seconds(self.pids()) - self.cpu0
        idle = stat1[0] - self.stat0[0]
        total = stat1[1] - self.stat0[1]
        self.machine_busy = 1 - idle / max(1, total)
        self.machine_seconds = (total - idle) / os.sysconf("SC_CLK_TCK")  # busy CPU-seconds
        return self


def session_pids(sid):
    """The processes of session `sid` (one started with Procs.start(..., whole_group=True))."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[3]) == sid:
                    pids.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return pids


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _pdeathsig():
    # Runs in the child between fork and exec: SIGTERM it when the benchmark process dies.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Procs:
    """The processes a benchmark started; `stop_all` (or leaving the `with`) ends each of them."""

    def __init__(self):
        self._procs = []  # (name, Popen, whole_group)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop_all()

    def start(self, name, cmd, whole_group=False, **kw):
        """Starts `cmd`. whole_group: in its own session, so stop() also ends the children it forks
        (Celery's prefork pool)."""
        proc = subprocess.Popen(cmd, preexec_fn=_pdeathsig, start_new_session=whole_group, **kw)
        self._procs.append((name, proc, whole_group))
        return proc

    def stop(self, proc, timeout=20):
        for i, (name, p, group) in enumerate(self._procs):
            if p is proc:
                del self._procs[i]
                _terminate(p, group, timeout)
                return

    def stop_all(self):
        while self._procs:
            name, p, group = self._procs.pop()
            _terminate(p, group, 20)


def _terminate(proc, whole_group, timeout):
    def send(sig):
        try:
            if whole_group:
                os.killpg(proc.pid, sig)  # the session this benchmark made for it: its own pid
            else:
                proc.send_signal(sig)
        except ProcessLookupError:
            pass
    if proc.poll() is None:
        send(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            send(signal.SIGKILL)
            proc.wait()
    if whole_group:
        send(signal.SIGKILL)  # pool children left behind by a master that died first


def wait_for_line(path, needle, proc, timeout=30):
    """Waits until the file `path` (a server's stdout) holds a line containing `needle`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(path, errors="replace") as f:
            for line in f:
                if needle in line:
                    return line.strip()
        if proc.poll() is not None:
            break
        time.sleep(0.005)
    raise RuntimeError(f"no {needle!r} line in {path} (exit code {proc.poll()})")


def tail(path, lines=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


class Warden:
    """`warden serve` on a free loopback port with a fresh SQLite database in `work`, or on
    `database` (a URI; the key file then lives in `work` beside the config, shared by every host
    of that `work`). `plugins_dirs` are searched after the bundled plugins; `extra_config` is
    appended to the YAML. `wait` False: does not wait for it to serve (a standby)."""

    def __init__(self, procs, build, work, name="warden", workers=2, http_threads=64,
                 max_status_task=100, log_level="warn", plugins_dirs=(), extra_config="",
                 database=None, wait=True):
        self.procs = procs
        self.name = name
        self.work = os.path.join(work, name)
        os.makedirs(self.work)
        self.binary = os.path.join(build, "host", "warden")
        plugins = os.path.join(build, "plugins")
        for path in (self.binary, plugins, *plugins_dirs):
            if not os.path.exists(path):
                sys.exit(f"{path} is missing: build first (scripts/build.sh) or pass --build")
        self.config = os.path.join(self.work, "warden.yaml")
        with open(self.config, "w") as f:
            db = database or f"sqlite:{self.work}/warden.db"
            key = f"secret_key_file: \"{os.path.join(work, 'warden.key')}\"\n" if database else ""
            f.write(f"default_env: TEST\n{key}"
                    f"TEST:\n  database: \"{db}\"\n"
                    f"plugins_dir:\n"
                    + "".join(f"  - \"{d}\"\n" for d in (plugins, *plugins_dirs))
                    + f"workers: {workers}\n"
                    + (f"http_threads: {http_threads}\n" if http_threads else "")
                    + f"max_status_task: {max_status_task}\n"
                    f"log_level: {log_level}\n" + extra_config)
        self.stdout = os.path.join(self.work, "stdout.log")
        self.stderr = os.path.join(self.work, "stderr.log")
        self.launch(wait)

    def launch(self, wait=True):
        """Starts the process (again, on the same database) and waits until it serves."""
        env = dict(os.environ, AUTH_TOKEN=TOKEN)
        with open(self.stdout, "wb") as out, open(self.stderr, "ab") as err:
            self.proc = self.procs.start(self.name, [self.binary, "serve", "--config", self.config,
                                                     "--listen", f"{HOST}:0"],
                                         stdout=out, stderr=err, env=env)
        if wait:
            self.wait_until_serving()

    def wait_until_serving(self, timeout=120):
        try:
            line = wait_for_line(self.stdout, "listening on", self.proc, timeout=timeout)
        except RuntimeError as e:
            self.procs.stop(self.proc)
            sys.exit(f"warden did not start: {e}\n{tail(self.stderr)}")
        self.port = int(line.split("http://", 1)[1].split()[0].rsplit(":", 1)[1])

    def rss_kib(self):
        """The process's resident set size in KiB (VmRSS)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.procs.stop(self.proc)
        return tail(self.stderr)


def start_fixed_server(procs, build, work, body, threads=64, name="fixed-body",
                       content_type="application/json"):
    """bench_fixed_body_server (bench/fixed_body_server.cpp) answering every request with `body`
    (bytes); builds it when the build folder lacks it. Returns (process, port)."""
    binary = os.path.join(build, "bench", "bench_fixed_body_server")
    if not os.path.exists(binary):
        subprocess.run(["cmake", "--build", build, "--target", "bench_fixed_body_server"], check=True)
    body_file = os.path.join(work, f"{name}.body")
    with open(body_file, "wb") as f:
        f.write(body)
    out = os.path.join(work, f"{name}.log")
    with open(out, "wb") as f:
        proc = procs.start(name, [binary, "--body-file", body_file, "--listen", f"{HOST}:0",
                                  "--threads", str(threads), "--content-type", content_type],
                           stdout=f, stderr=f)
    line = wait_for_line(out, "listening on", proc)
    return proc, int(line.split("http://", 1)[1].split()[0].rsplit(":", 1)[1])


def start_alert_receiver(procs, build, work, threads=64):
    """bench_alert_receiver (bench/alert_receiver.cpp), which records when each alert arrived, by
    the alert's id; builds it when the build folder lacks it. Returns (process, port)."""
    binary = os.path.join(build, "bench", "bench_alert_receiver")
    if not os.path.exists(binary):
        subprocess.run(["cmake", "--build", build, "--target", "bench_alert_receiver"], check=True)
    log = os.path.join(work, "receiver.log")
    with open(log, "wb") as f:
        proc = procs.start("receiver", [binary, "--listen", f"{HOST}:0", "--threads", str(threads)],
                           stdout=f, stderr=f)
    line = wait_for_line(log, "listening on", proc)
    return proc, int(line.split("http://", 1)[1].split()[0].rsplit(":", 1)[1])


def alert_receipts(port):
    """{alert id: unix time in seconds} of every alert the receiver on `port` got."""
    with urllib.request.urlopen(f"http://{HOST}:{port}/results", timeout=30) as r:
        lines = r.read().decode().splitlines()
    return dict((line.split()[0], int(line.split()[1]) / 1e6) for line in lines)


def clear_alert_receipts(port):
    request = urllib.request.Request(f"http://{HOST}:{port}/results", method="DELETE")
    urllib.request.urlopen(request, timeout=30).read()


def put_http_callback(api, name, url, delivery):
    """Makes channel instance `name`: the bundled http_callback plugin sending to `url`."""
    status, answer = api.call("PUT", f"/api/channels/{name}",
                              {"channel": "http_callback", "config": {"url": url},
                               "delivery": delivery})
    if status not in (200, 201):
        raise RuntimeError(f"PUT /api/channels/{name}: HTTP {status}: {answer}")


def share(total, parts, index):
    """Part `index` of `total` split as evenly as can be into `parts`."""
    return total // parts + (1 if index < total % parts else 0)


class _NoDelayConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class Client:
    """One keep-alive HTTP/1.1 connection (TCP_NODELAY, as most HTTP client libraries set) that
    sends and receives JSON."""

    def __init__(self, port, token=TOKEN, timeout=60):
        self.conn = _NoDelayConnection(HOST, port, timeout=timeout)
        self.headers = {"Content-Type": "application/json", "Authorization": token}

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        try:
            self.conn.request(method, path, body=data, headers=self.headers)
            resp = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed the kept-alive connection while it was idle: a new one.
            self.conn.close()
            self.conn.request(method, path, body=data, headers=self.headers)
            resp = self.conn.getresponse()
        raw = resp.read()
        try:
            return resp.status, json.loads(raw) if raw else None
        except ValueError:
            return resp.status, raw.decode(errors="replace")

    def post(self, path, body):
        return self.call("POST", path, body)

    def close(self):
        self.conn.close()


def api_ok(status, answer, what):
    if status != 200 or not isinstance(answer, dict) or answer.get("result") != "ok":
        raise RuntimeError(f"{what}: HTTP {status}: {answer}")
    return answer


def create_task(client, service, condition):
    status, answer = client.post("/api/create_task",
                                 {"data": {"service": service, "condition": condition}})
    return api_ok(status, answer, "create_task")["task_id"]


def create_test_task(client, message="bench"):
    return create_task(client, "test", {"message": message})


def statuses(client, task_ids):
    """{task_id: status} from one status_task call."""
    status, answer = client.post("/api/status_task", {"data": [{"task_id": t} for t in task_ids]})
    return {s["task_id"]: s["status"] for s in api_ok(status, answer, "status_task")["status"]}


def has_route(port, path):
    """True when Warden answers `path` with something other than 404 (a route not yet there)."""
    client = Client(port)
    try:
        status, _ = client.post(path, {})
        return status != 404
    finally:
        client.close()


def percentile(values, p):
    """The p-th percentile (nearest rank) of `values`."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def median(values):
    return statistics.median(values)


def runs_text(values, fmt="{:.0f}"):
    return ", ".join(fmt.format(v) for v in values)
