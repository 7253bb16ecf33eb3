"""The Kotlin target's pattern automata decide exactly what a full match of
the regular expression decides (Python `re` as the reference, which the
portable subset reads like java.util.regex), on strings built to sit on
every class boundary, the solver's matching and breaking strings, and
seeded random ones."""

from __future__ import annotations

import random
import re

import pytest

from codegen.loading import pattern_solver
from codegen.loading.patterns import pattern_problem
from codegen.targets.kotlin.automata import MAX_TABLE, compile_pattern

PATTERNS = [
    "[0-9a-f]{32}",
    r"[0-9]+(\.[0-9]+){0,3}([-+][0-9A-Za-z.]+)?",
    "[a-z]{2,3}(-[A-Z]{2})?",
    "[a-z][a-z0-9_]*",
    "[a-z0-9][a-z0-9:_-]*",
    "[^a-c]+x?",
    "(ab|a)(bc|c)*?d{0,2}",
    "(?:x|yz){2,}",
    "a{3}b{1,}c?",
    "[\u00e9\u4e2d\U0001f600]+[^\U0001f600]",
    r"\x41\u00e9[\]\-\\]*\.",
    "(a|ab)*b",
    "",
    "()|a",
]


def _probes(pattern: str, automaton_starts: tuple[int, ...], rng: random.Random) -> list[str]:
    points = sorted({p + d for p in automaton_starts for d in (-1, 0, 1) if 0 <= p + d <= 0x10FFFF
                     and not 0xD800 <= p + d <= 0xDFFF})
    alphabet = [chr(p) for p in points] + list("aA0.-_ ")
    out = list(pattern_solver.candidates(pattern)) + list(pattern_solver.candidates(pattern, last=True))
    for valid in out[:8]:
        broken = pattern_solver.breaking(pattern, valid, None, None)
        if broken is not None:
            out.append(broken)
        for i in range(len(valid) + 1):  # one character dropped, doubled or replaced at each place
            out += [valid[:i] + valid[i + 1:], valid[:i] + valid[i:i + 1] * 2 + valid[i + 1:]]
            out += [valid[:i] + rng.choice(alphabet) + valid[i + 1:] for _ in range(2)]
    out += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40))) for _ in range(400)]
    return out


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_automaton_agrees_with_a_full_regex_match(pattern: str) -> None:
    assert pattern_problem(pattern) is None, pattern
    automaton = compile_pattern(pattern)
    assert automaton is not None
    regex = re.compile(pattern)
    rng = random.Random(pattern)
    probes = _probes(pattern, automaton.starts, rng)
    assert any(regex.fullmatch(p) for p in probes) and (not pattern or not all(regex.fullmatch(p) for p in probes))
    for text in probes:
        assert automaton.matches(text) == bool(regex.fullmatch(text)), (pattern, text)


def test_tables_are_deterministic_and_numbered_breadth_first() -> None:
    automaton = compile_pattern("[0-9a-f]{2}")
    assert automaton is not None
    assert automaton.starts == (0, 0x30, 0x3A, 0x61, 0x67)
    assert automaton.table == (-1, 1, -1, 1, -1, -1, 2, -1, 2, -1, -1, -1, -1, -1, -1)
    assert automaton.accepting == (2,)
    assert compile_pattern("[0-9a-f]{2}") == automaton


@pytest.mark.parametrize("pattern", ["\\uD83D\\uDE00", "[\\uD800-\\uDBFF]", "[a-z]{2000}", "([ab]{1,30}){1,30}x"])
def test_what_it_cannot_hold_falls_back_to_the_regex(pattern: str) -> None:
    """Surrogate code units written in a pattern (Java joins an escaped pair, Python
    does not) and tables beyond MAX_TABLE entries stay with java.util.regex."""
    automaton = compile_pattern(pattern)
    assert automaton is None or len(automaton.table) <= MAX_TABLE
    if "uD8" in pattern:
        assert automaton is None
