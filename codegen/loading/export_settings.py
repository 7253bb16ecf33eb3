"""The model's `exports` section: `.proto` file options and the JSON Schema
`$id` prefix, checked here so that protoc and the language plugins never
see a value they refuse. Defaults are the exports' own (from the namespace)."""

from __future__ import annotations

import re

from codegen.diagnostics import Collector
from codegen.ir import ExportSettings
from codegen.loading.reader import MapReader
from codegen.loading.yaml_nodes import LNode

GO_KEYWORDS = frozenset(
    "break case chan const continue default defer else fallthrough for func go goto if import interface map "
    "package range return select struct switch type var".split())
JAVA_KEYWORDS = frozenset(
    "abstract assert boolean break byte case catch char class const continue default do double else enum "
    "extends final finally float for goto if implements import instanceof int interface long native new "
    "package private protected public return short static strictfp super switch synchronized this throw "
    "throws transient try void volatile while true false null _".split())
CSHARP_KEYWORDS = frozenset(
    "abstract as base bool break byte case catch char checked class const continue decimal default delegate "
    "do double else enum event explicit extern false finally fixed float for foreach goto if implicit in int "
    "interface internal is lock long namespace new null object operator out override params private "
    "protected public readonly ref return sbyte sealed short sizeof stackalloc static string struct switch "
    "this throw true try typeof uint ulong unchecked unsafe ushort using virtual void volatile while".split())

IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
GO_PACKAGE = re.compile(rf"^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*(;{IDENTIFIER})?$")
DOTTED = re.compile(rf"^{IDENTIFIER}(\.{IDENTIFIER})*$")
OBJC_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
SWIFT_PREFIX = re.compile(rf"^({IDENTIFIER})?$")
BASE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\"<>\\^`{|}]*[/:]$")

PROTO_KEYS = ("csharp_namespace", "go_package", "java_multiple_files", "java_package", "objc_class_prefix",
              "swift_prefix")
EXAMPLES = {
    "go_package": "example.com/analytics/gen/analyticsv1;analyticsv1",
    "java_package": "com.example.analytics.v1",
    "csharp_namespace": "Example.Analytics.V1",
    "objc_class_prefix": "EAX",
    "swift_prefix": "EA",
}


def _keyword(components: list[str], keywords: frozenset[str]) -> str | None:
    return next((c for c in components if c in keywords), None)


def proto_option_problem(key: str, value: str) -> str | None:
    """Why protoc or a language plugin would refuse `value` for `key`; None if fine."""
    if key == "go_package":
        if not GO_PACKAGE.match(value):
            return "is not a Go import path, optionally followed by ';' and a package name"
        if ";" in value and value.split(";")[1] in GO_KEYWORDS:
            return f"names the Go package '{value.split(';')[1]}', a Go keyword"
        return None
    keywords = {"java_package": JAVA_KEYWORDS, "csharp_namespace": CSHARP_KEYWORDS}.get(key)
    if keywords is not None:
        language = "Java" if key == "java_package" else "C#"
        if not DOTTED.match(value):
            return f"is not a dotted {language} name (letters, digits and '_', parts separated by '.')"
        word = _keyword(value.split("."), keywords)
        return f"holds '{word}', a {language} keyword" if word else None
    if key == "objc_class_prefix":
        if not OBJC_PREFIX.match(value):
            return "is not an Objective-C identifier (a letter, then letters, digits or '_')"
        return "starts with 'GPB', which the Protobuf runtime reserves" if value.startswith("GPB") else None
    if key == "swift_prefix" and not SWIFT_PREFIX.match(value):
        return "is not a Swift identifier (a letter or '_', then letters, digits or '_'), nor empty"
    return None


def read_exports(node: LNode | None, errors: Collector) -> ExportSettings:
    if node is None:
        return ExportSettings()
    section = MapReader(node, "the 'exports' section", errors, ("proto", "jsonschema"))
    options: list[tuple[str, str | bool]] = []
    proto = section.raw("proto")
    if proto is not None:
        reader = MapReader(proto, "'exports.proto'", errors, PROTO_KEYS)
        for key in PROTO_KEYS:
            if not reader.has(key):
                continue
            if key == "java_multiple_files":
                flag = reader.boolean(key)
                if flag is not None:
                    options.append((key, flag))
                continue
            value = reader.text(key, EXAMPLES[key])
            if value is None:
                continue
            problem = proto_option_problem(key, value)
            if problem:
                errors.error(reader.value_loc(key), f"'{key}' in 'exports.proto' {problem}",
                             f"write it like '{key}: {EXAMPLES[key]}', or leave it out for the default")
                continue
            options.append((key, value))
    base_uri = None
    schema = section.raw("jsonschema")
    if schema is not None:
        reader = MapReader(schema, "'exports.jsonschema'", errors, ("base_uri",))
        base_uri = reader.text("base_uri", "https://schemas.example.com/analytics/v1/")
        if base_uri is not None and not BASE_URI.match(base_uri):
            errors.error(reader.value_loc("base_uri"),
                         f"'base_uri' in 'exports.jsonschema' is not an absolute URI ending in '/' or ':'",
                         "write it like 'base_uri: https://schemas.example.com/analytics/v1/'")
            base_uri = None
    return ExportSettings(proto_options=tuple(sorted(options)), jsonschema_base_uri=base_uri)
