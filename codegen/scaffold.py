"""`codegen init`: a small, valid starting model that shows every section."""

from __future__ import annotations

from pathlib import Path

from codegen.output import OutputError

MODEL = """\
# The event model: one definition of what every product sends.
# Reference: docs/event-model.md; editor support: event_model.schema.json.
model:
  name: my_analytics
  namespace: my_company.analytics.v1
  version: 0.1.0
  description: Analytics events of my products.
  products: [website, app]
  platforms: [web, android, ios]

# What data is processed for: every event names its purposes, and the SDKs
# send an event only when the user granted all of them.
purposes:
  necessary:
    description: Running the service the user asked for.
    lawful_basis: legitimate_interest
    retention_days: 90
  analytics:
    description: Measuring how the products are used.
    lawful_basis: consent
    retention_days: 395

targets:
  python: {package: my_analytics}
  javascript: {package: "@my-company/analytics"}
  kotlin: {package: com.mycompany.analytics}
  swift: {module: MyAnalytics}
"""

CONTEXT = """\
context:
  description: The common context that every event carries.
  properties:
    event_id: {number: 1, type: string, auto: event_id, privacy: none, description: Unique id of the event.}
    client_timestamp: {number: 2, type: timestamp, auto: client_timestamp, privacy: none, description: When it happened.}
    model_version: {number: 3, type: string, auto: model_version, privacy: none, description: Model version.}
    sdk_name: {number: 4, type: string, auto: sdk_name, privacy: none, description: SDK package name.}
    sdk_version: {number: 5, type: string, auto: sdk_version, privacy: none, description: SDK version.}
    app_version: {number: 6, type: string, required: true, privacy: none, max_length: 32, description: App version.}
    user_id: {number: 7, type: string, privacy: pseudonymous, description: Pseudonymous user id.}
    consent: {number: 8, type: list<string>, auto: consent, privacy: none, description: The purposes granted.}
"""

EVENTS = """\
events:
  page_view:
    number: 10
    description: A page or screen was shown.
    owner: analytics@my-company.example
    purposes: [analytics]
    properties:
      page_name:
        number: 1
        type: string
        required: true
        privacy: none
        min_length: 1
        max_length: 128
        description: Stable name of the page.
      load_time_ms:
        number: 2
        type: uint32
        privacy: none
        max: 600000
        description: Milliseconds until the page was usable.
"""

FILES = {
    "event_model/model.yaml": MODEL,
    "event_model/context.yaml": CONTEXT,
    "event_model/events/page_view.yaml": EVENTS,
}


def scaffold(directory: Path) -> list[Path]:
    existing = [directory / rel for rel in FILES if (directory / rel).exists()]
    if existing:
        raise OutputError(f"{existing[0]} already exists; 'codegen init' never overwrites a model")
    created = []
    for rel, text in FILES.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        created.append(path)
    return created
