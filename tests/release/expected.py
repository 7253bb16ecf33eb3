"""What every consumer of the probe model must print: the envelope of one
item_added event, from the reference encoder (itself checked against
Google's protobuf), with the tracker's values the consumers fix."""

from __future__ import annotations

from pathlib import Path

from codegen.loader import load_model
from codegen.purposes import purpose_rules
from codegen.loading.sources import source_model
from codegen.reference import reference_for
from codegen.reference.values import TimestampValue

EVENT_ID = "00000000-0000-4000-8000-000000000001"
EVENT = {"item_id": "sku-1", "quantity": 3, "price_cents": 1999}
CONTEXT = {"product": "shop", "platform": "web", "app_version": "1.2.3", "screen": {"width": 1280, "height": 800}}


def envelope_json(model_dir: Path, sdk_name: str, source: str | None = None) -> str:
    model = load_model(model_dir)
    context = dict(CONTEXT)
    if source is not None:
        model = source_model(model, source)
        fixed = {p.name for p in model.context.properties if p.const is not None}
        context = {k: v for k, v in context.items() if k not in fixed}
    auto = {"event_id": EVENT_ID, "client_timestamp": TimestampValue(1_700_000_000, 0),
            "model_version": model.version, "sdk_name": sdk_name, "sdk_version": model.version,
            "consent": purpose_rules(model).default_consent()}  # the consumers keep the default consent
    return reference_for(model).envelope("item_added", EVENT, context, auto).json
