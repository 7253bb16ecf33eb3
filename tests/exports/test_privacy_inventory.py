"""`codegen export privacy` against the bundled model: every event and every
value (context, event, inside objects) appears once in each form, with the
class, purposes, lawful bases, retention, owner, products and platforms the
model's YAML says. The expectations are worked out here from the YAML files
read with PyYAML, not through the loader or the export's code."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "event_model"


def export(form: str) -> str:
    result = subprocess.run([sys.executable, "-m", "codegen", "--model", str(MODEL), "export", "privacy", "--format",
                             form], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout


def raw_model() -> dict[str, Any]:
    merged: dict[str, Any] = {"events": {}, "objects": {}, "enums": {}}
    for path in sorted(MODEL.rglob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section, value in document.items():
            if section in merged:
                merged[section].update(value)
            else:
                merged[section] = value
    return merged


def as_list(value: Any) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def expected_rows() -> list[dict[str, Any]]:
    m = raw_model()
    days = {name: p["retention_days"] for name, p in m["purposes"].items()}
    basis = {name: p["lawful_basis"] for name, p in m["purposes"].items()}
    rows = []

    def walk(event: str, props: dict[str, Any], prefix: str, inherited: list[str], event_purposes: list[str],
             meta: dict[str, Any]) -> None:
        for name, prop in sorted(props.items(), key=lambda item: item[1]["number"]):
            own = sorted(as_list(prop.get("purposes")))
            purposes = own or inherited
            leaf = re.sub(r"^(list<|map<string, *)|>$", "", prop["type"])
            required = bool(prop.get("required")) or "auto" in prop or "const" in prop
            rows.append({"event": event, "path": prefix + name, "privacy": prop["privacy"], "required": required,
                         "purposes": purposes, "lawful_bases": sorted({basis[p] for p in purposes}),
                         "retention_days": min(days[p] for p in set(purposes) | set(event_purposes)), **meta})
            if leaf in m["objects"]:
                walk(event, m["objects"][leaf]["properties"], f"{prefix}{name}.", purposes, event_purposes, meta)

    for event, spec in sorted(m["events"].items()):
        purposes = sorted(as_list(spec["purposes"]))
        meta = {"owner": spec["owner"],
                "products": sorted(as_list(spec.get("products")) or as_list(m["model"].get("products"))),
                "platforms": sorted(as_list(spec.get("platforms")) or as_list(m["model"].get("platforms")))}
        walk(event, m["context"]["properties"], "context.", purposes, purposes, meta)
        walk(event, spec.get("properties") or {}, "", purposes, purposes, meta)
    return rows


KEYS = ("event", "path", "privacy", "required", "purposes", "lawful_bases", "retention_days", "owner", "products",
        "platforms")


def comparable(row: dict[str, Any]) -> tuple:
    return tuple(tuple(row[k]) if isinstance(row[k], list) else row[k] for k in KEYS)


def test_the_json_inventory_lists_every_value_as_the_model_says() -> None:
    document = json.loads(export("json"))
    want = sorted(comparable(r) for r in expected_rows())
    got = sorted(comparable(r) for r in document["values"])
    assert got == want
    m = raw_model()
    assert {p["name"]: (p["lawful_basis"], p["retention_days"]) for p in document["purposes"]} == {
        name: (p["lawful_basis"], p["retention_days"]) for name, p in m["purposes"].items()}
    assert [e["name"] for e in document["events"]] == sorted(m["events"])
    assert document["collector"]["client_ip"]["purposes"] == m["collector"]["client_ip"]["purposes"]


def test_the_csv_inventory_holds_the_same_rows() -> None:
    reader = csv.DictReader(io.StringIO(export("csv")))
    rows = []
    for row in reader:
        rows.append({**row, "required": row["required"] == "true", "retention_days": int(row["retention_days"]),
                     **{k: row[k].split() for k in ("purposes", "lawful_bases", "products", "platforms")}})
    assert sorted(comparable(r) for r in rows) == sorted(comparable(r) for r in expected_rows())


def test_the_markdown_inventory_has_a_section_per_event_with_every_value() -> None:
    text = export("markdown")
    sections = re.split(r"^### ", text, flags=re.M)[1:]
    by_event = {s.split("\n", 1)[0].replace("\\_", "_"): s.replace("\\_", "_") for s in sections}
    want: dict[str, list[dict[str, Any]]] = {}
    for row in expected_rows():
        want.setdefault(row["event"], []).append(row)
    assert sorted(by_event) == sorted(want)
    for event, rows in want.items():
        lines = [line for line in by_event[event].splitlines() if line.startswith("| ")][2:]
        assert [line.split(" | ")[0].removeprefix("| ") for line in lines] == [r["path"] for r in rows], event
        for line, row in zip(lines, rows):
            cells = line.split(" | ")
            assert cells[2] == row["privacy"] and cells[5] == str(row["retention_days"]), (event, line)
