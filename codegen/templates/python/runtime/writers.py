# (Hand-written runtime of the Python SDK, copied verbatim into every package.)
"""The message writers of the fast path (plans.py): per message class one
function, compiled from its specs at first use, that checks and writes its
strings, integers, booleans, enums and nested messages inline. A chain of
closures per field (read, check, write, varint) cost a call at every step,
which was most of track()'s time. Floats, bytes, timestamps, lists and maps
call the value writers of plans.py, which keep their rules in one place.

The compiled source holds only local names and the specs' attribute names
(identifiers, checked); every value of the model (tags, bounds, patterns,
constant bytes) reaches it as a global of the function, never as text.
A writer answers False exactly where the closures of plans.py do."""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable
from typing import Any

from .fields import (
    BOOL,
    ENUM,
    INTEGER_KINDS,
    LIST,
    MAP,
    MESSAGE,
    STRING,
    TIMESTAMP,
    FieldSpec,
    ProtoEnum,
)
from .plans import element_writer, tag, value_writer
from .wire import INT_RANGES, append_varint

# write(message, out) -> False when a value is not plainly valid.
MessageWriter = Callable[[Any, bytearray], bool]

_WRITERS: dict[type, MessageWriter | None] = {}


def plan_for(cls: type) -> MessageWriter | None:
    """The writer of a generated message class (None for anything else:
    objects whose `_SPECS` belong to the instance take the generic path)."""
    try:
        return _WRITERS[cls]
    except KeyError:
        pass
    specs = cls.__dict__.get("_SPECS")
    if specs is None:
        specs = next(
            (b.__dict__["_SPECS"] for b in cls.__mro__ if "_SPECS" in b.__dict__), None
        )
    writer = None if specs is None else compile_writer(specs)
    _WRITERS[cls] = writer
    return writer


def encode_fast(message: object) -> bytes | None:
    """The Protobuf bytes of a valid message, or None (see plans.py)."""
    write = _WRITERS.get(type(message)) or plan_for(type(message))
    if write is None:
        return None
    out = bytearray()
    return bytes(out) if write(message, out) else None


def plainly_valid(message: object) -> bool:
    """True when the fast path writes `message`: then validation reports
    nothing (False says nothing; validation.py words the issues)."""
    write = _WRITERS.get(type(message)) or plan_for(type(message))
    return write is not None and write(message, bytearray())


def compile_writer(specs: tuple[FieldSpec, ...]) -> MessageWriter:
    """One function that checks and writes every field of `specs` in order
    (an attribute the message lacks: False)."""
    scope: dict[str, Any] = {
        "_ProtoEnum": ProtoEnum,
        "_varint": append_varint,
        "_writers": _WRITERS,
        "_plan_for": plan_for,
    }
    body: list[str] = []
    for index, spec in enumerate(specs):
        if spec.auto is not None:
            continue  # only an envelope's context has them (ContextPlan)
        body += _field_lines(spec, f"_{index}", scope)
    source = "\n".join(
        ["def write(message, out):", "    try:"]
        + ["        " + line for line in body or ["pass"]]
        + ["    except AttributeError:", "        return False", "    return True"]
    )
    exec(compile(source, "<message writer>", "exec"), scope)  # noqa: S102
    return scope["write"]  # type: ignore[no-any-return]


def _field_lines(spec: FieldSpec, key: str, scope: dict[str, Any]) -> list[str]:
    if spec.const is not None:
        scope["const" + key] = _const_bytes(spec)
        return [f"out += const{key}"]
    read = _read(spec, key, scope)
    if spec.label == LIST or spec.label == MAP:
        scope["write" + key] = value_writer(spec, plan_for)
        return [f"if not write{key}({read}, out):", "    return False"]
    implicit = not spec.presence and spec.kind not in (TIMESTAMP, MESSAGE)
    scope["tag" + key] = tag(spec.number, 2 if spec.kind in (STRING, MESSAGE) else 0)
    kind = spec.kind
    if kind == STRING:
        check = _string_lines(spec, key, implicit, scope)
    elif kind in INTEGER_KINDS:
        check = _int_lines(spec, key, implicit, scope)
    elif kind == BOOL:
        check = _bool_lines(key, implicit, scope)
    elif kind == ENUM:
        check = _enum_lines(key, implicit)
    elif kind == MESSAGE:
        check = _message_lines(key)
    else:  # floats, bytes, timestamps: the value writers of plans.py
        scope["put" + key] = element_writer(spec, spec.number, implicit, plan_for)
        check = [f"if not put{key}(v, out):", "    return False"]
    if spec.required:
        return [f"v = {read}", "if v is None:", "    return False"] + check
    return [f"v = {read}", "if v is not None:"] + ["    " + line for line in check]


