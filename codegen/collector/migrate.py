"""Tables created and extended on start-up, without manual migrations.

A compatible newer model adds properties: new columns are added, and STRUCT
columns (objects) gain their new fields. Anything else that differs (a type
changed, a field gone) is not compatible and stops the collector with a
message, rather than casting stored data away.
"""

from __future__ import annotations

import re
from typing import Any

from codegen.exports.sql import EVENT_IDS, event_ids_columns, quote, table_statements



class SchemaConflict(Exception):
    pass


Type = tuple[Any, ...]  # ("scalar", name) | ("list", T) | ("map", K, V) | ("struct", ((name, T), ...))


def parse_type(text: str) -> Type:
    """DuckDB's type text, e.g. `STRUCT("a" INTEGER, b VARCHAR[])[]`."""
    parser = _Parser(text)
    result = parser.type()
    parser.expect_end()
    return result


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self, token: str) -> bool:
        self._skip()
        return self.text.startswith(token, self.pos)

    def _take(self, token: str) -> None:
        if not self._peek(token):
            raise SchemaConflict(f"cannot read the type {self.text!r}")
        self.pos += len(token)

    def _word(self) -> str:
        self._skip()
        if self.text.startswith('"', self.pos):
            end = self.pos + 1
            while True:
                end = self.text.index('"', end)
                if self.text.startswith('""', end):
                    end += 2
                    continue
                break
            word = self.text[self.pos + 1:end].replace('""', '"')
            self.pos = end + 1
            return word
        match = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(self.text, self.pos)
        if match is None:
            raise SchemaConflict(f"cannot read the type {self.text!r}")
        self.pos = match.end()
        return match.group(0)

    def type(self) -> Type:
        name = self._word().upper()
        if name == "STRUCT":
            self._take("(")
            fields = []
            while True:
                field = self._word()
                fields.append((field, self.type()))
                if self._peek(","):
                    self._take(",")
                    continue
                break
            self._take(")")
            result: Type = ("struct", tuple(fields))
        elif name == "MAP":
            self._take("(")
            key = self.type()
            self._take(",")
            value = self.type()
            self._take(")")
            result = ("map", key, value)
        else:
            words = [name]
            while re.compile(r"\s+[A-Za-z]").match(self.text, self.pos):
                words.append(self._word().upper())  # TIMESTAMP WITH TIME ZONE
            result = ("scalar", _ALIASES.get(" ".join(words), " ".join(words)))
        while self._peek("[]"):
            self._take("[]")
            result = ("list", result)
        return result

    def expect_end(self) -> None:
        self._skip()
        if self.pos != len(self.text):
            raise SchemaConflict(f"cannot read the type {self.text!r}")


_ALIASES = {"TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ", "INT": "INTEGER", "INT4": "INTEGER", "INT8": "BIGINT",
            "BOOL": "BOOLEAN", "STRING": "VARCHAR", "TEXT": "VARCHAR", "REAL": "FLOAT", "FLOAT4": "FLOAT",
            "FLOAT8": "DOUBLE", "BYTEA": "BLOB"}


def extends(old: Type, new: Type) -> bool:
    """Whether `new` holds every value of `old` the same way (structs may gain fields)."""
    if old[0] != new[0]:
        return False
    if old[0] == "scalar":
        return old == new
    if old[0] == "list":
        return extends(old[1], new[1])
    if old[0] == "map":
        return extends(old[1], new[1]) and extends(old[2], new[2])
    new_fields = dict(new[1])
    return all(name in new_fields and extends(t, new_fields[name]) for name, t in old[1])


def _existing(con: Any) -> dict[str, dict[str, str]]:
    rows = con.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                       "WHERE table_catalog = current_database() AND table_schema = 'main' "
                       "ORDER BY table_name, ordinal_position").fetchall()
    tables: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, {})[column] = data_type
    return tables


def ensure_schema(con: Any, model: Any) -> list[str]:
    """Create missing tables and extend existing ones; returns what changed."""
    changes = []
    existing = _existing(con)
    if EVENT_IDS in existing and _has_primary_key(con, EVENT_IDS):
        changes.append(_drop_primary_key(con))
    wanted: dict[str, list[tuple[str, str]]] = {}
    for table, statement in table_statements(model):
        if table not in existing:
            con.execute(statement)
            changes.append(f"created table {table}")
            continue
        con.execute(statement.replace(f"CREATE TABLE IF NOT EXISTS {quote(table)}", "CREATE TEMP TABLE _wanted", 1))
        wanted[table] = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                    "WHERE table_name = '_wanted' ORDER BY ordinal_position").fetchall()
        con.execute("DROP TABLE _wanted")
    for table, columns in wanted.items():
        have = existing[table]
        for column, data_type in columns:
            if column not in have:
                con.execute(f"ALTER TABLE {quote(table)} ADD COLUMN {quote(column)} {data_type}")
                changes.append(f"added column {table}.{column} {data_type}")
                continue
            if have[column] == data_type:
                continue
            if not extends(parse_type(have[column]), parse_type(data_type)):
                raise SchemaConflict(
                    f"column {table}.{column} is {have[column]} in the database but {data_type} in model "
                    f"version {model.version}; that change is not compatible (use a new database file, or "
                    f"migrate the column yourself)")
            con.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET DATA TYPE {data_type}")
            changes.append(f"extended column {table}.{column} to {data_type}")
    return changes


def _has_primary_key(con: Any, table: str) -> bool:
    rows = con.execute("SELECT count(*) FROM duckdb_constraints() WHERE database_name = current_database() "
                       "AND schema_name = 'main' AND table_name = ? AND constraint_type = 'PRIMARY KEY'",
                       [table]).fetchone()
    return bool(rows[0])


def _drop_primary_key(con: Any) -> str:
    """event_ids of a store made before the dedupe index moved into memory
    (dedupe.py): the same rows in a table without the key."""
    old = quote("_event_ids_with_key")
    con.execute(f"ALTER TABLE {quote(EVENT_IDS)} RENAME TO {old}")
    con.execute(f"CREATE TABLE {quote(EVENT_IDS)} ({', '.join(event_ids_columns())})")
    con.execute(f"INSERT INTO {quote(EVENT_IDS)} SELECT event_id, event, received_at FROM {old} ORDER BY received_at")
    con.execute(f"DROP TABLE {old}")
    return f"rebuilt table {EVENT_IDS} without its PRIMARY KEY (the dedupe index is held in memory now)"
