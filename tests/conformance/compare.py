"""Harness output against the expectations: the first difference, told
precisely (case, target, field, and the first differing character or byte).
Besides the encoding (or the rejection), the texts: the validation error of a
rejected case and the deprecation warnings must equal the reference's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from caseio import Case


ERROR = "!error"  # suffix of the case id on the line with the ValidationError's text
WARNINGS = "!warnings"  # suffix of the case id on the line with the deprecation warnings


def expected_texts(case: Case) -> dict[str, str | None]:
    """The text lines a harness must print for `case` (None: no such line)."""
    return {
        case.id + ERROR: f"{case.id}{ERROR}\t{case.message}" if case.rejected else None,
        case.id + WARNINGS: "\t".join([case.id + WARNINGS, *case.warnings]) if case.warnings else None,
    }


def text_differences(case: Case, lines: dict[str, str]) -> str:
    """How the harness's text lines differ from the reference's ('' when equal)."""
    notes = []
    for key, expected in expected_texts(case).items():
        actual = lines.get(key)
        if actual == expected:
            continue
        what = "the validation error" if key.endswith(ERROR) else "the deprecation warnings"
        if expected is None:
            notes.append(f"{what}: expected none, got {_show(actual or '')}")
        elif actual is None:
            notes.append(f"{what}: expected {_show(expected)}, the harness printed none")
        else:
            notes.append(f"{what} {first_char_difference(expected, actual)}")
    return "; ".join(notes)


def expected_line(case: Case) -> str:
    if case.rejected:
        return "\t".join([case.id, "invalid", "refused" if case.refused else "-", *sorted(case.error)])
    return f"{case.id}\t{case.json}\t{case.proto}"


def normalized(line: str) -> str:
    """Issues in a fixed order (each SDK reports them in its own)."""
    parts = line.split("\t")
    if len(parts) >= 3 and parts[1] == "invalid":
        return "\t".join(parts[:3] + sorted(parts[3:]))
    return line


@dataclass
class Outcome:
    target: str
    total: int = 0
    passed: int = 0
    skipped: list[str] = field(default_factory=list)  # case ids
    failures: list[tuple[Case, str]] = field(default_factory=list)  # case, explanation

    @property
    def ok(self) -> bool:
        return not self.failures


def compare(target: str, cases: list[Case], lines: dict[str, str], unit_errors: dict[str, str],
            may_skip: Callable[[Case], bool], crash: str = "") -> Outcome:
    outcome = Outcome(target, total=len(cases))
    for case in cases:
        actual = lines.get(case.id)
        if actual is None:
            why = unit_errors.get(case.model)
            if why:
                detail = f"the SDK of model '{case.model}' failed: {why}"
            elif crash:
                detail = f"no line: the harness program ended early, at this case or before it ({crash})"
                crash = ""  # told once, with the first case it cost
            else:
                detail = "the harness printed no line for it"
            outcome.failures.append((case, detail))
            continue
        parts = actual.split("\t")
        if len(parts) >= 2 and parts[1] == "skipped":
            if may_skip(case):
                outcome.skipped.append(case.id)
                continue
            outcome.failures.append((case, f"skipped without a reason the suite accepts: {parts[2:]}"))
            continue
        expected = expected_line(case)
        if normalized(actual) != expected:
            outcome.failures.append((case, explain(case, expected, actual)))
            continue
        texts = text_differences(case, lines)
        if texts:
            outcome.failures.append((case, texts))
        else:
            outcome.passed += 1
    return outcome


def explain(case: Case, expected: str, actual: str) -> str:
    exp, act = expected.split("\t"), normalized(actual).split("\t")
    if act[1:2] == ["exception"]:
        want = "an error" if case.rejected else "a valid encoding"
        return f"expected {want}, the SDK threw: {act[2] if len(act) > 2 else ''}"
    if case.rejected and act[1:2] != ["invalid"]:
        return (f"expected validation to report {list(case.error)}, but the SDK encoded it "
                f"(JSON {act[1] if len(act) > 1 else ''!s}, protobuf {act[2] if len(act) > 2 else ''})")
    if not case.rejected and act[1:2] == ["invalid"]:
        return f"expected a valid encoding, but validation reported {act[3:]}"
    if case.rejected:
        notes = []
        if exp[2] != act[2]:
            if exp[2] == "refused" and act[2].startswith("accepted:"):
                notes.append(f"encoding must refuse the value, but {act[2].split(':', 1)[1].replace('+', ' and ')}"
                             " accepted it (validation did report it)")
            else:
                notes.append(f"refusal check: expected {exp[2]}, got {act[2]}")
        if exp[3:] != act[3:]:
            notes.append(f"issues: expected {exp[3:]}, got {act[3:]}")
        return "; ".join(notes)
    notes = []
    if exp[1] != act[1]:
        notes.append("JSON " + first_char_difference(exp[1], act[1]))
    if len(act) < 3 or exp[2] != act[2]:
        notes.append("protobuf " + first_byte_difference(exp[2], act[2] if len(act) > 2 else ""))
    return "; ".join(notes)


def _show(text: str) -> str:
    return text.encode("unicode_escape").decode("ascii")


def first_char_difference(expected: str, actual: str) -> str:
    index = next((i for i, (a, b) in enumerate(zip(expected, actual)) if a != b), min(len(expected), len(actual)))
    lo = max(0, index - 30)
    return (f"differs at character {index}: expected ...{_show(expected[lo:index + 30])}... "
            f"got ...{_show(actual[lo:index + 30])}... (full: expected {_show(expected)} got {_show(actual)})")


def first_byte_difference(expected_hex: str, actual_hex: str) -> str:
    exp, act = bytes.fromhex(expected_hex), _bytes(actual_hex)
    if act is None:
        return f"is not hex: {actual_hex[:200]!r}"
    index = next((i for i, (a, b) in enumerate(zip(exp, act)) if a != b), min(len(exp), len(act)))
    lo = max(0, index - 8)
    return (f"differs at byte {index} (of {len(exp)} expected, {len(act)} got): "
            f"expected {exp[lo:index].hex()}[{exp[index:index + 12].hex()}] got "
            f"{act[lo:index].hex()}[{act[index:index + 12].hex()}] (full: expected {expected_hex} got {actual_hex})")


def _bytes(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def report(outcome: Outcome, limit: int = 12) -> str:
    if outcome.ok:
        return f"{outcome.target}: all {outcome.passed} cases match"
    case, detail = outcome.failures[0]
    lines = [f"{outcome.target}: {len(outcome.failures)} of {outcome.total} cases differ from the reference.",
             f"First difference: target {outcome.target}, case {case.id} (event {case.event}"
             + (f"; {case.note}" if case.note else "") + f"): {detail}"]
    if len(outcome.failures) > 1:
        lines.append("Other differing cases:")
        for other, text in outcome.failures[1:limit]:
            lines.append(f"  {other.id}: {text[:400]}")
        if len(outcome.failures) > limit:
            lines.append(f"  ... and {len(outcome.failures) - limit} more")
    return "\n".join(lines)


# --- batch cases ------------------------------------------------------------------


@dataclass
class BatchOutcome:
    target: str
    total: int = 0
    passed: int = 0
    missing: list[str] = field(default_factory=list)  # batch ids without a line
    failures: list[tuple[str, str]] = field(default_factory=list)  # batch id, explanation

    @property
    def implemented(self) -> bool:
        """Whether the harness printed any batch line at all."""
        return len(self.missing) < self.total or self.total == 0


def compare_batches(target: str, batch_cases: list, lines: dict[str, str]) -> BatchOutcome:  # type: ignore[type-arg]
    """Each batch case's line against the target's expectation (its own
    sdk_name). A target without a pinned expectation fails every case."""
    outcome = BatchOutcome(target, total=len(batch_cases))
    for case in batch_cases:
        actual = lines.get(case.id)
        if actual is None:
            outcome.missing.append(case.id)
            continue
        if target not in case.expected:
            outcome.failures.append((case.id, f"no sdk_name is pinned for target '{target}' in "
                                              "tests/conformance/batches.py (SDK_NAMES)"))
            continue
        json_text, proto_hex = case.expected[target]
        parts = actual.split("\t")
        if parts[1:2] == ["exception"]:
            outcome.failures.append((case.id, f"the SDK threw: {' '.join(parts[2:])}"))
            continue
        notes = []
        if len(parts) < 2 or parts[1] != json_text:
            notes.append("JSON " + first_char_difference(json_text, parts[1] if len(parts) > 1 else ""))
        if len(parts) < 3 or parts[2] != proto_hex:
            notes.append("protobuf " + first_byte_difference(proto_hex, parts[2] if len(parts) > 2 else ""))
        if notes:
            outcome.failures.append((case.id, "; ".join(notes)))
        else:
            outcome.passed += 1
    return outcome


def report_batches(outcome: BatchOutcome, pending: bool) -> str:
    lines = [f"{outcome.target}: {len(outcome.failures) + (0 if pending else len(outcome.missing))} of "
             f"{outcome.total} batch cases differ from the reference."]
    for case_id, text in outcome.failures[:12]:
        lines.append(f"  {case_id}: {text[:600]}")
    if not pending:
        for case_id in outcome.missing[:12]:
            lines.append(f"  {case_id}: the harness printed no line for it")
    return "\n".join(lines)
