#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from what the tests use: the strings, JSON bodies,
templates and manifests in tests/ and manifests/. Run from anywhere: `python3 fuzz/make_corpus.py`.
Each file is named by its content's hash, so running it again changes nothing."""

import hashlib
import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
MAX_SEEDS = 400  # per target: seeds are for reach, not volume

# Every route routes_fuzz.cpp dispatches, in its order (the first input byte picks one).
ROUTES = [
    ("POST", "/api/create_task"), ("POST", "/api/status_task"),
    ("POST", "/api/update_status_task"), ("POST", "/api/result_task"), ("POST", "/api/tasks"),
    ("POST", "/api/start_task"), ("POST", "/api/update_task"), ("POST", "/api/service_task"),
    ("POST", "/api/timer_events"), ("GET", "/api/timer_events"),
    ("DELETE", "/api/timer_events/{}"), ("POST", "/api/schedules"), ("GET", "/api/schedules"),
    ("GET", "/api/schedules/{}"), ("DELETE", "/api/schedules/{}"), ("GET", "/api/channels"),
    ("GET", "/api/channels/{}"), ("PUT", "/api/channels/{}"), ("DELETE", "/api/channels/{}"),
    ("POST", "/api/channels/{}/test"), ("POST", "/api/alerts"),
    ("POST", "/api/alerts/alertmanager"), ("GET", "/api/alerts"), ("GET", "/api/alerts/{}"),
    ("POST", "/api/alerts/{}/close"), ("GET", "/api/policies"), ("GET", "/api/policies/{}"),
    ("PUT", "/api/policies/{}"), ("DELETE", "/api/policies/{}"), ("GET", "/api/solutions"),
    ("GET", "/api/solutions/{}"), ("PUT", "/api/solutions/{}"), ("DELETE", "/api/solutions/{}"),
    ("GET", "/api/actions"), ("GET", "/api/actions/{}"), ("POST", "/api/actions/{}/approve"),
    ("POST", "/api/actions/{}/reject"), ("POST", "/api/circuit_breaking/replay"),
    ("GET", "/api/circuit_breaking"), ("PUT", "/api/circuit_breaking"),
    ("DELETE", "/api/circuit_breaking"), ("POST", "/api/circuit_breaking/rules"),
    ("DELETE", "/api/circuit_breaking/rules/{}"), ("GET", "/api/notifications"),
    ("GET", "/api/notifications/{}"), ("POST", "/api/notifications/{}/replay"),
    ("GET", "/api/plugins"), ("GET", "/api/plugins/{}"), ("POST", "/api/plugins/{}/check_config"),
    ("POST", "/api/plugins/reload"), ("GET", "/healthz"), ("GET", "/metrics"),
]

VALIDATORS = ["require", "user_name", "email", "mobile", "forbid_start_with_number", "identity",
              "identity_strict", "integer", "host", "host_without_port", "url", "db_col_name",
              "relative_path", "absolute_path", "none_blank", "http_header_lines",
              "http_header_value"]

LITERAL = re.compile(r'R"(?P<d>[^(\s]{0,16})\((?P<raw>.*?)\)(?P=d)"|"(?P<s>(?:[^"\\\n]|\\.)*)"',
                     re.S)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def literals(text):
    """The C++ string literals of `text`, in order, with their offsets (escapes decoded)."""
    for m in LITERAL.finditer(text):
        if m.group("raw") is not None:
            yield m.start(), m.end(), m.group("raw")
        else:
            s = re.sub(r"\\(.)", lambda e: ESCAPES.get(e.group(1), e.group(1)), m.group("s"))
            yield m.start(), m.end(), s


def strings_of(*globs):
    out = []
    for pattern in globs:
        for path in sorted(ROOT.glob(pattern)):
            out += [s for _, _, s in literals(path.read_text(errors="replace"))]
    return out


def as_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def write(target, seeds):
    folder = CORPUS / target
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    unique = list(dict.fromkeys(s if isinstance(s, bytes) else s.encode() for s in seeds))
    for seed in unique[:MAX_SEEDS]:
        (folder / hashlib.sha1(seed).hexdigest()[:16]).write_bytes(seed)
    print(f"{target}: {min(len(unique), MAX_SEEDS)} seeds")


def objects(strings, *keys):
    """The strings that are JSON objects holding every one of `keys`."""
    return [s for s in strings
            if isinstance(as_json(s), dict) and all(k in as_json(s) for k in keys)]


def route_seeds():
    seeds = []
    patterns = [(re.compile("^" + re.escape(path).replace(r"\{\}", "([^/?]+)") + r"(\?.*)?$"),
                 method, i) for i, (method, path) in enumerate(ROUTES)]
    call = re.compile(r'(?:"(GET|POST|PUT|DELETE)"\s*,\s*|\b(get|post|put|del|delete|remove)\(\s*)'
                      r'"(/[^"]*)"')
    for path in sorted(ROOT.glob("tests/**/*.cpp")):
        text = path.read_text(errors="replace")
        for m in call.finditer(text):
            method = (m.group(1) or {"del": "DELETE", "remove": "DELETE"}.get(
                m.group(2), (m.group(2) or "").upper()))
            target = m.group(3)
            # The body: the statement's first literal that is JSON.
            end = text.find(";", m.end())
            body = next((s for _, _, s in literals(text[m.end():end]) if as_json(s) is not None),
                        "")
            for regex, route_method, index in patterns:
                found = regex.match(target)
                if found and route_method == method:
                    param = found.group(1) if regex.groups == 2 and found.group(1) else ""
                    query = found.groups()[-1] or ""
                    seeds.append(bytes([index]) + (param + query).encode() + b"\n" +
                                 body.encode())
                    break
    # Every route once with an empty body and with an empty object, so each has a seed.
    for index, (method, path) in enumerate(ROUTES):
        param = "x" if "{}" in path else ""
        seeds += [bytes([index]) + param.encode() + b"\n", bytes([index]) + param.encode() +
                  b"\n{}"]
    return seeds


