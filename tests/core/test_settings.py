"""Production settings refuse development secrets and DEBUG; `check --deploy` is clean."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet

PRODUCTION_ENV = {
    "HOSTWERK_PRODUCTION": "1",
    "HOSTWERK_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-key-value-0123456789",
    "HOSTWERK_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "HOSTWERK_ALLOWED_HOSTS": "hosting.example.nl",
}


def run_manage(env_changes, *arguments):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("HOSTWERK_") and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(env_changes)
    return subprocess.run(
        [sys.executable, "-m", "hostwerk.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_development_secret_key():
    result = run_manage({**PRODUCTION_ENV, "HOSTWERK_SECRET_KEY": ""}, "check")
    assert result.returncode != 0
    assert "HOSTWERK_SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = run_manage({**PRODUCTION_ENV, "HOSTWERK_DEBUG": "1"}, "check")
    assert result.returncode != 0
    assert "HOSTWERK_DEBUG must be off" in result.stderr


def test_production_refuses_the_development_encryption_key():
    env = dict(PRODUCTION_ENV)
    del env["HOSTWERK_ENCRYPTION_KEY"]
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "HOSTWERK_ENCRYPTION_KEY" in result.stderr


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = run_manage(
        {**PRODUCTION_ENV, "HOSTWERK_VAR_DIR": str(tmp_path)},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_data_is_refused_under_production_settings(tmp_path):
    result = run_manage({**PRODUCTION_ENV, "HOSTWERK_VAR_DIR": str(tmp_path)}, "demo_data")
    assert result.returncode != 0
    assert "Unknown command" in result.stderr
