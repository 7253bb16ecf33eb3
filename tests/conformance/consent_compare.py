"""Consent lines of a harness against the consent cases (consents.py): the
decision (sent or dropped), then the envelope, its purposes or the
ConsentError's text, the first difference told precisely."""

from __future__ import annotations

from dataclasses import dataclass, field

from compare import first_byte_difference, first_char_difference
from consents import DROPPED, ConsentCase


@dataclass
class ConsentOutcome:
    target: str
    total: int = 0
    passed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # case id, explanation


def compare_consents(target: str, cases: list[ConsentCase], lines: dict[str, str]) -> ConsentOutcome:
    outcome = ConsentOutcome(target, total=len(cases))
    for case in cases:
        actual = lines.get(case.id)
        if actual is None:
            outcome.failures.append((case.id, "the harness printed no line for it"))
            continue
        if target not in case.expected:
            outcome.failures.append((case.id, f"no sdk_name is pinned for target '{target}' (batches.SDK_NAMES)"))
            continue
        detail = explain(case.expected[target].split("\t"), actual.split("\t")[1:])
        if detail:
            outcome.failures.append((case.id, detail))
        else:
            outcome.passed += 1
    return outcome


def explain(expected: list[str], actual: list[str]) -> str:
    """'' when the line is the expected one, else what differs first."""
    if actual[:1] == ["exception"]:
        return f"the SDK threw: {' '.join(actual[1:])}"
    if expected[0] == DROPPED or actual[:1] == [DROPPED]:
        if actual[:1] != expected[:1]:
            want = "drop it" if expected[0] == DROPPED else "send it"
            return f"the tracker must {want} (expected {expected!r}, got {actual!r})"
        return "" if actual == expected else "the ConsentError " + first_char_difference(expected[1], "\t".join(
            actual[1:]))
    notes = []
    if len(actual) < 1 or actual[0] != expected[0]:
        notes.append("JSON " + first_char_difference(expected[0], actual[0] if actual else ""))
    if len(actual) < 2 or actual[1] != expected[1]:
        notes.append("protobuf " + first_byte_difference(expected[1], actual[1] if len(actual) > 1 else ""))
    if len(actual) < 3 or actual[2] != expected[2]:
        notes.append(f"purposes: expected {expected[2]!r}, got {actual[2] if len(actual) > 2 else None!r}")
    return "; ".join(notes)


def report_consents(outcome: ConsentOutcome) -> str:
    lines = [f"{outcome.target}: {len(outcome.failures)} of {outcome.total} consent cases differ from the reference."]
    for case_id, text in outcome.failures[:12]:
        lines.append(f"  {case_id}: {text[:600]}")
    return "\n".join(lines)
