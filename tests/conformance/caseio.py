"""The conformance cases and their file format.

`cases/<model>.json` holds every case of one model. Values are test-plan
values (see codegen.testplan) written as tagged JSON so that everything
survives the trip through a JSON file:

    {"$bytes": "00ff"}             bytes, hex
    {"$timestamp": [s, n]}         codegen.testplan.TimestampValue(s, n)
    {"$double": "NaN"}             also "Infinity", "-Infinity", "-0.0"
    {"$utf16": "0061d800"}         a string holding unpaired surrogates (UTF-16 code units, hex)
    {"$map": [[key, value], ...]}  a map, in the insertion order the SDK is handed

Lists are arrays, objects are JSON objects keyed by wire name (never
starting with "$"), enum values are their model names, other strings,
ints, finite floats (always written with a '.' or exponent) and bools are
plain JSON. A case either expects `json` and `proto` (hex) or `error`: the
sorted list of "constraint@path" issues validation must report, `refused`:
whether encoding must refuse the value too (unpaired surrogates), and
`message`: the ValidationError every SDK builds from the issues, name first
("ValidationError: invalid event ...", issues in the SDKs' one order). A case
whose event uses deprecated parts lists the deprecation `warnings` every SDK's
event reports, in order. Texts come from the reference (codegen.reference
driving the Python runtime); docs/sdk-api.md is their catalogue.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from codegen.testplan import TimestampValue

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CASES_DIR = HERE / "cases"
MODEL_DIRS: dict[str, Path] = {
    "bundled": ROOT / "event_model",
    "kitchen_sink": HERE / "models" / "kitchen_sink",
    "hostile": HERE / "models" / "hostile",
}
MODELS = tuple(MODEL_DIRS)


@dataclass(frozen=True)
class Case:
    model: str  # key of MODEL_DIRS
    name: str  # unique within the model
    event: str  # event wire name
    values: Mapping[str, Any]  # test-plan values of the event's parameters
    json: str | None = None  # expected canonical JSON of the event message
    proto: str | None = None  # expected Protobuf bytes of the event message, hex
    error: tuple[str, ...] = ()  # expected issues, "constraint@path", sorted
    refused: bool = False  # encoding must refuse (not only validation)
    message: str = ""  # the ValidationError's name and text, for rejected cases
    warnings: tuple[str, ...] = ()  # deprecation warnings of the event, in order
    source: str = ""  # "hypothesis" or "explicit"
    note: str = ""
    surrogates: bool = field(default=False, compare=False)

    @property
    def id(self) -> str:
        """Globally unique: what harnesses print first on each line."""
        return f"{self.model}/{self.name}"

    @property
    def rejected(self) -> bool:
        return bool(self.error)


# --- tagged JSON ---------------------------------------------------------------


def has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def encode_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$double": "NaN"}
        if math.isinf(value):
            return {"$double": "Infinity" if value > 0 else "-Infinity"}
        if value == 0 and math.copysign(1.0, value) < 0:
            return {"$double": "-0.0"}
        return value
    if isinstance(value, str):
        if has_surrogate(value):
            return {"$utf16": value.encode("utf-16-be", "surrogatepass").hex()}
        return value
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": bytes(value).hex()}
    if isinstance(value, TimestampValue):
        return {"$timestamp": [value.seconds, value.nanos]}
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    if isinstance(value, MapValue):
        return {"$map": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    if isinstance(value, dict):
        assert not any(k.startswith("$") for k in value), value
        return {k: encode_value(v) for k, v in value.items()}
    raise TypeError(f"cannot encode {value!r}")


_DOUBLES = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0.0": -0.0}


def decode_value(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(decode_value(v) for v in value)
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (tag, inner), = value.items()
        if tag == "$bytes":
            return bytes.fromhex(inner)
        if tag == "$timestamp":
            return TimestampValue(inner[0], inner[1])
        if tag == "$double":
            return _DOUBLES[inner]
        if tag == "$utf16":
            return bytes.fromhex(inner).decode("utf-16-be", "surrogatepass")
        if tag == "$map":
            return MapValue((decode_value(k), decode_value(v)) for k, v in inner)
    return {k: decode_value(v) for k, v in value.items()}


class MapValue(dict):  # type: ignore[type-arg]
    """A map value (as opposed to an object's values), kept in insertion order."""


def case_to_json(case: Case) -> dict[str, Any]:
    out: dict[str, Any] = {"name": case.name, "event": case.event, "source": case.source}
    if case.note:
        out["note"] = case.note
    out["values"] = encode_value(dict(case.values))
    if case.rejected:
        out["error"] = list(case.error)
        out["refused"] = case.refused
        out["message"] = case.message
    else:
        out["json"] = case.json
        out["proto"] = case.proto
    if case.warnings:
        out["warnings"] = list(case.warnings)
    return out


def case_from_json(model: str, data: Mapping[str, Any]) -> Case:
    values = decode_value(data["values"])
    return Case(
        model=model, name=data["name"], event=data["event"], values=values,
        json=data.get("json"), proto=data.get("proto"), error=tuple(data.get("error", ())),
        refused=bool(data.get("refused", False)), message=data.get("message", ""),
        warnings=tuple(data.get("warnings", ())), source=data.get("source", ""), note=data.get("note", ""),
        surrogates=_any_surrogate(values),
    )


def _any_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return has_surrogate(value)
    if isinstance(value, dict):
        return any(_any_surrogate(k) or _any_surrogate(v) for k, v in value.items())
    if isinstance(value, tuple):
        return any(_any_surrogate(v) for v in value)
    return False


HEADER = ("Generated by tests/conformance/make_cases.py from the model, Google's protobuf "
          "package (bytes, JSON) and codegen.reference (texts). Do not edit: run "
          "`.venv/bin/python tests/conformance/make_cases.py`.")


def dump_cases(model: str, cases: list[Case], batches: list[dict[str, Any]] | None = None,
               consents: list[dict[str, Any]] | None = None) -> str:
    """The case file; `batches` and `consents` are batch and consent cases
    already as JSON (batches.py, consents.py)."""
    # One case a line: small diffs, and still plain JSON.
    lines = ["{", f'"//": {json.dumps(HEADER)},', f'"model": {json.dumps(model)},',
             f'"count": {len(cases)},', '"cases": [']
    for i, case in enumerate(cases):
        sep = "," if i < len(cases) - 1 else ""
        lines.append(json.dumps(case_to_json(case), ensure_ascii=False, sort_keys=False) + sep)
    lines.append("],")
    lines.append('"batches": [')
    for i, batch in enumerate(batches or []):
        sep = "," if i < len(batches or []) - 1 else ""
        lines.append(json.dumps(batch, ensure_ascii=False, sort_keys=False) + sep)
    lines.append("],")
    lines.append('"consents": [')
    for i, consent in enumerate(consents or []):
        sep = "," if i < len(consents or []) - 1 else ""
        lines.append(json.dumps(consent, ensure_ascii=False, sort_keys=False) + sep)
    lines += ["]", "}"]
    return "\n".join(lines) + "\n"


def load_document(model: str) -> dict[str, Any]:
    return json.loads((CASES_DIR / f"{model}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def load_cases(model: str) -> list[Case]:
    doc = load_document(model)
    return [case_from_json(model, c) for c in doc["cases"]]


def all_cases() -> list[Case]:
    return [case for model in MODELS for case in load_cases(model)]