def main():
    every = strings_of("tests/**/*.cpp", "tests/**/*.hpp")

    write("iso8601", [s for s in strings_of("tests/host/runtime/iso_time_test.cpp",
                                            "tests/host/timers/*_test.cpp")
                      if re.match(r"^[+-]?\d{4}-", s)])

    definitions = []
    for s in strings_of("tests/host/timers/*_test.cpp", "tests/e2e/timers_api_test.cpp"):
        if re.match(r"^R\d*/", s):
            definitions.append(b"\x02" + s.encode())
        elif re.match(r"^P", s):
            definitions.append(b"\x01" + s.encode())
        elif re.match(r"^\d{4}-", s):
            definitions.append(b"\x00" + s.encode())
    write("timer_definition", definitions)

    cron_file = strings_of("tests/host/timers/cron_schedule_test.cpp")
    zones = sorted({s for s in cron_file if re.match(r"^[A-Z][A-Za-z_]+/[A-Za-z_]+$", s)})
    crons = [s for s in cron_file
             if s.startswith("@") or re.match(r"^[\d*A-Za-z,/-]+( [\d*A-Za-z,/-]+){4}$", s)]
    write("cron_schedule", crons + [c + "\0" + zones[i % len(zones)]
                                    for i, c in enumerate(crons) if zones][:100])

    manifests = []
    for folder in sorted((ROOT / "manifests").iterdir()):
        manifest = (folder / "manifest.json").read_text()
        help_md = folder / "help.md"
        manifests.append(manifest + ("\0" + help_md.read_text() if help_md.exists() else ""))
    help_texts = [s for s in strings_of("tests/host/plugins/help_markdown_test.cpp") if "#" in s]
    manifest_tests = strings_of("tests/host/plugins/manifest_test.cpp")
    manifests += objects(manifest_tests, "key")
    manifests += [manifests[0].split("\0")[0] + "\0" + h for h in help_texts]
    write("manifest", manifests)

    config = []
    for name in VALIDATORS:
        config.append(b"\x00" + bytes([VALIDATORS.index(name)]) + b"x")
    for s in strings_of("tests/host/config/validators_test.cpp"):
        for i in range(0, len(VALIDATORS), 4):  # each value meets a few validators
            config.append(b"\x00" + bytes([i + len(s) % 4]) + s.encode())
    config_strings = strings_of("tests/host/config/coercion_test.cpp",
                                "tests/host/config/config_schema_test.cpp")
    for s in config_strings:
        value = as_json(s)
        config.append(b"\x01\x00" + json.dumps([s]).encode())
        if value is not None:
            config.append(b"\x01\x00[" + s.encode() + b"]")
        if isinstance(value, dict):
            config.append(b"\x02\x00" + s.encode())
    config.append(b"\x02\x00" + json.dumps({
        "input_text": "a", "textarea": "b\nc", "password": "secret", "int_number": 3,
        "decimal_number": 2.5, "enum": 1, "selectable": "ops", "multi_selectable": ["ops"],
        "date": "2027-01-31", "date_time": "2027-01-31T12:00:00Z", "duration_of_second": 30,
        "duration_of_minute": 5, "duration_of_hour": 1, "memory_size_of_byte": 1024,
        "memory_size_of_kibi": 4, "memory_size_of_mega": 2, "file": "x.txt"}).encode() +
        b"\0" + json.dumps({"password": "old"}).encode())
    write("config", config)

    alerts = objects(strings_of("tests/host/alerts/alert_json_test.cpp",
                                "tests/e2e/alerts_api_test.cpp"), "title")
    alert = alerts[0] if alerts else '{"title": "disk full", "severity": "critical"}'
    templates = [s for s in strings_of("tests/host/services/mustache_renderer_test.cpp",
                                       "tests/host/automation/**/*_test.cpp",
                                       "tests/plugins/**/*_test.cpp") if "{{" in s]
    templates += [p.read_text() for p in sorted((ROOT / "manifests").glob("*/templates/*"))]
    mustache = [t + "\0" + alerts[i % len(alerts)] if alerts else t
                for i, t in enumerate(templates)]
    mustache += ["{{title}} {{#labels}}{{.}}{{/labels}}\0" + a for a in alerts]
    write("mustache", mustache + ["{{title}}\0" + alert])

    write("alertmanager", objects(every, "alerts") + objects(every, "version"))

    flink = objects(strings_of("tests/plugins/flink_jobs_monitor/*.cpp", "tests/support/*.cpp",
                               "tests/e2e/flink_monitor_test.cpp"), "jobs")
    write("flink_overview", flink + ['{"jobs": []}', '{"jobs": [{"jid": "a", "state": "RUNNING",'
                                     ' "name": "n", "start-time": 1, "end-time": -1,'
                                     ' "duration": 5}]}'])

    write("routes", route_seeds())


if __name__ == "__main__":
    main()
