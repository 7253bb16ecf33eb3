"""Model patterns compiled to deterministic automata for the Kotlin runtime's
`AutomatonPattern`, so validating a string walks a table once instead of
running java.util.regex (which allocates a Matcher and backtracks per call).

The loader admits only the portable subset (codegen/loading/patterns.py):
literals, classes, groups, alternation and greedy or lazy repetition, all of
which describe regular languages, so a DFA decides exactly what a full
regex match decides. Anything else, a surrogate code unit written in the
pattern (Java joins an escaped pair into one code point) or a table over
the size limit yields None and the SDK keeps java.util.regex.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

MAX_CODE_POINT = 0x10FFFF
MAX_NFA_STATES = 4000
MAX_WORK = 50_000  # NFA states visited while determinizing: a pattern that explodes gives up fast
MAX_TABLE = 4096  # DFA states times character classes: the table stays a small literal
MAX_CLASSES = 64  # the class starts are an int array: its bytecode stays small in a file's initializer
_SURROGATES = (0xD800, 0xDFFF)


class Unsupported(Exception):
    """The pattern leaves what this compiler handles (the SDK keeps a Regex)."""


@dataclass(frozen=True)
class Automaton:
    """`starts[k]` is the first code point of character class k (class k runs
    to `starts[k + 1] - 1`); `table[s * len(starts) + k]` is the state after
    class k in state s, -1 when no match can follow; state 0 starts."""

    starts: tuple[int, ...]
    table: tuple[int, ...]
    accepting: tuple[int, ...]

    def matches(self, text: str) -> bool:
        """The automaton's verdict on `text` (what the Kotlin runtime computes)."""
        from bisect import bisect_right

        state, width = 0, len(self.starts)
        for ch in text:
            state = self.table[state * width + bisect_right(self.starts, ord(ch)) - 1]
            if state < 0:
                return False
        return state in self.accepting


Ranges = tuple[tuple[int, int], ...]


class _Nfa:
    """Thompson construction: `edges[s]` are (ranges, target), `eps[s]` targets."""

    def __init__(self) -> None:
        self.edges: list[list[tuple[Ranges, int]]] = []
        self.eps: list[list[int]] = []

    def state(self) -> int:
        if len(self.eps) >= MAX_NFA_STATES:
            raise Unsupported("too many states")
        self.edges.append([])
        self.eps.append([])
        return len(self.eps) - 1

    def seq(self, items: Any, start: int) -> int:
        for op, av in items:
            start = self.node(op, av, start)
        return start

    def node(self, op: Any, av: Any, start: int) -> int:
        if op is C.LITERAL:
            return self.chars((_written(av, av),), start)
        if op is C.NOT_LITERAL:
            return self.chars(_complement((_written(av, av),)), start)
        if op is C.IN:
            return self.chars(_class_ranges(av), start)
        if op is C.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise Unsupported("inline flags")
            return self.seq(sub, start)
        if op is C.BRANCH:
            end = self.state()
            for branch in av[1]:
                first = self.state()
                self.eps[start].append(first)
                self.eps[self.seq(branch, first)].append(end)
            return end
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):  # laziness changes which match, not whether one exists
            low, high, sub = av
            for _ in range(low):
                start = self.seq(sub, start)
            if high is C.MAXREPEAT:
                loop = self.state()
                self.eps[start].append(loop)
                self.eps[self.seq(sub, loop)].append(loop)
                return loop
            end = self.state()
            for _ in range(high - low):
                self.eps[start].append(end)
                start = self.seq(sub, start)
            self.eps[start].append(end)
            return end
        raise Unsupported(f"{op}")

    def chars(self, ranges: Ranges, start: int) -> int:
        end = self.state()
        self.edges[start].append((ranges, end))
        return end


def _written(lo: int, hi: int) -> tuple[int, int]:
    """A literal or range as the pattern writes it. One touching the surrogate
    block is refused: Java joins an escaped pair into one code point, Python
    does not. A negated class spans the block harmlessly (validated text has
    no unpaired surrogates and pairs are decoded)."""
    if lo <= _SURROGATES[1] and hi >= _SURROGATES[0]:
        raise Unsupported("a surrogate code unit in the pattern")
    return lo, hi


def _class_ranges(items: Any) -> Ranges:
    negate = bool(items) and items[0][0] is C.NEGATE
    ranges = []
    for op, av in items[1:] if negate else items:
        if op is C.LITERAL:
            ranges.append(_written(av, av))
        elif op is C.RANGE:
            ranges.append(_written(av[0], av[1]))
        else:
            raise Unsupported(f"{op} in a class")
    merged = _merge(ranges)
    return _complement(merged) if negate else merged


def _merge(ranges: list[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def _complement(ranges: Ranges) -> Ranges:
    out, next_lo = [], 0
    for lo, hi in _merge(list(ranges)):
        if lo > next_lo:
            out.append((next_lo, lo - 1))
        next_lo = hi + 1
    if next_lo <= MAX_CODE_POINT:
        out.append((next_lo, MAX_CODE_POINT))
    return tuple(out)


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Automaton | None:
    """The DFA of a model pattern (matched against the whole value), or None."""
    try:
        nfa = _Nfa()
        start = nfa.state()
        final = nfa.seq(_parse(pattern), start)
        return _determinize(nfa, start, final)
    except (Unsupported, RecursionError, OverflowError):
        return None


def _parse(pattern: str) -> Any:
    try:
        return P.parse(pattern)
    except Exception as exc:  # noqa: BLE001 - sre_parse raises several kinds; the loader already reported them
        raise Unsupported(str(exc)) from exc


def _determinize(nfa: _Nfa, start: int, final: int) -> Automaton | None:
    bounds = {0}
    for edges in nfa.edges:
        for ranges, _ in edges:
            for lo, hi in ranges:
                bounds.add(lo)
                if hi < MAX_CODE_POINT:
                    bounds.add(hi + 1)
    starts = tuple(sorted(bounds))
    if len(starts) > MAX_CLASSES:
        return None
    index = {point: k for k, point in enumerate(starts)}
    # Each edge's classes, once: a range [lo, hi] covers the classes from lo's to the one before hi + 1's.
    moves = [[(range(index[lo], index[hi + 1] if hi < MAX_CODE_POINT else len(starts)), target)
              for ranges, target in edges for lo, hi in ranges] for edges in nfa.edges]
    budget = [MAX_WORK]

    def closure(states: set[int]) -> frozenset[int]:
        todo, seen = list(states), set(states)
        while todo:
            budget[0] -= 1
            for target in nfa.eps[todo.pop()]:
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        if budget[0] < 0:
            raise Unsupported("too much work")
        return frozenset(seen)

    first = closure({start})
    ids = {first: 0}
    order = [first]
    table: list[int] = []
    for states in order:  # grows while it is walked: breadth first, so numbering is deterministic
        targets: list[set[int]] = [set() for _ in starts]
        for s in states:
            for classes, target in moves[s]:
                for k in classes:
                    targets[k].add(target)
        for step in targets:
            if not step:
                table.append(-1)
                continue
            target = closure(step)
            if target not in ids:
                ids[target] = len(order)
                order.append(target)
                if len(order) * len(starts) > MAX_TABLE:
                    return None
            table.append(ids[target])
    accepting = tuple(i for i, states in enumerate(order) if final in states)
    return Automaton(starts, tuple(table), accepting)
