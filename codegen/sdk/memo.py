"""What a target may reuse from the previous build of the same output.

A target renders most of its files one event at a time; each event's work
depends on that event and on what every event shares (the model's header,
context, enums, objects and options). The build hands the target a `Memo`
(as `TemplateSet.memo`) that knows a content key of each event and of the
shared part: `event_files` and `event_text` return what the previous build
produced for the same keys (and `extra`, the target's own names for the
event), or compute it. Files reused this way stay on disk untouched
(`KeptFile`: the build neither reads nor writes them). Without a previous
build, or for `codegen check`, `NO_MEMO` computes everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, TypeVar

from codegen.sdk.contract import OutputFile

if TYPE_CHECKING:
    from codegen.ir import Event

T = TypeVar("T")
# What `decode` raises on stored text it cannot read back: the value is computed again.
UNREADABLE = (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError)


@dataclass(frozen=True)
class KeptFile(OutputFile):
    """A file of the previous build, still on disk exactly as written: its
    content is not loaded (`content` is empty)."""

    content: str = ""


class Memo:
    """The interface, which computes everything (a build without a previous one)."""

    def event_files(self, event: Event, extra: tuple[str, ...],
                    compute: Callable[[], list[OutputFile]]) -> list[OutputFile]:
        """The files only `event` (with the shared part and `extra`) decides."""
        return compute()

    def event_text(self, event: Event, extra: tuple[str, ...], compute: Callable[[], str]) -> str:
        """A piece of a file of every event (a line of a table, a function of
        a test module) that only `event` decides."""
        return compute()

    def event_data(self, event: Event, extra: tuple[str, ...], compute: Callable[[], str]) -> bytes:
        """As `event_text`, in UTF-8: a piece the caller joins as bytes (the
        stored one is handed back as read, without decoding). The caller
        checks what it joins (it decodes the whole) and calls `discard`
        when that fails."""
        return compute().encode("utf-8")

    def discard(self) -> None:
        """Forget what the previous build stored (a piece of it was damaged)."""

    def shared_text(self, extra: tuple[str, ...], compute: Callable[[], str]) -> str:
        """A piece that only the shared part (and `extra`) decides."""
        return compute()

    def shared_value(self, extra: tuple[str, ...], compute: Callable[[], T], encode: Callable[[T], str],
                     decode: Callable[[str], T]) -> T:
        """A value that only the shared part and `extra` decide (say, every
        identifier of the model, with a digest of the names in `extra`),
        kept as the text `encode` makes; `decode` checks what it reads and
        raises one of UNREADABLE when it cannot, and the value is computed
        again (and kept anew)."""
        return compute()


NO_MEMO = Memo()
