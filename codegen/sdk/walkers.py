"""The two walks every target makes over the model's types, written once:
spelling a property's type in the target language, and writing a test-plan
value (see `codegen.testplan`) as an expression of the SDK's typed API.
Targets supply only the per-language hooks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, Mapping, Protocol, TypeVar

from codegen.ir import Kind, Model, Property, Scalar, TypeRef

T = TypeVar("T")


@dataclass(frozen=True)
class TypeSyntax:
    """How a language spells types: scalars from a table, enums and objects
    by their allocated names, lists and maps around their element's spelling."""

    scalars: Mapping[Scalar, str]
    named: Callable[[Kind, str], str]  # (ENUM or OBJECT, model name) -> type name
    list: Callable[[str], str]
    map: Callable[[str], str]  # map keys are always strings

    def spell(self, ref: TypeRef) -> str:
        if ref.kind is Kind.LIST:
            assert ref.element is not None
            return self.list(self.spell(ref.element))
        if ref.kind is Kind.MAP:
            assert ref.element is not None
            return self.map(self.spell(ref.element))
        if ref.kind is Kind.SCALAR:
            assert ref.scalar is not None
            return self.scalars[ref.scalar]
        return self.named(ref.kind, ref.name or "")


class ValueSyntax(Protocol[T]):
    """Per-language hooks of the value walk; T is the target's expression type
    (source text, or a layout tree that is printed later)."""

    def scalar(self, scalar: Scalar, value: Any) -> T: ...

    def enum(self, enum: str, value: str) -> T: ...

    def message(self, kind: str, owner: str, properties: tuple[Property, ...],
                args: list[tuple[Property, T]]) -> T: ...

    def list(self, element: TypeRef, items: list[T]) -> T: ...

    def map(self, element: TypeRef, entries: list[tuple[str, T]]) -> T: ...


class ValueWalker(Generic[T]):
    """Test-plan values of one model as expressions: messages are built from
    the properties that have a value, in the model's property order."""

    def __init__(self, model: Model, syntax: ValueSyntax[T]) -> None:
        self.model = model
        self.syntax = syntax
        self._events = {e.name: e for e in model.events}
        self._objects = {o.name: o for o in model.objects}

    def value(self, ref: TypeRef, value: Any) -> T:
        if ref.kind is Kind.LIST:
            assert ref.element is not None
            return self.syntax.list(ref.element, [self.value(ref.element, v) for v in value])
        if ref.kind is Kind.MAP:
            assert ref.element is not None
            return self.syntax.map(ref.element, [(k, self.value(ref.element, v)) for k, v in value.items()])
        if ref.kind is Kind.ENUM:
            return self.syntax.enum(ref.name or "", value)
        if ref.kind is Kind.OBJECT:
            obj = self._objects[ref.name or ""]
            return self.message("object", obj.name, obj.properties, value)
        assert ref.scalar is not None
        return self.syntax.scalar(ref.scalar, value)

    def message(self, kind: str, owner: str, properties: tuple[Property, ...],
                values: Mapping[str, Any]) -> T:
        args = [(p, self.value(p.type, values[p.name])) for p in properties
                if p.name in values and p.is_parameter]
        return self.syntax.message(kind, owner, properties, args)

    def event(self, name: str, values: Mapping[str, Any]) -> T:
        return self.message("event", name, self._events[name].properties, values)

    def context(self, values: Mapping[str, Any]) -> T:
        return self.message("context", "", self.model.context.properties, values)

    def event_of(self, name: str) -> Any:
        return self._events[name]


def minimal_events(model: Model) -> list[tuple[str, Mapping[str, Any]]]:
    """Every event with the smallest values that validate (its required
    parameters), for usage examples."""
    from codegen.reference.samples import MINIMAL, Sampler

    sampler = Sampler(model)
    return [(event.name, sampler.message(event.properties, MINIMAL)) for event in model.events]
