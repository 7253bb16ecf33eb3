"""Test-plan values (see `codegen.testplan`) as Swift expressions through
the typed API (the same initializers an app calls). A value that touches
deprecated API (a deprecated event or enum value) flags `uses_deprecated`,
so the test using it can be marked deprecated itself and the package still
compiles with warnings as errors."""

from __future__ import annotations

from typing import Any

from codegen.ir import Model, Property, Scalar, TypeRef
from codegen.sdk.walkers import ValueWalker
from codegen.targets.swift import lexical as names

DEPRECATED_TEST = '@available(*, deprecated, message: "exercises deprecated API on purpose")'


class SwiftValues:
    """The Swift hooks of the value walk."""

    def __init__(self, model: Model, nm: Any) -> None:
        self.nm = nm
        self.deprecated_values = {(e.name, v.name) for e in model.enums for v in e.values if v.deprecation}
        self.deprecated_events = {e.name for e in model.events if e.deprecation}
        self.uses_deprecated = False

    def scalar(self, scalar: Scalar, value: Any) -> str:
        return names.scalar_literal(scalar, value)

    def enum(self, enum: str, value: str) -> str:
        if (enum, value) in self.deprecated_values:
            self.uses_deprecated = True
        return f"{self.nm.types[('enum', enum)]}.{self.nm.cases[enum][value]}"

    def message(self, kind: str, owner: str, properties: tuple[Property, ...],
                args: list[tuple[Property, str]]) -> str:
        if kind == "event" and owner in self.deprecated_events:
            self.uses_deprecated = True
        idents = self.nm.members[(kind, owner)]
        type_name = self.nm.context_type if kind == "context" else self.nm.types[(kind, owner)]
        return f"{type_name}(" + ", ".join(f"{idents[p.name]}: {expr}" for p, expr in args) + ")"

    def list(self, element: TypeRef, items: list[str]) -> str:
        return "[" + ", ".join(items) + "]"

    def map(self, element: TypeRef, entries: list[tuple[str, str]]) -> str:
        if not entries:
            return "[:]"
        return "[" + ", ".join(f"{names.string_literal(k)}: {v}" for k, v in entries) + "]"


class ValueWriter(ValueWalker[str]):
    """Swift expressions for test-plan values of one model."""

    def __init__(self, model: Model, nm: Any) -> None:
        self.hooks = SwiftValues(model, nm)
        super().__init__(model, self.hooks)
        self.nm = nm
        self.events = {e.name: e for e in model.events}

    @property
    def uses_deprecated(self) -> bool:
        return self.hooks.uses_deprecated

    @uses_deprecated.setter
    def uses_deprecated(self, value: bool) -> None:
        self.hooks.uses_deprecated = value
