#!/usr/bin/env python3
"""Start-up and idle-memory benchmark for `warden serve` (issue 2).

Stages N copies of the bundled `test` solution under distinct keys (bench_000 … bench_NNN: the same
code, each library reporting its own key), then starts the real binary several times and prints:
  - time from process start to serving (the "listening on" line, read unbuffered from stdout), with
    N plugins and with none; the difference divided by N is the per-plugin load cost;
  - the host's own registry timing (its "loaded … in … ms" log line);
  - idle resident memory (VmRSS) of `warden serve` with just the bundled plugins, after 2 s idle.
Medians of --runs runs. Usage: bench/startup.py [--build build] [--plugins 100] [--runs 7]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(*cmd, **kw):
    subprocess.run(cmd, check=True, **kw)


def stage_copies(work, count, staged_dir):
    cxx = ["g++", "-std=c++20", "-O2", "-fPIC", "-fvisibility=hidden", "-fvisibility-inlines-hidden",
           f"-I{ROOT}", f"-I{ROOT}/sdk/include", f"-I{ROOT}/plugins/test"]
    objs = os.path.join(work, "obj")
    os.makedirs(objs)
    sh(*cxx, "-c", f"{ROOT}/plugins/test/test_solution.cpp", "-o", f"{objs}/test_solution.o")
    sh(*cxx, "-c", f"{ROOT}/bench/startup/bench_entry.cpp", "-o", f"{objs}/bench_entry.o")
    plugins = os.path.join(work, "plugins")
    os.makedirs(plugins)
    for bundled in os.listdir(staged_dir):
        shutil.copytree(os.path.join(staged_dir, bundled), os.path.join(plugins, bundled))
    with open(os.path.join(staged_dir, "test", "manifest.json")) as f:
        manifest = f.read()
    with open(os.path.join(staged_dir, "test", "help.md")) as f:
        help_md = f.read()
    for i in range(count):
        key = f"bench_{i:03d}"
        folder = os.path.join(plugins, key)
        os.makedirs(folder)
        key_c = os.path.join(objs, f"{key}.c")
        with open(key_c, "w") as f:
            f.write(f'const char* const warden_bench_key = "{key}";\n')
        sh("gcc", "-fPIC", "-c", key_c, "-o", f"{objs}/{key}.o")
        sh("g++", "-shared", "-o", f"{folder}/lib{key}.so", f"{objs}/test_solution.o",
           f"{objs}/bench_entry.o", f"{objs}/{key}.o", "-lPocoJSON", "-lPocoFoundation")
        with open(os.path.join(folder, "manifest.json"), "w") as f:
            f.write(manifest.replace('"key": "test"', f'"key": "{key}"')
                    .replace('"libtest.so"', f'"lib{key}.so"'))
        with open(os.path.join(folder, "help.md"), "w") as f:
            f.write(help_md)
    return plugins


def start(warden, plugins_dir, db, env):
    t0 = time.perf_counter()
    proc = subprocess.Popen([warden, "serve", "--listen", "127.0.0.1:0", "--plugins-dir", plugins_dir,
                             "--db", f"sqlite:{db}", "--log-level", "info"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, bufsize=0)
    line = proc.stdout.readline().decode()
    ready = time.perf_counter() - t0
    if "listening on" not in line:
        proc.kill()
        sys.exit(f"warden did not start: {line!r} {proc.stderr.read().decode()}")
    return proc, ready


def stop(proc):
    proc.terminate()
    _, err = proc.communicate(timeout=20)
    return err.decode()


def registry_ms(log):
    m = re.search(r"loaded \d+ plugin folders? .* in ([0-9.]+) ms", log)
    return float(m.group(1)) if m else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--plugins", type=int, default=100)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    warden = os.path.join(args.build, "host", "warden")
    staged = os.path.join(args.build, "plugins")
    env = dict(os.environ, AUTH_TOKEN="bench-token")
    with tempfile.TemporaryDirectory() as work:
        many = stage_copies(work, args.plugins, staged)
        total = len(os.listdir(many))
        empty = os.path.join(work, "empty")
        os.makedirs(empty)
        results = {"many": [], "none": [], "registry": []}
        for run in range(args.runs):
            for label, d in (("many", many), ("none", empty)):
                proc, ready = start(warden, d, os.path.join(work, f"db-{label}-{run}.sqlite"), env)
                log = stop(proc)
                results[label].append(ready * 1000)
                if label == "many":
                    results["registry"].append(registry_ms(log))
        rss = []
        for run in range(3):
            proc, _ = start(warden, staged, os.path.join(work, f"db-rss-{run}.sqlite"), env)
            time.sleep(2)
            with open(f"/proc/{proc.pid}/status") as f:
                kb = int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))
            stop(proc)
            rss.append(kb / 1024)
    med = statistics.median
    n = args.plugins
    print(f"start-up to serving, {total} plugin folders ({n} copies of `test` + bundled): "
          f"median {med(results['many']):.1f} ms (runs: {', '.join(f'{x:.1f}' for x in results['many'])})")
    print(f"start-up to serving, no plugins: median {med(results['none']):.1f} ms")
    print(f"per-plugin load cost: {(med(results['many']) - med(results['none'])) / total:.3f} ms "
          f"(difference of medians / {total}); host registry scan+load: median "
          f"{med(results['registry']):.1f} ms = {med(results['registry']) / total:.3f} ms per folder")
    print(f"idle RSS with bundled plugins: median {med(rss):.1f} MiB (runs: "
          f"{', '.join(f'{x:.1f}' for x in rss)})")
    print(f"targets: start-up < 150 ms with 100 plugins; idle RSS < 25 MiB")


if __name__ == "__main__":
    main()
