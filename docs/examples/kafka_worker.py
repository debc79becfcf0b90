"""A Warden external worker: reads seed 004's tasks from Kafka, claims each, does it, reports."""
import json, os, urllib.error, urllib.request
from confluent_kafka import Consumer

env = os.environ
def report(task_id, status, **extra):  # POST /api/update_status_task as this worker
    body = {"data": {"task_id": task_id, "status": status, "worker": env["WORKER_ID"], **extra}}
    urllib.request.urlopen(urllib.request.Request(env["WARDEN_URL"] + "/api/update_status_task",
        json.dumps(body).encode(), {"Authorization": env["AUTH_TOKEN"],
                                    "Content-Type": "application/json"}), timeout=30).read()

consumer = Consumer({"bootstrap.servers": env["KAFKA_BOOTSTRAP"], "group.id": env["GROUP"],
                     "enable.auto.commit": False, "auto.offset.reset": "earliest"})
consumer.subscribe([env["TOPIC"]])
left = int(env.get("MAX_MESSAGES", 0)) or -1  # tests stop it after that many; 0: never
while left != 0:
    msg = consumer.poll(1.0)
    if msg is None or msg.error():
        continue
    task = json.loads(msg.value())["Task"]
    try:
        report(task["task_id"], "running")
        try:
            result = {"echo": task["condition"]}  # the work (yours here)
        except Exception as e:
            report(task["task_id"], "failed", message=f"{type(e).__name__}: {e}")
        else:
            report(task["task_id"], "finished", message="done", data=result)
    except urllib.error.HTTPError as e:
        if e.code != 409:  # 409: another worker has it, or it has ended (a redelivery): skip it
            raise
    consumer.commit(msg, asynchronous=False)  # after the report: a crash before it redelivers
    left -= 1
consumer.close()
