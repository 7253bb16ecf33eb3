"""A loaded model version: the IR plus a locator for precise positions.

The IR locates names (events, properties, values); the locator finds any key
of the YAML (`type:`, `reserved:`, `version:`), so a change is reported where
it was made. Models read from git are loaded from a temporary copy and
relocated to the paths they have in the repository.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from codegen.diagnostics import Collector, Diagnostic, ModelErrors
from codegen.ir import Location, Model
from codegen.loader import display_path, load_model, model_files
from codegen.loading.yaml_fast import fast_load
from codegen.loading.yaml_lines import lines_load
from codegen.loading.yaml_nodes import LMap, LNode, load_yaml

NAMED_SECTIONS = ("events", "enums", "objects")


class Locator:
    """Finds the position of a key path such as ('events', 'x', 'properties', 'y', 'type')."""

    def __init__(self, documents: list[tuple[str, LNode]]) -> None:
        self.single: dict[str, tuple[Location, LNode]] = {}
        self.named: dict[str, dict[str, tuple[Location, LNode]]] = {s: {} for s in NAMED_SECTIONS}
        for _, node in documents:
            if not isinstance(node, LMap):
                continue
            for section, (key, value) in node.entries.items():
                if section in self.named and isinstance(value, LMap):
                    for name, (name_key, item) in value.entries.items():
                        self.named[section].setdefault(name, (name_key.loc, item))
                else:
                    self.single.setdefault(section, (key.loc, value))

    def find(self, path: tuple[str, ...], fallback: Location) -> Location:
        """The deepest key of `path` that exists, or `fallback`."""
        if not path:
            return fallback
        section, rest = path[0], path[1:]
        if section in self.named:
            if not rest or rest[0] not in self.named[section]:
                return fallback
            found, node = self.named[section][rest[0]]
            rest = rest[1:]
        elif section in self.single:
            found, node = self.single[section]
        else:
            return fallback
        for key in rest:
            if not isinstance(node, LMap) or key not in node.entries:
                break
            key_node, node = node.entries[key]
            found = key_node.loc
        return found


@dataclass
class Snapshot:
    """One side of a comparison."""

    label: str  # what the user named: a directory, a ref, a tag
    model: Model
    locator: Locator
    released: bool = False  # a release (tag) or a directory taken as one

    @property
    def version(self) -> str:
        return self.model.version

    def at(self, path: tuple[str, ...], fallback: Location) -> Location:
        return self.locator.find(path, fallback)

    def describe(self) -> str:
        return f"{self.model.version} ({self.label})" if self.label != self.model.version else self.label


def _relocate(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, Location):
        return value._replace(file=names.get(value.file, value.file))
    if isinstance(value, tuple):
        return tuple(_relocate(item, names) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _relocate(getattr(value, f.name), names) for f in fields(value)})
    return value


def load_snapshot(model_dir: Path, label: str, released: bool = False,
                  names: dict[str, str] | None = None) -> Snapshot:
    """Load a model folder. `names` maps the loader's file names (paths of a
    temporary copy) to the names to report (paths in the repository)."""
    names = names or {}
    try:
        model = load_model(model_dir)
    except ModelErrors as exc:
        if not names:
            raise
        raise ModelErrors(Diagnostic(_relocate(d.loc, names), d.message, d.hint) for d in exc.diagnostics) from None
    documents = []
    quiet = Collector()  # the model loaded, so the files parse; nothing to report twice
    for path in model_files(model_dir):
        shown = display_path(path)
        text, name = path.read_text(encoding="utf-8"), names.get(shown, shown)
        node = lines_load(text, name) or fast_load(text, name) or load_yaml(text, name, quiet)
        if node is not None:
            documents.append((shown, node))
    return Snapshot(label, _relocate(model, names) if names else model, Locator(documents), released)
