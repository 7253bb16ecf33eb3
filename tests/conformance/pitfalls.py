"""Explicit cases: the known pitfalls of the wire contract, each written down
once, for the kitchen-sink and hostile models. Expectations of valid cases
come from the official library (make_cases.py); rejected cases list the
issues the model's rules demand ("constraint@path")."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from caseio import MapValue as M
from codegen.testplan import TimestampValue as T

FLT_MAX = 3.4028234663852886e38
FLT_MAX_HALF_ULP_ABOVE = 3.4028235677973366e38  # the exact midpoint between FLT_MAX and 2^128
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
UINT32_MAX, UINT64_MAX = 2**32 - 1, 2**64 - 1
ESCAPES = '"\\/\b\f\n\r\t\x00\x01\x1f\x7f\x80\x9f\u2028\u2029\ufeff\ufffe\uffff'
NON_BMP = "😀𝄞\U0010ffff\U00010000"


@dataclass(frozen=True)
class Explicit:
    name: str
    event: str
    values: dict[str, Any]
    note: str = ""
    error: tuple[str, ...] = ()  # rejected: the issues validation must report
    refused: bool = False  # rejected: encoding must refuse as well
    tags: tuple[str, ...] = field(default=())


def ok(name: str, event: str, note: str = "", /, **values: Any) -> Explicit:
    return Explicit(name, event, values, note)


def bad(name: str, event: str, error: str | tuple[str, ...], note: str = "", /, **values: Any) -> Explicit:
    issues = (error,) if isinstance(error, str) else error
    return Explicit(name, event, values, note, tuple(sorted(issues)))


def surrogate(name: str, event: str, path: str, note: str, /, **values: Any) -> Explicit:
    return Explicit(name, event, values, note, (f"surrogate@{path}",), refused=True)


ZERO_REQUIRED = dict(text="", flag=False, i32=0, i64=0, u32=0, u64=0, f32=0.0, f64=0.0, at=T(0, 0), raw=b"",
                     color="red")


def _required(**changes: Any) -> dict[str, Any]:
    return {**ZERO_REQUIRED, **changes}


KITCHEN_SINK: list[Explicit] = [
    # --- implicit presence: zero values of required scalars are not written ---
    ok("required_all_zero", "required_scalars", "zeros are omitted; the timestamp message is still written",
       **ZERO_REQUIRED),
    ok("required_negative_zero", "required_scalars", "-0.0 is not zero bitwise: written, JSON 0",
       **_required(f32=-0.0, f64=-0.0)),
    ok("required_nan", "required_scalars", "NaN is written as the canonical quiet NaN",
       **_required(f32=math.nan, f64=math.nan)),
    ok("required_infinities", "required_scalars", **_required(f32=math.inf, f64=-math.inf)),
    ok("required_negative_infinities", "required_scalars", **_required(f32=-math.inf, f64=math.inf)),
    ok("required_int_minimums", "required_scalars", "negative int32 and int64 take 10-byte varints",
       **_required(i32=INT32[0], i64=INT64[0], u32=0, u64=0)),
    ok("required_int_maximums", "required_scalars",
       **_required(i32=INT32[1], i64=INT64[1], u32=UINT32_MAX, u64=UINT64_MAX)),
    ok("required_minus_one", "required_scalars", "-1 as int32 is ten bytes, not five",
       **_required(i32=-1, i64=-1)),
    ok("required_varint_boundaries", "required_scalars", "127/128 and 2^53+1 (not a double)",
       **_required(i32=127, i64=2**53 + 1, u32=128, u64=2**63)),
    ok("required_int64_as_double_trap", "required_scalars", "9007199254740993 rounds to ...992 as a double",
       **_required(i64=-(2**53) - 1, u64=2**64 - 2**11 + 1)),
    ok("required_subnormal_double", "required_scalars", "the smallest and the largest subnormal double",
       **_required(f64=5e-324, f32=float.fromhex("0x1p-149"))),
    ok("required_largest_subnormal", "required_scalars",
       **_required(f64=float.fromhex("0x0.fffffffffffffp-1022"), f32=float.fromhex("0x1.fffffcp-127"))),
    ok("required_float_rounds_when_narrowed", "required_scalars", "0.1 narrows to 0.100000001490116...",
       **_required(f32=0.1, f64=0.1)),
    ok("required_float_2_24_plus_1", "required_scalars", "16777217 narrows to 16777216 (ties to even)",
       **_required(f32=16777217.0, f64=16777217.0)),
    ok("required_float_underflow_to_zero", "required_scalars",
       "1e-50 narrows to +0.0: an implicit-presence zero, so not written",
       **_required(f32=1e-50, f64=1e-50)),
    ok("required_float_underflow_to_negative_zero", "required_scalars",
       "-1e-50 narrows to -0.0: written", **_required(f32=-1e-50, f64=-1e-50)),
    ok("required_float_max", "required_scalars", "FLT_MAX: JSON 3.4028235e+38",
       **_required(f32=FLT_MAX, f64=1.7976931348623157e308)),
    ok("required_float_overflow_to_infinity", "required_scalars", "1e39 narrows to Infinity",
       **_required(f32=1e39, f64=1e39)),
    ok("required_float_midpoint_above_max", "required_scalars",
       "the exact midpoint between FLT_MAX and 2^128: IEEE round-half-even gives Infinity, "
       "the reference library gives FLT_MAX", **_required(f32=FLT_MAX_HALF_ULP_ABOVE)),
    ok("required_float_just_above_max", "required_scalars", "rounds down to FLT_MAX under IEEE and the library",
       **_required(f32=3.4028235e38)),
    ok("required_float_round_half_even", "required_scalars", "1 + 2^-24 is a tie and narrows to 1.0",
       **_required(f32=1 + 2**-24, f64=1 + 2**-52)),
    ok("required_double_es_format", "required_scalars", "ECMAScript switches to exponents at 1e21 and 1e-7",
       **_required(f32=1e-7, f64=1e21)),
    ok("required_double_below_1e21", "required_scalars", **_required(f32=123456.7890625, f64=999999999999999900000.0)),
    ok("required_double_small_fixed", "required_scalars", **_required(f32=-0.000001, f64=0.000001)),
    ok("required_timestamp_minimum", "required_scalars", "0001-01-01T00:00:00Z",
       **_required(at=T(-62135596800, 0))),
    ok("required_timestamp_maximum", "required_scalars", "9999-12-31T23:59:59.999999999Z",
       **_required(at=T(253402300799, 999999999))),
    ok("required_timestamp_fractions_3", "required_scalars", "3 fractional digits", **_required(at=T(1, 120000000))),
    ok("required_timestamp_fractions_6", "required_scalars", "6 fractional digits", **_required(at=T(-1, 999000))),
    ok("required_timestamp_fractions_9", "required_scalars", "9 fractional digits", **_required(at=T(1700000000, 1))),
    ok("required_bytes_all_values", "required_scalars", "base64 padding, + and /",
       **_required(raw=bytes(range(256)))),
    ok("required_bytes_padding_1", "required_scalars", **_required(raw=b"\xfb\xff")),
    ok("required_bytes_padding_2", "required_scalars", **_required(raw=b"\xfc")),
    ok("required_enum_largest", "required_scalars", "enum numbers of 1 to 5 varint bytes",
       **_required(color="infrared")),
    ok("required_enum_two_bytes", "required_scalars", **_required(color="cyan")),
    ok("required_enum_three_bytes", "required_scalars", **_required(color="yellow")),
    ok("required_escapes", "required_scalars", "every JSON escaping class",
       **_required(text=ESCAPES + NON_BMP + "é中")),
    # --- explicit presence: set optional values are written even when zero ---
    ok("optional_all_zero", "optional_scalars", "every optional set to its zero value is written", **ZERO_REQUIRED),
    ok("optional_none_set", "optional_scalars", "nothing set: empty message, JSON {}"),
    ok("optional_negative_zero", "optional_scalars", f32=-0.0, f64=-0.0),
    ok("optional_nan", "optional_scalars", f32=math.nan, f64=math.nan),
    ok("optional_extremes", "optional_scalars", i32=INT32[0], i64=INT64[0], u32=UINT32_MAX, u64=UINT64_MAX,
       color="infrared"),
    ok("optional_empty_string_only", "optional_scalars", text=""),
    ok("optional_empty_bytes_only", "optional_scalars", raw=b""),
    ok("optional_epoch_only", "optional_scalars", at=T(0, 0)),
    # --- lists ---
    ok("lists_empty", "repeated_scalars", "empty lists: nothing on the wire, [] in JSON",
       texts=(), flags=(), i32s=(), i64s=(), u32s=(), u64s=(), f32s=(), f64s=(), ats=(), raws=(), colors=(),
       points=(), blanks=()),
    ok("lists_of_zeros", "repeated_scalars", "zeros and empty elements are kept, numbers packed",
       texts=("", ""), flags=(False,), i32s=(0,), i64s=(0,), u32s=(0,), u64s=(0,), f32s=(0.0, -0.0),
       f64s=(-0.0, 0.0), ats=(T(0, 0),), raws=(b"",), colors=("red",), points=({"x": 0, "y": 0},),
       blanks=({}, {})),
    ok("lists_of_extremes", "repeated_scalars", "packed 10-byte varints",
       i32s=(INT32[0], -1, INT32[1]), i64s=(INT64[0], INT64[1]), u32s=(UINT32_MAX,), u64s=(UINT64_MAX,),
       f32s=(math.nan, math.inf, -math.inf, FLT_MAX, 1e-45), f64s=(math.nan, 5e-324, -math.inf),
       colors=("infrared", "red", "cyan")),
    ok("lists_of_strings", "repeated_scalars", "empty strings in a list are written",
       texts=("", ESCAPES, "", NON_BMP, "\u2028")),
    ok("lists_of_objects", "repeated_scalars",
       points=({"x": -1, "y": INT32[1], "label": ""}, {"x": 0, "y": 0}, {"x": 1, "y": -1, "label": "é"})),
    # --- maps ---
    ok("maps_empty", "mapped_scalars", texts=M(), flags=M(), i32s=M(), i64s=M(), u32s=M(), u64s=M(), f32s=M(),
       f64s=M(), ats=M(), raws=M(), colors=M(), points=M(), blanks=M()),
    ok("maps_zero_entries", "mapped_scalars", "key and value are written even when empty or zero",
       texts=M([("", "")]), flags=M([("", False)]), i32s=M([("", 0)]), i64s=M([("", 0)]), u32s=M([("", 0)]),
       u64s=M([("", 0)]), f32s=M([("", 0.0)]), f64s=M([("", -0.0)]), ats=M([("", T(0, 0))]), raws=M([("", b"")]),
       colors=M([("", "red")]), points=M([("", {"x": 0, "y": 0})]), blanks=M([("", {})])),
    ok("maps_sorted_utf16_vs_code_points", "mapped_scalars",
       "Protobuf sorts keys by code point (U+FFFF first), JSON by UTF-16 (U+10000 first)",
       texts=M([("\U00010000", "a"), ("\uffff", "b"), ("\ue000", "c"), ("\U0010ffff", "d"), ("z", "e")])),
    ok("maps_sorted_canonical_equivalence", "mapped_scalars",
       "code point order, not the order of the NFC forms (Swift's String comparison)",
       texts=M([("f", "1"), ("e\u0301", "2"), ("\u212b", "3"), ("\u00c6", "4")])),
    ok("maps_canonically_equivalent_keys", "mapped_scalars", "two different keys that Swift compares as equal",
       texts=M([("\u00e9", "precomposed"), ("e\u0301", "decomposed")])),
    ok("maps_sorted_mixed", "mapped_scalars", "given out of order",
       i32s=M([("b", 2), ("a", 1), ("", 0), ("B", -2), ("é", 3), ("a\x00", 4), ("aa", 5)]),
       colors=M([("z", "red"), ("a", "infrared")])),
    ok("maps_of_objects", "mapped_scalars",
       points=M([("second", {"x": 2, "y": 2}), ("first", {"x": 1, "y": 1, "label": "l"})]),
       blanks=M([("k", {})])),
    ok("maps_escaped_keys", "mapped_scalars", "keys with every JSON escaping class",
       texts=M([(ESCAPES, "v"), ("\u2028", ""), ('"', "\\"), ("\\", '"')])),
    ok("maps_special_values", "mapped_scalars",
       f32s=M([("nan", math.nan), ("inf", math.inf), ("round", 0.1)]), f64s=M([("ninf", -math.inf)]),
       i64s=M([("min", INT64[0])]), u64s=M([("max", UINT64_MAX)]), raws=M([("all", bytes(range(8)))])),
    # --- objects ---
    ok("nested_minimal", "nested_objects", "a required object with only its required parts",
       shape={"origin": {"x": 0, "y": 0}, "level": "low"}),
    ok("nested_empty_objects", "nested_objects", "set empty objects are written as zero-length messages",
       shape={"origin": {"x": 0, "y": 0}, "level": "low", "extra": {}}, blank={},
       frame={"title": ""}),
    ok("nested_full", "nested_objects", "three levels, every container",
       shape={"origin": {"x": -5, "y": 5, "label": "o"}, "level": "high", "color": "magenta",
              "corners": ({"x": 1, "y": 2}, {"x": 3, "y": 4}),
              "anchors": M([("b", {"x": 0, "y": 0}), ("a", {"x": -1, "y": -1})]), "extra": {}},
       frame={"title": "t", "at": T(0, 0), "shape": {"origin": {"x": 9, "y": 9}, "level": "medium"}},
       frames=({"title": ""}, {"title": "x", "shape": {"origin": {"x": 1, "y": 1}, "level": "low",
                                                        "corners": ()}})),
    ok("nested_deprecated_enum_value", "nested_objects", "a deprecated enum value still encodes",
       shape={"origin": {"x": 1, "y": 1}, "level": "medium"}),
    # --- events without parameters ---
    ok("empty_event", "empty_event", "no properties: zero bytes, JSON {}"),
    ok("constants_only", "constants", "const values are filled in by the SDK"),
    ok("constants_with_note", "constants", note=""),
    # --- field numbers and key order ---
    ok("field_numbers_all", "field_numbers", "tags of 1 to 5 bytes; JSON keys sorted, not in field order",
       zz=1, z_a=2, za=3, a_b=4, ab=5, a1=6, a=7, b_1=-8),
    ok("field_numbers_largest_only", "field_numbers", b_1=INT32[0]),
    # --- constraints: values on their bounds are valid ---
    ok("constrained_bounds_low", "constrained", count=-5, ratio=0.0, scale=-1.5, big=-9007199254740993, huge=0,
       code="AB12", nick="ab", emoji="ab", tags=("",), scores=(0,), attrs=M([("k", "v")]),
       weights=M([("z", 0.0)]), accented="é", u32_capped=10),
    ok("constrained_bounds_high", "constrained", count=5, ratio=1.0, scale=2.5, big=9007199254740993,
       huge=UINT64_MAX - 1, code="ZZ9999", nick="😀😀😀😀", emoji="😀ab😀", tags=("abcde", "", "z"),
       scores=(100, 0, 100, 50), attrs=M([("b", "x"), ("a", "y")]), weights=M([("big", 1e308)]),
       accented="ééé", u32_capped=UINT32_MAX - 1),
    ok("constrained_negative_zero_at_minimum", "constrained", "-0.0 >= 0", count=0, ratio=-0.0,
       weights=M([("n", -0.0)])),
    ok("constrained_code_points_not_units", "constrained", "4 code points (8 UTF-16 units) fit max_length 4",
       count=1, nick="𝄞𝄞𝄞𝄞"),
    ok("constrained_combining_marks", "constrained", "e + U+0301 is 2 code points (one grapheme)",
       count=1, nick="e\u0301e\u0301"),
    ok("constrained_crlf", "constrained", "CR LF is two code points (one Swift Character)", count=1,
       nick="\r\n\r\n"),
    # --- constraints: rejected values ---
    bad("reject_count_above_max", "constrained", "maximum@count", count=6),
    bad("reject_count_below_min", "constrained", "minimum@count", count=-6),
    bad("reject_ratio_just_above_max", "constrained", "maximum@ratio", count=0, ratio=1.0000000000000002),
    bad("reject_ratio_negative", "constrained", "minimum@ratio", count=0, ratio=-5e-324),
    bad("reject_scale_above_max", "constrained", "maximum@scale", count=0, scale=2.75),
    bad("reject_big_above_max", "constrained", "maximum@big", "2^53+2: a double compares equal to the bound",
        count=0, big=9007199254740994),
    bad("reject_big_below_min", "constrained", "minimum@big", count=0, big=-9007199254740994),
    bad("reject_huge_above_max", "constrained", "maximum@huge", count=0, huge=UINT64_MAX),
    bad("reject_u32_above_max", "constrained", "maximum@u32_capped", count=0, u32_capped=UINT32_MAX),
    bad("reject_u32_below_min", "constrained", "minimum@u32_capped", count=0, u32_capped=9),
    bad("reject_code_pattern", "constrained", "pattern@code", "patterns are case-sensitive", count=0, code="ab12"),
    bad("reject_code_pattern_partial", "constrained", "pattern@code", "a pattern matches the whole value",
        count=0, code="AB12345"),
    bad("reject_code_pattern_newline", "constrained", "pattern@code", "no $-before-newline leniency",
        count=0, code="AB12\n"),
    bad("reject_nick_too_short", "constrained", "min_length@nick", "one code point, two UTF-16 units",
        count=0, nick="😀"),
    bad("reject_nick_too_long", "constrained", "max_length@nick", count=0, nick="abcde"),
    bad("reject_nick_too_long_graphemes", "constrained", "max_length@nick",
        "6 code points but 3 graphemes", count=0, nick="e\u0301e\u0301e\u0301"),
    bad("reject_nick_crlf_too_long", "constrained", "max_length@nick", "5 code points, 3 Swift Characters",
        count=0, nick="\r\n\r\n\r"),
    bad("reject_emoji_pattern", "constrained", "pattern@emoji", count=0, emoji="😀a"),
    bad("reject_emoji_pattern_half", "constrained", "pattern@emoji", "another non-BMP character", count=0,
        emoji="😁"),
    bad("reject_tags_empty", "constrained", "min_items@tags", count=0, tags=()),
    bad("reject_tags_too_many", "constrained", "max_items@tags", count=0, tags=("a", "b", "c", "d")),
    bad("reject_tag_too_long", "constrained", "max_length@tags[1]", count=0, tags=("a", "abcdef")),
    bad("reject_tag_pattern", "constrained", "pattern@tags[0]", count=0, tags=("A",)),
    bad("reject_score_above_max", "constrained", "maximum@scores[2]", count=0, scores=(0, 100, 101)),
    bad("reject_score_below_min", "constrained", "minimum@scores[0]", count=0, scores=(-1,)),
    bad("reject_scores_too_many", "constrained", "max_items@scores", count=0, scores=(1, 2, 3, 4, 5)),
    bad("reject_attrs_empty", "constrained", "min_items@attrs", count=0, attrs=M()),
    bad("reject_attrs_too_many", "constrained", "max_items@attrs", count=0,
        attrs=M([("a", "1"), ("b", "2"), ("c", "3")])),
    bad("reject_attr_empty_value", "constrained", 'min_length@attrs["a\\"b"]', "map paths quote the key as JSON",
        count=0, attrs=M([("a\"b", "")])),
    bad("reject_weight_nan", "constrained", 'minimum@weights["x"]', "NaN fails a bound", count=0,
        weights=M([("x", math.nan)])),
    bad("reject_weight_negative", "constrained", 'minimum@weights["é😀"]', "non-ASCII keys stay raw in paths",
        count=0, weights=M([("é😀", -1.0)])),
    bad("reject_weight_negative_infinity", "constrained", 'minimum@weights["\\n"]', count=0,
        weights=M([("\n", -math.inf)])),
    bad("reject_accented_upper", "constrained", "pattern@accented", count=0, accented="É"),
    bad("reject_accented_decomposed", "constrained", "pattern@accented", "e + U+0301 is not é", count=0,
        accented="e\u0301"),
    bad("reject_two_issues", "constrained", ("maximum@count", "pattern@code"), count=9, code="x"),
    # --- unpaired surrogates: rejected by validation and refused by encoding ---
    surrogate("surrogate_high", "strings", "text", "a lone high surrogate", text="\ud800"),
    surrogate("surrogate_low", "strings", "text", "a lone low surrogate", text="a\udc00b"),
    surrogate("surrogate_reversed_pair", "strings", "text", "low then high is not a pair", text="\udc00\ud800"),
    surrogate("surrogate_at_end", "strings", "text", "a pair cut in half", text="😀\ud83d"),
    surrogate("surrogate_optional", "strings", "note", "", text="ok", note="\udfff"),
    surrogate("surrogate_in_list", "strings", "texts[1]", "", text="ok", texts=("fine", "\udbff", "")),
    surrogate("surrogate_in_map_value", "strings", 'labels["k"]', "", text="ok", labels=M([("k", "\ud83d")])),
    surrogate("surrogate_in_map_key", "strings", "labels", "the key has no UTF-8 form: the map's path",
              text="ok", labels=M([("\ud83d", "v")])),
    surrogate("surrogate_in_object", "strings", "point.label", "", text="ok",
              point={"x": 1, "y": 2, "label": "\udc00"}),
    # --- text in every position ---
    ok("strings_escapes_everywhere", "strings", text=ESCAPES, note=NON_BMP, texts=(ESCAPES, "", NON_BMP),
       labels=M([(ESCAPES, NON_BMP), ("", "")]), point={"x": 0, "y": 0, "label": ESCAPES}),
    ok("strings_empty", "strings", "the required empty string is not written, the optional one is",
       text="", note="", texts=("",), labels=M([("", "")]), point={"x": 0, "y": 0, "label": ""}),
    ok("strings_bidi_and_bom", "strings", text="\u202eabc\u202c\ufeff", note="\u00a0\u2007\u3000"),
    ok("strings_long", "strings", "long enough for a two-byte length", text="é" * 100 + "😀" * 50),
    ok("strings_nul", "strings", text="\x00", note="a\x00b"),
    ok("strings_script_tags", "strings", text="</script><!-- -->", note="${x} #{x} \\u{41} \\(x) %s %n"),
    # --- deprecated parts still encode ---
    ok("deprecated_event_full", "deprecated_event", current="c", old=-1, level="medium"),
    ok("deprecated_event_empty", "deprecated_event"),
]

HOSTILE_TEXT = '*/ /* """ \'\'\' \\ ${x} #{x} \\u{41} \\(x) $ % %s 日本語 😀 \n */ throw new Error("x") /*'

