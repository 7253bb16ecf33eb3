"""Test-plan values (see `codegen.testplan`) as Kotlin expressions of the
SDK's typed API: constructor calls with named arguments, `listOf`/`mapOf`."""

from __future__ import annotations

from typing import Any

from codegen.ir import Model, Property, Scalar, TypeRef
from codegen.sdk.walkers import ValueWalker
from codegen.targets.kotlin import lexical as kn
from codegen.targets.kotlin import views as kv


class KotlinValues:
    """The Kotlin hooks of the value walk."""

    def __init__(self, model: Model, names: kv.Names) -> None:
        self.model = model
        self.names = names

    def scalar(self, scalar: Scalar, value: Any) -> str:
        return kn.scalar_literal(scalar, value)

    def enum(self, enum: str, value: str) -> str:
        return f"{self.names.of(enum)}.{kv.enum_entry_names(self.model.enum(enum))[value]}"

    def message(self, kind: str, owner: str, properties: tuple[Property, ...],
                args: list[tuple[Property, str]]) -> str:
        members = kv.member_names(properties)
        class_name = kn.CONTEXT_CLASS if kind == "context" else self.names.of(owner)
        return f"{class_name}({', '.join(f'{members[p.name]} = {expr}' for p, expr in args)})"

    def list(self, element: TypeRef, items: list[str]) -> str:
        return f"listOf({', '.join(items)})" if items else "emptyList()"

    def map(self, element: TypeRef, entries: list[tuple[str, str]]) -> str:
        items = [f"{kn.string_literal(k)} to {v}" for k, v in entries]
        return f"mapOf({', '.join(items)})" if items else "emptyMap()"


class ValueWriter(ValueWalker[str]):
    """Kotlin expressions that build test-plan values through the typed API."""

    def __init__(self, model: Model, names: kv.Names) -> None:
        super().__init__(model, KotlinValues(model, names))
        self.names = names
