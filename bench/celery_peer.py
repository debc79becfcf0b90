"""The Celery peer of Warden's bundled `test` solution, for bench/tasks_throughput.py.

A Celery app with a Redis broker (database 0) and Redis result backend (database 1) at
$WARDEN_BENCH_REDIS_URL, and one task, `test`, that does what the `test` solution does: returns
{"step": "step1"} plus the condition's `message`. Celery's defaults otherwise (JSON, prefetch 4,
results kept in Redis). The benchmark runs it with Debian's python3-celery:
    python3 -m celery -A celery_peer worker --pool prefork --concurrency 2
"""
import os

from celery import Celery

_url = os.environ.get("WARDEN_BENCH_REDIS_URL", "redis://127.0.0.1:6379")
app = Celery("celery_peer", broker=f"{_url}/0", backend=f"{_url}/1")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
)


@app.task(name="test")
def test(condition):
    result = {"step": "step1"}
    if isinstance(condition, dict) and "message" in condition:
        result["message"] = condition["message"]
    return result
