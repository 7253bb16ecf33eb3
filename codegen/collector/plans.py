"""Validation plans: the model's rules compiled once, into one small Python
function per message type, that reads a decoded (upb) message straight into
row values and checks, on the way, what protobuf's types leave open.

The rules are the FieldSpecs that the SDK runtime's validator reads (the
reader's specs, see reading.py), so there is one source of them. A plan only
says whether a message keeps every rule: when one is broken it raises
`Broken`, and the collector asks the runtime's validator for the reasons
(checking.py), so every reason is still worded once, in the runtime.

What a decoded message guarantees, so no plan checks it again: strings are
valid UTF-8 (upb refuses unpaired surrogates), integers fit their protobuf
type, floats are float32 or float64 values, map keys are strings, list
elements and map values are never missing. What the wire allows and the
SDKs' types do not, a plan checks as the reader does: enum numbers the model
does not define (0, UNSPECIFIED, among them), consts, Timestamps outside
their range.

Row values: strings, numbers, bools and bytes as they are; enums by their
name in the model; timestamps as microseconds since the epoch (DuckDB's
TIMESTAMPTZ); objects as dicts keyed by property name; lists as lists; maps
as dicts.

The functions are generated as source (like dataclasses and namedtuple do)
because one straight-line function per message takes about half the time of
a loop over per-field closures. Only property names reach the source, as string
literals (`repr`) or as attribute names when they are plain identifiers;
every other value (bounds, patterns, enum names, consts) is a global of the
generated module. `ModelPlans.source` shows the code.
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Any, Callable

from codegen.ir import Kind, Model, Property, Scalar
from codegen.collector.reading import ENUM, LIST, MAP, MESSAGE, PLAIN, PRESENT, MessageReader, ModelReader, const_matches
from codegen.templates.python.runtime import fields as rt
from codegen.templates.python.runtime.timestamp import Timestamp
from codegen.templates.python.runtime.validation import code_points
from codegen.templates.python.runtime.wire import narrow_float32

# The plans inline the runtime's code_points() as len(): a str's length is its count of code points.
assert code_points("\U0001f600") == len("\U0001f600") == 1

MICROS = 1_000_000
NANOS = 1_000_000_000


class Broken(Exception):
    """A rule of the model is broken (the runtime's validator words why)."""


class _EnumNames(dict[int, str]):
    """Enum number -> name in the model; a number the model lacks is Broken."""

    def __missing__(self, number: int) -> str:
        raise Broken(f"enum number {number}")


def _timestamp(value: Any) -> int:
    seconds, nanos = value.seconds, value.nanos
    if not (Timestamp.MIN_SECONDS <= seconds <= Timestamp.MAX_SECONDS and 0 <= nanos < NANOS):
        raise Broken("timestamp range")
    return int(seconds * MICROS + nanos // 1000)  # TIMESTAMPTZ keeps microseconds


class _Source:
    """The generated module: its lines and its globals."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.globals: dict[str, Any] = {"Broken": Broken, "timestamp": _timestamp,
                                        "const_matches": const_matches}

    def constant(self, value: Any) -> str:
        name = f"k{len(self.globals)}"
        self.globals[name] = value
        return name


class ModelPlans:
    """A plan for every message of a model, compiled once from its reader:
    `context.read(pb)`, `events[name].read(pb)`, `objects[name].read(pb)`."""

    def __init__(self, model: Model, reader: ModelReader, context_part: frozenset[str] = frozenset()) -> None:
        """`context_part`: names of context properties that also get a plan
        of their own, `context_part.read(pb)` (see context_cache.py)."""
        messages = {"context": reader.context}
        messages.update({f"event {name}": r for name, r in reader.events.items()})
        messages.update({f"object {name}": r for name, r in reader.objects.items()})
        self._functions = {key: f"read_{i}" for i, key in enumerate(messages)}
        self._enums = {e.name: _EnumNames({v.number: v.name for v in e.values}) for e in model.enums}
        source = _Source()
        for key, message in messages.items():
            self._message(source, key, message)
        self._functions["context part"] = "read_context_part"
        self._message(source, "context part", reader.context, context_part)
        self.source = "\n".join(source.lines) + "\n"
        namespace = source.globals
        exec(compile(self.source, "<codegen.collector.plans>", "exec"), namespace)  # noqa: S102 (see the module doc)
        plan = {key: _Plan(namespace[function]) for key, function in self._functions.items()}
        self.context = plan["context"]
        self.context_part = plan["context part"]
        self.events = {name: plan[f"event {name}"] for name in reader.events}
        self.objects = {name: plan[f"object {name}"] for name in reader.objects}

    def _message(self, out: _Source, key: str, reader: MessageReader, only: frozenset[str] | None = None) -> None:
        out.lines.append(f"def {self._functions[key]}(pb):  # {_comment(key)}")
        names = []
        for i, (prop, spec, field) in enumerate(zip(reader.properties, reader.specs, reader.fields)):
            if only is not None and prop.name not in only:
                continue
            var = f"v{i}"
            out.lines.extend("    " + line for line in self._field(out, prop, spec, field.mode, var))
            names.append(f"{prop.name!r}: {var}")
        out.lines.append("    return {" + ", ".join(names) + "}")
        out.lines.append("")

    def _field(self, out: _Source, prop: Property, spec: rt.FieldSpec, mode: int, var: str) -> list[str]:
        """The lines that read one field into `var` (its row value), checking
        presence as the reader reads it, the rules of its spec and its const."""
        name = repr(prop.name)
        get = f"pb.{prop.name}" if prop.name.isidentifier() and not keyword.iskeyword(prop.name) \
            else f"getattr(pb, {name})"
        unset = [f"raise Broken({name})"] if spec.required else [f"{var} = None"]
        broken = f"raise Broken({name})"
        check = self._check(out, spec, "x")
        convert = self._convert(out, prop)
        if mode in (LIST, MAP):
            lines = [f"{var} = {get}"]
            if spec.min_items is not None or spec.max_items is not None:
                low = out.constant(spec.min_items or 0)
                high = out.constant(spec.max_items if spec.max_items is not None else math.inf)
                lines += [f"if not {low} <= len({var}) <= {high}:", f"    {broken}"]
            # A Python list or dict first: upb's containers iterate slower.
            # (A slice copies a repeated field in C; dict() and .items() of a
            # map go through collections.abc, twice the time of its keys.)
            if mode == MAP:
                value = convert(f"{var}[k]") if convert else f"{var}[k]"
                lines.append(f"{var} = {{k: {value} for k in {var}}}")
            else:
                lines.append(f"{var} = {var}[:]")
                if convert:
                    lines.append(f"{var} = [{convert('x')} for x in {var}]")
            if check:
                values = f"{var}.values()" if mode == MAP else var
                lines += [f"for x in {values}:", f"    if {check}:", f"        {broken}"]
        else:
            body = [f"if {check}:", f"    {broken}"] if check else []
            body.append(f"{var} = {convert('x')}" if convert else f"{var} = x")
            if mode == PLAIN:
                lines = [f"x = {get}", *body]
            elif mode == MESSAGE:
                lines = [f"if pb.HasField({name}):", f"    x = {get}", *_indent(body), "else:", *_indent(unset)]
            else:
                # ENUM: 0 is UNSPECIFIED, which no SDK sends, so unset. PRESENT:
                # an unset field reads as its zero value, so any other value is set.
                assert mode in (ENUM, PRESENT)
                present = "x" if mode == ENUM else f"x or pb.HasField({name})"
                lines = [f"x = {get}", f"if {present}:", *_indent(body), "else:", *_indent(unset)]
        if prop.const is not None:
            lines += [f"if not const_matches({out.constant(prop.const)}, {var}):", f"    {broken}"]
        return lines

    def _convert(self, out: _Source, prop: Property) -> Callable[[str], str] | None:
        """The expression of one element's row value, or None when it is stored as it is."""
        leaf = prop.type.leaf
        if leaf.kind is Kind.ENUM:
            names = out.constant(self._enums[leaf.name or ""])
            return lambda x: f"{names}[{x}]"
        if leaf.kind is Kind.OBJECT:
            function = self._functions[f"object {leaf.name}"]
            return lambda x: f"{function}({x})"
        if leaf.scalar is Scalar.TIMESTAMP:
            return lambda x: f"timestamp({x})"
        return None

    @staticmethod
    def _check(out: _Source, spec: rt.FieldSpec, x: str) -> str:
        """The condition under which one scalar element breaks its spec's
        rules ("" when its protobuf type is all there is to check)."""
        if spec.kind == rt.STRING:
            parts = []
            if spec.min_length is not None or spec.max_length is not None:
                low = out.constant(spec.min_length or 0)
                high = out.constant(spec.max_length if spec.max_length is not None else math.inf)
                parts.append(f"not {low} <= len({x}) <= {high}")  # code_points(), inlined
            if spec.pattern is not None:  # re.compile, as the runtime's full_match does
                parts.append(f"{out.constant(re.compile(spec.pattern).fullmatch)}({x}) is None")
            return " or ".join(parts)
        if spec.minimum is None and spec.maximum is None:
            return ""
        # Inclusive bounds, each read as the field's type; NaN and the
        # infinities fail every bound. A float field's value is a float32
        # already: the validator's narrowing leaves it as it is.
        bound_of: Callable[[Any], Any]
        if spec.kind == rt.FLOAT:
            bound_of = narrow_float32
        elif spec.kind == rt.DOUBLE:
            bound_of = float
        elif spec.kind in rt.INTEGER_KINDS:
            bound_of = int
        else:
            return ""
        low = out.constant(bound_of(spec.minimum) if spec.minimum is not None else -math.inf)
        high = out.constant(bound_of(spec.maximum) if spec.maximum is not None else math.inf)
        finite = f" or {x} - {x} != 0" if spec.kind in rt.FLOAT_KINDS else ""
        return f"not {low} <= {x} <= {high}{finite}"


class _Plan:
    def __init__(self, function: Callable[[Any], dict[str, Any]]) -> None:
        self.read = function  # decoded message -> row values; raises Broken


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def _comment(text: str) -> str:
    """Model names in a comment of the generated source, one line, printable."""
    return text.encode("ascii", "backslashreplace").decode("ascii").replace("\n", " ")
