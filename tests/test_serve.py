"""`make run`'s server for real: gunicorn on loopback, static files through whitenoise."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.fixture
def served(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(ZHANGGUI_VAR_DIR=str(tmp_path), SQLITE_PATH=str(tmp_path / "serve.sqlite3"))
    zhanggui = [sys.executable, "-m", "zhanggui"]
    subprocess.run([*zhanggui, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([*zhanggui, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [*zhanggui, "serve", "--no-worker", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_server_answers_health_login_and_static_files(served: str):
    status, body, headers = _get(f"{served}/healthz")
    assert (status, headers["Content-Type"]) == (200, "application/json")
    assert b'"database": "ok"' in body

    status, body, headers = _get(f"{served}/login/")
    assert status == 200
    assert "gunicorn" in headers.get("Server", "")
    # whitenoise serves the admin's own CSS from the collected, hashed files
    status, _, _ = _get(f"{served}/static/admin/css/base.css")
    assert status == 200
