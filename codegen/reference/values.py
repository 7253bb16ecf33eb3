"""Value types of test-plan values that plain Python data cannot express
(see `codegen.testplan`): a leaf module, so the reference encoder and the
test plan can both use it without importing each other."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TimestampValue:
    seconds: int
    nanos: int = 0
