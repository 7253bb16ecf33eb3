"""Synthetic event models for the benchmark: N events with 5 to 15
properties each, every type of the model language represented."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

TYPES = [
    "string", "bool", "int32", "int64", "uint32", "uint64", "float", "double", "timestamp", "bytes",
    "kind", "point", "list<string>", "list<int32>", "list<kind>", "list<point>", "map<string, string>",
    "map<string, double>",
]


def _property(rng: random.Random, number: int) -> dict[str, object]:
    type_name = TYPES[(number - 1) % len(TYPES)] if number <= len(TYPES) else rng.choice(TYPES)
    prop: dict[str, object] = {
        "number": number,
        "type": type_name,
        "required": rng.random() < 0.5,
        "privacy": rng.choice(["none", "pseudonymous", "personal"]),
        "description": f"Synthetic property {number} of type {type_name}.",
    }
    if prop["privacy"] == "pseudonymous" and type_name not in ("string", "list<string>"):
        prop["privacy"] = "none"  # a keyed hash is text: only strings can be pseudonymous
    if prop["privacy"] == "personal":
        prop["purposes"] = ["analytics"]
    if type_name == "string":
        prop.update({"max_length": 256, "pattern": "[a-z0-9_-]*"} if rng.random() < 0.3 else {"max_length": 128})
    if type_name in ("int32", "uint32", "double"):
        prop.update({"min": 0, "max": 1000})
    if type_name.startswith("list"):
        prop["max_items"] = 20
    return prop


def model_files(events: int, seed: int = 1) -> dict[str, dict[str, object]]:
    rng = random.Random(seed)
    header = {
        "model": {"name": "synthetic", "namespace": "synthetic.v1", "version": "1.0.0",
                  "description": f"Synthetic model with {events} events.", "products": ["app"],
                  "platforms": ["web", "android", "ios"]},
        "targets": {"python": {"package": "synthetic_analytics"}, "javascript": {"package": "synthetic-analytics"},
                    "kotlin": {"package": "com.example.synthetic"}, "swift": {"module": "SyntheticAnalytics"}},
        "purposes": {
            "necessary": {"description": "Running the app.", "lawful_basis": "legitimate_interest",
                          "retention_days": 90},
            "analytics": {"description": "Measuring use.", "lawful_basis": "consent", "retention_days": 395},
        },
        "context": {"properties": {
            "event_id": {"number": 1, "type": "string", "auto": "event_id", "privacy": "none"},
            "client_timestamp": {"number": 2, "type": "timestamp", "auto": "client_timestamp", "privacy": "none"},
            "model_version": {"number": 3, "type": "string", "auto": "model_version", "privacy": "none"},
            "app_version": {"number": 4, "type": "string", "required": True, "privacy": "none"},
            "consent": {"number": 5, "type": "list<string>", "auto": "consent", "privacy": "none"},
        }},
        "enums": {"kind": {"description": "Kinds.", "values": {f"kind_{i}": i for i in range(1, 6)}}},
        "objects": {"point": {"description": "A point.", "properties": {
            "x": {"number": 1, "type": "double", "required": True, "privacy": "none"},
            "y": {"number": 2, "type": "double", "required": True, "privacy": "none"},
            "label": {"number": 3, "type": "string", "privacy": "none"},
        }}},
    }
    files: dict[str, dict[str, object]] = {"model.yaml": header}
    per_file = 100
    for start in range(0, events, per_file):
        chunk = {}
        for index in range(start, min(events, start + per_file)):
            count = rng.randint(5, 15)
            chunk[f"event_{index:05d}"] = {
                "number": 10 + index,
                "description": f"Synthetic event {index}.",
                "owner": "bench@example.com",
                "purposes": ["analytics"],
                "properties": {f"prop_{n:02d}": _property(rng, n) for n in range(1, count + 1)},
            }
        files[f"events/events_{start // per_file:03d}.yaml"] = {"events": chunk}
    return files


def write_model(root: Path, events: int) -> Path:
    for rel, content in model_files(events).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(content, sort_keys=True, allow_unicode=True), encoding="utf-8")
    return root


# A model written the way people write large ones: short flow-style
# properties, about 450 bytes per event (11,000 events: about 5 MB), with
# names, descriptions and constraints that vary as in a real model, so that
# no cache of repeated text makes it look faster than it is.
_WORDS = ("item page video article user search cart order price screen player share comment rating "
          "session device region product category campaign offer coupon list section topic author "
          "episode season channel stream quality volume position duration error reason source").split()
_SHAPES = [
    "{{number: {n}, type: string, required: true, privacy: none, max_length: {m}, description: {d}}}",
    "{{number: {n}, type: int32, privacy: none, min: 0, max: {m}}}",
    "{{number: {n}, type: 'list<string>', privacy: none, max_items: {k}, pattern: '[a-z0-9_-]*'}}",
    "{{number: {n}, type: kind, privacy: personal, purposes: [analytics], description: {d}}}",
    "{{number: {n}, type: point, privacy: none}}",
    "{{number: {n}, type: 'map<string, double>', privacy: none, min: -1.5, max: {m}.5}}",
    "{{number: {n}, type: timestamp, privacy: none, description: {d}}}",
    "{{number: {n}, type: bool, privacy: none}}",
]


def write_flow_model(root: Path, events: int, per_file: int = 500, seed: int = 1) -> Path:
    """A valid model of `events` events in flow style, written as text."""
    rng = random.Random(seed)
    header = model_files(0)["model.yaml"]
    root.mkdir(parents=True, exist_ok=True)
    (root / "model.yaml").write_text(yaml.safe_dump(header, sort_keys=True), encoding="utf-8")
    for start in range(0, events, per_file):
        lines = ["events:"]
        for index in range(start, min(events, start + per_file)):
            verb, thing = rng.choice(_WORDS), rng.choice(_WORDS)
            lines += [f"  {thing}_{verb}_{index}:", f"    number: {10 + index}",
                      f"    description: Sent when the {thing} {verb} changes ({index}).",
                      f"    owner: {rng.choice(_WORDS)}-team@example.com", "    purposes: [analytics]",
                      "    properties:"]
            names = rng.sample(_WORDS, rng.randint(2, 5))
            for n, name in enumerate(names, start=1):
                shape = rng.choice(_SHAPES)
                text = shape.format(n=n, m=rng.randint(16, 4096), k=rng.randint(2, 50),
                                    d=f"The {name} of the {thing} {rng.randint(1, 99999)}.")
                lines.append(f"      {name}_{rng.choice(_WORDS)}: {text}")
        path = root / "events" / f"events_{start // per_file:03d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root
