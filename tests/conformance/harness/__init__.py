"""Conformance harnesses: one module per target, beside the target's other
tests in `tests/targets/<target>/harness_<target>.py`, found by the
target's registered name (so a new target needs only its own harness file;
a registered target without one fails the suite by name).

A harness module defines

    def run(units: list[Unit], work: Path) -> Result

which renders each unit's SDK with the target, renders a program that builds
every case through the SDK's typed API (event constructors called with
literal values, written by the target's own test-plan value writer),
compiles and runs it once, and returns the output lines. The program prints
one line per case (fields separated by a tab):

    <case id>  <canonical JSON>  <protobuf hex>                 valid
    <case id>  invalid  <refusal>  <constraint@path> ...        validate() reported issues
    <case id>  exception  <message>                              anything else went wrong
    <case id>  skipped  <reason>                                 the language cannot hold the value

and, for each batch case (`Unit.batches`, see batches.py and
tests/conformance/README.md), one line of the same shape as a valid case:

    <batch id>  <canonical JSON of the Batch>  <Batch protobuf hex>

and, for each consent case (`Unit.consents`, see consents.py), the
envelope its tracker (under the case's consent, into an InMemoryTransport)
sent, with the purposes of its TrackedEvent, or the ConsentError's text when
it dropped the event:

    <consent id>  <canonical JSON of the Envelope>  <Envelope protobuf hex>  <purposes, comma-separated>
    <consent id>  dropped  <ConsentError text>

<refusal> is "-" unless the case asks (Case.refused): then, after
validation, the program calls toProtobuf() and toJson() directly and prints
"refused" when both throw, else "accepted:" and the methods that did not
throw ("accepted:toJson", "accepted:toProtobuf+toJson").

Two more lines carry the texts (docs/sdk-api.md), compared with the
reference's exactly, in order:

    <case id>!error     <name>: <message>      invalid cases: the SDK's ValidationError built from
                                               the event name and validate()'s issues, its type's
                                               name first ("ValidationError: invalid event ...")
    <case id>!warnings  <warning>  ...         the event's deprecation warnings, when it has any
"""

from __future__ import annotations

import importlib
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol, Sequence

from caseio import Case
from codegen.ir import Model
from codegen.sdk.contract import GENERATED_MARKER

TARGET_TESTS = Path(__file__).resolve().parents[2] / "targets"
HEADER_TEXT = f"{GENERATED_MARKER} (conformance harness, tests/conformance/harness)"


@dataclass
class Unit:
    """One model: its cases and where its SDK goes."""

    key: str
    model_dir: Path
    model: Model
    cases: list[Case]
    batches: list[Any] = field(default_factory=list)  # batches.BatchCase
    consents: list[Any] = field(default_factory=list)  # consents.ConsentCase


@dataclass
class Result:
    lines: dict[str, str]  # case id -> output line
    timings: dict[str, float] = field(default_factory=dict)  # step -> seconds
    notes: list[str] = field(default_factory=list)  # shown in the suite's summary
    unit_errors: dict[str, str] = field(default_factory=dict)  # model key -> why it produced no lines
    crash: str = ""  # the program ended early (a trap, an uncaught error): its exit and output


class Harness(Protocol):
    def run(self, units: list[Unit], work: Path) -> Result: ...


class MissingHarness(Exception):
    pass


class HarnessError(Exception):
    """A step of a harness failed (render, compile, run)."""


def harness_for(target: str) -> Harness:
    if not (TARGET_TESTS / target / f"harness_{target}.py").is_file():
        raise MissingHarness(
            f"target '{target}' is registered but has no conformance harness: "
            f"add tests/targets/{target}/harness_{target}.py (see tests/conformance/harness/__init__.py)")
    return importlib.import_module(f"targets.{target}.harness_{target}")  # type: ignore[return-value]


# --- helpers shared by the harnesses ---------------------------------------------


def load_target(name: str):  # type: ignore[no-untyped-def]
    """The registered target object, loaded alone (a broken other target
    must not hide this one's results)."""
    from importlib.metadata import entry_points

    for entry in entry_points(group="codegen.targets"):
        if entry.name == name:
            return entry.load()
    raise HarnessError(f"no target '{name}' is registered")


def render_sdk(model: Model, target: str, out: Path) -> None:
    """The target's files for `model`, written into `out` the way `codegen
    build` writes them (only changed files are touched, so incremental
    compilers keep their caches)."""
    from codegen.build import render
    from codegen.output import write_tree

    try:
        files = render(model, load_target(target), ())
    except Exception as exc:  # a target bug, reported as such
        raise HarnessError(f"the {target} target failed to render the model '{model.name}': "
                           f"{type(exc).__name__}: {exc}") from exc
    write_tree(out, files)


