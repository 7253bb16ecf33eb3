"""The typed builders of the package's data-driven tests (`plan.json` beside
the tests, see `codegen.sdk.vectors`): a function per object and per event
that builds it through the typed API (the initializers an app calls) from a
case's values. A builder of a deprecated event is marked deprecated itself,
and so is everything that calls it, so that the package compiles without
warnings under `-warnings-as-errors`."""

from __future__ import annotations

from functools import partial
from typing import Any

from codegen.ir import Model, Property, Scalar, TypeRef
from codegen.sdk.memo import NO_MEMO, Memo
from codegen.sdk.vectors import Reader, TypeReads, builder_messages, read_expression
from codegen.targets.swift import lexical as names
from codegen.targets.swift.testvalues import DEPRECATED_TEST

SCALAR_READS = {
    Scalar.STRING: "string", Scalar.BOOL: "bool", Scalar.INT32: "int32", Scalar.INT64: "int64",
    Scalar.UINT32: "uint32", Scalar.UINT64: "uint64", Scalar.FLOAT: "float", Scalar.DOUBLE: "double",
    Scalar.BYTES: "bytes", Scalar.TIMESTAMP: "timestamp",
}


class SwiftReads(TypeReads):
    def __init__(self, nm: Any) -> None:
        self.nm = nm

    def scalar(self, scalar: Scalar, node: str) -> str:
        return f"{node}.{SCALAR_READS[scalar]}()"

    def enum(self, enum: str, node: str) -> str:
        return f"{node}.member({self.nm.types[('enum', enum)]}.self)"

    def object(self, name: str, node: str) -> str:
        return f"{function_name(self.nm, 'object', name)}({node})"

    def list(self, element: TypeRef, node: str, item: Reader) -> str:
        return f"{node}.list {{ try {item('$0')} }}"

    def map(self, element: TypeRef, node: str, item: Reader) -> str:
        return f"{node}.dictionary {{ try {item('$0')} }}"


def function_name(nm: Any, kind: str, name: str) -> str:
    return "build" + nm.types[(kind, name)]


def _argument(reads: SwiftReads, ident: str, prop: Property) -> str:
    wire = names.string_literal(prop.name)
    if prop.required:
        return f"{ident}: {read_expression(reads, prop.type, f'v.req({wire})')}"
    return f"{ident}: v.opt({wire}).map {{ try {read_expression(reads, prop.type, '$0')} }}"


def builders_view(model: Model, nm: Any, memo: Memo = NO_MEMO) -> dict[str, Any]:
    """What `tests/plan_builders.swift.j2` prints (each event's function
    reused from the previous build when the memo has it); `attributes` says
    whether the dispatch (and so the plan's tests) must be marked deprecated."""
    reads = SwiftReads(nm)
    functions = [_function(reads, kind, name, params) for kind, name, params in builder_messages(model)
                 if kind == "object"]
    events = []
    for event in model.events:
        function = function_name(nm, "event", event.name)
        functions.append(memo.event_text(event, (function,), partial(_event_function, reads, event)))
        events.append({"wire": names.string_literal(event.name), "function": function})
    deprecated = any(e.deprecation for e in model.events)
    return {"functions": functions, "events": events, "attributes": [DEPRECATED_TEST] if deprecated else []}


def _event_function(reads: SwiftReads, event: Any) -> str:
    params = tuple(p for p in event.properties if p.is_parameter)
    return _function(reads, "event", event.name, params, event.deprecation is not None)


def _function(reads: SwiftReads, kind: str, name: str, params: tuple[Property, ...], deprecated: bool = False) -> str:
    """The builder of one message: its lines, without the last line end."""
    idents = reads.nm.members[(kind, name)]
    type_name = reads.nm.types[(kind, name)]
    call = f"try {type_name}({', '.join(_argument(reads, idents[p.name], p) for p in params)})"
    head = [f"    {DEPRECATED_TEST}"] if deprecated else []
    return "\n".join([*head, f"    static func {function_name(reads.nm, kind, name)}(_ v: PlanNode) throws -> {type_name} {{",
                      f"        {call}", "    }"])
