"""Test-plan values as typed constructor expressions (`Content(kind=...)`),
laid out the way black lays out exploded calls: one argument per line and a
magic trailing comma, so the rendered tests are black-stable as emitted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from codegen.ir import Property, Scalar, TypeRef
from codegen.sdk.walkers import ValueWalker
from codegen.targets.python import lexical as names

INDENT = "    "


@dataclass
class Atom:
    text: str


@dataclass
class Call:
    func: str
    args: list[tuple[str, Expr]]  # (keyword, value); keyword "" for a positional argument


@dataclass
class Seq:
    items: list[Expr]


@dataclass
class Dict:
    items: list[tuple[str, Expr]]


Expr = Union[Atom, Call, Seq, Dict]


def inline(expr: Expr) -> str:
    """`expr` on one line (no trailing commas, so black keeps it joined)."""
    if isinstance(expr, Atom):
        return expr.text
    if isinstance(expr, Call):
        return expr.func + "(" + ", ".join(f"{k}={inline(v)}" if k else inline(v) for k, v in expr.args) + ")"
    if isinstance(expr, Seq):
        return "[" + ", ".join(inline(v) for v in expr.items) + "]"
    return "{" + ", ".join(f"{k}: {inline(v)}" for k, v in expr.items) + "}"


def lines(expr: Expr, indent: str, prefix: str = "", suffix: str = "") -> list[str]:
    """`expr` as source lines the way black lays them out: on one line when
    that fits in 88 columns, else exploded, one item per line with a magic
    trailing comma (and each item again on one line if it fits)."""
    line = f"{indent}{prefix}{inline(expr)}{suffix}"
    empty = not isinstance(expr, Atom) and not (expr.args if isinstance(expr, Call) else expr.items)
    if isinstance(expr, Atom) or empty or names.width(line) <= names.LINE_LENGTH:
        return [line]  # (an empty container has nothing black could split)
    inner = indent + INDENT
    if isinstance(expr, Call):
        out = [f"{indent}{prefix}{expr.func}("]
        for key, value in expr.args:
            out += lines(value, inner, f"{key}=" if key else "", ",")
        return out + [f"{indent}){suffix}"]
    if isinstance(expr, Seq):
        out = [f"{indent}{prefix}["]
        for item in expr.items:
            out += lines(item, inner, "", ",")
        return out + [f"{indent}]{suffix}"]
    out = [f"{indent}{prefix}{{"]
    for key, value in expr.items:
        out += lines(value, inner, f"{key}: ", ",")
    return out + [f"{indent}}}{suffix}"]


class PythonValues:
    """The Python hooks of the value walk; records the class names used."""

    def __init__(self, nm: Any) -> None:
        self.nm = nm
        self.used: set[str] = set()  # class names the expressions refer to

    def scalar(self, scalar: Scalar, value: Any) -> Expr:
        if scalar is Scalar.TIMESTAMP:
            self.used.add("Timestamp")
            return Call("Timestamp", [("seconds", Atom(str(value.seconds))), ("nanos", Atom(str(value.nanos)))])
        if scalar.is_floating:
            return Atom(names.py_float(float(value)))
        return Atom(names.py_literal(value))

    def enum(self, enum: str, value: str) -> Expr:
        self.used.add(self.nm.types[("enum", enum)])
        return Atom(self.nm.member(enum, value))

    def message(self, kind: str, owner: str, properties: tuple[Property, ...],
                args: list[tuple[Property, Expr]]) -> Expr:
        cls = names.CONTEXT_CLASS if kind == "context" else self.nm.types[(kind, owner)]
        self.used.add(cls)
        attrs = self.nm.attrs[(kind, owner)]
        return Call(cls, [(attrs[p.name], expr) for p, expr in args])

    def list(self, element: TypeRef, items: list[Expr]) -> Expr:
        return Seq(items)

    def map(self, element: TypeRef, entries: list[tuple[str, Expr]]) -> Expr:
        return Dict([(names.py_str(k), v) for k, v in entries])


class Values(ValueWalker[Expr]):
    """Typed expressions for test-plan values of one model."""

    def __init__(self, views: Any) -> None:
        self.views = views
        self.hooks = PythonValues(views.names)
        super().__init__(views.model, self.hooks)

    @property
    def used(self) -> set[str]:
        return self.hooks.used
