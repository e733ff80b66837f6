"""One worker process of the many-workers tests (test_shared_state.py).

Run as ``python -m tests.shared_workers JOB`` where JOB is JSON: it imports a
generated module from its file, builds a client with the job's token store or limiter,
says it is ready and waits for a line on stdin (so that every process starts
together), calls one method from several threads and prints a JSON line: how many
calls succeeded and the errors of the others. It reaches only 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from pathlib import Path
from typing import Any

from tests.support import import_file


def _store(module: Any, job: dict[str, Any]) -> Any:
    kind = job.get("store")
    if kind == "redis":
        store = module.RedisTokenStore(
            job["redis"], key=job["key"], **job["store_args"]
        )
    elif kind == "file":
        store = module.FileTokenStore(job["file"])
    else:
        return None
    if job.get("unlocked"):
        # The control case: the same store without its lock between processes.
        store.lock = store.alock = contextlib.nullcontext
    return store


def main(job: dict[str, Any]) -> dict[str, Any]:
    module = import_file(Path(job["module"]))
    arguments = dict(job["client"])
    store = _store(module, job)
    if store is not None:
        arguments["token_store"] = store
    if "limiter" in job:
        arguments["limiter"] = module.RedisLimiter(job["limiter"], key=job["key"])
    client = getattr(module, job["class"])(**arguments)
    method = getattr(client, job["method"])
    errors: list[str] = []
    done = [0]
    lock = threading.Lock()

    def work() -> None:
        for _call in range(job.get("calls", 1)):
            try:
                method(**job.get("args", {}))
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
            else:
                with lock:
                    done[0] += 1

    threads = [threading.Thread(target=work) for _ in range(job["threads"])]
    print(json.dumps({"ready": True}), flush=True)
    sys.stdin.readline()  # "go", once every worker is ready
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"done": done[0], "errors": errors}


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))), flush=True)
