"""Identifiers kept between builds (codegen/sdk/kept_names.py): an edit that
changes no name reuses the previous build's, one that does derives them
again, a damaged entry is derived again and written anew; every time the
tree equals a forced build's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from codegen.build import build
from codegen.targets.javascript import views as js_views
from codegen.targets.python import views as py_views
from codegen.targets.swift import views as swift_views
from conftest import MODEL_DIR
from test_incremental import EDITS, _edit, _tree

# target -> (module, attribute holding the derivation, how the target's entry starts)
DERIVATIONS = {
    "python": (py_views, "derive_names", b'{"package":'),
    "swift": (swift_views, "derive_names", b'{"module":'),
    "javascript": (js_views.Names, "of", b'{"types":'),
}


def _counting(monkeypatch: pytest.MonkeyPatch, target: str) -> list[int]:
    owner, attribute, _ = DERIVATIONS[target]
    derive = getattr(owner, attribute)
    calls: list[int] = []

    def counted(*args: object) -> object:
        calls.append(1)
        return derive(*args)

    monkeypatch.setattr(owner, attribute, staticmethod(counted) if isinstance(owner, type) else counted)
    return calls


def _same_as_forced(model: Path, out: Path, tmp_path: Path, target: str) -> None:
    fresh = tmp_path / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    build(model, fresh, (target,), force=True)
    assert _tree(out) == _tree(fresh)


@pytest.mark.parametrize("target", sorted(DERIVATIONS))
def test_names_are_derived_again_only_when_a_name_changed(tmp_path: Path, monkeypatch, target: str) -> None:
    model = tmp_path / "model"
    shutil.copytree(MODEL_DIR, model)
    out = tmp_path / "out"
    build(model, out, (target,))
    calls = _counting(monkeypatch, target)
    _edit(model / "events/video.yaml", "max_items: 30", "max_items: 29")  # a constraint: no name changes
    build(model, out, (target,))
    assert calls == []
    _same_as_forced(model, out, tmp_path, target)
    calls.clear()
    file, old, new = EDITS[3]  # an event added: its names and its properties' are new
    _edit(model / file, old, new)
    build(model, out, (target,))
    assert calls  # the model's SDK, and a source's that holds the new event
    _same_as_forced(model, out, tmp_path, target)


@pytest.mark.parametrize("damage", [b'"types":[["', b'"types":'])
@pytest.mark.parametrize("target", sorted(DERIVATIONS))
def test_a_damaged_entry_is_derived_again_and_written_anew(tmp_path: Path, monkeypatch, target: str,
                                                           damage: bytes) -> None:
    """Same length, so the memo still reads: not JSON any more, or JSON of another shape."""
    model = tmp_path / "model"
    shutil.copytree(MODEL_DIR, model)
    out = tmp_path / "out"
    build(model, out, (target,))
    memo = out / ".codegen" / f"{target}.memo.json"
    data = memo.read_bytes()
    start = data.index(DERIVATIONS[target][2])
    at = data.index(damage, start)
    broken = damage[:-1] + b"0" if damage.endswith(b'"') else damage.replace(b"types", b"typez")
    memo.write_bytes(data[:at] + broken + data[at + len(damage):])
    calls = _counting(monkeypatch, target)
    _edit(model / "events/video.yaml", "max_items: 30", "max_items: 29")
    build(model, out, (target,))
    assert calls == [1]  # the model's SDK (the sources' SDKs have their own memo)
    _same_as_forced(model, out, tmp_path, target)
    rewritten = memo.read_bytes()
    assert rewritten.index(damage, rewritten.index(DERIVATIONS[target][2])) >= 0
    assert broken not in rewritten[rewritten.index(DERIVATIONS[target][2]):][:len(damage) + 200]


def test_reserved_names_are_kept_per_bytes_of_their_sources(tmp_path: Path, monkeypatch) -> None:
    """codegen.sdk.reserved.derived: derived once, then read back while the
    sources are the same bytes; an edited source derives them again; a
    damaged entry (not JSON, another shape, a field missing) is derived
    again and written anew; what it reads back is what deriving gives."""
    from codegen.sdk import reserved
    from codegen.targets.python import lexical

    sources = tmp_path / "sources"
    shutil.copytree(lexical._TEMPLATES, sources, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(lexical, "_TEMPLATES", sources)
    monkeypatch.setattr(reserved, "CACHE_DIR", tmp_path / "cache")
    fields = ("runtime", "members", "template")
    calls: list[int] = []

    def derive() -> dict[str, frozenset[str]]:
        calls.append(1)
        return lexical._derive()

    def kept() -> dict[str, frozenset[str]]:
        return reserved.derived("python", fields, (Path(lexical.__file__), sources), derive)

    expected = {"runtime": lexical.RUNTIME_NAMES, "members": lexical.MESSAGE_MEMBERS,
                "template": lexical.TEMPLATE_NAMES}
    assert kept() == expected and calls == [1]
    assert kept() == expected and calls == [1]
    runtime = sorted((sources / "runtime").glob("*.py"))[0]
    runtime.write_text(runtime.read_text(encoding="utf-8") + "\nclass AddedByTheTest:\n    pass\n",
                       encoding="utf-8")
    changed = kept()
    assert calls == [1, 1] and changed["runtime"] == expected["runtime"] | {"AddedByTheTest"}
    entry = tmp_path / "cache" / "python.json"
    good = entry.read_text(encoding="utf-8")
    for damaged in ("{not json", good.replace('"runtime": [', '"runtime": [1, '), good.replace('"template"', '"x"')):
        entry.write_text(damaged, encoding="utf-8")
        calls.clear()
        assert kept() == changed and calls == [1]
        assert entry.read_text(encoding="utf-8") == good
    monkeypatch.setattr(reserved, "CACHE_DIR", None)
    calls.clear()
    assert kept() == changed and calls == [1]  # no cache: `codegen check`, and a forced build
