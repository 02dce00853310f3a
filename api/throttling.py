"""Per-client rate limits (the client's own rate, or the site default), counted across processes.

DRF's own throttles keep a list of timestamps and write it back with ``get`` + ``set``: in the
per-process cache every gunicorn worker has its own budget, and even in a shared cache two
workers overwrite each other's list. Here every request is one atomic increment of a counter in
the "shared" cache (every web process sees it): Redis increments atomically by itself; the file
cache of the embedded mode is incremented under an exclusive file lock, so processes on this
machine never lose a count.

The count is a sliding window estimated from two fixed windows (the current one and the
previous one weighted by how much of it still overlaps), so a client cannot spend two budgets
around a window boundary.
"""

import fcntl
import hashlib
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import SimpleRateThrottle


@contextmanager
def _exclusive(name: str):
    """Hold an exclusive lock, shared by every process on this machine, while incrementing."""
    lock_dir = Path(settings.PIM_LOCK_DIR)
    lock_dir.mkdir(parents=True, exist_ok=True)
    # A few lock files spread the clients so one busy client does not queue everyone else.
    shard = hashlib.sha256(name.encode()).hexdigest()[:2]
    with open(lock_dir / f"counter-{shard}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def shared_counter_hit(key: str, *, timeout: int) -> int:
    """Add one to ``key`` in the shared cache and return the new count (atomic across processes).

    The counter expires ``timeout`` seconds after it was created.
    """
    cache = caches["shared"]
    if isinstance(cache, RedisCache):
        cache.add(key, 0, timeout)  # SET NX: only the first request of a window creates it
        try:
            return cache.incr(key)  # INCRBY: atomic in Redis
        except ValueError:  # expired between add and incr
            cache.add(key, 0, timeout)
            return cache.incr(key)
    with _exclusive(key):
        count = (cache.get(key) or 0) + 1
        # Re-setting keeps the first expiry close enough: windows are keyed by their start.
        cache.set(key, count, timeout)
        return count


def shared_counter_get(key: str) -> int:
    return caches["shared"].get(key) or 0


class ApiClientThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_rate(self) -> str:
        return settings.PIM_API_DEFAULT_RATE

    def get_cache_key(self, request, view) -> str | None:
        client = getattr(request, "auth", None)
        if client is None or not getattr(client, "pk", None):
            return None  # unauthenticated requests fail before they cost anything
        return f"throttle:api:{client.pk}"

    def allow_request(self, request, view) -> bool:
        client = getattr(request, "auth", None)
        if client is not None and getattr(client, "throttle_rate", ""):
            self.rate = client.throttle_rate
            self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        return self.hit(key)

    def hit(self, key: str) -> bool:
        """Count one request of ``key``; False when the sliding window is already full."""
        now = self.timer()
        duration = self.duration
        window = int(now // duration)
        elapsed = (now - window * duration) / duration
        previous = shared_counter_get(f"{key}:{window - 1}")
        current_key = f"{key}:{window}"
        estimate = previous * (1 - elapsed) + shared_counter_get(current_key)
        if estimate >= self.num_requests:
            self._wait = self._wait_for(elapsed, duration)
            return False
        count = shared_counter_hit(current_key, timeout=2 * duration + 1)
        if count == 1:
            # The file cache deletes an expired entry only when it is read again, and culls at
            # random when full: drop the window that no estimate reads any more.
            caches["shared"].delete(f"{key}:{window - 2}")
        if previous * (1 - elapsed) + count > self.num_requests:
            # Another process took the last slot between our read and our increment.
            self._wait = self._wait_for(elapsed, duration)
            return False
        return True

    @staticmethod
    def _wait_for(elapsed: float, duration: int) -> float:
        """Seconds until the current window ends (the budget is mostly free again by then)."""
        return max(1.0, (1 - elapsed) * duration)

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)

    @staticmethod
    def timer() -> float:
        return time.time()
