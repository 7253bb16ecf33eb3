"""The Python SDK's hand-written runtime (codegen/templates/python/runtime),
which every generated Python package copies and the reference encoder runs:
the JSON writer against the shared vectors (RFC 8785 cases, 20,000 ECMAScript
numbers), the float32 rule against the official library, wire primitives,
Timestamp and the validators."""

from __future__ import annotations

import json
import math
import struct
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, ClassVar

import pytest
from google.protobuf.internal import type_checkers
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.templates.python.runtime import FieldSpec, Message, Timestamp, encode_message, validate_message
from codegen.templates.python.runtime.errors import EncodingError
from codegen.templates.python.runtime.jcs import canonical_json, es_number, float32_json
from codegen.templates.python.runtime.wire import (
    append_varint,
    float32_bytes,
    float64_bytes,
    narrow_float32,
    utf8,
)

VECTORS = Path(__file__).resolve().parents[3] / "../shared/vectors"


@pytest.fixture(scope="module")
def vectors() -> Path:
    path = VECTORS.resolve()
    if not (path / "jcs").is_dir() or not (path / "es-numbers" / "numbers.csv").is_file():
        pytest.fail(f"shared test vectors missing at {path}: the shared/ folder beside the repository")
    return path


def test_es_numbers_every_line(vectors: Path) -> None:
    lines = (vectors / "es-numbers" / "numbers.csv").read_text(encoding="ascii").splitlines()
    assert len(lines) == 20_000
    wrong = []
    for line in lines:
        bits, expected = line.split(",", 1)
        value = struct.unpack(">d", bytes.fromhex(bits))[0]
        if es_number(value) != expected:
            wrong.append((bits, expected, es_number(value)))
    assert wrong == []


def jcs_cases() -> list[str]:
    return sorted(p.name for p in (VECTORS.resolve() / "jcs" / "input").glob("*.json"))


@pytest.mark.parametrize("case", jcs_cases() or ["<missing>"])
def test_jcs_vectors(vectors: Path, case: str) -> None:
    source = (vectors / "jcs" / "input" / case).read_text(encoding="utf-8")
    expected = (vectors / "jcs" / "output" / case).read_bytes()
    hex_form = (vectors / "jcs" / "outhex" / case.replace(".json", ".txt")).read_text().split()
    assert bytes.fromhex("".join(hex_form)) == expected
    # JCS reads every number as an IEEE double.
    assert canonical_json(json.loads(source, parse_int=float)).encode("utf-8") == expected


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.floats(width=32, allow_nan=False, allow_infinity=False))
def test_float32_json_matches_official(value: float) -> None:
    # The official library's MessageToDict prints float fields this way.
    assert float32_json(value) == type_checkers.ToShortestFloat(value)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_es_number_round_trips(value: float) -> None:
    assert float(es_number(value)) == value or value == 0


def test_float32_json_examples() -> None:
    assert es_number(float32_json(0.1)) == "0.1"
    assert es_number(float32_json(16777217.0)) == "16777216"
    assert es_number(float32_json(1e-45)) == "1.4013e-45"  # six digits at least, as protobuf
    assert math.isinf(float32_json(1e39)) and float32_json(-0.0) == 0


def test_canonical_json_rules() -> None:
    # UTF-16 code unit order: U+FF21 sorts after U+1F600 (a surrogate pair).
    assert canonical_json({"\uff21": 1, "😀": 2, "a": 3}) == '{"a":3,"😀":2,"Ａ":1}'
    assert canonical_json({"s": "\x00\x1f\"\\/\u2028é"}) == '{"s":"\\u0000\\u001f\\"\\\\/\u2028é"}'
    assert canonical_json([1e21, 1e-7, -0.0, 2**53, True, None]) == "[1e+21,1e-7,0,9007199254740992,true,null]"
    with pytest.raises(ValueError):
        canonical_json("\ud800")
    with pytest.raises(ValueError):
        canonical_json(math.nan)


def _varint(value: int) -> bytes:
    out = bytearray()
    append_varint(out, value)
    return bytes(out)


def test_wire_primitives() -> None:
    assert _varint(0) == b"\x00"
    assert _varint(300) == b"\xac\x02"
    assert _varint(-1) == b"\xff" * 9 + b"\x01"  # negative int32: ten bytes
    assert float32_bytes(math.nan) == b"\x00\x00\xc0\x7f"
    assert float32_bytes(-math.nan) == b"\x00\x00\xc0\x7f"
    assert float64_bytes(struct.unpack("<d", b"\x01\x00\x00\x00\x00\x00\xf8\xff")[0]) == b"\x00" * 6 + b"\xf8\x7f"
    assert float64_bytes(-0.0) == b"\x00" * 7 + b"\x80"
    flt_max = struct.unpack("<f", b"\xff\xff\x7f\x7f")[0]
    assert narrow_float32(flt_max + 2.0**102) == flt_max  # below the midpoint
    assert narrow_float32(-(flt_max + 2.0**103)) == -flt_max  # the midpoint: FLT_MAX, as in the contract
    assert math.isinf(narrow_float32(flt_max + 2.0**103 + 2.0**75))  # above it: infinity
    assert narrow_float32(0.1) == struct.unpack("<f", struct.pack("<f", 0.1))[0]
    with pytest.raises(EncodingError):
        utf8("a\udc00")


