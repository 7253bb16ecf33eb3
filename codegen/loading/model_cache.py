"""The model files as the loader last read them, one entry per file, so that
after an edit only the edited file is parsed and only its events are built.

An entry (`<folder>/<key>.json`, JSON that `ir_codec` reads, never pickle)
is found by a digest of the file's display name and bytes, and holds the
file's located YAML without its events, and each event's IR with the
diagnostics reading and checking it gave (`check_scope`). An event's IR
also depends on the rest of the model (the names of its enums, objects and
purposes, its products and platforms): the entry records a key of those,
and an event read under another key is read again from the file. Entries
name codegen's code (`code`, with the versions of PyYAML and Python); an
entry of other code, another file or other bytes, or one that does not
decode, is not used. Whatever goes wrong with the cache while the model is
built (a broken entry, an event it lacks), the loader loads again without
it (`Stale`), so a cached load gives what a cold one gives.

Files whose reading gave diagnostics are not cached (each load reports them
again); neither are files with values the codec does not write.

The entries are data the loader checks as it decodes them, never code: a
damaged entry fails to decode and is not used. An entry crafted to decode
into another model is not guarded against: whoever can write the output
folder can write the generated code in it just as well.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from codegen.loading import ir_codec
from codegen.loading.checks import check_scope
from codegen.loading.ir_codec import EventReader, EventWriter, Placeholder, Uncacheable

if TYPE_CHECKING:
    from codegen.diagnostics import Collector, Diagnostic
    from codegen.ir import Event, Location
    from codegen.loading.properties import TypeNames
    from codegen.loading.yaml_nodes import LNode

FORMAT = 1
Parse = Callable[[str, str, "Collector"], "LNode | None"]  # (text, file name, errors)


class Stale(Exception):
    """The cache cannot give what a cold load would: load without it."""


def _digest(*parts: bytes) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(len(part).to_bytes(8, "little") + part)
    return digest.hexdigest()


class _File:
    """One model file during a load: its bytes, its entry if it had one,
    and the events read from it this time (as JSON text), to be written."""

    def __init__(self, name: str, data: bytes, key: str, entry: dict[str, Any] | None) -> None:
        self.name = name
        self.data = data
        self.key = key
        self.entry = entry
        self.skeleton = ""  # the located YAML without events, as JSON (for a file read from YAML)
        self.events: dict[str, str] = {}  # event -> its [ir, diagnostics] as JSON, for the entry
        self.writer = EventWriter(name)
        self.reader: EventReader | None = None
        self.decoded: dict[str, tuple[Event, list[Diagnostic]]] = {}  # what the entry gave
        self.nodes: dict[str, LNode] | None = None  # the events' YAML, when it had to be parsed again
        self.dirty = False
        self.uncacheable = False

    def keep(self, name: str, event: Event, diagnostics: list[Diagnostic]) -> None:
        """An event read from YAML, for the entry to be written."""
        try:
            self.events[name] = _json([self.writer.event(event), ir_codec.diagnostics(diagnostics, self.name)])
            self.dirty = True
        except Uncacheable:
            self.uncacheable = True


class ModelCache:
    """The cache of one load (`read` False: write only, after a stale one)."""

    def __init__(self, folder: Path, code: str, read: bool = True) -> None:
        import sys

        import yaml

        self.folder = folder
        # What reads a file besides codegen: the YAML library, Python's (its re parser checks patterns).
        self.code = (f"{code}; PyYAML {yaml.__version__}{' libyaml' if yaml.__with_libyaml__ else ''}; "
                     f"Python {sys.version_info[0]}.{sys.version_info[1]}")
        self.use = read
        self.files: dict[str, _File] = {}
        self.reading = ""
        self.errors: Collector | None = None
        self.parse: Parse | None = None
        self.checked: set[str] = set()  # events whose check_scope is done (its findings in errors)
        self.hits = 0

    def again(self) -> None:
        """Forget this load, for loading once more without reading entries."""
        self.use = False
        self.files = {}
        self.checked = set()
        self.hits = 0

    def document(self, path: Path, name: str, errors: Collector, parse: Parse) -> LNode | None:
        """The file's located values (its events as placeholders when its
        entry is good), or None when it gives none (reported)."""
        from codegen.loading.yaml_nodes import read_text

        self.errors, self.parse = errors, parse
        try:
            data = path.read_bytes()
        except OSError:
            return _parse(read_text(path, name, errors), name, errors, parse)
        key = _digest(self.code.encode(), name.encode("utf-8", "surrogatepass"), data)
        entry = self._entry(key, name) if self.use else None
        if entry is not None:
            try:
                node = ir_codec.untree(entry["tree"], name)
            except (KeyError, IndexError, TypeError, ValueError, RecursionError):
                node = None
            if node is not None:
                self.files[name] = _File(name, data, key, entry)
                self.hits += 1
                return node  # type: ignore[no-any-return]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return _parse(read_text(path, name, errors), name, errors, parse)
        before = len(errors.diagnostics)
        node = parse(text, name, errors)
        if node is not None and len(errors.diagnostics) == before and name not in errors.failed_files:
            try:
                tree = ir_codec.tree(node, name, events=True)
            except (Uncacheable, RecursionError):
                return node
            state = self.files[name] = _File(name, data, key, None)
            state.skeleton = _json(tree)
            state.dirty = True
        return node

    def _entry(self, key: str, name: str) -> dict[str, Any] | None:
        try:
            entry = json.loads((self.folder / f"{key}.json").read_bytes())
        except (OSError, ValueError, RecursionError):
            return None
        if not (isinstance(entry, dict) and entry.get("format") == FORMAT and entry.get("code") == self.code
                and entry.get("file") == name and isinstance(entry.get("events"), dict)
                and isinstance(entry.get("reading"), str) and isinstance(entry.get("tables"), dict)):
            return None
        return entry

    def begin_events(self, names: TypeNames, declared: dict[str, tuple[str, ...]]) -> None:
        """What reading an event depends on besides its own text."""
        facts = [sorted(names.enums), sorted(names.objects),
                 sorted([name, sorted(values)] for name, values in names.enum_values.items()),
                 None if names.purposes is None else sorted(names.purposes.items()),
                 sorted((field, list(values)) for field, values in declared.items())]
        self.reading = _digest(json.dumps(facts, ensure_ascii=True).encode())

    def read_event(self, name: str, loc: Location, node: object, read: Callable[[LNode], Event]) -> Event:
        """The event's IR: from its file's entry when it was read under the
        same key, else read from its YAML (and kept for the entry)."""
        errors = self.errors
        assert errors is not None
        if isinstance(node, Placeholder):
            state = self.files.get(node.file)
            if state is None:
                raise Stale(f"no file {node.file}")
            if state.entry is not None and state.entry["reading"] == self.reading and name in state.entry["events"]:
                try:
                    if state.reader is None:
                        state.reader = EventReader(state.name, state.entry["tables"])
                    ir, found = state.entry["events"][name]
                    event = state.reader.event(ir)
                    diagnostics = ir_codec.undiagnostics(found, state.name)
                except (KeyError, IndexError, TypeError, ValueError) as exc:
                    raise Stale(f"a broken entry of {state.name}") from exc
                errors.diagnostics += diagnostics
                state.decoded[name] = (event, diagnostics)
                self.checked.add(name)
                return event
            node = self._yaml(state, name)
        state = self.files.get(loc[0])
        before = len(errors.diagnostics)
        event = read(node)  # type: ignore[arg-type]
        if state is not None and state.entry is None:
            # Its own checks too, so that its entry holds what they report.
            check_scope("event", event.name, event.properties, event.reserved, errors)
            self.checked.add(name)
            state.keep(name, event, errors.diagnostics[before:])
        return event

    def _yaml(self, state: _File, name: str) -> LNode:
        """The located YAML of an event of a cached file, parsed again (once per file)."""
        from codegen.loading.yaml_nodes import LMap

        if state.nodes is None:
            errors = self.errors
            assert errors is not None and self.parse is not None
            before = len(errors.diagnostics)
            try:
                root = self.parse(state.data.decode("utf-8"), state.name, errors)
            except UnicodeDecodeError as exc:
                raise Stale(f"{state.name} is no longer what its entry says") from exc
            events = root.get("events") if isinstance(root, LMap) else None
            if len(errors.diagnostics) != before or not isinstance(events, LMap):
                raise Stale(f"{state.name} is no longer what its entry says")
            state.nodes = {key: value for key, (_key_node, value) in events.entries.items()}
            try:
                state.skeleton = _json(ir_codec.tree(root, state.name, events=True))
            except (Uncacheable, RecursionError):
                state.uncacheable = True
            # The entry is written anew: with the events it gave so far, and those read now.
            state.entry = None
            state.dirty = True
            for decoded, (event, diagnostics) in state.decoded.items():
                state.keep(decoded, event, diagnostics)
        found = state.nodes.pop(name, None)
        if found is None:
            raise Stale(f"{state.name} has no event {name} any more")
        return found

    def save(self) -> None:
        """Write the entries that changed and remove those of files gone or changed."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for state in self.files.values():
                if state.dirty and not state.uncacheable:
                    _write(self.folder / f"{state.key}.json", self._text(state))
            current = {f"{state.key}.json" for state in self.files.values() if not state.uncacheable}
            for entry in os.listdir(self.folder):
                if entry.endswith(".json") and entry not in current:
                    os.unlink(self.folder / entry)
        except OSError:
            pass  # a cache that cannot be written is only slower next time

    def _text(self, state: _File) -> str:
        tables = _json(state.writer.tables())
        events = ",".join(f"{_json(name)}:{text}" for name, text in state.events.items())
        head = _json({"format": FORMAT, "code": self.code, "file": state.name, "reading": self.reading})
        return f'{head[:-1]},"tables":{tables},"tree":{state.skeleton},"events":{{{events}}}}}'


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=True)


def _parse(text: str | None, name: str, errors: Collector, parse: Parse) -> LNode | None:
    return None if text is None else parse(text, name, errors)


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="ascii")
    os.replace(temporary, path)
