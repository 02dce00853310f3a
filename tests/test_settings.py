"""Deployment choices come from the environment with safe defaults."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Long and varied enough for DEBUG off (Django's rule: 50 characters, 5 different).
GOOD_KEY = "k7Qm-2xZ_pL9vR4tW8yB3nC6dF1gH5jK0sA-eU7iO2qX9wE4rT6yU"


def load_settings(**env):
    """Import pim.settings in a clean interpreter and print a few values."""
    code = (
        "import json, pim.settings as s;"
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'],"
        "'name': str(s.DATABASES['default']['NAME']), 'languages': [c for c, _ in s.LANGUAGES],"
        "'debug': s.DEBUG}))"
    )
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    result = load_settings(PIM_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_default_is_sqlite_under_var_with_the_five_reference_languages(tmp_path):
    result = load_settings(SECRET_KEY=GOOD_KEY, PIM_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert '"engine": "django.db.backends.sqlite3"' in result.stdout
    assert str(tmp_path / "db.sqlite3") in result.stdout
    assert '"languages": ["en", "tr", "fi", "az", "fa"]' in result.stdout


def test_database_url_selects_postgresql(tmp_path):
    result = load_settings(
        SECRET_KEY=GOOD_KEY, PIM_VAR_DIR=str(tmp_path), DATABASE_URL="postgres://u@db:5432/pim"
    )
    assert '"engine": "django.db.backends.postgresql"' in result.stdout


def test_background_progress_goes_to_a_cache_every_process_sees(tmp_path):
    """The page cache may be per process; the "shared" cache must not be (worker -> web)."""
    code = (
        "import json, pim.settings as s;"
        "print(json.dumps({k: v['BACKEND'] for k, v in s.CACHES.items()}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": GOOD_KEY, "PIM_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert '"shared": "django.core.cache.backends.filebased.FileBasedCache"' in result.stdout
    redis = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **clean,
            "SECRET_KEY": GOOD_KEY,
            "PIM_VAR_DIR": str(tmp_path),
            "REDIS_URL": "redis://h",
        },
        capture_output=True,
        text=True,
    )
    assert redis.stdout.count("RedisCache") == 2


def test_a_malformed_boolean_is_a_clear_error(tmp_path):
    result = load_settings(DEBUG="maybe", PIM_VAR_DIR=str(tmp_path))
    assert "DEBUG must be a boolean" in result.stderr


def test_the_embedded_sqlite_database_runs_in_wal_mode(tmp_path):
    """WAL lets the web server read while a background job writes."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'pim.settings'; django.setup();"
        "from django.db import connection; c = connection.cursor();"
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "SECRET_KEY": GOOD_KEY, "PIM_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "wal", result.stderr
