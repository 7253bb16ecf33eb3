"""Click's progress bar for the long commands (`build`, `package`), shown
only on a terminal and only once a command has run for a while."""

from __future__ import annotations

import sys
import time
from typing import Any

import click


class ProgressBar:
    """Click's progress bar on standard error, from the first step after
    `delay` seconds, and only on a terminal: quick builds and pipes see none."""

    def __init__(self, label: str, delay: float = 1.0) -> None:
        self.label = label
        self.delay = delay
        self.started = time.perf_counter()
        self.bar: Any = None

    @classmethod
    def maybe(cls, quiet: bool, label: str) -> ProgressBar | None:
        return None if quiet or not sys.stderr.isatty() else cls(label)

    def __call__(self, done: int, total: int, item: str) -> None:
        if self.bar is None:
            if time.perf_counter() - self.started < self.delay:
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr, show_pos=True,
                                         item_show_func=lambda shown: shown)
            self.bar.__enter__()
            self.bar.update(done - 1)
        self.bar.update(1, item)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
