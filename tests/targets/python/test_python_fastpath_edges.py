"""The fast path's shortcuts (runtime writers.py: message writers compiled
per class; plans.py: a packed float list in one struct call) against the
generic validator and encoder on the value edges where their rules differ:
NaN, infinities, -0.0, float32 overflow and rounding (the midpoint above
FLT_MAX), tiny negatives that narrow to -0.0, ints and huge ints among
floats, bools and subclasses, integer range ends, unpaired surrogates,
lengths in code points, patterns, implicit zeros, nested messages.

For every value: when validation reports an issue the fast path gives up
(None); when it reports none the fast path writes exactly the generic
encoder's bytes, or gives up only for an unusual type (a subclass), and
`to_protobuf()` still gives the generic bytes."""

from __future__ import annotations

import itertools
import math
import random
import struct
from typing import Any, ClassVar

import pytest

from codegen.templates.python.runtime import FieldSpec, Message, ProtoEnum, encode_message, validate_message
from codegen.templates.python.runtime.writers import encode_fast

FLT_MAX = struct.unpack("<f", b"\xff\xff\x7f\x7f")[0]
MIDPOINT = 3.4028235677973366e38  # between FLT_MAX and 2**128: the contract rounds it to FLT_MAX


class Count(int):
    pass


class Ratio(float):
    pass


FLOATS: list[Any] = [
    0.0, -0.0, 1.0, -1.0, 0.1, 1e-50, -1e-50, 1.4e-45, 7e-46, -7e-46, 5e-324, 1.5, -1.5, 2.5,
    2.5000001, -1.5000001, math.nextafter(2.5, 3.0), FLT_MAX, -FLT_MAX, math.nextafter(FLT_MAX, math.inf),
    MIDPOINT, -MIDPOINT, math.nextafter(MIDPOINT, 0.0), math.nextafter(MIDPOINT, math.inf), 1e39, -1e39,
    1e308, -1.7976931348623157e308, math.inf, -math.inf, math.nan, -math.nan, 9007199254740992.0,
    9007199254740994.0, 0, 1, -1, 2**53 + 1, 10**400, -(10**400), True, Count(1), Ratio(0.5),
]


def message_class(*specs: FieldSpec) -> type:
    class Sample(Message):
        _SPECS: ClassVar[tuple[FieldSpec, ...]] = specs

        def __init__(self, **values: Any) -> None:
            self.__dict__.update(values)

        def __getattr__(self, name: str) -> Any:
            return None

        def __repr__(self) -> str:
            return f"Sample({self.__dict__!r})"

    return Sample


def check(message: Any, problems: list[str]) -> None:
    fast = encode_fast(message)
    issues = validate_message(message)
    label = repr(message)
    if issues:
        if fast is not None:
            problems.append(f"{label}: invalid ({issues[0]}) but the fast path encoded it")
        return
    generic = encode_message(message)
    if fast is None and not _unusual(message.__dict__):
        problems.append(f"{label}: valid but the fast path gave up")
    elif fast is not None and fast != generic:
        problems.append(f"{label}: fast {fast.hex()} != generic {generic.hex()}")
    elif message.to_protobuf() != generic:
        problems.append(f"{label}: to_protobuf() differs from the generic encoder")


def _unusual(values: Any) -> bool:
    if isinstance(values, Message):
        return _unusual(values.__dict__)
    if isinstance(values, dict):
        return any(_unusual(v) for v in values.values())
    if isinstance(values, (list, tuple)):
        return any(_unusual(v) for v in values)
    return type(values) in (Count, Ratio)


FLOAT_LISTS = [
    FieldSpec(name="health", number=1, kind="float", label="list", minimum=0, min_items=1, max_items=30),
    FieldSpec(name="scale", number=2, kind="float", label="list", minimum=-1.5, maximum=2.5),
    FieldSpec(name="f32s", number=3, kind="float", label="list"),
    FieldSpec(name="f64s", number=4, kind="double", label="list"),
    FieldSpec(name="wide", number=5, kind="double", label="list", minimum=-9007199254740993,
              maximum=9007199254740993),
    FieldSpec(name="unit", number=6, kind="double", label="list", minimum=0, maximum=1, max_items=3),
]


@pytest.mark.parametrize("spec", FLOAT_LISTS, ids=lambda s: s.name)
def test_packed_float_lists_agree_with_the_generic_path(spec: FieldSpec) -> None:
    cls = message_class(spec)
    problems: list[str] = []
    lists: list[Any] = [[], (), None, [None], [1.0, None]]
    lists += [[x] for x in FLOATS] + [(x, 0.5) for x in FLOATS]
    lists += [list(pair) for pair in itertools.product(FLOATS[:24], repeat=2)]
    draw = random.Random(15)
    lists += [[draw.choice(FLOATS) for _ in range(draw.randint(1, 40))] for _ in range(1500)]
    lists += [[draw.uniform(-3.0, 3.0) for _ in range(draw.randint(1, 31))] for _ in range(300)]
    for value in lists:
        check(cls(**{spec.name: value}), problems)
    assert len(lists) > 2000 and problems == [], problems[:10]


class Shade(ProtoEnum):
    UNSPECIFIED = ("unspecified", 0, "SHADE_UNSPECIFIED")
    DARK = ("dark", 1, "DARK")
    FAR = ("far", 300, "FAR")


