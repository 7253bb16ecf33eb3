"""Accepted events as Arrow tables shaped like the DuckDB tables of
codegen.exports.sql (the bulk path into DuckDB: one insert per table and
micro-batch)."""

from __future__ import annotations

import operator
from typing import Any, Callable

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


_SERVER = ("received_at", "sent_at", "event_time", "client_ip", "pseudonym_key")


class EventTable:
    """The columns of one event's table and how each is filled: a row is a
    tuple (the server's values, then the context's, then the event's),
    made by three C-level getters; a whole micro-batch of rows becomes an
    Arrow table in one conversion (one call per table, not one per column:
    per column it cost twice as much at 50 events)."""

    def __init__(self, model: Model, event_name: str, table: str) -> None:
        event = next(e for e in model.events if e.name == event_name)
        self.table = table
        self.columns: tuple[Column, ...] = event_columns(model, event)
        self.schema = pa.schema([(c.name, arrow_type(c.prop.type, model) if c.prop
                                  else _SERVER_TYPES.get(c.name, TIMESTAMP)) for c in self.columns])
        server = sorted((c for c in self.columns if c.scope == "server"), key=lambda c: _SERVER.index(c.name))
        context = [c for c in self.columns if c.scope == "context"]
        payload = [c for c in self.columns if c.scope not in ("server", "context")]
        self._server = _getter([_SERVER.index(c.name) for c in server])
        self._context = _getter([c.prop.name for c in context if c.prop])
        self._payload = _getter([c.prop.name for c in payload if c.prop])
        self._struct = pa.struct([self.schema.field(c.name) for c in (*server, *context, *payload)])

    def rows(self, received: Received, events: list[Accepted]) -> list[tuple[Any, ...]]:
        """The rows of one request's events; the row values (see plans.py) are Arrow-ready."""
        server, context, payload = self._server, self._context, self._payload
        at, sent = received.received_at_us, received.sent_at_us
        return [server((at, sent, e.event_time_us, e.client_ip, e.pseudonym_key)) + context(e.context)
                + payload(e.payload) for e in events]

    def arrow(self, rows: list[tuple[Any, ...]]) -> pa.Table:
        return pa.Table.from_struct_array(pa.array(rows, type=self._struct)).select(self.schema.names)


def _getter(keys: list[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """values -> the tuple of values[k] for the keys (itemgetter, which gives a bare value for one key)."""
    if not keys:
        return lambda values: ()
    if len(keys) == 1:
        only = keys[0]
        return lambda values: (values[only],)
    return operator.itemgetter(*keys)


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
