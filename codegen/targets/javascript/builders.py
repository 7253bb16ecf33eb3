"""The typed builders of the package's data-driven tests (`test/plan.json`,
see `codegen.sdk.vectors`): one function per object and one entry per event
that builds it through the typed API from a case's values."""

from __future__ import annotations

from functools import partial

from codegen.ir import Event, Model, Property, Scalar, TypeRef
from codegen.naming import pascal
from codegen.sdk.memo import NO_MEMO, Memo
from codegen.sdk.names import NameAllocator
from codegen.sdk.vectors import Reader, TypeReads, builder_messages, read_expression, used_types
from codegen.targets.javascript import lexical as js
from codegen.targets.javascript.views import Names

SCALAR_READS = {
    Scalar.STRING: "text", Scalar.BOOL: "flag", Scalar.INT32: "int", Scalar.UINT32: "int",
    Scalar.INT64: "bigint", Scalar.UINT64: "bigint", Scalar.FLOAT: "number", Scalar.DOUBLE: "number",
    Scalar.BYTES: "bytes", Scalar.TIMESTAMP: "timestamp",
}
SUPPORT_NAMES = frozenset({"PlanNode", "PlanEvent", "BUILDERS"})


class JsReads(TypeReads):
    def __init__(self, names: Names, functions: dict[str, str]) -> None:
        self.names = names
        self.functions = functions

    def scalar(self, scalar: Scalar, node: str) -> str:
        return f"{node}.{SCALAR_READS[scalar]}()"

    def enum(self, enum: str, node: str) -> str:
        return f"{node}.member({self.names.types[('enum', enum)]})"

    def object(self, name: str, node: str) -> str:
        return f"{node}.read({self.functions[name]})"

    def list(self, element: TypeRef, node: str, item: Reader) -> str:
        return f"{node}.list((n) => {item('n')})"

    def map(self, element: TypeRef, node: str, item: Reader) -> str:
        return f"{node}.map((n) => {item('n')})"


def builders_module(model: Model, names: Names, memo: Memo = NO_MEMO) -> dict[str, object]:
    """What `plan-builders.ts.j2` prints: the imports, a function per object
    and the table of event builders (each entry's text reused from the
    previous build when the memo has it)."""
    allocate = NameAllocator(js.RESERVED | SUPPORT_NAMES)  # "build" + PascalCase: never a type's name
    used = used_types(model)
    functions = {o.name: allocate.claim("functions", "build" + pascal(o.name))
                 for o in model.objects if ("object", o.name) in used}
    reads = JsReads(names, functions)
    objects = []
    for kind, name, params in builder_messages(model):
        if kind == "object":
            props = [_argument(reads, names.members[(kind, name)][p.name], p) for p in params]
            objects.append({"function": functions[name], "type": names.types[("object", name)], "props": props})
    events = []
    for event in model.events:
        type_name = names.types[("event", event.name)]
        events.append(memo.event_text(event, (type_name,), partial(_event_entry, reads, event, type_name)))
    imported = {names.types[("event", e.name)] for e in model.events}
    imported |= {names.types[kind_name] if kind_name[0] == "enum" else "type " + names.types[kind_name]
                 for kind_name in used}
    return {"imports": ", ".join(sorted(imported, key=lambda n: n.removeprefix("type "))),
            "objects": objects, "events": events}


def _event_entry(reads: JsReads, event: Event, type_name: str) -> str:
    """The table entry that builds `event`: its lines, without the last line end."""
    members = reads.names.members[("event", event.name)]
    props = [f"    {_argument(reads, members[p.name], p)}," for p in event.properties if p.is_parameter]
    return "\n".join([f"  [{js.ts_string(event.name)}, (v) => new {type_name}({{", *props, "  })],"])


def _argument(reads: JsReads, ident: str, prop: Property) -> str:
    wire = js.ts_string(prop.name)
    node = f"v.req({wire})" if prop.required else f"v.opt({wire})?"  # `?.` reads nothing when absent
    return f"{ident}: {read_expression(reads, prop.type, node)}"