INNER = message_class(
    FieldSpec(name="id", number=1, kind="string", required=True, pattern="[0-9a-f]{4}"),
    FieldSpec(name="n", number=2, kind="int64"),
)

SCALARS = [
    FieldSpec(name="s", number=1, kind="string"),
    FieldSpec(name="sp", number=2, kind="string", presence=True, min_length=2, max_length=3,
              pattern="[a-z\U0001f600]+"),
    FieldSpec(name="i32", number=3, kind="int32"),
    FieldSpec(name="i64p", number=4, kind="int64", presence=True, minimum=-5, maximum=2**40),
    FieldSpec(name="u32", number=5, kind="uint32", required=True),
    FieldSpec(name="u64", number=6, kind="uint64"),
    FieldSpec(name="b", number=7, kind="bool"),
    FieldSpec(name="bp", number=8, kind="bool", presence=True),
    FieldSpec(name="e", number=9, kind="enum"),
    FieldSpec(name="ep", number=10, kind="enum", presence=True),
    FieldSpec(name="inner", number=11, kind="message", presence=True),
    FieldSpec(name="f", number=12, kind="float"),
    FieldSpec(name="k", number=13, kind="uint32", const=30),
    FieldSpec(name="late", number=2000, kind="int32", presence=True),
    FieldSpec(name="class", number=14, kind="string", attr="not an identifier"),
]
INTS: list[Any] = [0, 1, -1, 127, 128, 300, 16383, 16384, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**32 - 1,
                   2**32, 2**40, 2**40 + 1, -5, -6, 2**63 - 1, 2**63, -(2**63), 2**64 - 1, 2**64, 10**30,
                   True, False, Count(3), 1.0, "1", None]
STRINGS: list[Any] = ["", "a", "ab", "abc", "abcd", "aB", "\U0001f600\U0001f600", "\U0001f600", "a\ud800",
                      "\udfff", "é" * 200, "x" * 127, "x" * 128, b"ab", 5, None]
VALUES: dict[str, list[Any]] = {
    "s": STRINGS, "sp": STRINGS, "i32": INTS, "i64p": INTS, "u32": INTS, "u64": INTS,
    "b": [True, False, 0, 1, None], "bp": [True, False, 0, None],
    "e": [Shade.UNSPECIFIED, Shade.DARK, Shade.FAR, 1, "dark", None],
    "ep": [Shade.UNSPECIFIED, Shade.FAR, None],
    "inner": [INNER(id="0a1f"), INNER(id="0a1f", n=-1), INNER(id="0A1F"), INNER(), INNER(id="0a1f", n=Count(2)),
              "0a1f", None],
    "f": FLOATS, "late": [0, 1, -1, None], "not an identifier": STRINGS,
}


def test_compiled_message_writers_agree_with_the_generic_path() -> None:
    cls = message_class(*SCALARS)
    problems: list[str] = []
    base = {"u32": 7}
    checked = 0
    for attr, values in VALUES.items():
        for value in values:
            check(cls(**{**base, attr: value}), problems)
            checked += 1
    draw = random.Random(15)
    for _ in range(3000):
        picked = {attr: draw.choice(values) for attr, values in VALUES.items() if draw.random() < 0.5}
        check(cls(**picked), problems)
        checked += 1
    assert checked > 3000 and problems == [], problems[:10]


def test_a_message_without_fields_and_a_missing_attribute() -> None:
    empty = message_class(FieldSpec(name="n", number=1, kind="int32", auto="event_id"))
    assert encode_fast(empty()) == b""

    class Slots:
        __slots__ = ("n",)
        _SPECS = (FieldSpec(name="n", number=1, kind="int32"),)

    assert encode_fast(Slots()) is None  # the attribute is missing: the generic path decides
    held = Slots()
    held.n = 300
    assert encode_fast(held) == encode_message(held) == b"\x08\xac\x02"


def test_canonical_json_shortcuts_agree_with_the_general_layout() -> None:
    # es_number's shortcut (repr's decimal layout) and _write's dispatch by
    # type against the general digit layout, subclasses and ints beyond 2**53.
    from codegen.templates.python.runtime import jcs

    class Loud(float):
        def __repr__(self) -> str:
            return "loud"

    class Big(int):
        pass

    draw = random.Random(15)
    numbers = [x for x in FLOATS if type(x) is float and math.isfinite(x)]
    numbers += [draw.uniform(-1e6, 1e6) for _ in range(2000)] + [10.0 ** e for e in range(-8, 23)]
    numbers += [struct.unpack("<d", draw.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(2000)]
    for x in (x for x in numbers if math.isfinite(x)):
        assert jcs.es_number(x) == _general_layout(x), x
    assert jcs.canonical_json([Loud(12.0), Big(2**53 + 1), 2**53 + 1, -(2**53), True, None, {"b": 1.5, "a": ""}]) \
        == '[12,9007199254740992,9007199254740992,-9007199254740992,true,null,{"a":"","b":1.5}]'


def _general_layout(value: float) -> str:
    # ECMAScript Number::toString from repr's shortest digits, without shortcuts.
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exp = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + int(exp or "0") - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    exponent = point - 1
    tail = f"e+{exponent}" if exponent >= 0 else f"e-{-exponent}"
    return sign + digits[0] + ("." + digits[1:] if k > 1 else "") + tail
