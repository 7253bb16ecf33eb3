"""event_model.schema.json, the JSON Schema that editors use for the model's
YAML files: valid itself, accepts the bundled model, rejects typical mistakes,
and names the same keys as the loader (so the two cannot drift apart)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from codegen.ir import AutoValue, Privacy
from codegen.loading.builder import SECTIONS
from codegen.loading.package_metadata import URL_KINDS
from codegen.loading.properties import PROPERTY_KEYS
from codegen.loading.sources import SOURCE_KEYS

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "event_model.schema.json").read_text(encoding="utf-8"))
BROKEN = ROOT / "tests" / "broken_models"


def _as_editor_sees_it(node: object) -> object:
    """YAML as JSON: keys are text (as the loader reads them), dates their text."""
    if isinstance(node, dict):
        return {str(k): _as_editor_sees_it(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_as_editor_sees_it(v) for v in node]
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()
    return node


def _errors(path: Path) -> list[str]:
    document = _as_editor_sees_it(yaml.safe_load(path.read_text(encoding="utf-8")))
    validator = Draft202012Validator(SCHEMA)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_schema_is_valid() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", sorted((ROOT / "event_model").rglob("*.yaml")), ids=lambda p: p.name)
def test_bundled_model_files_match_the_schema(path: Path) -> None:
    assert _errors(path) == []


@pytest.mark.parametrize("case, file", [
    ("unknown_keys", "events.yaml"),
    ("unknown_section", "events.yaml"),
    ("missing_privacy", "events.yaml"),
    ("invalid_privacy", "events.yaml"),
    ("event_number_below_10", "events.yaml"),
    ("event_number_protobuf_reserved", "events.yaml"),
    ("field_number_out_of_range", "events.yaml"),
    ("field_number_protobuf_reserved", "events.yaml"),
    ("invalid_names", "events.yaml"),
    ("negative_lengths", "events.yaml"),
    ("list_of_list", "events.yaml"),
    ("map_non_string_key", "events.yaml"),
    ("pattern_not_portable_classes", "events.yaml"),
    ("pattern_not_portable_anchors", "events.yaml"),
    ("pattern_not_portable_lookaround", "events.yaml"),
    ("auto_misuse", "events.yaml"),
    ("bad_semver_text", "model.yaml"),
    ("bad_namespace", "model.yaml"),
    ("model_section_incomplete", "model.yaml"),
    ("reserved_type_names", "events.yaml"),
    ("enum_value_numbers", "enums.yaml"),
    ("file_is_a_list", "events.yaml"),
    ("names_too_long", "events.yaml"),
    ("names_too_long", "model.yaml"),
    ("purposes_missing", "events.yaml"),
    ("purposes_invalid", "model.yaml"),
    ("purposes_invalid", "events.yaml"),
])
def test_schema_rejects_broken_files(case: str, file: str) -> None:
    assert _errors(BROKEN / case / file), f"the schema accepts {case}/{file}"


def test_schema_knows_the_loaders_keys() -> None:
    defs = SCHEMA["$defs"]
    assert set(SCHEMA["properties"]) == set(SECTIONS)
    assert set(defs["property"]["properties"]) == set(PROPERTY_KEYS)
    assert set(defs["context_property"]["properties"]) == set(PROPERTY_KEYS) | {"auto"}
    assert defs["property"]["properties"]["privacy"]["enum"] == [p.value for p in Privacy]
    assert defs["context_property"]["properties"]["auto"]["enum"] == [a.value for a in AutoValue]
    assert set(defs["sources"]["additionalProperties"]["properties"]) == set(SOURCE_KEYS)
    assert set(defs["model"]["properties"]["urls"]["properties"]) == set(URL_KINDS)
