"""The conformance cases themselves: current (regenerated and compared),
numerous, covering every pitfall, with expectations whose JSON
canonicalizer passes the shared vectors; plus the project's own reference
encoder (which every target's goldens come from) against them."""

from __future__ import annotations

import collections
import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import caseio
import jcs_ref
import pitfalls
from harness import Unit
from suite import Background, background, check_case_files, units, work_root  # noqa: F401  (fixtures)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_case_files_are_current(background: Background) -> None:  # noqa: F811
    """make_cases.py is deterministic: regenerating gives the committed files
    (run in the background while the languages build)."""
    proc = background.result("make_cases", check_case_files)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_models_are_valid() -> None:
    for key in ("kitchen_sink", "hostile"):
        proc = subprocess.run([sys.executable, "-m", "codegen", "--model", str(caseio.MODEL_DIRS[key]), "validate"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_enough_cases_from_every_source(units: list[Unit]) -> None:  # noqa: F811
    by_source = {u.key: collections.Counter(c.source for c in u.cases) for u in units}
    assert by_source["bundled"]["hypothesis"] >= 1000, by_source
    assert by_source["kitchen_sink"]["explicit"] == len(pitfalls.KITCHEN_SINK), by_source
    assert by_source["hostile"]["explicit"] == len(pitfalls.HOSTILE), by_source
    for unit in units:
        ids = [c.id for c in unit.cases]
        assert len(ids) == len(set(ids)), f"duplicate case names in {unit.key}"
        missing = {e.name for e in unit.model.events} - {c.event for c in unit.cases}
        assert not missing, f"events of {unit.key} without a case: {sorted(missing)}"


# Each pitfall of the issue, and the explicit cases that cover it.
PITFALLS = {
    "negative int32 (10-byte varint)": ["required_minus_one", "required_int_minimums", "lists_of_extremes"],
    "int32/int64/uint64 extremes": ["required_int_minimums", "required_int_maximums", "optional_extremes"],
    "-0.0": ["required_negative_zero", "optional_negative_zero", "constrained_negative_zero_at_minimum"],
    "NaN": ["required_nan", "optional_nan", "reject_weight_nan"],
    "infinities": ["required_infinities", "required_float_overflow_to_infinity"],
    "floats that round when narrowed": ["required_float_rounds_when_narrowed", "required_float_2_24_plus_1",
                                        "required_float_underflow_to_zero", "required_float_midpoint_above_max"],
    "subnormal doubles": ["required_subnormal_double", "required_largest_subnormal"],
    "empty strings": ["strings_empty", "optional_empty_string_only", "required_all_zero"],
    "unpaired surrogates (rejected)": ["surrogate_high", "surrogate_low", "surrogate_in_list",
                                       "surrogate_in_map_key", "surrogate_in_object"],
    "every JSON escaping class": ["required_escapes", "strings_escapes_everywhere", "maps_escaped_keys"],
    "empty lists": ["lists_empty"],
    "lists with empty strings": ["lists_of_strings", "lists_of_zeros"],
    "maps in sorted order (UTF-16 vs code points)": ["maps_sorted_utf16_vs_code_points", "maps_sorted_mixed"],
    "nested objects": ["nested_full", "nested_empty_objects"],
    "optional fields set to zero": ["optional_all_zero"],
    "events with no properties": ["empty_event"],
    "every constraint": ["reject_count_above_max", "reject_count_below_min", "reject_nick_too_short",
                         "reject_nick_too_long", "reject_code_pattern", "reject_tags_empty",
                         "reject_tags_too_many"],
}


def test_every_pitfall_has_its_cases(units: list[Unit]) -> None:  # noqa: F811
    names = {c.name for u in units if u.key == "kitchen_sink" for c in u.cases}
    missing = {pitfall: [n for n in cases if n not in names] for pitfall, cases in PITFALLS.items()}
    assert not any(missing.values()), missing
    kinds = {issue.split("@")[0] for u in units for c in u.cases for issue in c.error}
    assert kinds >= {"minimum", "maximum", "min_length", "max_length", "pattern", "min_items", "max_items",
                     "surrogate"}, kinds


def test_tagged_json_round_trips() -> None:
    value = {"s": "a\ud800b", "b": b"\x00\xff", "f": [float("nan"), -0.0, float("inf"), 0.1],
             "m": caseio.MapValue([("z", 1), ("a", 2)]), "t": caseio.TimestampValue(-1, 5)}
    back = caseio.decode_value(json.loads(json.dumps(caseio.encode_value(value))))
    assert back["s"] == value["s"] and back["b"] == value["b"] and back["t"] == value["t"]
    assert list(back["m"]) == ["z", "a"] and isinstance(back["m"], caseio.MapValue)
    bits = [struct.pack("<d", x) for x in back["f"]]
    assert bits == [struct.pack("<d", x) for x in value["f"]]


def test_reference_json_canonicalizer_passes_the_shared_vectors(shared_vectors: Path) -> None:
    checked = 0
    with open(shared_vectors / "es-numbers" / "numbers.csv", encoding="utf-8") as rows:
        for row in rows:
            hexbits, expected = row.strip().split(",", 1)
            if hexbits == "hexbits":
                continue
            value = struct.unpack(">d", bytes.fromhex(hexbits.rjust(16, "0")))[0]
            assert jcs_ref.es_number(value) == expected, hexbits
            checked += 1
    assert checked == 20000
    inputs = sorted((shared_vectors / "jcs" / "input").glob("*.json"))
    assert inputs
    for path in inputs:
        data = json.loads(path.read_text(encoding="utf-8"), parse_int=float)
        canonical = (shared_vectors / "jcs" / "output" / path.name).read_bytes()
        assert jcs_ref.canonical(data).encode("utf-8") == canonical, path.name


def test_project_reference_encoder_agrees_with_the_official_library(units: list[Unit]) -> None:  # noqa: F811
    """codegen.reference writes the goldens of every SDK's own tests; it must
    agree with Google's library on every case (the SDK suites would hide a
    shared mistake)."""
    from codegen.reference import ReferenceEncoder

    differ = []
    for unit in units:
        ref = ReferenceEncoder(unit.model)
        for case in unit.cases:
            try:
                encoded = ref.event(case.event, case.values)
            except (ValueError, UnicodeError) as exc:
                if not case.refused:
                    differ.append(f"{case.id}: raised {exc}")
                continue
            if case.refused:
                differ.append(f"{case.id}: encoded a value the official library refuses")
            elif not case.rejected and (encoded.json, encoded.proto_hex) != (case.json, case.proto):
                differ.append(f"{case.id} ({case.note}): expected {case.json} {case.proto}, "
                              f"got {encoded.json} {encoded.proto_hex}")
    if differ:
        pytest.fail(f"{len(differ)} cases differ:\n" + "\n".join(differ[:10]), pytrace=False)
