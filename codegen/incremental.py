"""Reusing the previous build: content keys of each event and of what the
events share, and the stored memo of every target (`codegen.sdk.memo`).

An event's key is a hash of its text in the model file: from the line of
its name to the line where the next event starts (a superset of its text,
so any change to it changes the key). A file whose YAML could reach
outside an event's lines (anchors, aliases, tags, directives, several
documents) keys its events by their IR instead. The shared key covers the
model without its events: header, options, context, enums, objects (what
any event's IR and output may depend on besides itself). The target adds
its own names for an event to the key (they depend on the other events'
names).

The memo of a target lives in `OUT/.codegen/<target>.memo.json`: which
files each key gave, and the pieces of text (a line of a table, a
function of a test module) each key gave. It is written after the target's
files, with the stamp; a memo whose code key differs (codegen, the target
or its templates changed) is ignored.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from codegen.sdk.contract import OutputFile
from codegen.sdk.memo import UNREADABLE, KeptFile, Memo, T

if TYPE_CHECKING:
    from codegen.ir import Event, Model

MEMO_SUFFIX = ".memo.json"
# YAML that can make an event's IR depend on text outside its lines: an
# anchor, alias or tag (its indicator after a space, a flow indicator or at
# the start, and before a character that can follow it), or a directive or
# document marker at the start of a line. Searched with str.find: a regular
# expression took longer than the rest of the keys.
_INDICATOR_AFTER = frozenset("[{,:-")
_NOT_AFTER_INDICATOR = frozenset(",[]{}")
_LOCATION = re.compile(r"loc=Location\(file=(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"), line=\d+, column=\d+\)")


def _digest(*parts: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def ir_key(value: object) -> str:
    """A content key of IR values, their locations left out."""
    return _digest(_LOCATION.sub("", repr(value)))


def shared_key(model: Model) -> str:
    from dataclasses import replace

    return ir_key(replace(model, events=()))


def event_keys(model: Model, texts: dict[str, str]) -> dict[str, str]:
    """A key per event (by name), from `texts` (model file text by the
    location's file name), or from the IR where the text cannot tell."""
    by_file: dict[str, list[Event]] = {}
    for event in model.events:
        by_file.setdefault(event.loc.file, []).append(event)
    keys = {}
    for file, events in by_file.items():
        text = texts.get(file)
        if text is None or _reaches(text) or any(e.loc.line < 1 for e in events):
            keys.update({e.name: "ir:" + ir_key(e) for e in events})
            continue
        lines = text.split("\n")
        events.sort(key=lambda e: (e.loc.line, e.loc.column))
        for i, event in enumerate(events):
            end = events[i + 1].loc.line if i + 1 < len(events) else len(lines)
            keys[event.name] = "text:" + _digest(event.name, "\n".join(lines[event.loc.line - 1:end]))
    return keys


def _reaches(text: str) -> bool:
    if text.startswith(("%", "---", "...")) or "\n%" in text or "\n---" in text or "\n..." in text:
        return True
    last = len(text) - 1
    for indicator in "&*!":
        at = text.find(indicator)
        while at != -1:
            if at < last and (at == 0 or text[at - 1].isspace() or text[at - 1] in _INDICATOR_AFTER):
                after = text[at + 1]
                if not after.isspace() and after not in _NOT_AFTER_INDICATOR:
                    return True
            at = text.find(indicator, at + 1)
    return False


class StoredMemo(Memo):
    """The memo of one target for one build: what the previous build stored
    (kept only while its files are on disk as it wrote them), and what this
    build used, to be stored for the next one."""

    def __init__(self, shared: str, events: dict[str, str], previous: dict[str, Any] | Callable[[], dict[str, Any]],
                 intact: Callable[[str], bool] | Callable[[], set[str]], at_once: bool = False) -> None:
        self.shared = shared
        self.events = events
        self._previous = previous  # or how to read it, when it is first needed
        # Whether a file is on disk as the previous build wrote it; `at_once`:
        # `intact()` gives every such file (asked when first needed).
        self._intact = intact
        self._at_once = at_once
        self.files: dict[str, list[str]] = {}
        self.texts: dict[str, str] = {}
        self.data: dict[str, bytes | memoryview] = {}  # pieces kept in UTF-8 (event_data)
        self.reused = 0
        self._bases: dict[str, Any] = {}  # the digest of (kind, shared) by kind, to be continued per key

    @cached_property
    def _stored(self) -> dict[str, Any]:
        return self._previous if isinstance(self._previous, dict) else self._previous()

    @cached_property
    def _kept_files(self) -> set[str]:
        return self._intact()  # type: ignore[call-arg,return-value]

    @property
    def _files(self) -> dict[str, list[str]]:
        return self._stored.get("files", {})  # type: ignore[no-any-return]

    @property
    def _texts(self) -> dict[str, str]:
        return self._stored.get("texts", {})  # type: ignore[no-any-return]

    def _key(self, kind: str, event: Event | None, extra: tuple[str, ...]) -> str:
        """_digest(kind, shared, the event's key, *extra), from a digest of the first two made once."""
        base = self._bases.get(kind)
        if base is None:
            base = self._bases[kind] = hashlib.blake2b(digest_size=16)
            base.update(kind.encode() + b"\0" + self.shared.encode("utf-8", "surrogatepass") + b"\0")
        digest = base.copy()
        digest.update(self.events[event.name].encode("utf-8", "surrogatepass") + b"\0" if event is not None
                      else b"\0")
        for part in extra:
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return digest.hexdigest()

    def event_files(self, event: Event, extra: tuple[str, ...],
                    compute: Callable[[], list[OutputFile]]) -> list[OutputFile]:
        key = self._key("files", event, extra)
        paths = self._files.get(key)
        if paths is not None and (self._kept_files.issuperset(paths) if self._at_once
                                  else all(self._intact(p) for p in paths)):  # type: ignore[call-arg]
            self.files[key] = paths
            self.reused += len(paths)
            return [KeptFile(p) for p in paths]
        files = compute()
        self.files[key] = [f.path for f in files]
        return files

    def _text(self, key: str, compute: Callable[[], str]) -> str:
        text = self._texts.get(key)
        if not isinstance(text, str):
            try:
                text = None if text is None else str(text, "utf-8")  # a raw memo's
            except (TypeError, UnicodeDecodeError):
                text = None
        if text is None:
            text = compute()
        self.texts[key] = text
        return text

    def event_text(self, event: Event, extra: tuple[str, ...], compute: Callable[[], str]) -> str:
        return self._text(self._key("text", event, extra), compute)

    def event_data(self, event: Event, extra: tuple[str, ...], compute: Callable[[], str]) -> bytes:
        key = self._key("data", event, extra)
        data = self._texts.get(key)
        if isinstance(data, str):
            data = data.encode("utf-8")
        elif data is None:
            data = compute().encode("utf-8")
        self.data[key] = data
        return data  # type: ignore[return-value]

    def discard(self) -> None:
        self._previous = {}
        self.__dict__.pop("_stored", None)
        self.files, self.texts, self.data, self.reused = {}, {}, {}, 0

    def shared_text(self, extra: tuple[str, ...], compute: Callable[[], str]) -> str:
        return self._text(self._key("shared", None, extra), compute)

    def shared_value(self, extra: tuple[str, ...], compute: Callable[[], T], encode: Callable[[T], str],
                     decode: Callable[[str], T]) -> T:
        key = self._key("value", None, extra)
        text = self._texts.get(key)
        if text is not None and not isinstance(text, str):
            try:
                text = str(text, "utf-8")  # a raw memo's
            except (TypeError, UnicodeDecodeError):
                text = None
        if isinstance(text, str):
            try:
                value = decode(text)
            except UNREADABLE:
                pass  # damaged: computed and kept anew
            else:
                self.texts[key] = text
                return value
        value = compute()
        self.texts[key] = encode(value)
        return value

    def stored(self, code: str) -> bytes:
        """A line of JSON (the code, the files, each text's key and length
        in UTF-8), then the texts one after the other: megabytes of generated
        code read and written without JSON's escapes."""
        keys = [*self.texts, *self.data]
        texts = [*(text.encode("utf-8") for text in self.texts.values()), *self.data.values()]
        head = json.dumps({"code": code, "files": self.files,
                           "texts": [[key, len(text)] for key, text in zip(keys, texts)]},
                          ensure_ascii=False, separators=(",", ":"))
        return head.encode("utf-8") + b"\n" + b"".join(texts)


def read_memo(path: Path, code: str, raw: bool = False) -> dict[str, Any]:
    """The stored memo, if it was written by the same code and templates
    (texts in JSON, as an older memo has them, or after its first line).
    `raw`: the texts after the first line stay UTF-8, undecoded (for
    `event_data`, whose caller checks them)."""
    try:
        data = path.read_bytes()
        end = data.find(b"\n")
        stored = json.loads(data[:end] if end >= 0 else data)
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict) or stored.get("code") != code:
        return {}
    files, texts = stored.get("files"), stored.get("texts")
    if isinstance(texts, list):
        texts = _texts_of(texts, memoryview(data)[end + 1:] if end >= 0 else memoryview(b""), raw)
    if not isinstance(files, dict) or not isinstance(texts, dict):
        return {}
    return {"files": files, "texts": texts}


def _texts_of(lengths: list[Any], body: memoryview, raw: bool = False) -> dict[str, Any] | None:
    """Each text decoded on its own: most are ASCII, which decodes fastest
    (`raw`: each a slice of the body, not decoded)."""
    texts: dict[str, Any] = {}
    at = 0
    try:
        for entry in lengths:
            if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                    and type(entry[1]) is int and entry[1] >= 0):
                return None
            piece = body[at:at + entry[1]]
            texts[entry[0]] = piece if raw else str(piece, "utf-8")
            at += entry[1]
    except UnicodeDecodeError:
        return None
    return texts if at == len(body) else None


def model_texts(model_dir: Path) -> dict[str, str]:
    """The model files' text by the name the loader's locations use."""
    from codegen.loader import display_path
    from codegen.model_files import model_files

    texts = {}
    for path in model_files(model_dir):
        try:
            texts[display_path(path)] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return texts
