"""`codegen docs`: a static HTML catalog of the model for the people who
consume its events: every event with its properties, privacy classes,
deprecations and an example payload, the enums and objects, and the
version history; a search box and filters on the index.

The typed call in each SDK language is a hook: pass `snippets` (event ->
language -> code) and each event page shows them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from codegen.exports.catalog import pages
from codegen.exports.catalog.assets import CSS, JS
from codegen.exports.catalog.history import History
from codegen.ir import Event, Kind, Model, Property
from codegen.sdk.contract import GENERATED_MARKER, OutputFile

Snippets = Callable[[Event], Mapping[str, str]]


def _leaf_properties(properties: tuple[Property, ...], model: Model, seen: set[str]) -> list[Property]:
    out = list(properties)
    for prop in properties:
        leaf = prop.type.leaf
        if leaf.kind is Kind.OBJECT and leaf.name not in seen:
            seen.add(leaf.name or "")
            out += _leaf_properties(model.object(leaf.name or "").properties, model, seen)
    return out


def example_payload(model: Model, event: Event) -> str:
    """The event's canonical JSON for sample values, shown indented."""
    from codegen.reference import reference_for
    from codegen.reference.samples import FULL, Sampler

    values = Sampler(model).message(event.properties, FULL)
    return json.dumps(json.loads(reference_for(model).event(event.name, values).json), indent=2, ensure_ascii=False)


def _users(model: Model) -> dict[str, list[tuple[str, str]]]:
    """Enum or object name -> (label, page) of every event and object that uses it."""
    users: dict[str, list[tuple[str, str]]] = {}
    owners = [(f"event {e.name}", f"events/{e.name}.html", e.properties) for e in model.events]
    owners += [(f"object {o.name}", f"objects/{o.name}.html", o.properties) for o in model.objects]
    owners.append(("the context", "types.html#context", model.context.properties))
    for label, page, properties in owners:
        for prop in properties:
            leaf = prop.type.leaf
            if leaf.kind in (Kind.ENUM, Kind.OBJECT):
                entry = (f"{label}: {prop.name}", f"{page}#{prop.name}" if "#" not in page else page)
                users.setdefault(f"{leaf.kind.value}:{leaf.name}", []).append(entry)
    return users


def render_catalog(model: Model, history: History, snippets: Snippets | None = None) -> list[OutputFile]:
    privacy = sorted({p.privacy.value for _, _, props, _ in model.property_scopes for p in props})
    rows, files = [], []
    for event in model.events:
        classes = sorted({p.privacy.value for p in _leaf_properties(event.properties, model, set())})
        # The row's own text (name, description) is searched too: only what it does not show is here.
        text = " ".join([event.owner, *(p.name for p in event.properties)]).lower()
        deprecated = ' <span class="tag">deprecated</span>' if event.deprecation else ""
        rows.append(
            f'<tr data-event="{pages.esc(event.name)}" data-search="{pages.esc(text)}" '
            f'data-products="{pages.esc(" ".join(event.products))}" '
            f'data-platforms="{pages.esc(" ".join(event.platforms))}" data-privacy="{" ".join(classes)}">'
            f'<td><a href="events/{pages.esc(event.name)}.html">{pages.esc(event.name)}</a>{deprecated}</td>'
            f"<td>{pages.esc(event.description)}</td><td>{pages.tags(event.products)}</td>"
            f"<td>{pages.tags(event.platforms)}</td><td>{''.join(pages.privacy_tag(c) for c in classes)}</td></tr>")
        files.append(OutputFile(f"events/{event.name}.html", pages.event_page(
            model, event, example_payload(model, event), snippets(event) if snippets else None)))
    users = _users(model)
    files += [OutputFile(f"enums/{e.name}.html", pages.enum_page(model, e, users.get(f"enum:{e.name}", [])))
              for e in model.enums]
    files += [OutputFile(f"objects/{o.name}.html", pages.object_page(model, o, users.get(f"object:{o.name}", [])))
              for o in model.objects]
    files += [
        OutputFile("index.html", pages.index_page(model, rows, privacy)),
        OutputFile("types.html", pages.types_page(model)),
        OutputFile("history.html", pages.history_page(model, history)),
        OutputFile("assets/catalog.css", f"/* {GENERATED_MARKER} */\n{CSS}"),
        OutputFile("assets/catalog.js", f"// {GENERATED_MARKER}\n{JS}"),
    ]
    return files
