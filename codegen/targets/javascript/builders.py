"""The typed builders of the package's data-driven tests (`test/plan.json`,
see `codegen.sdk.vectors`): one function per object and one entry per event
that builds it through the typed API from a case's values."""

from __future__ import annotations

from codegen.ir import Kind, Model, Property, Scalar, TypeRef
from codegen.naming import pascal
from codegen.sdk.names import NameAllocator
from codegen.sdk.vectors import Reader, TypeReads, builder_messages, read_expression
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
        self.used: set[str] = set()

    def scalar(self, scalar: Scalar, node: str) -> str:
        return f"{node}.{SCALAR_READS[scalar]}()"

    def enum(self, enum: str, node: str) -> str:
        name = self.names.types[("enum", enum)]
        self.used.add(name)
        return f"{node}.member({name})"

    def object(self, name: str, node: str) -> str:
        return f"{node}.read({self.functions[name]})"

    def list(self, element: TypeRef, node: str, item: Reader) -> str:
        return f"{node}.list((n) => {item('n')})"

    def map(self, element: TypeRef, node: str, item: Reader) -> str:
        return f"{node}.map((n) => {item('n')})"


def builders_module(model: Model, names: Names) -> dict[str, object]:
    """What `plan-builders.ts.j2` prints: the imports, a function per object
    and the table of event builders."""
    allocate = NameAllocator(js.RESERVED | SUPPORT_NAMES | set(names.types.values()))
    functions = {o.name: allocate.claim("functions", "build" + pascal(o.name)) for o in model.objects}
    reads = JsReads(names, functions)
    objects, events = [], []
    for kind, name, params in builder_messages(model):
        props = [_argument(reads, names.members[(kind, name)][p.name], p) for p in params]
        if kind == "object":
            type_name = names.types[("object", name)]
            reads.used.add(f"type {type_name}")
            objects.append({"function": functions[name], "type": type_name, "props": props})
        else:
            type_name = names.types[("event", name)]
            reads.used.add(type_name)
            events.append({"name": js.ts_string(name), "type": type_name, "props": props})
    return {"imports": ", ".join(sorted(reads.used, key=lambda n: n.removeprefix("type "))),
            "objects": objects, "events": events}


def _argument(reads: JsReads, ident: str, prop: Property) -> str:
    wire = js.ts_string(prop.name)
    node = f"v.req({wire})" if prop.required else f"v.opt({wire})?"  # `?.` reads nothing when absent
    return f"{ident}: {read_expression(reads, prop.type, node)}"
