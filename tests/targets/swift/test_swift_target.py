"""The Swift target without a toolchain: layout, determinism, markers,
identifiers (valid, not reserved, unique in scope), escaping of model text
into comments and string literals, and the helper scripts.
test_swift_sdk.py compiles and runs what this renders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.loader import load_model
from codegen.sdk.contract import GENERATED_MARKER
from codegen.sdk.templates import TemplateSet
from codegen.targets.swift import TARGET
from codegen.targets.swift import lexical as names
from codegen.targets.swift.views import derive_names
from conftest import ROOT

HOSTILE_FILES = {
    "model.yaml": r'''
model:
  name: hostile_model
  namespace: hostile.v1
  version: 0.1.0
  description: "Text that tries to break generated code: */ /* \"\"\" \\ ${x} \\(x) #{x} \\u{41}"
  products: [main]
  platforms: [ios]
targets:
  swift:
    module: HostileKit
purposes:
  necessary: {description: Running the app., lawful_basis: legitimate_interest, retention_days: 30}
context:
  description: "Context */ with \"quotes\", \\(interpolation)\r\nand \u2028 separators \u202e bidi"
  properties:
    event_id: {number: 1, type: string, auto: event_id, privacy: none, description: id}
    consent: {number: 999, type: list<string>, auto: consent, privacy: none}
    client_timestamp: {number: 2, type: timestamp, auto: client_timestamp, privacy: none, description: ts}
    model_version: {number: 3, type: string, auto: model_version, privacy: none, description: mv}
    sdk_name: {number: 4, type: string, auto: sdk_name, privacy: none, description: sn}
    sdk_version: {number: 5, type: string, auto: sdk_version, privacy: none, description: sv}
    self: {number: 6, type: string, required: true, privacy: none, min_length: 1, description: "named self"}
    default: {number: 7, type: protocol, privacy: none, description: "enum-typed, named default"}
enums:
  protocol:
    description: "An enum named like a keyword.\rCarriage return\u2028line separator \u202e bidi \x7f"
    values:
      4k: {number: 1, description: digit first}
      über straße: {number: 2, description: non-ASCII}
      日本 3: {number: 3, description: mostly non-ASCII}
      none: {number: 4, description: "Optional's case name"}
      raw value: {number: 5, description: member name}
      default: {number: 6, description: keyword, deprecated: {reason: "gone \"quoted\" \\(x) */"}}
  optional:
    description: shadows Swift.Optional
    values:
      a: {number: 1, description: a}
objects:
  tracker:
    description: "shadows the runtime's Tracker"
    properties:
      init: {number: 1, type: string, required: true, privacy: none, pattern: '[a-z"\\]+',
             description: "pattern with a quote and a backslash"}
      path: {number: 2, type: list<string>, privacy: none, max_items: 3, max_length: 5, description: a local name}
      issues: {number: 3, type: 'map<string, tracker_child>', privacy: none, description: a local name}
      value: {number: 4, type: optional, privacy: none, description: a local name}
  tracker_child:
    description: nested
    properties:
      writer: {number: 1, type: double, privacy: none, min: -1.5, max: 1.0e+300, description: a local name}
''',
    "events/hostile.yaml": r'''
events:
  error:
    number: 10
    description: "Event named error */ /* \"\"\" ${a} #{b} \\u{0041} \\(c)\nSecond line"
    owner: "owner */ \"x\""
    purposes: [necessary]
    deprecated: {reason: "use something \"else\" \\(now) */", since: 0.1.0}
    properties:
      event_name: {number: 1, type: string, required: true, privacy: none, description: a member name}
      validate: {number: 2, type: protocol, required: true, privacy: none, description: a method name}
      type: {number: 3, type: tracker, privacy: none, description: keyword Type}
      key: {number: 4, type: 'map<string, protocol>', privacy: none, max_items: 2, description: a local name}
      index: {number: 5, type: list<int64>, privacy: none, min: -5, max: 5, description: a local name}
      object: {number: 6, type: float, privacy: none, min: 0.1, max: 0.7, description: a local name}
      notices: {number: 7, type: bytes, privacy: none, description: a local name}
      copy: {number: 8, type: uint64, const: 18446744073709551615, privacy: none, description: a const}
      old: {number: 9, type: bool, privacy: none, deprecated: {reason: old}, description: deprecated}
      values: {number: 11, type: timestamp, privacy: none, description: a local name}
      protocol_const: {number: 12, type: protocol, const: "über straße", privacy: none, description: const enum}
  data:
    number: 11
    description: shadows Foundation.Data
    owner: me
    purposes: [necessary]
    properties:
      string: {number: 1, type: string, privacy: none, description: shadows String}
''',
}


def write_hostile_model(folder: Path) -> Path:
    for rel, text in HOSTILE_FILES.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip(), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_model(tmp_path_factory):
    return load_model(write_hostile_model(tmp_path_factory.mktemp("hostile")))


def render(model) -> dict[str, str]:
    return {f.path: f.content for f in TARGET.render(model, TemplateSet.of(TARGET))}


def test_layout_markers_and_determinism(bundled_model):
    first, second = render(bundled_model), render(bundled_model)
    assert first == second
    assert list(first) == sorted(first)
    module = bundled_model.package_settings("swift")["module"]
    expected = {"Package.swift", f"Sources/{module}/TrackingContext.swift", f"Sources/{module}/SdkInfo.swift",
                f"Sources/{module}/Runtime/Tracker.swift", f"Tests/{module}Tests/TrackerTests.swift",
                f"Tests/{module}Tests/VectorTests.swift"}
    assert expected <= set(first)
    for event in bundled_model.events:
        assert any(p.startswith(f"Sources/{module}/Events/") and event.name.replace("_", "") in p.lower()
                   for p in first)
    for path, content in first.items():
        assert GENERATED_MARKER in content.encode()[:512].decode("utf-8", "ignore"), path
        assert "\r" not in content and content.endswith("\n"), path
    assert first["Package.swift"].startswith("// swift-tools-version:5.9\n")


def test_runtime_files_are_copied_with_the_generated_header(bundled_model):
    files = render(bundled_model)
    runtime = TemplateSet.of(TARGET).runtime_files()
    module = bundled_model.package_settings("swift")["module"]
    assert runtime
    for rel, content in runtime.items():
        assert files[f"Sources/{module}/Runtime/{rel}"] == f"// {GENERATED_MARKER}\n" + content
        assert len(content.splitlines()) <= 600, rel


@pytest.mark.parametrize("which", ["bundled", "hostile"])
def test_identifiers_are_valid_unreserved_and_unique(which, bundled_model, hostile_model):
    model = bundled_model if which == "bundled" else hostile_model
    nm = derive_names(model)
    types = list(nm.types.values())
    assert len(set(types)) == len(types)
    for ident in types:
        assert names.is_identifier(ident) and ident not in names.TYPE_NAMES, ident
        assert ident not in (nm.module, nm.context_type)
    for scope, members in nm.members.items():
        idents = list(members.values())
        storage = idents + ["_" + i for i in idents]
        assert len(set(storage)) == len(storage), scope
        for ident in idents:
            assert names.is_identifier(ident) and ident not in names.STRUCT_MEMBERS, (scope, ident)
    for enum, cases in nm.cases.items():
        idents = list(cases.values())
        assert len(set(idents)) == len(idents), enum
        for ident in idents:
            assert names.is_identifier(ident) and ident not in names.ENUM_MEMBERS, (enum, ident)


def test_hostile_names_are_renamed_predictably(hostile_model):
    nm = derive_names(hostile_model)
    assert nm.module == "HostileKit"
    assert nm.types[("event", "error")] == "Error_"
    assert nm.types[("event", "data")] == "Data_"
    assert nm.types[("enum", "protocol")] == "Protocol_"
    assert nm.types[("object", "tracker")] == "Tracker_"
    assert nm.cases["protocol"] == {"4k": "_4k", "über straße": "berStrasse", "日本 3": "_3", "none": "none_",
                                    "raw value": "rawValue_", "default": "default_"}
    assert nm.members[("context", "")]["self"] == "self_"
    assert nm.members[("event", "error")]["event_name"] == "eventName_"
    assert nm.members[("event", "error")]["validate"] == "validate_"
    assert nm.members[("object", "tracker")]["init"] == "init_"


_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def test_model_text_stays_in_comments_and_literals(hostile_model):
    """Outside `//` comments and string literals no model text is left."""
    for path, content in render(hostile_model).items():
        if not path.endswith(".swift") or "/Runtime/" in path:
            continue
        for line in content.splitlines():
            if line.lstrip().startswith("//"):
                assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029\u202a-\u202e]", line), (path, line)
                continue
            code = _LITERAL.sub('""', line)
            for needle in ("*/", "/*", "${", "#{", '"""', "\\(", "\\u{", "quoted", "something", "owner"):
                assert needle not in code, (path, line)
            assert code.count('"') % 2 == 0 and code.isascii(), (path, line)