def write_if_changed(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return
    path.write_bytes(data)


def run_step(args: Sequence[str | Path], cwd: Path, what: str, timeout: float = 600,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run a command; HarnessError with the output's tail when it fails."""
    try:
        proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, timeout=timeout,
                              env={**os.environ, **(env or {})})
    except FileNotFoundError as exc:
        raise HarnessError(f"{what}: {exc.filename} is not installed or not on PATH") from exc
    except subprocess.TimeoutExpired as exc:
        raise HarnessError(f"{what}: timed out after {timeout:.0f}s") from exc
    if proc.returncode != 0:
        output = (proc.stdout + b"\n" + proc.stderr).decode("utf-8", "replace")
        raise HarnessError(f"{what} failed (exit {proc.returncode}): {' '.join(map(str, args))}\n{tail(output)}")
    return proc


def run_program(args: Sequence[str | Path], cwd: Path, what: str, result: Result, timeout: float = 300,
                env: dict[str, str] | None = None) -> bytes:
    """Run a harness program; its stdout even when it dies part-way (the
    lines it printed still count; the crash is reported with the first
    case that has no line)."""
    try:
        proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, timeout=timeout,
                              env={**os.environ, **(env or {})})
    except FileNotFoundError as exc:
        raise HarnessError(f"{what}: {exc.filename} is not installed or not on PATH") from exc
    except subprocess.TimeoutExpired as exc:
        result.crash = f"{what} timed out after {timeout:.0f}s"
        return exc.stdout or b""
    if proc.returncode != 0:
        result.crash = (f"{what} exited with {proc.returncode}: "
                        + tail(proc.stderr.decode("utf-8", "replace"), 3000))
    return proc.stdout


def build_units(units: list[Unit], result: Result, build: Callable[[list[Unit]], None],
                failing: Callable[[str, list[Unit]], set[str]], language: str) -> list[Unit]:
    """Build all units at once; when the compiler's errors are in files of
    some models only (`failing` reads them from its output), record those
    models as failed and build the others again: one broken SDK must not
    hide the results of the rest. Returns the units built."""
    active = list(units)
    while True:
        try:
            build(active)
            return active
        except HarnessError as exc:
            broken = failing(str(exc), active)
            if not broken or broken >= {u.key for u in active}:
                raise
            for key in sorted(broken):
                result.unit_errors[key] = f"does not compile in {language}:\n{tail(str(exc), 4000)}"
            active = [u for u in active if u.key not in broken]


def owning_units(paths: Sequence[str], work: Path, units: list[Unit]) -> set[str]:
    """Models owning the files at `paths` (sdk/<key>/..., cases/<key>/..., harness/cases_<key>.*)."""
    keys = {u.key for u in units}
    found = set()
    for path in paths:
        candidate = Path(path)
        if candidate.is_absolute():
            try:
                candidate = candidate.resolve().relative_to(work.resolve())
            except ValueError:
                continue
        parts = candidate.parts
        if len(parts) > 1 and parts[0] in ("sdk", "cases") and parts[1] in keys:
            found.add(parts[1])
        elif len(parts) > 1 and parts[0] == "harness":
            stem = parts[1].split(".")[0].removeprefix("cases_")
            if stem in keys:
                found.add(stem)
    return found


def tail(text: str, limit: int = 8000) -> str:
    return text if len(text) <= limit else "...\n" + text[-limit:]


@dataclass
class Timer:
    timings: dict[str, float]

    def step(self, name: str) -> "_Step":
        return _Step(self.timings, name)


class _Step:
    def __init__(self, timings: dict[str, float], name: str) -> None:
        self.timings, self.name = timings, name

    def __enter__(self) -> None:
        self.start = time.monotonic()

    def __exit__(self, *exc: object) -> None:
        self.timings[self.name] = self.timings.get(self.name, 0.0) + time.monotonic() - self.start


def parse_lines(stdout: bytes) -> dict[str, str]:
    lines: dict[str, str] = {}
    for raw in stdout.decode("utf-8", "backslashreplace").split("\n"):
        if raw.startswith("!unit\t"):  # a model whose SDK failed to load: "!unit <model> <why>"
            lines.setdefault("!unit/" + raw.split("\t")[1], raw)
        elif "\t" in raw:
            lines.setdefault(raw.split("\t", 1)[0], raw)
    return lines


def chunks(items: Sequence[Case], size: int) -> Iterator[tuple[int, Sequence[Case]]]:
    for start in range(0, len(items), size):
        yield start // size, items[start:start + size]


def swift_cannot_hold(case: Case) -> bool:
    return case.surrogates
