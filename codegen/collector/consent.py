"""The consent stamp against what an event carries: an event is rejected
(reason rule `consent`) when the purposes its context's `auto: consent`
property grants do not cover the purposes the event needs, or when it holds
a value whose purposes are not granted (an SDK removes those before
encoding). The rules are the SDKs' (codegen.purposes, and the runtime's
consent.py for the values)."""

from __future__ import annotations

from typing import Any

from codegen.ir import AutoValue, Model
from codegen.purposes import purpose_rules
from codegen.templates.python.runtime.consent import missing, withheld


class ConsentCheck:
    def __init__(self, model: Model) -> None:
        rules = purpose_rules(model)
        stamp = [p.name for p in model.context.properties if p.auto is AutoValue.CONSENT]
        self.stamp_field = stamp[0] if stamp else None
        self.context_needs = rules.context_needs()
        self.event_needs = {e.name: rules.event_needs(e) | self.context_needs for e in model.events}

    def granted(self, context: Any) -> frozenset[str]:
        if self.stamp_field is None:
            return frozenset()
        return frozenset(context.__dict__.get(self.stamp_field) or ())

    def reasons(self, event: str, context: Any, payload: Any) -> list[str]:
        """Every consent problem of one valid event (empty: the stamp covers it)."""
        granted = self.granted(context)
        stamp = f"context.{self.stamp_field}"
        lacking = missing(self.event_needs[event], granted)
        out = []
        if lacking:
            out.append(f"{stamp}: does not grant {', '.join(lacking)}, which event {event} needs (consent)")
        for path, purposes in withheld(context, granted, "context.") + withheld(payload, granted, event + "."):
            out.append(f"{path}: needs {', '.join(purposes)}, which {stamp} does not grant (consent)")
        return out