HOSTILE: list[Explicit] = [
    ok("keywords_all", "class", "every property named after a keyword",
       **{"class": "c", "default": -1, "in": True, "is": "smart tv", "self": "s", "type": "t",
          "protocol": ("p", ""), "object": {"message": "m", "stack": ("a",)}, "fun": -0.0, "val": INT64[0],
          "when": T(-1, 999999999), "import": b"\x00", "package": M([("k", "v")]), "let": UINT32_MAX,
          "func": UINT64_MAX, "return": 0.1, "typeof": "typeof", "delete": "", "new": "n", "enum": "in",
          "interface": "i", "none": "none", "true": False, "async": "a", "await": "w", "var": "v",
          "const": "c", "def": "d", "lambda": "l", "from": "f", "null": "null", "nil": "nil", "super": "s",
          "this": "t", "init": "i", "operator": "o", "where": "w", "guard": "g", "throws": "t", "inout": "i",
          "some": "s", "any": "a", "undefined": "u", "arguments": "a", "instanceof": "i", "boolean": "no"}),
    ok("keywords_minimal", "class", **{"class": ""}),
    ok("runtime_names_all", "self", "every property named after something a runtime uses",
       **{"track": "t", "flush": "f", "context": "c", "builder": "b", "tracker": "t", "transport": "t",
          "validate": "v", "to_json": "j", "to_protobuf": "p", "event_name": "n", "event_number": -1,
          "specs": "s", "copy": "c", "hash_code": 7, "equals": True, "to_string": "s", "description": "d",
          "hash_value": -7, "constructor": "c", "prototype": "p", "component1": "c", "values": M([("a", "b")]),
          "name": "n", "raw_value": "r", "hash": "h", "encode": "e", "issues": ("i",),
          "errors": ({"message": "m"},), "policy": "p", "on_error": "o", "value": "v", "string": "s",
          "timestamp": T(1, 1000000), "json": "{}", "protobuf": b"\x08\x01", "writer": "w", "kotlin": "k",
          "swift": "s", "foundation": "f", "java": "j", "math": "m"}),
    ok("runtime_names_minimal", "self", track=""),
    ok("case_conversion_twins", "type", "user_id and user_i_d are different properties",
       user_id="a", user_i_d="b", url="c", u_r_l="d", html_parser=1, h_t_m_l_parser=2, a1b=3),
    ok("case_conversion_one_twin", "type", user_id="", user_i_d="only the second"),
    ok("enum_values_all", "protocol", "every hostile enum value, in a list and a map",
       kind="smart tv",
       kinds=("smart tv", "set-top-box", "4k", "none", "self", "default", "raw_value", "rawValue", "values",
              "entries", "name", "ordinal", "ünïcødé", "日本 tv", "true", "null", "json_name", "number",
              "model_name", "unspecified value"),
       kind_map=M([("4k", "4k"), ("none", "none"), ("rawValue", "rawValue"), ("raw_value", "raw_value")])),
    ok("enum_value_with_note", "protocol", "a deprecated event with a deprecated property",
       kind="set-top-box", note=HOSTILE_TEXT),
    ok("consts_survive", "object", "string consts with comment and string breakers", id=HOSTILE_TEXT),
    ok("consts_empty_id", "object", id=""),
    ok("pattern_breakers", "object", "a pattern holding comment, string and template breakers",
       id="", breaker='*/"\'`#{}\\é/*$'),
    bad("reject_pattern_breakers", "object", "pattern@breaker", id="", breaker="*"),
    bad("reject_pattern_breakers_decomposed", "object", "pattern@breaker", id="", breaker="e\u0301"),
    ok("standard_type_names", "default", "objects named Error, List, Map, UInt8, ByteArray, ...",
       error={"message": "e", "cause": "c", "stack": ("s1", "")}, list={"items": ({"message": "x"},), "size": 1},
       map={"entries": M([("k", "v")]), "keys": ("k",)}, bytes={"value": b"\xff"},
       byte_array={"data": b"\x01\x02"}, uint8_array={"buffer": b""}, big_int={"value": INT64[1]},
       optional={"some": "s", "none": True}, result={"success": False, "failure": {"message": ""}},
       int="is", results=M([("ok", {"success": True})])),
    ok("standard_type_names_empty", "default", "every object set but empty where allowed",
       error={"message": ""}, list={}, map={}, bytes={}, byte_array={"data": b""}, uint8_array={},
       big_int={"value": 0}, optional={}, result={"success": False}),
    ok("event_named_string", "string", string="string", strings=("String", "")),
    ok("event_named_tracker", "tracker", transport="transport"),
    ok("event_named_tracker_empty", "tracker"),
    ok("event_named_int64", "int64", int64=INT64[0], uint64=UINT64_MAX),
    ok("event_without_properties", "empty"),
    surrogate("surrogate_in_keyword_property", "class", "self", "", **{"class": "c", "self": "\ud800"}),
]
