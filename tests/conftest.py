"""Shared fixtures: the bundled samples, real SQLite files in tmp_path, and the real CLI."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from sitrep.cli import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The shared folder beside the checkout (seed, dev data); SITREP_SHARED points elsewhere.
SHARED = Path(os.environ.get("SITREP_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seed" / "000_79db0cf0d7afe0ea.txt"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


class Cli:
    """Runs the real ``sitrep`` app in-process against one database file."""

    def __init__(self, db: Path):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True):
        result = self.runner.invoke(app, ["--db", str(self.db), *args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output + (result.stderr or "")
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--json").stdout)

    def docs_by_name(self) -> dict[str, dict]:
        """Stored documents keyed by file name, plus "#record" inside containers."""
        return {d["source_path"].rsplit("/", 1)[1] + (f"#{d['record']}" if d["record"] else ""): d
                for d in self.json("docs")}


@pytest.fixture
def cli(db: Path) -> Cli:
    return Cli(db)


def run_sitrep(*args: str, env: dict[str, str] | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The installed console entry point in a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "sitrep", *args], capture_output=True, text=True,
        timeout=timeout, env={**os.environ, **(env or {})})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path, *args: str, env: dict[str, str] | None = None
            ) -> Iterator[tuple[httpx.Client, subprocess.Popen[str]]]:
    """A real `sitrep serve` on a free port of 127.0.0.1; yields (client, server process).
    SITREP_REVIEW_TOKEN is not inherited (tests that want it pass ``env``)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sitrep", "--db", str(db), "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if k != "SITREP_REVIEW_TOKEN"} | (env or {}))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/api/stats", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    raise RuntimeError(server.stderr.read() if server.stderr else "") from None
                time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client, server
    finally:
        server.terminate()
        server.wait(timeout=10)
