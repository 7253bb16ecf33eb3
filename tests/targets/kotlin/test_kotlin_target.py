"""The Kotlin target without the toolchain: names, escaping, determinism and
the layout of its output (the Maven build itself is in test_kotlin_sdk.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codegen.loader import load_model
from codegen.sdk.contract import GENERATED_MARKER
from codegen.sdk.names import NameAllocator, numbered
from codegen.sdk.templates import TemplateSet
from codegen.targets.kotlin import TARGET, VERSIONS
from codegen.targets.kotlin import lexical as kn
from codegen.targets.kotlin import views as kv
from codegen.targets.kotlin.lexical import RESERVED, escape
from test_kotlin_sdk import HOSTILE_MODEL

HOSTS_ALLOWED = {"127.0.0.1", "collector.example", ""}
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PACKAGE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def kotlin_string_value(literal: str) -> str:
    """Decode a Kotlin string literal (the escapes string_literal emits); a
    `$` that is not escaped would start a template, so it is refused."""
    assert literal[0] == literal[-1] == '"' and len(literal) >= 2
    body, out, i = literal[1:-1], [], 0
    simple = {'"': '"', "\\": "\\", "$": "$", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "'": "'"}
    units: list[int] = []
    while i < len(body):
        ch = body[i]
        assert ch not in '"$\n\r', f"unescaped {ch!r} in {literal!r}"
        if ch == "\\":
            nxt = body[i + 1]
            if nxt == "u":
                units.append(int(body[i + 2:i + 6], 16))
                i += 6
                continue
            units.append(ord(simple[nxt]))
            i += 2
            continue
        units.append(ord(ch))
        i += 1
    data = b"".join(u.to_bytes(2, "big") for u in units)
    out.append(data.decode("utf-16-be", errors="surrogatepass"))
    return "".join(out)


@pytest.fixture(scope="module")
def hostile_model(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "model.yaml").write_text(HOSTILE_MODEL, encoding="utf-8")
    return load_model(folder)


def render(model) -> dict[str, str]:
    return {f.path: f.content for f in TARGET.render(model, TemplateSet.of(TARGET))}


@given(st.text())
def test_string_literals_round_trip(text: str) -> None:
    literal = kn.string_literal(text)
    assert kotlin_string_value(literal) == text
    assert all(" " <= ch <= "~" for ch in literal), "only printable ASCII in source"


@given(st.text())
def test_doc_text_cannot_leave_the_comment(text: str) -> None:
    for line in kn.kdoc_block(kn.kdoc_lines(text))[1:-1]:
        assert "*/" not in line and "/*" not in line  # Kotlin block comments nest
        assert not any(ch in line for ch in "\r\n\u0085\u2028\u2029\u202e\u2066")


@given(st.from_regex(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", fullmatch=True))
def test_identifiers_are_valid_and_never_reserved(name: str) -> None:
    for derived, reserved in ((kn.member_name(name), kn.RESERVED_MEMBERS), (kn.type_name(name), kn.RESERVED_TYPES)):
        assert IDENTIFIER.match(derived) and derived not in reserved
        assert derived in (kn.escape(derived, reserved),)


@given(st.text(min_size=1))
def test_enum_entries_and_packages_are_identifiers(text: str) -> None:
    from codegen.naming import enum_value_token

    if enum_value_token(text):
        assert IDENTIFIER.match(kn.enum_entry_name(text))
    if text.strip("."):
        package = kn.package_name(text)
        assert package == "" or PACKAGE.match(package)
        assert not set(package.split(".")) & kn.KEYWORDS


def test_reserved_names_are_renamed_predictably() -> None:
    assert escape("class", RESERVED) == "class_"
    assert kn.type_name("tracker") == "Tracker_" and kn.type_name("string") == "String_"
    assert kn.member_name("to_json") == "toJson_" and kn.member_name("it") == "it_"
    assert kn.enum_entry_name("4k") == "_4K" and kn.enum_entry_name("Sci-Fi & Fantasy") == "SCI_FI_FANTASY"
    assert kn.package_name("com.example.in.object") == "com.example.in_.object_"
    assert NameAllocator((), numbered()).claim_all("scope", ["a", "a", "a_2"]) == ["a", "a_2", "a_2_2"]


def test_literals_of_extreme_numbers() -> None:
    assert kn.int_literal(-(2**31), "int32") == "Int.MIN_VALUE"
    assert kn.int_literal(-(2**63), "int64") == "Long.MIN_VALUE"
    assert kn.int_literal(2**64 - 1, "uint64") == "18446744073709551615uL"
    assert kn.float_literal(0.1) == "0.1f" and kn.float_literal(1e39) == "Float.POSITIVE_INFINITY"
    assert kn.float_literal(-0.0) == "-0.0f" and kn.float_literal(16777217.0) == "16777216.0f"
    assert kn.double_literal(float("nan")) == "Double.NaN" and kn.double_literal(1e16) == "1e+16"


@pytest.mark.parametrize("which", ["bundled", "hostile"])
def test_output_is_deterministic_marked_and_plain(which: str, bundled_model, hostile_model) -> None:
    model = bundled_model if which == "bundled" else hostile_model
    first, second = render(model), render(model)
    assert first == second
    assert {"pom.xml", "build.gradle.kts", "settings.gradle.kts", "README.md"} <= set(first)
    for path, content in first.items():
        assert GENERATED_MARKER in content.encode("utf-8")[:512].decode("utf-8", "ignore"), path
        assert "\r" not in content and content.endswith("\n"), path
        assert not re.search(r"[ \t]+\n", content), f"trailing whitespace in {path}"
        # No host is named but the POM's namespace, the model's own `urls` (in the POM's metadata),
        # loopback (the delivery tests) and the README's placeholder.
        plain = content.replace("http://maven.apache.org/POM/4.0.0", "")
        for _, url in model.urls:
            plain = plain.replace(url, "")
        hosts = set(re.findall(r"https?://(?:[^@/\s\"]*@)?([^/:?#\s\"'`)<]*)", plain))
        assert hosts <= HOSTS_ALLOWED, (path, hosts - HOSTS_ALLOWED)
        if path.endswith(".kt"):
            assert content.count("\npackage ") == 1, path


def test_layout_and_settings_of_the_bundled_model(bundled_model) -> None:
    files = render(bundled_model)
    conf = kv.settings(bundled_model)
    assert conf == {"package": "org.broadcaster.analytics", "group_id": "org.broadcaster", "artifact_id": "analytics"}
    main = "src/main/kotlin/org/broadcaster/analytics/"
    names = kv.Names(bundled_model)
    for event in bundled_model.events:
        assert f"{main}{names.of(event.name)}.kt" in files
    for runtime in ("Tracker.kt", "ProtoWriter.kt", "JsonWriter.kt", "EsNumbers.kt", "Timestamp.kt", "Bytes.kt",
                    "HttpTransport.kt", "DeliveryOptions.kt", "EventQueue.kt", "Journal.kt", "Poster.kt", "Batch.kt"):
        assert main + runtime in files
        assert "package org.broadcaster.analytics\n" in files[main + runtime]
    pom = files["pom.xml"]
    for version in VERSIONS.values():
        assert f">{version}<" in pom
    assert "<arg>-Werror</arg>" in pom and "<groupId>org.broadcaster</groupId>" in pom
    assert 'version = "1.0.0"' in files["build.gradle.kts"]
    # No dependency but the standard library, and none of its parts newer than
    # Android API 21 and Java 8: java.time, java.util.Base64, java.nio.file
    # (API 26), java.net.http (Java 11).
    for path, content in files.items():
        if path.startswith("src/main/"):
            code = "\n".join(line for line in content.splitlines() if not line.lstrip().startswith(("*", "/*", "//")))
            for newer in ("java.time", "Base64.", "java.nio.file", "java.net.http"):
                assert newer not in code, (path, newer)
            imports = re.findall(r"^import ([\w.]+)", content, re.M)
            allowed = ("java.util.", "java.math.", "java.io.", "java.net.", "java.nio.", "java.text.", "kotlin.")
            assert all(i.startswith(allowed) for i in imports), (path, imports)


def test_names_are_unique_in_their_scopes(bundled_model, hostile_model) -> None:
    for model in (bundled_model, hostile_model):
        names = kv.Names(model)
        types = list(names.types.values()) + ["TrackingContext"]
        assert len(types) == len(set(types))
        assert not set(names.types.values()) & kn.RESERVED_TYPES
        holders = [e.properties for e in model.events] + [o.properties for o in model.objects]
        for properties in holders + [model.context.properties]:
            members = list(kv.member_names(properties).values())
            assert len(members) == len(set(members)) and not set(members) & kn.RESERVED_MEMBERS
            assert all(IDENTIFIER.match(m) for m in members)
        for enum in model.enums:
            entries = list(kv.enum_entry_names(enum).values())
            assert len(entries) == len(set(entries)) and all(IDENTIFIER.match(e) for e in entries)


def test_hostile_text_stays_in_comments_and_strings(hostile_model) -> None:
    files = render(hostile_model)
    event = files["src/main/kotlin/com/example/in_/object_/Class_.kt"]
    assert "public data class Class_ @JvmOverloads constructor(" in event and "public val validate_: String," in event
    assert '@Deprecated("since 0.1.0: use object \\"x\\" */ \\${y}")' in event
    assert "*&#47; named class &#47;*" in event
    bytes_event = files["src/main/kotlin/com/example/in_/object_/Bytes_.kt"]
    assert 'public val fixed: String get() = "a \\"\\$b\\" */ \\${c}"' in bytes_event


def test_templates_are_small_and_the_runtime_is_verbatim() -> None:
    root = Path(__file__).resolve().parents[3] / "codegen" / "templates" / "kotlin"
    for path in root.rglob("*"):
        if path.is_file():
            assert len(path.read_text(encoding="utf-8").splitlines()) <= 600, path
    for path in (root / "runtime").glob("*.kt"):
        assert path.read_text(encoding="utf-8").startswith("package codegen.runtime\n"), path
