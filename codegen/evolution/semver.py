"""Semantic versions, release tags and the bump a set of changes needs.

Releases are git tags `model-vX.Y.Z` (preferred) or `vX.Y.Z`. Below 1.0.0
every level moves down one step, as Cargo and npm's caret ranges read 0.x:
a breaking change needs a minor bump (0.3.1 -> 0.4.0), an addition or a
fix a patch bump.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

from codegen.evolution.rules import Bump

_SEMVER = re.compile(
    r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)
TAG_PREFIXES = ("model-v", "v")  # in order of preference when both tag one version


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Version | None:
        match = _SEMVER.match(text)
        if not match:
            return None
        pre = tuple(match.group(4).split(".")) if match.group(4) else ()
        return cls(int(match.group(1)), int(match.group(2)), int(match.group(3)), pre)

    @property
    def core(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def _key(self) -> tuple:  # type: ignore[type-arg]
        # semver precedence: a pre-release sorts before its release;
        # numeric identifiers compare as numbers and before alphanumeric ones
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.core, 0 if self.prerelease else 1, pre)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        text = ".".join(map(str, self.core))
        return f"{text}-{'.'.join(self.prerelease)}" if self.prerelease else text

    def bumped(self, bump: Bump) -> Version:
        """The smallest version that makes `bump` (on the 0.x scale when major is 0)."""
        if self.prerelease:
            return Version(*self.core)
        level = effective_level(self, bump)
        if level is Bump.MAJOR:
            return Version(self.major + 1, 0, 0)
        if level is Bump.MINOR:
            return Version(self.major, self.minor + 1, 0)
        if level is Bump.PATCH:
            return Version(self.major, self.minor, self.patch + 1)
        return self


def version_of_tag(tag: str) -> Version | None:
    for prefix in TAG_PREFIXES:
        if tag.startswith(prefix):
            return Version.parse(tag[len(prefix):])
    return None


def effective_level(old: Version, bump: Bump) -> Bump:
    """The version component a bump moves: one level lower below 1.0.0."""
    if old.major == 0 and bump is not Bump.NONE:
        return Bump(max(bump - 1, Bump.PATCH))
    return bump


def actual_bump(old: Version, new: Version) -> Bump | None:
    """Which component moved from old to new; None when new is lower.

    Pre-release suffixes only order versions: 2.0.0-rc.1 -> 2.0.0 keeps the
    core and is NONE (`satisfies` accepts any step up from a pre-release)."""
    if new < old:
        return None
    if new.major != old.major:
        return Bump.MAJOR
    if new.minor != old.minor:
        return Bump.MINOR
    if new.patch != old.patch:
        return Bump.PATCH
    return Bump.NONE


def satisfies(old: Version, new: Version, needed: Bump) -> bool:
    """Whether going from old to new is at least the bump the changes need."""
    made = actual_bump(old, new)
    if made is None:
        return False
    if old.prerelease and new > old:
        return True  # pre-releases promise no compatibility (semver item 9)
    return made >= effective_level(old, needed)


@dataclass(frozen=True)
class BumpVerdict:
    ok: bool
    needed: Bump
    old: Version
    new: Version
    minimum: Version  # the smallest acceptable new version
    message: str


def check_bump(old_text: str, new_text: str, needed: Bump) -> BumpVerdict:
    old, new = Version.parse(old_text), Version.parse(new_text)
    if old is None or new is None:  # the loader rejects such versions; be safe anyway
        raise ValueError(f"not a semantic version: {old_text if old is None else new_text}")
    minimum = old.bumped(needed) if needed is not Bump.NONE else old
    level = effective_level(old, needed)
    scale = " (0.x: one level lower)" if old.major == 0 and needed is not Bump.NONE else ""
    if new < old:
        return BumpVerdict(False, needed, old, new, minimum,
                           f"version {new} is lower than {old}; versions never go back")
    if satisfies(old, new, needed):
        message = (f"ok for the {level.label} bump{scale} that the changes need"
                   if needed is not Bump.NONE else "ok, the changes need no bump")
        return BumpVerdict(True, needed, old, new, minimum, message)
    return BumpVerdict(False, needed, old, new, minimum,
                       f"the changes need a {level.label} version bump{scale} from {old}, "
                       f"but the model declares {new}; set 'version: {minimum}' (or higher)")
