"""Pseudonymisation: every `pseudonymous` value is replaced by its keyed hash
before an event reaches a sink (docs/collector.md, "Privacy").

The hash is HMAC-SHA256 under a secret key that lives outside the model and
the repository: a file (`--pseudonym-key-file`) or the environment variable
CODEGEN_PSEUDONYM_KEY, holding at least 32 bytes as hexadecimal digits. A
string becomes the 64 lower-case hex digits of its digest (of its UTF-8
bytes), bytes become the 32 digest bytes; in lists and maps each element
(map values; keys stay). The key's id, stored beside the values, tells rows
of different keys apart after a rotation: the first 16 hex digits of
HMAC-SHA256(key, "codegen pseudonym key id"), which reveals nothing of the key.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.ir import Kind, Model, Privacy, Property, Scalar

KEY_ENV = "CODEGEN_PSEUDONYM_KEY"
MIN_KEY_BYTES = 32
_ID_MESSAGE = b"codegen pseudonym key id"
_HEX = re.compile(r"^(?:[0-9a-fA-F]{2})+$")


class PseudonymKeyError(ValueError):
    """No usable key: the message says what to do."""


@dataclass(frozen=True)
class PseudonymKey:
    secret: bytes
    key_id: str

    @staticmethod
    def of(secret: bytes) -> PseudonymKey:
        key_id = hmac.new(secret, _ID_MESSAGE, hashlib.sha256).hexdigest()[:16]
        return PseudonymKey(secret, key_id)

    def text(self, value: str) -> str:
        return hmac.new(self.secret, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def raw(self, value: bytes) -> bytes:
        return hmac.new(self.secret, value, hashlib.sha256).digest()


def pseudonymous_paths(model: Model) -> list[str]:
    """Where the model has pseudonymous values (for messages), empty when none."""
    found = []
    for kind, owner, properties, _ in model.property_scopes:
        where = owner if owner else "context"
        found += [f"{where}.{p.name}" for p in properties if p.privacy is Privacy.PSEUDONYMOUS]
    return found


def load_key(model: Model, key_file: str | None, environ: dict[str, str] | None = None) -> PseudonymKey | None:
    """The key from `key_file`, else from CODEGEN_PSEUDONYM_KEY; None when
    the model has no pseudonymous value (no key is needed then)."""
    environ = os.environ if environ is None else environ
    paths = pseudonymous_paths(model)
    if key_file is not None:
        try:
            text = Path(key_file).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise PseudonymKeyError(f"cannot read the pseudonymisation key file {key_file}: "
                            f"{getattr(exc, 'strerror', None) or exc}") from None
        where = f"the key file {key_file}"
    elif environ.get(KEY_ENV, "").strip():
        text, where = environ[KEY_ENV].strip(), KEY_ENV
    elif paths:
        shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        raise PseudonymKeyError(f"the model has pseudonymous values ({shown}), which the collector stores only as keyed "
                        f"hashes: give the key with --pseudonym-key-file FILE or the environment variable {KEY_ENV} "
                        "(at least 32 random bytes in hex, e.g. `openssl rand -hex 32`; keep it out of the "
                        "repository)")
    else:
        return None
    if not _HEX.match(text):
        raise PseudonymKeyError(f"{where} must hold the key as hexadecimal digits (e.g. `openssl rand -hex 32`)")
    secret = bytes.fromhex(text)
    if len(secret) < MIN_KEY_BYTES:
        raise PseudonymKeyError(f"{where} holds {len(secret)} bytes; the key must have at least {MIN_KEY_BYTES} random "
                        "bytes (64 hex digits)")
    return PseudonymKey.of(secret)


class Pseudonymiser:
    """Replaces the pseudonymous values of read messages (see reading.py)."""

    def __init__(self, model: Model, key: PseudonymKey) -> None:
        self.model = model
        self.key = key
        self._plans: dict[str, tuple[tuple[str, Property, str], ...]] = {}
        self.context_plan = self._plan("context", model.context.properties)
        self.event_plans = {e.name: self._plan(f"event:{e.name}", e.properties) for e in model.events}

    def _plan(self, key: str, properties: tuple[Property, ...]) -> tuple[tuple[str, Property, str], ...]:
        """(wire name, property, what) of each property holding pseudonymous values:
        what is "value" (itself) or "object" (inside it)."""
        found = self._plans.get(key)
        if found is not None:
            return found
        self._plans[key] = ()  # objects never form cycles; this only guards the recursion
        out = []
        for prop in properties:
            leaf = prop.type.leaf
            if prop.privacy is Privacy.PSEUDONYMOUS:
                out.append((prop.name, prop, "value"))
            elif leaf.kind is Kind.OBJECT and self._plan(f"object:{leaf.name}",
                                                          self.model.object(leaf.name or "").properties):
                out.append((prop.name, prop, "object"))
        found = self._plans[key] = tuple(out)
        return found

    @property
    def active(self) -> bool:
        return bool(self.context_plan) or any(self.event_plans.values())

    def message(self, message: Any, plan: tuple[tuple[str, Property, str], ...]) -> Any:
        """A copy of `message` with its pseudonymous values hashed (itself when it has none)."""
        if not plan:
            return message
        values = message.__dict__
        changes = {}
        for name, prop, what in plan:
            value = values.get(name)
            if value is None:
                continue
            one = self._value if what == "value" else self._object
            if prop.type.kind is Kind.LIST:
                changes[name] = [one(prop, v) for v in value]
            elif prop.type.kind is Kind.MAP:
                changes[name] = {k: one(prop, v) for k, v in value.items()}
            else:
                changes[name] = one(prop, value)
        if not changes:
            return message
        result = copy.copy(message)
        result.__dict__.update(changes)
        return result

    def _value(self, prop: Property, value: Any) -> Any:
        if prop.type.leaf.scalar is Scalar.BYTES:
            return self.key.raw(bytes(value))
        return self.key.text(value)

    def _object(self, prop: Property, value: Any) -> Any:
        name = prop.type.leaf.name or ""
        return self.message(value, self._plan(f"object:{name}", self.model.object(name).properties))


def digest_issue(model: Model, issue: Any) -> bool:
    """Whether a validation issue is only that a hashed value no longer meets
    its string constraints (the loader reads events hashed by the collector)."""
    if issue.constraint not in ("min_length", "max_length", "pattern"):
        return False
    parts = re.sub(r"\[[^\]]*\]", "", issue.path).split(".")
    events = {e.name: e.properties for e in model.events}
    properties = model.context.properties if parts[0] == "context" else events.get(parts[0])
    prop = None
    for part in parts[1:]:
        if properties is None:
            return False
        prop = next((p for p in properties if p.name == part), None)
        if prop is None:
            return False
        leaf = prop.type.leaf
        properties = model.object(leaf.name or "").properties if leaf.kind is Kind.OBJECT else None
    return prop is not None and prop.privacy is Privacy.PSEUDONYMOUS
