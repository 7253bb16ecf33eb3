"""Real package registries on 127.0.0.1 for the release tests: verdaccio
(npm, from tools/registries, installed by scripts/setup-registries.sh) with
a user and its token, pypiserver (PyPI, from requirements-dev.txt), and a
Maven repository in a folder. Each server gets a free port, is polled until
it answers (bounded), and is stopped (terminate, then kill) afterwards."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import ROOT

VERDACCIO = ROOT / "tools" / "registries" / "node_modules" / ".bin" / "verdaccio"
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url} exited with {process.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {START_TIMEOUT:.0f} s:\n{log.read_text(errors='replace')[-4000:]}")


class Server:
    def __init__(self, name: str, args: list[str], work: Path, ready_path: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = work / f"{name}.log"
        self._args = [a.replace("{port}", str(self.port)) for a in args]
        self._work = work
        self._ready = self.url + ready_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(self._args, cwd=self._work, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        wait_until_up(self._ready, self.process, self.log)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def verdaccio(work: Path) -> Server:
    """An npm registry that serves only what is published to it (no uplink);
    publishing needs a user, reading does not."""
    assert VERDACCIO.exists(), f"{VERDACCIO} is missing: run scripts/setup-registries.sh (make setup does)"
    work.mkdir(parents=True, exist_ok=True)
    (work / "config.yaml").write_text(
        "storage: ./storage\n"
        "auth:\n  htpasswd:\n    file: ./htpasswd\n    max_users: 10\n"
        "uplinks: {}\n"
        "packages:\n  '**':\n    access: $all\n    publish: $authenticated\n    unpublish: $authenticated\n"
        "log: {type: stdout, format: pretty, level: warn}\n", encoding="utf-8")
    return Server("verdaccio", [str(VERDACCIO), "--config", "config.yaml", "--listen", "127.0.0.1:{port}"],
                  work, "-/ping")


def npm_user(server: Server, work: Path, name: str = "release-ci", password: str = "release-ci-secret") -> Path:
    """A verdaccio user; the .npmrc (npm's own configuration) that holds its token."""
    request = urllib.request.Request(
        f"{server.url}-/user/org.couchdb.user:{name}", method="PUT",
        data=json.dumps({"name": name, "password": password}).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        token = json.load(response)["token"]
    npmrc = work / "npmrc"
    npmrc.write_text(f"//127.0.0.1:{server.port}/:_authToken={token}\n", encoding="utf-8")
    return npmrc


def pypiserver(work: Path) -> Server:
    packages = work / "packages"
    packages.mkdir(parents=True, exist_ok=True)
    return Server("pypiserver", [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", "{port}",
                                 "-a", ".", "-P", ".", str(packages)], work, "simple/")