def decode_swift_literal(literal: str) -> str:
    """Reads back what `string_literal` writes (the escapes it uses only)."""
    assert literal[0] == literal[-1] == '"'
    out, body, i = [], literal[1:-1], 0
    while i < len(body):
        char = body[i]
        assert char != '"'
        if char != "\\":
            out.append(char)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt == "u":
            end = body.index("}", i)
            out.append(chr(int(body[i + 3:end], 16)))
            i = end + 1
        else:
            out.append({"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}[nxt])  # never "(": no interpolation
            i += 2
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_string_literals_round_trip_and_are_plain_ascii(text):
    literal = names.string_literal(text)
    assert literal.isascii() and literal.isprintable()
    expected = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    assert decode_swift_literal(literal) == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_comment_lines_cannot_end_the_comment(text):
    for line in names.doc_comment([text], "    "):
        assert line.startswith("    ///")
        assert not re.search(r"[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029\x00-\x08\x0e-\x1f\x7f\u202a-\u202e]", line)


def test_number_literals():
    assert names.float_literal(0.5) == "0.5"
    assert names.float_literal(0.1) == "0.10000000149011612"  # narrowed like the reference narrows the double
    assert names.float_literal(float("nan")) == "Float.nan"
    assert names.float_literal(float("-inf")) == "-Float.infinity"
    assert names.float_literal(1e300) == "Float.infinity"
    assert names.double_literal(-0.0) == "-0.0"
    assert names.double_literal(1e-07) == "1e-07"


def test_scripts_name_no_host_and_are_executable():
    for script in ("setup-swift.sh", "swift.sh"):
        path = ROOT / "scripts" / script
        text = path.read_text()
        assert path.stat().st_mode & 0o111, script
        assert not re.search(r"https?://", text), f"{script} hard-codes a host"
    setup = (ROOT / "scripts" / "setup-swift.sh").read_text()
    assert "flock" in setup and ".done" in setup and "/etc/apt/sources.list" in setup
