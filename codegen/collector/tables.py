"""Accepted events as Arrow tables shaped like the DuckDB tables of
codegen.exports.sql (the bulk path into DuckDB: one insert per table and
micro-batch)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from codegen.exports.sql import BAD_EVENT_COLUMNS, Column, event_columns, event_tables
from codegen.ir import Kind, Model, Scalar, TypeRef
from codegen.collector.records import Accepted, Received

_SCALARS = {
    Scalar.STRING: pa.string(),
    Scalar.BOOL: pa.bool_(),
    Scalar.INT32: pa.int32(),
    Scalar.INT64: pa.int64(),
    Scalar.UINT32: pa.uint32(),
    Scalar.UINT64: pa.uint64(),
    Scalar.FLOAT: pa.float32(),
    Scalar.DOUBLE: pa.float64(),
    Scalar.TIMESTAMP: pa.timestamp("us", tz="UTC"),
    Scalar.BYTES: pa.binary(),
}
TIMESTAMP = pa.timestamp("us", tz="UTC")
_SERVER_TYPES = {"client_ip": pa.string(), "pseudonym_key": pa.string()}  # the others are timestamps


def arrow_type(type_ref: TypeRef, model: Model) -> pa.DataType:
    if type_ref.kind is Kind.LIST:
        assert type_ref.element is not None
        return pa.list_(arrow_type(type_ref.element, model))
    if type_ref.kind is Kind.MAP:
        assert type_ref.element is not None
        return pa.map_(pa.string(), arrow_type(type_ref.element, model))
    if type_ref.kind is Kind.ENUM:
        return pa.string()
    if type_ref.kind is Kind.OBJECT:
        return pa.struct([(p.name, arrow_type(p.type, model)) for p in model.object(type_ref.name or "").properties])
    assert type_ref.scalar is not None
    return _SCALARS[type_ref.scalar]


class EventTable:
    """The columns of one event's table and how each is filled."""

    def __init__(self, model: Model, event_name: str, table: str) -> None:
        event = next(e for e in model.events if e.name == event_name)
        self.table = table
        self.columns: tuple[Column, ...] = event_columns(model, event)
        self.schema = pa.schema([(c.name, arrow_type(c.prop.type, model) if c.prop
                                  else _SERVER_TYPES.get(c.name, TIMESTAMP)) for c in self.columns])
        self._fill = [(c.scope, c.prop.name if c.prop else c.name) for c in self.columns]

    def arrow(self, events: list[tuple[Received, Accepted]]) -> pa.Table:
        """The events' rows; the row values (see plans.py) are Arrow-ready."""
        data: list[list[Any]] = []
        for scope, key in self._fill:
            if scope == "context":
                data.append([e.context[key] for _, e in events])
            elif scope != "server":
                data.append([e.payload[key] for _, e in events])
            elif key == "received_at":
                data.append([r.received_at_us for r, _ in events])
            elif key == "sent_at":
                data.append([r.sent_at_us for r, _ in events])
            elif key == "client_ip":
                data.append([e.client_ip for _, e in events])
            elif key == "pseudonym_key":
                data.append([e.pseudonym_key for _, e in events])
            else:
                data.append([e.event_time_us for _, e in events])
        return pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(data, self.schema)],
                                    schema=self.schema)


class Tables:
    def __init__(self, model: Model) -> None:
        self.names = event_tables(model)
        self.events = {name: EventTable(model, name, table) for name, table in self.names.items()}
        self.bad_schema = pa.schema([
            ("received_at", TIMESTAMP), ("content_type", pa.string()), ("batch_index", pa.int32()),
            ("event_id", pa.string()), ("event", pa.string()), ("model_version", pa.string()),
            ("collector_model_version", pa.string()), ("reasons", pa.list_(pa.string())), ("raw", pa.binary())])
        assert [n for n, _, _ in BAD_EVENT_COLUMNS] == self.bad_schema.names
        self.model_version = model.version

    def bad_events(self, received: list[Received]) -> pa.Table:
        rows = [{"received_at": r.received_at_us, "content_type": r.content_type, "batch_index": b.index,
                 "event_id": b.event_id, "event": b.event, "model_version": b.model_version,
                 "collector_model_version": self.model_version, "reasons": b.reasons, "raw": b.raw}
                for r in received for b in r.rejected]
        return pa.Table.from_pylist(rows, schema=self.bad_schema)
