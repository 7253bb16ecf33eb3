"""The typed builders of the package's data-driven tests (`tests/plan.json`,
see `codegen.sdk.vectors`): one function per event and object that builds
it through the typed API from a case's values, laid out as black lays it
out (one argument per line with a magic trailing comma when a call does not
fit in 88 columns)."""

from __future__ import annotations

from functools import partial
from typing import Any

from codegen.ir import Event, Kind, Model, Property, Scalar, TypeRef
from codegen.sdk.memo import NO_MEMO, Memo
from codegen.sdk.names import NameAllocator, repeat_suffix
from codegen.sdk.vectors import builder_messages, used_types
from codegen.targets.python import lexical as names
from codegen.targets.python.testvalues import INDENT, Atom, Call, lines

NODE = "PlanNode"
SCALAR_READERS = {
    Scalar.STRING: "text", Scalar.BOOL: "flag", Scalar.INT32: "integer", Scalar.INT64: "integer",
    Scalar.UINT32: "integer", Scalar.UINT64: "integer", Scalar.FLOAT: "number", Scalar.DOUBLE: "number",
    Scalar.BYTES: "data", Scalar.TIMESTAMP: "timestamp",
}
# Names the builders module binds besides the model's classes.
MODULE_NAMES = frozenset({NODE, "Callable", "EventMessage", "BUILDERS", "annotations"})


class Builders:
    """Builder names of one model, and the source of each builder."""

    def __init__(self, model: Model, nm: Any) -> None:
        self.model = model
        self.nm = nm
        taken = NameAllocator(names.KEYWORDS | names.BUILTIN_NAMES | MODULE_NAMES | set(nm.types.values()),
                              repeat_suffix("_"), valid=str.isidentifier)
        self.functions = {
            ("enum", e.name): taken.claim("module", f"enum_{names.attr_base(e.name)}") for e in model.enums}
        for kind, name, _ in builder_messages(model):
            base = nm.modules[name] if kind == "event" else names.attr_base(name)
            self.functions[(kind, name)] = taken.claim("module", f"{kind}_{base}")

    def reader(self, ref: TypeRef) -> str:
        """The function reading one value of a leaf type."""
        if ref.kind is Kind.SCALAR:
            assert ref.scalar is not None
            return f"{NODE}.{SCALAR_READERS[ref.scalar]}"
        return self.functions[(ref.kind.value, ref.name or "")]

    def argument(self, prop: Property) -> Call:
        method = ("req" if prop.required else "opt") + {Kind.LIST: "_list", Kind.MAP: "_map"}.get(prop.type.kind, "")
        return Call(f"v.{method}", [("", Atom(names.py_str(prop.name))), ("", Atom(self.reader(prop.type.leaf)))])

    def function(self, kind: str, name: str, params: tuple[Property, ...]) -> list[str]:
        cls = self.nm.types[(kind, name)]
        attrs = self.nm.attrs[(kind, name)]
        body = lines(Call(cls, [(attrs[p.name], self.argument(p)) for p in params]), INDENT, "return ")
        return _def(self.functions[(kind, name)], cls) + body

    def event_function(self, event: Event) -> str:
        return "\n".join(self.function("event", event.name, _params(event.properties)))

    def enum_reader(self, enum: str) -> list[str]:
        cls = self.nm.types[("enum", enum)]
        return _def(self.functions[("enum", enum)], cls) + [f"{INDENT}return v.member({cls})"]

    def module(self, memo: Memo = NO_MEMO) -> dict[str, Any]:
        """What `tests/plan_builders.py.j2` prints (each event's function
        reused from the previous build when the memo has it)."""
        used = used_types(self.model)
        functions = [self.enum_reader(e.name) for e in self.model.enums if ("enum", e.name) in used]
        functions += [self.function("object", o.name, _params(o.properties))
                      for o in self.model.objects if ("object", o.name) in used]
        for event in self.model.events:
            extra = (self.nm.types[("event", event.name)], self.functions[("event", event.name)])
            functions.append(memo.event_text(event, extra, partial(self.event_function, event)).split("\n"))
        imported = {self.nm.types[("event", e.name)] for e in self.model.events}
        imported |= {self.nm.types[kind_name] for kind_name in used}
        table = [f"{INDENT}{names.py_str(e.name)}: {self.functions[('event', e.name)]}," for e in self.model.events]
        return {"imports": names.import_lines(self.nm.package, imported) if imported else [],
                "functions": functions, "table": table}


def _params(properties: tuple[Property, ...]) -> tuple[Property, ...]:
    return tuple(p for p in properties if p.is_parameter)


def _def(function: str, returns: str) -> list[str]:
    line = f"def {function}(v: {NODE}) -> {returns}:"
    if names.width(line) <= names.LINE_LENGTH:
        return [line]
    return [f"def {function}(", f"{INDENT}v: {NODE},", f") -> {returns}:"]  # black's split of a long def
