"""The context's row values, memoised by its bytes.

The events of one app share almost all of their context (product, app,
device, locale, the consent stamp); only the event id and the client
timestamp change from one event to the next. An SDK encodes the context's
fields in number order, so when those two have the lowest numbers, the
context's bytes are [event id][client timestamp][the rest], and the rest
repeats from event to event. Its row values (see plans.py) are read and
checked once per distinct rest, then copied; the two per-event values are
read by a plan of their own.

Sound for any bytes: the key is the context's bytes after the leading
fields of those two numbers, so every field of any other number is in the
key, and equal keys hold equal values. Bytes in another order simply miss.
Off when a value that the privacy step changes in place sits inside an
object of the rest (the copy is shallow), or when the layout does not allow
it (other numbers first, tags of more than one byte)."""

from __future__ import annotations

from typing import Any

from codegen.ir import AutoValue, Kind, Model, Privacy, Property

PER_EVENT = (AutoValue.EVENT_ID, AutoValue.CLIENT_TIMESTAMP)
MAX_ENTRIES = 4096  # distinct contexts kept; then the memo starts again
LENGTH_DELIMITED = 2


def per_event_properties(model: Model) -> frozenset[str]:
    return frozenset(p.name for p in model.context.properties if p.auto in PER_EVENT)


class ContextReader:
    def __init__(self, model: Model, plans: Any, context_number: int) -> None:
        self.read_all = plans.context.read
        self.read_part = plans.context_part.read
        per_event = [p for p in model.context.properties if p.auto in PER_EVENT]
        self.per_event_numbers = frozenset(p.number for p in per_event)
        numbers = sorted(p.number for p in model.context.properties)
        self.enabled = (
            bool(per_event) and context_number < 16
            and numbers[:len(per_event)] == sorted(self.per_event_numbers)
            and all(n < 16 for n in self.per_event_numbers)
            and not any(_changed_in_place(model, p) for p in model.context.properties))
        self.tag = context_number << 3 | LENGTH_DELIMITED
        self._memo: dict[bytes, dict[str, Any]] = {}
        self.hits = 0  # reads answered from the memo

    def read(self, pb: Any, envelope: bytes) -> dict[str, Any]:
        """The row values of `pb`, the context decoded from `envelope`
        (raises plans.Broken, as the plan does)."""
        try:
            key = self._key(envelope) if self.enabled else None
        except IndexError:  # bytes upb read, so never; but a memo must not be what fails
            key = None
        if key is None:
            return self.read_all(pb)
        shared = self._memo.get(key)
        if shared is None:
            row = self.read_all(pb)
            if len(self._memo) >= MAX_ENTRIES:
                self._memo.clear()
            self._memo[key] = row.copy()
            return row
        row = shared.copy()
        row.update(self.read_part(pb))
        self.hits += 1
        return row

    def _key(self, data: bytes) -> bytes | None:
        """The context's bytes after its leading per-event fields, or None
        when the envelope does not start with the context."""
        if len(data) < 2 or data[0] != self.tag:
            return None
        length, i = _varint(data, 1)
        end = i + length
        numbers = self.per_event_numbers
        while i < end:
            tag = data[i]
            if tag & 0x80 or tag & 7 != LENGTH_DELIMITED or tag >> 3 not in numbers:
                break
            size, j = _varint(data, i + 1)
            i = j + size
        return data[i:end] if end <= len(data) else None


def _varint(data: bytes, i: int) -> tuple[int, int]:
    byte = data[i]
    if not byte & 0x80:
        return byte, i + 1
    value, shift = byte & 0x7F, 7
    while True:
        i += 1
        byte = data[i]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, i + 1
        shift += 7


def _changed_in_place(model: Model, prop: Property, seen: frozenset[str] = frozenset()) -> bool:
    """Whether an object value holds, at any depth, a value the privacy step hashes."""
    name = prop.type.leaf.name or ""
    if prop.type.leaf.kind is not Kind.OBJECT or name in seen:
        return False
    for inner in model.object(name).properties:
        if inner.privacy is Privacy.PSEUDONYMOUS or _changed_in_place(model, inner, seen | {name}):
            return True
    return False
