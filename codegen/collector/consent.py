"""The consent stamp against what an event carries: an event is rejected
(rule `consent`) when the purposes its context's `auto: consent` property
grants do not cover the purposes the event needs, or when it holds a value
whose purposes are not granted (an SDK removes those before encoding). The
rules are the SDKs' (codegen.purposes); the check reads the row values of
plans.py, so it adds no decoding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codegen.ir import AutoValue, Kind, Model, Property
from codegen.purposes import PurposeRules, purpose_rules
from codegen.templates.python.runtime.jcs import json_string


@dataclass(frozen=True)
class _Check:
    """A property whose value needs purposes (`removal`) or holds such values (`inner`)."""

    name: str
    label: Kind | None
    removal: frozenset[str]
    inner: tuple[_Check, ...] | None


class ConsentCheck:
    def __init__(self, model: Model) -> None:
        rules = purpose_rules(model)
        stamp = [p.name for p in model.context.properties if p.auto is AutoValue.CONSENT]
        self.stamp_field = stamp[0] if stamp else None
        self._objects: dict[str, tuple[_Check, ...]] = {}
        self.context_checks = self._checks(model, rules, model.context.properties)
        context_needs = rules.context_needs()
        self.event_needs = {e.name: rules.event_needs(e) | context_needs for e in model.events}
        self.event_checks = {e.name: self._checks(model, rules, e.properties) for e in model.events}
        # Every purpose a value of the event may need: a stamp that grants
        # them all and the event's own needs the value checks can skip.
        context_values = _purposes(self.context_checks)
        self.value_needs = {name: context_values | _purposes(checks) for name, checks in self.event_checks.items()}
        self._granted: dict[tuple[str, ...], frozenset[str]] = {}

    def _checks(self, model: Model, rules: PurposeRules, properties: tuple[Property, ...]) -> tuple[_Check, ...]:
        out = []
        for prop in properties:
            removal, inner = rules.removal(prop), None
            if rules.redacts(prop):
                name = prop.type.leaf.name or ""
                if name not in self._objects:
                    self._objects[name] = self._checks(model, rules, model.object(name).properties)
                inner = self._objects[name]
            if removal or inner:
                label = prop.type.kind if prop.type.kind in (Kind.LIST, Kind.MAP) else None
                out.append(_Check(prop.name, label, removal, inner))
        return tuple(out)

    def granted(self, context: dict[str, Any]) -> frozenset[str]:
        """The purposes the event's stamp grants (the few stamps in use, each read once)."""
        stamp = tuple(context.get(self.stamp_field) or ()) if self.stamp_field else ()
        found = self._granted.get(stamp)
        if found is None:
            found = frozenset(stamp)
            if len(self._granted) < 1024:
                self._granted[stamp] = found
        return found

    def reasons(self, event: str, context: dict[str, Any], payload: dict[str, Any]) -> list[str]:
        """Every consent problem of one valid event (empty: the stamp covers it)."""
        granted = self.granted(context)
        needs = self.event_needs[event]
        checks = self.event_checks[event]
        if needs <= granted and self.value_needs[event] <= granted:
            return []
        stamp = f"context.{self.stamp_field}"
        out = []
        lacking = sorted(needs - granted)
        if lacking:
            out.append(f"{stamp}: does not grant {', '.join(lacking)}, which event {event} needs (consent)")
        withheld: list[tuple[str, list[str]]] = []
        _withheld(context, self.context_checks, granted, "context.", withheld)
        _withheld(payload, checks, granted, event + ".", withheld)
        for path, purposes in withheld:
            out.append(f"{path}: needs {', '.join(purposes)}, which {stamp} does not grant (consent)")
        return out


def _purposes(checks: tuple[_Check, ...]) -> frozenset[str]:
    out: set[str] = set()
    for check in checks:
        out |= check.removal
        if check.inner is not None:
            out |= _purposes(check.inner)
    return frozenset(out)


def _withheld(values: dict[str, Any], checks: tuple[_Check, ...], granted: frozenset[str], prefix: str,
              out: list[tuple[str, list[str]]]) -> None:
    """Every value an SDK would have removed: (path as in validation issues, the purposes not granted)."""
    for check in checks:
        value = values.get(check.name)
        if value is None or (check.label is not None and not value):  # on the wire, empty is unset
            continue
        path = prefix + check.name
        if not check.removal <= granted:
            out.append((path, sorted(check.removal - granted)))
            continue
        if check.inner is None:
            continue
        if check.label is Kind.LIST:
            for index, item in enumerate(value):
                _withheld(item, check.inner, granted, f"{path}[{index}].", out)
        elif check.label is Kind.MAP:
            for key in sorted(value):
                _withheld(value[key], check.inner, granted, f"{path}[{json_string(key)}].", out)
        else:
            _withheld(value, check.inner, granted, path + ".", out)
