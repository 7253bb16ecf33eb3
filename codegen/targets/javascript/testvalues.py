"""Test-plan values (see `codegen.testplan`) as TypeScript expressions of
the SDK's typed API: `new ArticleRead({ ... })`, plain object literals for
objects and maps, bigints for 64-bit integers."""

from __future__ import annotations

from typing import Any

from codegen.ir import Property, Scalar, TypeRef
from codegen.sdk.walkers import ValueWalker
from codegen.targets.javascript import lexical as js
from codegen.targets.javascript.views import Names


class JsValues:
    """The TypeScript hooks of the value walk; records the names used."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.used: set[str] = set()  # names the rendered expressions refer to

    def scalar(self, scalar: Scalar, value: Any) -> str:
        if scalar is Scalar.TIMESTAMP:
            self.used.add("Timestamp")
        return js.scalar_literal(scalar, value)

    def enum(self, enum: str, value: str) -> str:
        return js.ts_string(value)

    def message(self, kind: str, owner: str, properties: tuple[Property, ...],
                args: list[tuple[Property, str]]) -> str:
        idents = self.names.members[(kind, owner)]
        entries = [f"{idents[p.name]}: {expr}" for p, expr in args]
        props = "{ " + ", ".join(entries) + " }" if entries else "{}"
        if kind != "event":
            return props
        self.used.add(self.names.types[("event", owner)])
        return f"new {self.names.types[('event', owner)]}({props})"

    def list(self, element: TypeRef, items: list[str]) -> str:
        return "[" + ", ".join(items) + "]"

    def map(self, element: TypeRef, entries: list[tuple[str, str]]) -> str:
        body = ", ".join(f"[{js.ts_string(k)}]: {v}" for k, v in entries)
        return "{ " + body + " }" if body else "{}"


class Values(ValueWalker[str]):
    """Test-plan values of one model as TypeScript expressions."""

    def __init__(self, renderer: Any) -> None:
        self.hooks = JsValues(renderer.names)
        self.names = renderer.names
        super().__init__(renderer.model, self.hooks)
        self.events = {e.name: e for e in self.model.events}

    @property
    def used(self) -> set[str]:
        return self.hooks.used

    def take_used(self) -> str:
        """The names used since the last call, for an import statement."""
        names = sorted(self.hooks.used)
        self.hooks.used = set()
        return ", ".join(names)

    def scalar(self, scalar: Scalar, value: Any) -> str:
        return self.hooks.scalar(scalar, value)
