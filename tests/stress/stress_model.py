"""A stress model, generated (not hand-picked): its names are drawn from
the union of every registered target's avoided names and each language's
keywords, soft keywords, builtins, prelude and standard-library type names
(the implicit scopes that scripts/derive_implicit_scope.py reads off the
toolchains). Each name is spelled in the model's snake_case so that the
target's case conversion gives back exactly the name it must avoid; names
that cannot round-trip that way cannot collide and are left out.

    python tests/stress/stress_model.py OUT_DIR

The model is valid: names the loader rejects (it has rules of its own, e.g.
names that clash once case is folded) are dropped and the model written
again, until it loads.
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from codegen.naming import SNAKE_CASE, camel, enum_value_token, pascal  # noqa: E402

TYPES = ["string", "int32", "bool", "double", "int64", "uint32", "float", "uint64", "timestamp", "bytes",
         "list<string>", "map<string, int32>"]
PROPERTIES_PER_EVENT = 48
MAX_EVENTS = 80


def snake(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return spaced.lower()


def avoided_names() -> set[str]:
    from codegen.targets import registered_targets

    names = set(dir(builtins)) | set(keyword.kwlist) | set(keyword.softkwlist)
    for target in registered_targets().values():
        names |= target.lexicon.reserved | target.lexicon.keywords
    for path in (ROOT / "codegen" / "targets").glob("*/implicit_scope.txt"):
        names |= {line for line in path.read_text().splitlines() if line and not line.startswith("#")}
    return names


@dataclass
class Pools:
    types: list[str] = field(default_factory=list)  # model names whose PascalCase is an avoided name
    members: list[str] = field(default_factory=list)  # ... whose camelCase or snake_case is one
    values: list[str] = field(default_factory=list)  # enum value names whose token or camelCase is one


def pools() -> Pools:
    result = Pools()
    seen: set[str] = set()
    for name in sorted(avoided_names()):
        model_name = snake(name)
        if not SNAKE_CASE.match(model_name) or model_name in seen:
            continue
        seen.add(model_name)
        if pascal(model_name) == name:
            result.types.append(model_name)
        if camel(model_name) == name or model_name == name:
            result.members.append(model_name)
        if enum_value_token(model_name) == name or camel(model_name) == name:
            result.values.append(model_name)
    return result


def write(out: Path, pool: Pools, dropped: set[tuple[str, str]]) -> dict[tuple[str, int], tuple[str, str]]:
    """The model's files; returns (file, line) -> (kind, name) of what each line defines."""
    out.mkdir(parents=True, exist_ok=True)
    lines_of: dict[tuple[str, int], tuple[str, str]] = {}
    types = [t for t in pool.types if ("type", t) not in dropped]
    members = [m for m in pool.members if ("member", m) not in dropped]
    values = [v for v in pool.values if ("value", v) not in dropped]
    # Type names are shared out between events (which cost the most to compile
    # and test: MAX_EVENTS of them), objects and enums.
    events = types[2::3][:MAX_EVENTS]
    rest = [t for t in types if t not in set(events)]
    enums, objects = rest[0::2], rest[1::2]
    member_names = cycle(members)
    value_names = cycle(values)

    def emit(name: str, text: list[str]) -> None:
        (out / name).write_text("\n".join(text) + "\n")

    text = ["model:", "  name: stress", "  namespace: stress.v1", "  version: 1.0.0",
            "  description: Names drawn from every target's avoided names and every language's scope.",
            "  products: [web]", "  platforms: [web]", "",
            "purposes:",
            "  necessary: {description: Running the app., lawful_basis: legitimate_interest, retention_days: 30}", "",
            "context:", "  properties:"]
    for number, (name, auto, kind) in enumerate([("event_id", "event_id", "string"),
                                                 ("client_timestamp", "client_timestamp", "timestamp"),
                                                 ("model_version", "model_version", "string"),
                                                 ("sdk_name", "sdk_name", "string"),
                                                 ("sdk_version", "sdk_version", "string")], start=1):
        text.append(f"    {name}: {{number: {number}, type: {kind}, auto: {auto}, privacy: none}}")
    text.append("    consent: {number: 30, type: 'list<string>', auto: consent, privacy: none}")
    for number in range(6, 6 + 24):
        member = next(member_names)
        lines_of[("model.yaml", len(text) + 1)] = ("member", member)
        required = "true" if number % 3 == 0 else "false"
        text.append(f"    {member}: {{number: {number}, type: '{TYPES[number % len(TYPES)]}', required: {required}, "
                    "privacy: none}")
    emit("model.yaml", text)

    text = ["enums:"]
    for enum in enums:
        lines_of[("enums.yaml", len(text) + 1)] = ("type", enum)
        text += [f"  {enum}:", "    description: An enum named after an avoided name.", "    values:"]
        for number in (1, 2):
            value = next(value_names)
            lines_of[("enums.yaml", len(text) + 1)] = ("value", value)
            text.append(f"      {value}: {number}")
    emit("enums.yaml", text)

    text = ["objects:"]
    for index, obj in enumerate(objects):
        lines_of[("objects.yaml", len(text) + 1)] = ("type", obj)
        text += [f"  {obj}:", "    description: An object named after an avoided name.", "    properties:"]
        for number in (1, 2, 3):
            member = next(member_names)
            kind = enums[(index + number) % len(enums)] if number == 3 else TYPES[(index + number) % len(TYPES)]
            lines_of[("objects.yaml", len(text) + 1)] = ("member", member)
            text.append(f"      {member}: {{number: {number}, type: '{kind}', privacy: none}}")
    emit("objects.yaml", text)

    text = ["events:"]
    for index, event in enumerate(events):
        lines_of[("events.yaml", len(text) + 1)] = ("type", event)
        text += [f"  {event}:", f"    number: {10 + index}", "    description: An event named after an avoided name.", "    owner: stress@example.com",
                 "    purposes: [necessary]", "    properties:"]
        count = max(4, min(PROPERTIES_PER_EVENT, len(members) // max(1, len(events)) + 4))
        for number in range(1, count + 1):
            member = next(member_names)
            if number % 5 == 0:
                kind = objects[(index + number) % len(objects)]
            elif number % 7 == 0:
                kind = f"list<{enums[(index + number) % len(enums)]}>"
            else:
                kind = TYPES[(index + number) % len(TYPES)]
            required = "true" if number % 4 == 0 else "false"
            lines_of[("events.yaml", len(text) + 1)] = ("member", member)
            text.append(f"      {member}: {{number: {number}, type: '{kind}', required: {required}, "
                        "privacy: none}")
    emit("events.yaml", text)
    return lines_of


def generate(out: Path, rounds: int = 20) -> Path:
    """Write the stress model into `out` (dropping names the loader rejects)."""
    from codegen.diagnostics import ModelErrors
    from codegen.loader import load_model

    pool = pools()
    dropped: set[tuple[str, str]] = set()
    for _ in range(rounds):
        lines_of = write(out, pool, dropped)
        try:
            load_model(out)
            return out
        except ModelErrors as errors:
            culprits = {lines_of[(Path(d.loc.file).name, d.loc.line)] for d in errors.diagnostics
                        if (Path(d.loc.file).name, d.loc.line) in lines_of}
            if not culprits:
                raise
            dropped |= culprits
    raise RuntimeError("the stress model did not become valid")


if __name__ == "__main__":
    target = generate(Path(sys.argv[1]))
    pool = pools()
    print(f"{target}: {len(pool.types)} type names, {len(pool.members)} member names, {len(pool.values)} values")
