"""API rate limits are one budget per client, however many server processes answer."""

import os
import socket
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# One "server process": asks the real throttle 15 times for the same client, prints the yeses.
WORKER = textwrap.dedent(
    """
    import os, sys, time, types
    import django
    django.setup()
    from api.throttling import ApiClientThrottle
    client = types.SimpleNamespace(pk=sys.argv[1], throttle_rate="10/hour")
    request = types.SimpleNamespace(auth=client)
    start = sys.argv[2]
    while not os.path.exists(start):  # both processes start together
        time.sleep(0.01)
    print(sum(ApiClientThrottle().allow_request(request, None) for _ in range(15)))
    """
)


def _two_processes(env: dict) -> list[int]:
    start = Path(env["PIM_VAR_DIR"]) / f"start-{uuid.uuid4().hex}"
    client_id = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pim.settings_test", **env}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, client_id, str(start)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    start.touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(int(out.strip()))
    return results


def test_two_server_processes_share_one_budget_in_the_embedded_file_cache(tmp_path):
    """With 10 requests an hour, two processes together answer 10 requests, not 20."""
    results = _two_processes({"PIM_VAR_DIR": str(tmp_path), "REDIS_URL": ""})
    assert sum(results) == 10, results


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_two_server_processes_share_one_budget_in_redis(tmp_path):
    """With REDIS_URL the counters live in Redis, incremented atomically."""
    results = _two_processes(
        {"PIM_VAR_DIR": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:6379/6"}
    )
    assert sum(results) == 10, results