def test_timestamp() -> None:
    moment = datetime(2024, 2, 29, 12, 30, 15, 123456, tzinfo=timezone.utc)
    ts = Timestamp.from_datetime(moment)
    assert ts == Timestamp(1709209815, 123456000)
    assert ts.to_datetime() == moment
    assert ts.to_rfc3339() == "2024-02-29T12:30:15.123456Z"
    assert Timestamp(0, 5).to_rfc3339() == "1970-01-01T00:00:00.000000005Z"
    assert Timestamp(-1, 0).to_rfc3339() == "1969-12-31T23:59:59Z"
    assert Timestamp(0, 120_000_000).to_rfc3339() == "1970-01-01T00:00:00.120Z"
    assert Timestamp(Timestamp.MIN_SECONDS).to_rfc3339() == "0001-01-01T00:00:00Z"
    assert Timestamp(Timestamp.MAX_SECONDS, 999_999_999).to_rfc3339() == "9999-12-31T23:59:59.999999999Z"
    assert Timestamp.from_epoch_millis(-1) == Timestamp(-1, 999_000_000)
    assert Timestamp.from_epoch_millis(1500).to_epoch_millis() == 1500
    east = timezone(timedelta(hours=2))
    assert Timestamp.from_datetime(datetime(1970, 1, 1, 2, tzinfo=east)) == Timestamp(0)
    assert Timestamp.now().is_valid
    assert not Timestamp(0, 10**9).is_valid and not Timestamp(Timestamp.MAX_SECONDS + 1).is_valid
    with pytest.raises(ValueError):
        Timestamp.from_datetime(datetime(2024, 1, 1))
    with pytest.raises(ValueError):
        Timestamp(Timestamp.MIN_SECONDS - 1).to_rfc3339()


class Sample(Message):
    """A message with one field of every check, built by hand."""

    _SPECS: ClassVar[tuple[FieldSpec, ...]] = (
        FieldSpec(name="name", number=1, kind="string", attr="name", required=True,
                  min_length=2, max_length=3, pattern="[a-z😀]+"),
        FieldSpec(name="ratio", number=2, kind="double", attr="ratio", presence=True, minimum=0, maximum=1),
        FieldSpec(name="tags", number=3, kind="string", attr="tags", label="list", max_items=2, max_length=1),
        FieldSpec(name="labels", number=4, kind="int32", attr="labels", label="map", minimum=0),
        FieldSpec(name="count", number=5, kind="uint32", attr="count", presence=True),
    )

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)

    def __getattr__(self, name: str) -> Any:
        return None


def issues(**values: Any) -> list[tuple[str, str]]:
    return [(i.path, i.constraint) for i in validate_message(Sample(**values))]


def test_validation() -> None:
    assert issues(name="ab") == []
    assert issues(name="😀😀") == []  # lengths count code points, not UTF-16 units
    assert issues(name="😀") == [("name", "min_length")]
    assert issues(name="abcd") == [("name", "max_length")]
    assert issues(name="aB") == [("name", "pattern")]  # the whole value must match
    assert issues() == [("name", "required")]
    assert issues(name="a\ud800") == [("name", "surrogate")]
    assert issues(name="ab", ratio=math.nan) == [("ratio", "minimum"), ("ratio", "maximum")]
    assert issues(name="ab", ratio=-0.0) == []
    assert issues(name="ab", tags=["a", "bb", "c"]) == [("tags", "max_items"), ("tags[1]", "max_length")]
    assert issues(name="ab", labels={"x": -1, 'q"': 2}) == [('labels["x"]', "minimum")]
    assert issues(name="ab", count=-1) == [("count", "range")]
    assert issues(name="ab", count=True) == [("count", "type")]
    assert issues(name=b"ab") == [("name", "type")]
    assert issues(name="ab", ratio=10**400) == [("ratio", "range")]


def test_encoding_refuses_what_validation_reports() -> None:
    assert encode_message(Sample(name="ab", count=0)) == b"\x0a\x02ab\x28\x00"  # explicit presence
    for bad in (Sample(name="ab", count=1.5), Sample(name="ab", ratio=10**400), Sample(name="\ud800"),
                Sample(name="ab", count=2**32)):
        with pytest.raises(EncodingError):
            encode_message(bad)
