"""Strings that match (or just fail) a model pattern, built from the parsed
regular expression (`re._parser`), deterministically.

A generator is steered by `reps` (how many times each repetition runs,
clamped to its bounds) and `last` (take the last alternative and the top of
each character range instead of the first); the callers search a few
settings for one that also meets the length constraints.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

# Characters tried for negated classes and for breaking a match.
_PROBES = "a0A_-x!~ é.Z9"
_CATEGORY = {C.CATEGORY_DIGIT: "0", C.CATEGORY_WORD: "a", C.CATEGORY_SPACE: " ",
             C.CATEGORY_NOT_DIGIT: "a", C.CATEGORY_NOT_WORD: "-", C.CATEGORY_NOT_SPACE: "a"}


class _Gen:
    def __init__(self, reps: int, last: bool) -> None:
        self.reps = reps
        self.last = last
        self.groups: dict[int, str] = {}

    def seq(self, items: Any) -> str:
        return "".join(self.node(op, av) for op, av in items)

    def node(self, op: Any, av: Any) -> str:
        if op is C.LITERAL:
            return chr(av)
        if op is C.NOT_LITERAL:
            return next(c for c in _PROBES if ord(c) != av)
        if op is C.ANY:
            return "a"
        if op is C.IN:
            return self.char_class(av)
        if op is C.BRANCH:
            branches = av[1]
            return self.seq(branches[-1] if self.last else branches[0])
        if op is C.SUBPATTERN:
            group, text = av[0], self.seq(av[3])
            if group is not None:
                self.groups[group] = text
            return text
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high, sub = av
            count = max(low, self.reps if high is C.MAXREPEAT else min(high, self.reps))
            return "".join(self.seq(sub) for _ in range(count))
        if op is C.GROUPREF:
            return self.groups.get(av, "")
        if op is C.ATOMIC_GROUP:
            return self.seq(av)
        if op is C.CATEGORY:
            return _CATEGORY.get(av, "a")
        return ""  # anchors and lookarounds produce no text

    def char_class(self, items: Any) -> str:
        negate = bool(items) and items[0][0] is C.NEGATE
        if negate:
            probe = re.compile("[" + "".join(_class_source(items[1:])) + "]")
            return next((c for c in _PROBES if not probe.match(c)), "\u00e9")
        op, av = items[-1] if self.last else items[0]
        if op is C.LITERAL:
            return chr(av)
        if op is C.RANGE:
            return chr(av[1] if self.last else av[0])
        return _CATEGORY.get(av, "a")


def _class_source(items: Any) -> list[str]:
    out = []
    for op, av in items:
        if op is C.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is C.RANGE:
            out.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is C.CATEGORY:
            out.append({C.CATEGORY_DIGIT: r"\d", C.CATEGORY_WORD: r"\w", C.CATEGORY_SPACE: r"\s",
                        C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_NOT_WORD: r"\W",
                        C.CATEGORY_NOT_SPACE: r"\S"}[av])
    return out


_REPS = (1, 0, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 96, 128)


@lru_cache(maxsize=4096)
def _parsed(pattern: str) -> Any:
    return _plain(P.parse(pattern))


def _plain(items: Any) -> Any:
    """The parse tree as plain lists (the parser's own objects are slow to index)."""
    out = []
    for op, av in items:
        if op is C.BRANCH:
            av = (None, [_plain(b) for b in av[1]])
        elif op is C.SUBPATTERN:
            av = (av[0], av[1], av[2], _plain(av[3]))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            av = (av[0], av[1], _plain(av[2]))
        elif op is C.ATOMIC_GROUP:
            av = _plain(av)
        elif op is C.IN:
            av = list(av)
        out.append((op, av))
    return out


def generate(pattern: str, reps: int, last: bool = False) -> str:
    return _Gen(reps, last).seq(_parsed(pattern))


def candidates(pattern: str, last: bool = False, reps: tuple[int, ...] = _REPS) -> Iterator[str]:
    seen: set[str] = set()
    for variant in (last, not last):
        for k in reps:
            text = generate(pattern, k, variant)
            if text not in seen:
                seen.add(text)
                yield text


@lru_cache(maxsize=4096)
def matching(pattern: str, min_length: int | None, max_length: int | None, longest: bool = False,
             limit: int = 40) -> str | None:
    """A string that fully matches and has min_length..max_length code points
    (when `longest`, the longest found up to `limit` code points unless the
    minimum needs more), or None if none was found."""
    compiled = re.compile(pattern)
    if longest:
        cap = max(limit, min_length or 0)
        good = [t for t in candidates(pattern, last=True)
                if len(t) <= cap and compiled.fullmatch(t) and _fits(t, min_length, max_length)]
        return max(good, key=len) if good else None
    empty = None
    for text in candidates(pattern):
        if compiled.fullmatch(text) and _fits(text, min_length, max_length):
            if text:
                return text
            empty = text
    return empty


@lru_cache(maxsize=4096)
def of_length(pattern: str, length: int) -> str | None:
    """A matching string of exactly `length` code points, searching the
    repetition count (lengths grow with it) by bisection."""
    compiled = re.compile(pattern)
    for last in (False, True):
        low, high = 0, length + 1
        while low < high:
            mid = (low + high) // 2
            if len(generate(pattern, mid, last)) < length:
                low = mid + 1
            else:
                high = mid
        for k in (low, low - 1, low + 1):
            text = generate(pattern, max(k, 0), last)
            if len(text) == length and compiled.fullmatch(text):
                return text
    return None


@lru_cache(maxsize=4096)
def breaking(pattern: str, valid: str, min_length: int | None, max_length: int | None) -> str | None:
    """A string within the lengths that does not match: `valid` with one
    character changed (or one added/removed), or None."""
    compiled = re.compile(pattern)
    tries = [valid[:i] + c + valid[i + 1:] for i in range(len(valid)) for c in "!~ é" + _PROBES]
    tries += [valid + "!", "!" + valid, valid[:-1], "", "!"]
    for text in tries:
        if not compiled.fullmatch(text) and _fits(text, min_length, max_length):
            return text
    return None


def _fits(text: str, min_length: int | None, max_length: int | None) -> bool:
    return (min_length is None or len(text) >= min_length) and (max_length is None or len(text) <= max_length)


def fullmatch(pattern: str, text: str) -> bool:
    return re.fullmatch(pattern, text) is not None
