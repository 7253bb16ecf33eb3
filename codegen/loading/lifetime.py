"""Whether what a load makes may live as long as the process (the CLI's
case: the process ends with its command). Its own module, without imports:
the CLI says so at start-up, before it knows whether it will load at all."""

from __future__ import annotations

_FREEZE: list[bool] = []


def freeze_after_loading() -> None:
    """What a load makes lives as long as the process: the garbage collector
    is told never to scan it again (`gc.freeze`; the scan it would make once
    loading ends took a tenth of a large model's load), and forked build
    workers share those pages instead of copying them."""
    _FREEZE[:] = [True]


def frozen_after_loading() -> bool:
    return bool(_FREEZE)
