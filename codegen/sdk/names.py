"""One name allocator for every target: identifiers handed out per scope,
never reserved, never taken twice, with a collision policy that says which
candidate comes next. Targets differ only in their reserved words, how a
model name becomes a first candidate and which policy they pick."""

from __future__ import annotations

from itertools import count
from typing import Callable, Hashable, Iterable, Iterator

# A policy turns the first candidate into the sequence of names to try.
Policy = Callable[[str], Iterator[str]]


def repeat_suffix(suffix: str = "_") -> Policy:
    """`name`, `name_`, `name__`, ...: the same rule everywhere, so it is predictable."""

    def candidates(name: str) -> Iterator[str]:
        while True:
            yield name
            name += suffix

    candidates.name_first = True  # type: ignore[attr-defined]
    return candidates


def numbered(separator: str = "_", start: int = 2) -> Policy:
    """`name`, `name_2`, `name_3`, ..."""

    def candidates(name: str) -> Iterator[str]:
        yield name
        for n in count(start):
            yield f"{name}{separator}{n}"

    candidates.name_first = True  # type: ignore[attr-defined]
    return candidates


def kind_suffix(suffix: str, start: int = 2) -> Policy:
    """`Name`, `NameEnum`, `NameEnum2`, ...: a clash takes the kind's suffix first."""

    def candidates(name: str) -> Iterator[str]:
        yield name
        yield name + suffix
        for n in count(start):
            yield f"{name}{suffix}{n}"

    candidates.name_first = True  # type: ignore[attr-defined]
    return candidates


class NameAllocator:
    """Hands out identifiers in scopes keyed by any hashable value. In each
    scope the first claimant of a name keeps it; later ones get the policy's
    next free candidate. `reserved` applies to every scope."""

    def __init__(self, reserved: Iterable[str], policy: Policy | None = None,
                 valid: Callable[[str], bool] | None = None) -> None:
        self.reserved = frozenset(reserved)
        self.policy = policy or repeat_suffix()
        self.valid = valid
        self._taken: dict[Hashable, set[str]] = {}

    def taken(self, scope: Hashable) -> set[str]:
        return self._taken.setdefault(scope, set())

    def is_free(self, name: str, scope: Hashable) -> bool:
        return (name not in self.reserved and name not in self.taken(scope)
                and (self.valid is None or self.valid(name)))

    def claim(self, scope: Hashable, name: str, policy: Policy | None = None) -> str:
        taken = self._taken.get(scope)
        if taken is None:
            taken = self._taken[scope] = set()
        chosen = policy or self.policy
        # Most names are free as they are: the built-in policies try the name itself first.
        if name not in taken and name not in self.reserved and getattr(chosen, "name_first", False) and (
                self.valid is None or self.valid(name)):
            taken.add(name)
            return name
        for candidate in chosen(name):
            if self.is_free(candidate, scope):
                taken.add(candidate)
                return candidate
        raise AssertionError("a policy yields names without end")

    def block(self, scope: Hashable, names: Iterable[str]) -> None:
        """Mark names as taken in a scope without handing them out."""
        self.taken(scope).update(names)

    def claim_all(self, scope: Hashable, names: Iterable[str], policy: Policy | None = None) -> list[str]:
        return [self.claim(scope, name, policy) for name in names]


def escaper(reserved: Iterable[str], policy: Policy, valid: Callable[[str], bool] | None = None
            ) -> Callable[[str], str]:
    """A function making any name free of `reserved` (and valid) by `policy`,
    outside any scope: the lexical rule that allocation applies in scopes."""
    allocator = NameAllocator(reserved, policy, valid)

    def escape(name: str) -> str:
        return next(c for c in policy(name) if allocator.is_free(c, None))

    return escape
