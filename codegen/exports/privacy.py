"""`codegen export privacy`: the record of processing, generated from the
model so that it is never out of date (docs/exports.md, "Privacy").

One row per stored value: every property of every event, the context's
properties (sent with every event) and the values inside objects, each
with its privacy class, purposes, lawful bases, how long it is kept, how
the SDKs and the collector handle it, and its event's owner, products and
platforms. Markdown for people, CSV for spreadsheets, JSON for tools.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from typing import Any

from codegen.ir import Event, Kind, Model, Privacy, Property
from codegen.purposes import PurposeRules

FORMATS = ("markdown", "csv", "json")
CONTEXT = "context"


@dataclass(frozen=True)
class Row:
    event: str
    path: str  # "context.<name>" or "<name>", objects' values joined with "."
    type: str
    required: bool
    privacy: str
    purposes: tuple[str, ...]  # the value's own, else those of the value holding it, else its event's
    lawful_bases: tuple[str, ...]
    retention_days: int
    handling: str
    owner: str
    products: tuple[str, ...]
    platforms: tuple[str, ...]
    description: str


class Inventory:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.rules = PurposeRules(model)
        self.days = {p.name: p.retention_days for p in model.purposes}
        self.bases = {p.name: p.lawful_basis.value for p in model.purposes}

    def event_days(self, event: Event) -> int:
        return min((self.days[p] for p in event.purposes), default=0)

    def rows(self) -> list[Row]:
        out: list[Row] = []
        for event in self.model.events:
            for scope, properties in ((CONTEXT, self.model.context.properties), ("", event.properties)):
                for prop in properties:
                    top = min((self.days[p] for p in self._subtree(prop)), default=self.event_days(event))
                    out += self._rows(event, prop, f"{scope}." if scope else "", min(top, self.event_days(event)),
                                      event.purposes)
        return out

    def _subtree(self, prop: Property) -> set[str]:
        found = set(prop.purposes)
        leaf = prop.type.leaf
        if leaf.kind is Kind.OBJECT:
            for inner in self.model.object(leaf.name or "").properties:
                found |= self._subtree(inner)
        return found

    def _rows(self, event: Event, prop: Property, prefix: str, days: int, inherited: tuple[str, ...]) -> list[Row]:
        """The rows of a value and of the values inside it, which serve its
        purposes unless they name their own."""
        purposes = prop.purposes or inherited
        products = event.products or self.model.products
        platforms = event.platforms or self.model.platforms
        row = Row(event.name, prefix + prop.name, str(prop.type), prop.required, prop.privacy.value,
                  tuple(purposes), tuple(sorted({self.bases[p] for p in purposes})), days, self.handling(prop),
                  event.owner, tuple(products), tuple(platforms), " ".join(prop.description.split()))
        out = [row]
        leaf = prop.type.leaf
        if leaf.kind is Kind.OBJECT:
            for inner in self.model.object(leaf.name or "").properties:
                out += self._rows(event, inner, f"{prefix}{prop.name}.", days, purposes)
        return out

    def handling(self, prop: Property) -> str:
        parts = []
        if prop.auto is not None:
            parts.append(f"filled in by the tracker ({prop.auto.value})")
        if prop.privacy is Privacy.PSEUDONYMOUS:
            parts.append("replaced by its keyed hash (HMAC-SHA256) at the collector")
        removal = self.rules.removal(prop)
        if prop.purposes and prop.required:
            parts.append(f"its event is sent only with {', '.join(prop.purposes)} granted")
        elif removal:
            parts.append(f"left out unless {', '.join(sorted(removal))} granted")
        return "; ".join(parts) or "stored as sent"


def _purposes_json(model: Model, rules: PurposeRules) -> list[dict[str, Any]]:
    default = set(rules.default_consent())
    return [{"name": p.name, "description": p.description, "lawful_basis": p.lawful_basis.value,
             "retention_days": p.retention_days, "sensitive": p.sensitive, "granted_by_default": p.name in default}
            for p in model.purposes]


def _events_json(model: Model, inventory: Inventory) -> list[dict[str, Any]]:
    return [{"name": e.name, "description": " ".join(e.description.split()), "owner": e.owner,
             "purposes": list(e.purposes), "needs": sorted(inventory.rules.event_needs(e) | inventory.rules.context_needs()),
             "retention_days": inventory.event_days(e),
             "products": list(e.products or model.products), "platforms": list(e.platforms or model.platforms)}
            for e in model.events]


def collector_facts(model: Model) -> dict[str, Any]:
    return {
        "client_ip": {"stored": bool(model.client_ip_purposes), "purposes": list(model.client_ip_purposes),
                      "truncation": "IPv4 /24, IPv6 /48"},
        "pseudonymisation": "HMAC-SHA256 with a key kept outside the model; the key's id is stored in pseudonym_key",
        "consent_rejections": "events whose consent stamp does not cover them are rejected and not kept",
    }


def render_json(model: Model) -> str:
    inventory = Inventory(model)
    document = {
        "model": {"name": model.name, "namespace": model.namespace, "version": model.version},
        "purposes": _purposes_json(model, inventory.rules),
        "collector": collector_facts(model),
        "events": _events_json(model, inventory),
        "values": [{**asdict(row), "purposes": list(row.purposes), "lawful_bases": list(row.lawful_bases),
                    "products": list(row.products), "platforms": list(row.platforms)} for row in inventory.rows()],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_csv(model: Model) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    fields = list(Row.__dataclass_fields__)
    writer.writerow(fields)
    for row in Inventory(model).rows():
        values = asdict(row)
        writer.writerow([" ".join(v) if isinstance(v, (list, tuple)) else str(v).lower() if isinstance(v, bool)
                         else v for v in (values[f] for f in fields)])
    return out.getvalue()


def _cell(text: object) -> str:
    """Model text in a Markdown table cell: one line, pipes and markup escaped."""
    value = " ".join(str(text).split())
    for char in "\\|*_`<>[]":
        value = value.replace(char, "\\" + char)
    return value or "—"


def render_markdown(model: Model) -> str:
    inventory = Inventory(model)
    lines = [f"# Record of processing: {_cell(model.name)} {_cell(model.version)}", "",
             "Generated by `codegen export privacy` from the event model; do not edit.", "", "## Purposes", "",
             "| purpose | lawful basis | retention (days) | granted by default | sensitive values | description |",
             "| --- | --- | --- | --- | --- | --- |"]
    for p in _purposes_json(model, inventory.rules):
        lines.append(f"| {_cell(p['name'])} | {p['lawful_basis']} | {p['retention_days']} | "
                     f"{'yes' if p['granted_by_default'] else 'no'} | {'yes' if p['sensitive'] else 'no'} | "
                     f"{_cell(p['description'])} |")
    facts = collector_facts(model)
    ip = facts["client_ip"]
    lines += ["", "## The collector", "",
              f"- Client IP address: {'stored truncated (' + ip['truncation'] + ') for ' + ', '.join(map(_cell, ip['purposes'])) if ip['stored'] else 'not stored'}.",
              f"- Pseudonymous values: {facts['pseudonymisation']}.",
              f"- Consent: {facts['consent_rejections']}.", "", "## Events", ""]
    rows = inventory.rows()
    for event in _events_json(model, inventory):
        lines += [f"### {_cell(event['name'])}", "", _cell(event["description"]), "",
                  f"Owner: {_cell(event['owner'])}. Purposes: {', '.join(map(_cell, event['purposes']))}; sent only "
                  f"with {', '.join(map(_cell, event['needs']))} granted. Kept {event['retention_days']} days. "
                  f"Products: {', '.join(map(_cell, event['products'])) or 'all'}. "
                  f"Platforms: {', '.join(map(_cell, event['platforms'])) or 'all'}.", "",
                  "| value | type | privacy | purposes | lawful bases | kept (days) | handling |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for row in (r for r in rows if r.event == event["name"]):
            lines.append(f"| {_cell(row.path)} | {_cell(row.type)} | {row.privacy} | "
                         f"{', '.join(map(_cell, row.purposes))} | {', '.join(row.lawful_bases)} | "
                         f"{row.retention_days} | {_cell(row.handling)} |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_inventory(model: Model, form: str = "markdown") -> str:
    if form == "csv":
        return render_csv(model)
    if form == "json":
        return render_json(model)
    return render_markdown(model)
