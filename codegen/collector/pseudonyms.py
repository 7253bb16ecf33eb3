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

import dataclasses
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


class PseudonymKey:
    """The secret and its id. The HMAC's keyed state is made once and copied
    per value, and the digests of the values seen last are kept (a user's
    and a session's identifiers repeat in every event they send)."""

    CACHE = 4096  # values; a digest is recomputed once it has been forgotten

    def __init__(self, secret: bytes, key_id: str) -> None:
        self.secret = secret
        self.key_id = key_id
        self._keyed = hmac.new(secret, digestmod=hashlib.sha256)
        self._texts: dict[str, str] = {}

    @staticmethod
    def of(secret: bytes) -> PseudonymKey:
        key_id = hmac.new(secret, _ID_MESSAGE, hashlib.sha256).hexdigest()[:16]
        return PseudonymKey(secret, key_id)

    def text(self, value: str) -> str:
        found = self._texts.get(value)
        if found is None:
            mac = self._keyed.copy()
            mac.update(value.encode("utf-8", "surrogatepass"))
            found = mac.hexdigest()
            if len(self._texts) >= self.CACHE:
                self._texts.clear()
            self._texts[value] = found
        return found

    def raw(self, value: bytes) -> bytes:
        mac = self._keyed.copy()
        mac.update(value)
        return mac.digest()


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
    """Replaces the pseudonymous values of an accepted event: in its row
    values (what the DuckDB store writes) and, when a sink keeps the bytes
    (Kafka, dev mode), in its Envelope, which is then encoded again."""

    def __init__(self, model: Model, key: PseudonymKey) -> None:
        self.model = model
        self.key = key
        self._plans: dict[str, tuple[_Step, ...]] = {}
        self.context_plan = self._plan("context", model.context.properties)
        self.event_plans = {e.name: self._plan(f"event:{e.name}", e.properties) for e in model.events}

    @property
    def active(self) -> bool:
        return bool(self.context_plan) or any(self.event_plans.values())

    def _plan(self, key: str, properties: tuple[Property, ...]) -> tuple[_Step, ...]:
        found = self._plans.get(key)
        if found is not None:
            return found
        self._plans[key] = ()  # objects never form cycles; this only guards the recursion
        out = []
        for prop in properties:
            leaf = prop.type.leaf
            label = prop.type.kind if prop.type.kind in (Kind.LIST, Kind.MAP) else None
            if prop.privacy is Privacy.PSEUDONYMOUS:
                out.append(_Step(prop.name, label, leaf.scalar is Scalar.BYTES, None))
            elif leaf.kind is Kind.OBJECT:
                inner = self._plan(f"object:{leaf.name}", self.model.object(leaf.name or "").properties)
                if inner:
                    out.append(_Step(prop.name, label, False, inner))
        found = self._plans[key] = tuple(out)
        return found

    def _hash(self, step: _Step, value: Any) -> Any:
        return self.key.raw(bytes(value)) if step.raw else self.key.text(value)

    def rows(self, values: dict[str, Any], plan: tuple[_Step, ...]) -> None:
        """Hash, in place, the row values (see plans.py) of one message."""
        for step in plan:
            value = values.get(step.name)
            if value is None:
                continue
            if step.inner is not None:
                items = value if step.label is Kind.LIST else value.values() if step.label is Kind.MAP else (value,)
                for item in items:
                    self.rows(item, step.inner)
            elif step.label is Kind.LIST:
                values[step.name] = [self._hash(step, v) for v in value]
            elif step.label is Kind.MAP:
                values[step.name] = {k: self._hash(step, v) for k, v in value.items()}
            elif value:  # an empty value identifies nobody (and is unset on the wire)
                values[step.name] = self._hash(step, value)

    def message(self, message: Any, plan: tuple[_Step, ...]) -> None:
        """Hash, in place, the values of one decoded (upb) message."""
        for step in plan:
            field = getattr(message, step.name)
            if step.inner is not None:
                items = (list(field) if step.label is Kind.LIST else list(field.values()) if step.label is Kind.MAP
                         else [field] if message.HasField(step.name) else [])
                for item in items:
                    self.message(item, step.inner)
            elif step.label is Kind.LIST:
                hashed = [self._hash(step, v) for v in field]
                del field[:]
                field.extend(hashed)
            elif step.label is Kind.MAP:
                hashed = {k: self._hash(step, v) for k, v in field.items()}
                field.clear()
                field.update(hashed)
            elif field:  # an empty value identifies nobody (and is unset on the wire)
                setattr(message, step.name, self._hash(step, field))


@dataclass(frozen=True)
class _Step:
    """One property that holds pseudonymous values (itself, or `inner` ones)."""

    name: str
    label: Kind | None  # LIST, MAP, or None for a single value
    raw: bool  # bytes (hashed to 32 bytes) rather than text (64 hex digits)
    inner: tuple[_Step, ...] | None  # the plan of its object type, or None


def hashed_model(model: Model) -> Model:
    """The model as stored events meet it: pseudonymous values are digests
    now, so their string constraints (lengths, pattern) no longer apply. The
    loader checks events the collector hashed with it."""
    def relax(props: tuple[Property, ...]) -> tuple[Property, ...]:
        return tuple(dataclasses.replace(p, constraints=dataclasses.replace(
            p.constraints, min_length=None, max_length=None, pattern=None)) if p.privacy is Privacy.PSEUDONYMOUS
            else p for p in props)

    return dataclasses.replace(
        model, context=dataclasses.replace(model.context, properties=relax(model.context.properties)),
        events=tuple(dataclasses.replace(e, properties=relax(e.properties)) for e in model.events),
        objects=tuple(dataclasses.replace(o, properties=relax(o.properties)) for o in model.objects))
