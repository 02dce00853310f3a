"""Deployment choices come from the environment with safe defaults."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


# The README's production environment (behind a TLS-terminating proxy).
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "pim.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://pim.example.com",
    "PIM_PUBLIC_BASE_URL": "https://pim.example.com",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def _settings_json(env: dict, names: str) -> subprocess.CompletedProcess:
    code = (
        f"import json, pim.settings as s; print(json.dumps({{n: getattr(s, n) for n in {names}}}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
        and not k.startswith("SECURE_")
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "key",
    ["x", "k" * 49, "abcd" * 20],
    ids=["one character", "49 characters", "four different characters"],
)
def test_a_weak_secret_key_is_refused_when_debug_is_off(tmp_path, key):
    result = load_settings(SECRET_KEY=key, PIM_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_a_short_secret_key_is_fine_for_development(tmp_path):
    result = load_settings(SECRET_KEY="dev", DEBUG="1", PIM_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


def test_scripts_run_generates_a_key_that_is_accepted():
    """scripts/run writes secrets.token_urlsafe(50): 67 characters."""
    script = (ROOT / "scripts" / "run").read_text()
    assert "secrets.token_urlsafe(50)" in script
    import secrets

    assert len(secrets.token_urlsafe(50)) >= 50


def test_https_settings_come_from_the_environment(tmp_path):
    names = (
        "['SECURE_PROXY_SSL_HEADER', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS',"
        " 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE',"
        " 'CSRF_COOKIE_SECURE']"
    )
    result = _settings_json({**PRODUCTION, "PIM_VAR_DIR": str(tmp_path)}, names)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }
    plain = _settings_json(
        {"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "PIM_VAR_DIR": str(tmp_path)},
        "['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS']",
    )
    assert json.loads(plain.stdout) == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0}


def test_check_deploy_has_no_warning_with_the_production_environment(tmp_path):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DATABASE_URL",
            "DEBUG",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
            "REDIS_URL",
            # Set by the browser tests (Playwright's event loop); never in production.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "PIM_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "System check identified no issues" in output, output
