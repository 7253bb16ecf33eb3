"""Units of the exports: the decimal-range patterns of 64-bit bounds (drawn
by hypothesis against integer comparison), the timestamp and base64
patterns, and the .proto file options with their defaults."""

from __future__ import annotations

import base64
import datetime
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.exports.jsonschema import patterns
from codegen.exports.proto_options import default_options
from codegen.loading.export_settings import proto_option_problem

WIDE = st.integers(-(2**64), 2**64)


@settings(max_examples=300, deadline=None)
@given(WIDE, st.integers(0, 2**65), st.lists(st.integers(-3, 3), max_size=4), WIDE)
def test_integer_range_matches_exactly_the_canonical_integers_in_range(low: int, width: int, steps: list[int],
                                                                        anywhere: int) -> None:
    high = low + width
    pattern = re.compile(patterns.integer_range(low, high))
    for x in {low, high, anywhere, 0, -1, *(low + s for s in steps), *(high + s for s in steps)}:
        assert bool(pattern.search(str(x))) == (low <= x <= high), (low, high, x)
    for spelling in ("-0", "+1", "01", "00", "", " 1", "1\n", "1.0", "1e3"):
        assert not pattern.search(spelling)


@settings(max_examples=200, deadline=None)
@given(st.integers(-62135596800, 253402300799), st.integers(0, 999_999_999))
def test_timestamp_pattern_accepts_every_timestamp_the_sdks_write(seconds: int, nanos: int) -> None:
    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    text = f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%S")
    if nanos:
        digits = 3 if nanos % 1_000_000 == 0 else 6 if nanos % 1000 == 0 else 9
        text += "." + f"{nanos:09d}"[:digits]
    assert re.search(patterns.TIMESTAMP, text + "Z"), text


def test_timestamp_pattern_refuses_what_is_not_a_canonical_utc_instant() -> None:
    for text in ("0000-01-01T00:00:00Z", "1900-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
                 "2024-01-01T24:00:00Z", "2024-01-01T23:59:60Z", "2024-01-01T00:00:00.000Z",
                 "2024-01-01T00:00:00.100000Z", "2024-01-01T00:00:00.1Z", "2024-01-01T00:00:00+00:00",
                 "2024-01-01T00:00:00Z\n", "10000-01-01T00:00:00Z"):
        assert not re.search(patterns.TIMESTAMP, text), text
    for text in ("2000-02-29T00:00:00Z", "2024-02-29T12:00:00.120Z", "1600-02-29T00:00:00Z"):
        assert re.search(patterns.TIMESTAMP, text), text


@given(st.binary(max_size=40))
def test_base64_pattern_accepts_standard_padded_base64(data: bytes) -> None:
    assert re.search(patterns.BASE64, base64.b64encode(data).decode())


def test_base64_pattern_refuses_non_canonical_forms() -> None:
    for text in ("AB==", "AAB=", "A", "A===", "AA=", "AA", "AAAA\n", "AA-_"):
        assert not re.search(patterns.BASE64, text), text


def test_default_file_options_follow_the_namespace() -> None:
    assert default_options("broadcaster.analytics.v1") == {
        "csharp_namespace": "Broadcaster.Analytics.V1",
        "go_package": "broadcaster/analytics/v1;analyticsv1",
        "java_multiple_files": True,
        "java_package": "broadcaster.analytics.v1",
        "objc_class_prefix": "BAX",
        "swift_prefix": "Broadcaster_Analytics_V1_",
    }
    shop = default_options("shop")
    assert shop["go_package"] == "shop;shop" and shop["objc_class_prefix"] == "SXX"
    odd = default_options("int.type.v2beta1")
    assert odd["java_package"] == "int_.type.v2beta1" and odd["go_package"].endswith(";typev2beta1")
    assert default_options("gp.b")["objc_class_prefix"] == "GBX"
    for namespace in ("broadcaster.analytics.v1", "shop", "int.type.v2beta1", "my_shop.events_v1"):
        for key, value in default_options(namespace).items():
            if isinstance(value, str):
                assert proto_option_problem(key, value) is None, (namespace, key, value)


def test_file_option_rules() -> None:
    assert proto_option_problem("go_package", "example.com/a/b;b") is None
    assert proto_option_problem("go_package", "example.com/a b") is not None
    assert "keyword" in (proto_option_problem("go_package", "x/y;func") or "")
    assert "keyword" in (proto_option_problem("java_package", "com.example.new") or "")
    assert proto_option_problem("csharp_namespace", "Example..V1") is not None
    assert "GPB" in (proto_option_problem("objc_class_prefix", "GPBX") or "")
    assert proto_option_problem("swift_prefix", "") is None
    assert proto_option_problem("swift_prefix", "1x") is not None


def test_model_settings_override_the_defaults(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from codegen.exports.jsonschema import render_jsonschemas
    from codegen.exports.proto import render_proto
    from codegen.loader import load_model
    from conftest import MODEL_DIR

    shutil.copytree(MODEL_DIR, tmp_path / "model")
    (tmp_path / "model" / "exports.yaml").write_text(
        "exports:\n  proto:\n    go_package: example.com/gen/analyticsv1;analyticsv1\n    java_multiple_files: false\n"
        "  jsonschema:\n    base_uri: https://schemas.example.com/analytics/\n")
    model = load_model(tmp_path / "model")
    proto = render_proto(model)
    header = proto[: proto.index("import ")]
    assert 'option go_package = "example.com/gen/analyticsv1;analyticsv1";' in header
    assert "option java_multiple_files = false;" in header
    assert 'option java_package = "broadcaster.analytics.v1";' in header  # still the default
    ids = {f.path: f.content for f in render_jsonschemas(model)}
    assert '"$id": "https://schemas.example.com/analytics/events/search.schema.json"' in ids["events/search.schema.json"]
