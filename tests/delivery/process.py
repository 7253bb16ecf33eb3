"""An SDK program under test as a subprocess: its output lines read as they
come (tests wait for one), a SIGKILL, and the end of the run. Any language:
the command is whatever starts the program."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Drop:
    reason: str
    status: str
    event_ids: tuple[str, ...]


@dataclass
class Program:
    command: Sequence[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            list(self.command), cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **self.env})
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_line(self, prefix: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((line for line in self.lines if line.startswith(prefix)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reader.is_alive()):
                    raise AssertionError(f"no line '{prefix}...' within {timeout} s; output so far:\n"
                                         + "\n".join(self.lines[-20:]) + "\n" + self.stderr_tail())
                self._changed.wait(min(left, 0.2))

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def finish(self, timeout: float) -> int:
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"the program did not end within {timeout} s:\n" + "\n".join(self.lines[-20:]))
        self._reader.join(10)
        return code

    def stderr_tail(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return ""
        return self.process.stderr.read()[-4000:]

    def drops(self) -> list[Drop]:
        out = []
        for line in self.lines:
            if line.startswith("drop "):
                _, reason, status, ids = (line.split(" ", 3) + [""])[:4]
                out.append(Drop(reason, status, tuple(i for i in ids.split(",") if i)))
        return out

    def counters(self) -> dict[str, Any]:
        return json.loads(self.wait_line("done ", 0).split(" ", 1)[1])  # type: ignore[no-any-return]
