"""What consent each event and value needs: the rules every SDK and the
collector apply, derived once from the model (docs/event-model.md, "Purposes").

- An event is sent only when every purpose it *needs* is granted: its own
  `purposes`, and those of its required values (a required personal value
  cannot be left out, so the event needs its purposes), also inside the
  objects those values hold, and those of the context's required values.
- An optional value is *removed* before encoding when a purpose it needs is
  not granted: its own `purposes` and, for an object, those of the object's
  required values. Optional values inside a kept object are decided the same
  way, one by one (also in every element of a list or map of objects).

These are static rules: a list or map of objects needs what its element
object needs, even when it is empty.
"""

from __future__ import annotations

from codegen.ir import Event, Kind, Model, Property


class PurposeRules:
    """The rules of one model; each object type is worked out once."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self._objects = {o.name: o for o in model.objects}
        self._needs: dict[str, frozenset[str]] = {}
        self._redacts: dict[str, bool] = {}

    def needs(self, properties: tuple[Property, ...]) -> frozenset[str]:
        """The purposes a message with these properties always needs (its required values')."""
        found: set[str] = set()
        for prop in properties:
            if prop.required:
                found.update(prop.purposes)
                found.update(self._object_needs(prop))
        return frozenset(found)

    def event_needs(self, event: Event) -> frozenset[str]:
        """The event's own purposes and its required values' (the context's are separate)."""
        return frozenset(event.purposes) | self.needs(event.properties)

    def context_needs(self) -> frozenset[str]:
        return self.needs(self.model.context.properties)

    def removal(self, prop: Property) -> frozenset[str]:
        """For an optional property: the purposes without which its value is
        removed (empty: never removed). Required properties are never removed."""
        if prop.required:
            return frozenset()
        return frozenset(prop.purposes) | self._object_needs(prop)

    def redacts(self, prop: Property) -> bool:
        """Whether a value of this property, when kept, may still lose values
        inside it (an object with removable values somewhere in it)."""
        leaf = prop.type.leaf
        return leaf.kind is Kind.OBJECT and self.object_redacts(leaf.name or "")

    def object_redacts(self, name: str) -> bool:
        found = self._redacts.get(name)
        if found is None:
            self._redacts[name] = False  # objects never form cycles; this only guards the recursion
            found = self._redacts[name] = any(
                self.removal(p) or self.redacts(p) for p in self._objects[name].properties)
        return found

    def message_redacts(self, properties: tuple[Property, ...]) -> bool:
        return any(self.removal(p) or self.redacts(p) for p in properties)

    def may_withhold(self, properties: tuple[Property, ...], granted: frozenset[str]) -> bool:
        """Whether some value of a message with these properties could be
        removed when only `granted` is (an object's values included): when
        not, no value of it ever is, whatever the values. (`removal` and
        `redacts` spelled out: this runs for every event of a large model.)"""
        for prop in properties:
            if not prop.required and prop.purposes and not granted.issuperset(prop.purposes):
                return True
            leaf = prop.type.leaf
            if leaf.kind is Kind.OBJECT:
                if not prop.required and not self._object_needs(prop) <= granted:
                    return True
                name = leaf.name or ""
                if self.object_redacts(name) and self.may_withhold(self._objects[name].properties, granted):
                    return True
        return False

    def _object_needs(self, prop: Property) -> frozenset[str]:
        leaf = prop.type.leaf
        if leaf.kind is not Kind.OBJECT:
            return frozenset()
        name = leaf.name or ""
        found = self._needs.get(name)
        if found is None:
            self._needs[name] = frozenset()
            found = self._needs[name] = self.needs(self._objects[name].properties)
        return found

    def default_consent(self) -> tuple[str, ...]:
        """The purposes granted until the app says otherwise: those whose
        lawful basis is not consent, in the model's (name) order."""
        return tuple(p.name for p in self.model.purposes if p.granted_by_default)


_CACHE: list[tuple[Model, PurposeRules]] = []


def purpose_rules(model: Model) -> PurposeRules:
    """The rules of `model`, reused while the same model object is passed."""
    if _CACHE and _CACHE[0][0] is model:
        return _CACHE[0][1]
    rules = PurposeRules(model)
    _CACHE[:] = [(model, rules)]
    return rules
