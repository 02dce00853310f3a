"""Fast settings for the test suite. DATABASE_URL still selects PostgreSQL when set."""

import os
import tempfile

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.setdefault("PIM_VAR_DIR", tempfile.mkdtemp(prefix="pim-test-"))
# Renders run in-process unless a test picks another backend (the RQ test does).
os.environ.setdefault("PIM_TASK_BACKEND", "immediate")
# Commands that lower their own CPU priority (catalog.jobs.batch_priority) must not slow the
# rest of the suite, which runs in the same process.
os.environ.setdefault("PIM_WORKER_NICE", "0")

from pim.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
