"""Files that survive a crash: what the scan spool and the import undo journal rely on."""

import os
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a file's creation, rename or removal in ``folder`` durable (its entry is on disk)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