def _read(spec: FieldSpec, key: str, scope: dict[str, Any]) -> str:
    attr = spec.attr
    if attr.isidentifier() and not keyword.iskeyword(attr) and attr.isascii():
        return f"message.{attr}"
    scope["attr" + key] = attr
    return f"getattr(message, attr{key})"


def _const_bytes(spec: FieldSpec) -> bytes:
    from .codec import encode_message  # the generic encoder decides the bytes

    class _Const:
        _SPECS = (spec,)

    return encode_message(_Const())


def _length_lines(data: str) -> list[str]:
    return [
        f"n = len({data})",
        "if n < 128:",
        "    out.append(n)",
        "else:",
        "    _varint(out, n)",
        f"out += {data}",
    ]


def _varint_lines(value: str, signed: bool) -> list[str]:
    # append_varint inline: negative values as 64-bit two's complement.
    return [
        f"if 0 <= {value} < 128:",
        f"    out.append({value})",
        "else:",
        f"    x = {value} & 0xFFFFFFFFFFFFFFFF" if signed else f"    x = {value}",
        "    while x > 127:",
        "        out.append(x & 127 | 128)",
        "        x >>= 7",
        "    out.append(x)",
    ]


def _string_lines(
    spec: FieldSpec, key: str, implicit: bool, scope: dict[str, Any]
) -> list[str]:
    lines = ["if type(v) is not str:", "    return False"]
    if spec.min_length is not None:
        scope["shortest" + key] = spec.min_length
        lines += [f"if len(v) < shortest{key}:", "    return False"]
    if spec.max_length is not None:
        scope["longest" + key] = spec.max_length
        lines += [f"if len(v) > longest{key}:", "    return False"]
    if spec.pattern is not None:
        scope["match" + key] = re.compile(spec.pattern).fullmatch
        lines += [f"if match{key}(v) is None:", "    return False"]
    lines += [
        "try:",
        "    d = v.encode('utf-8')",
        "except UnicodeEncodeError:  # an unpaired surrogate",
        "    return False",
    ]
    write = [f"out += tag{key}"] + _length_lines("d")
    if implicit:
        return lines + ["if d:"] + ["    " + line for line in write]
    return lines + write


def _int_lines(
    spec: FieldSpec, key: str, implicit: bool, scope: dict[str, Any]
) -> list[str]:
    low, high = INT_RANGES[spec.kind]
    if spec.minimum is not None:
        low = max(low, spec.minimum)  # type: ignore[assignment]
    if spec.maximum is not None:
        high = min(high, spec.maximum)  # type: ignore[assignment]
    scope["low" + key], scope["high" + key] = low, high
    lines = [
        f"if type(v) is not int or not low{key} <= v <= high{key}:",
        "    return False",
    ]
    write = [f"out += tag{key}"] + _varint_lines("v", low < 0)
    if implicit:
        return lines + ["if v:"] + ["    " + line for line in write]
    return lines + write


def _bool_lines(key: str, implicit: bool, scope: dict[str, Any]) -> list[str]:
    head = scope["tag" + key]
    scope["true" + key], scope["false" + key] = head + b"\x01", head + b"\x00"
    lines = ["if type(v) is not bool:", "    return False"]
    if implicit:
        return lines + ["if v:", f"    out += true{key}"]
    return lines + [f"out += true{key} if v else false{key}"]


def _enum_lines(key: str, implicit: bool) -> list[str]:
    lines = ["if not isinstance(v, _ProtoEnum):", "    return False", "e = v._number"]
    write = [f"out += tag{key}"] + _varint_lines("e", True)
    if implicit:
        return lines + ["if e:"] + ["    " + line for line in write]
    return lines + write


def _message_lines(key: str) -> list[str]:
    return [
        "w = _writers.get(type(v)) or _plan_for(type(v))",
        "if w is None:",
        "    return False",
        "b = bytearray()",
        "if not w(v, b):",
        "    return False",
        f"out += tag{key}",
    ] + _length_lines("b")
