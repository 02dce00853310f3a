"""Peak memory and time of checking an upload and building its renditions (one process each).

Usage: .venv/bin/python bench/renditions_memory.py IMAGE [IMAGE ...]

Each step runs in a fresh subprocess, as in production (the web process checks the upload, the
worker builds the renditions): upload_check, then renditions_build. Prints each process's peak
RSS (getrusage ru_maxrss, including Django's baseline) and the seconds the step took.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, os.environ["PIM_ROOT"])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pim.settings_test")
import django
django.setup()
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from catalog.services import renditions
from catalog.services.assets import upload_check
from unittest import mock
renditions.Asset = mock.MagicMock()  # no database here: only the rendition_error updates use it

def peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

step, path = sys.argv[1], sys.argv[2]
result = {"baseline_mb": peak_mb()}
content = open(path, "rb").read()
started = time.perf_counter()
if step == "check":  # what the web request does
    checked = upload_check(name=os.path.basename(path), content=content)
    result["pixels"] = f"{checked.width}x{checked.height}"
else:  # what the worker does
    name = default_storage.save("bench/" + os.path.basename(path), ContentFile(content))
    del content
    started = time.perf_counter()
    renditions.renditions_build(content_hash="bench" + os.urandom(8).hex(), file_name=name)
result["seconds"] = round(time.perf_counter() - started, 2)
result["peak_mb"] = peak_mb()
print(json.dumps(result))
"""


def main(paths: list[str]) -> None:
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "PIM_ROOT": str(ROOT), "PIM_VAR_DIR": var}
        for path in paths:
            row = {"file": os.path.basename(path), "bytes": os.path.getsize(path)}
            for step in ("check", "build"):
                output = subprocess.run(
                    [sys.executable, "-c", CHILD, step, path],
                    env=env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if output.returncode:
                    row[step] = "failed: " + output.stderr.strip().splitlines()[-1]
                else:
                    row[step] = json.loads(output.stdout.strip().splitlines()[-1])
            print(json.dumps(row))


if __name__ == "__main__":
    main(sys.argv[1:])
