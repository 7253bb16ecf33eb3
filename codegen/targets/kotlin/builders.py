"""The typed builders of the library's data-driven tests (`plan.json` among
the test resources, see `codegen.sdk.vectors`): a function per object and
per event that builds it through the typed API from a case's values.

Events are spread over classes of `CHUNK` events each: one JVM method and
one class's constant pool must stay within their limits whatever the size
of the model."""

from __future__ import annotations

from functools import partial
from typing import Any

from codegen.ir import Event, Model, Property, Scalar, TypeRef
from codegen.sdk.memo import NO_MEMO, Memo
from codegen.sdk.vectors import Reader, TypeReads, builder_messages, read_expression
from codegen.targets.kotlin import lexical as kn
from codegen.targets.kotlin import views as kv

CHUNK = 250
SCALAR_READS = {
    Scalar.STRING: "string", Scalar.BOOL: "bool", Scalar.INT32: "int32", Scalar.INT64: "int64",
    Scalar.UINT32: "uint32", Scalar.UINT64: "uint64", Scalar.FLOAT: "float", Scalar.DOUBLE: "double",
    Scalar.BYTES: "bytes", Scalar.TIMESTAMP: "timestamp",
}


class KotlinReads(TypeReads):
    def __init__(self, names: kv.Names) -> None:
        self.names = names

    def scalar(self, scalar: Scalar, node: str) -> str:
        return f"{node}.{SCALAR_READS[scalar]}()"

    def enum(self, enum: str, node: str) -> str:
        return f"{node}.member {{ s -> {self.names.of(enum)}.fromWireName(s) }}"

    def object(self, name: str, node: str) -> str:
        return f"{node}.read {{ n -> PlanBuilders.{object_function(self.names, name)}(n) }}"

    def list(self, element: TypeRef, node: str, item: Reader) -> str:
        return f"{node}.list {{ e -> {item('e')} }}"

    def map(self, element: TypeRef, node: str, item: Reader) -> str:
        return f"{node}.map {{ e -> {item('e')} }}"


def object_function(names: kv.Names, name: str) -> str:
    return "build" + names.of(name)


def _call(reads: KotlinReads, class_name: str, properties: tuple[Property, ...],
          params: tuple[Property, ...]) -> str:
    members = kv.member_names(properties)
    args = []
    for p in params:
        node = f"v.req({kn.string_literal(p.name)})" if p.required else f"v.opt({kn.string_literal(p.name)})?"
        args.append(f"{members[p.name]} = {read_expression(reads, p.type, node)}")
    return f"{class_name}({', '.join(args)})"


def builder_files(model: Model, names: kv.Names, memo: Memo = NO_MEMO) -> list[tuple[str, dict[str, Any]]]:
    """(class name, template context) of `PlanBuilders` (objects and the
    dispatch) and of each `PlanEventsN` chunk; each event's function is
    reused from the previous build when the memo has it."""
    reads = KotlinReads(names)
    objects = [{"function": object_function(names, name), "type": names.of(name),
                "call": _call(reads, names.of(name), model.object(name).properties, params)}
               for kind, name, params in builder_messages(model) if kind == "object"]
    events = [{"wire": kn.string_literal(e.name), "function": "build" + names.of(e.name),
               "text": memo.event_text(e, (names.of(e.name),), partial(_event_function, reads, e))}
              for e in model.events]
    chunks = [events[i:i + CHUNK] for i in range(0, len(events), CHUNK)]
    files = [("PlanBuilders", {"objects": objects, "chunks": [f"PlanEvents{i}" for i in range(len(chunks))]})]
    files += [(f"PlanEvents{i}", {"class_name": f"PlanEvents{i}", "events": chunk}) for i, chunk in enumerate(chunks)]
    return files


def _event_function(reads: KotlinReads, event: Event) -> str:
    name = reads.names.of(event.name)
    params = tuple(p for p in event.properties if p.is_parameter)
    return f"    private fun build{name}(v: PlanNode): {name} = {_call(reads, name, event.properties, params)}"
