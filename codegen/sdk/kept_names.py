"""Every identifier a target derived for a model, kept between builds.

Deriving the identifiers of a large model (each of its tens of thousands of
properties through the name allocator) is a good part of rendering it
after a small edit, and most edits change no name. A target hands its
derivation to `kept`, with how to write its result as JSON and read it
back; the result is kept in the target's memo (`Memo.shared_value`) under
a digest of every name in the model (`names_key`) and of what the target
adds (its options), so any change of a name derives them all again. What is
read back is checked for its shape (`text_map`, `scoped`): a damaged entry
is derived again, never used.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, Callable, TypeVar

if TYPE_CHECKING:
    from codegen.ir import Model
    from codegen.sdk.memo import Memo

T = TypeVar("T")
_KEYS: list[tuple[object, str]] = []  # (model, key) of the last model asked for


def names_key(model: Model) -> str:
    """A digest of every name a target derives identifiers from: the
    model's name and namespace, the enums with their values (and numbers),
    the objects, the events, each message's properties, the purposes."""
    if _KEYS and _KEYS[0][0] is model:
        return _KEYS[0][1]
    digest = hashlib.blake2b(digest_size=16)
    parts = [model.name, model.namespace]
    for enum in model.enums:
        parts += ["enum", enum.name, *(f"{v.name}={v.number}" for v in enum.values)]
    for kind, owner, properties, _reserved in model.property_scopes:
        parts += [kind, owner, *(p.name for p in properties)]
    parts += ["purposes", *(p.name for p in model.purposes)]
    digest.update("\0".join(parts).encode("utf-8", "surrogatepass"))
    key = digest.hexdigest()
    _KEYS[:] = [(model, key)]
    return key


def kept(memo: Memo, model: Model, extra: tuple[str, ...], derive: Callable[[], T],
         encode: Callable[[T], Any], decode: Callable[[Any], T]) -> T:
    """`derive()`, or what it gave the previous build for the same names:
    `encode` makes JSON data of it, `decode` the result of that data (and
    raises ValueError, TypeError or KeyError when it is not what encode made)."""
    return memo.shared_value(
        ("names", names_key(model), *extra), derive,
        lambda value: json.dumps(encode(value), ensure_ascii=False, separators=(",", ":")),
        lambda text: decode(json.loads(text)))


def text_map(value: Any) -> dict[str, str]:
    """A JSON object of strings, checked."""
    if type(value) is not dict:
        raise TypeError("not an object")
    "".join(value), "".join(value.values())  # noqa: B018 - a TypeError unless every key and value is a string
    return value


def scoped_rows(values: dict[tuple[str, str], Any]) -> list[list[Any]]:
    """A dict keyed by (kind, name) as JSON rows [kind, name, value]."""
    return [[kind, name, value] for (kind, name), value in values.items()]


def scoped(rows: Any, value: Callable[[Any], T]) -> dict[tuple[str, str], T]:
    """The dict of `scoped_rows`, each value checked by `value`."""
    if type(rows) is not list:
        raise TypeError("not a list of rows")
    out: dict[tuple[str, str], T] = {}
    for kind, name, item in rows:
        if type(kind) is not str or type(name) is not str:
            raise TypeError("not a (kind, name) row")
        out[(kind, name)] = value(item)
    return out


def text(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("not a string")
    return value
