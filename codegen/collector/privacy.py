"""The collector's privacy step, between validation and the sink: consent
rejections, the client IP (when the model asks for it) and pseudonymisation
(docs/collector.md, "Privacy"). Separate from validation on purpose: the
checks of checking.py and plans.py say whether an event is well-formed, this
step what of it may be kept. It works on the row values the plans read, so
an event costs a set comparison here unless it holds values to hash."""

from __future__ import annotations

from typing import Any

from codegen.ir import Model
from codegen.collector.client_ip import truncate
from codegen.collector.consent import ConsentCheck
from codegen.collector.pseudonyms import Pseudonymiser, PseudonymKey
from codegen.collector.records import Accepted, Received, Rejected


class PrivacyStep:
    def __init__(self, model: Model, messages: Any, key: PseudonymKey | None, rewrite_protobuf: bool = True) -> None:
        """`rewrite_protobuf`: whether a sink or dev mode reads the events'
        Envelope bytes (Kafka does; the DuckDB store writes the row values)."""
        self.consent = ConsentCheck(model)
        self.ip_purposes = frozenset(model.client_ip_purposes)
        pseudonymiser = Pseudonymiser(model, key) if key is not None else None
        self.pseudonymiser = pseudonymiser if pseudonymiser is not None and pseudonymiser.active else None
        self.key_id = key.key_id if key is not None else None
        self.messages = messages
        self.rewrite_protobuf = rewrite_protobuf

    def apply(self, received: Received, client_address: str | None) -> Received:
        kept: list[Accepted] = []
        rejected = False
        truncated = truncate(client_address) if self.ip_purposes and client_address else None
        for event in received.accepted:
            reasons = self.consent.reasons(event.event, event.context, event.payload)
            if reasons:
                # What the user did not agree to is not kept, not even as raw bytes.
                received.rejected.append(Rejected(event.index, reasons, b"", event.event_id, event.event,
                                                  event.model_version or None))
                rejected = True
                continue
            if truncated is not None and self.ip_purposes <= self.consent.granted(event.context):
                event.client_ip = truncated
            if self.pseudonymiser is not None:
                self._pseudonymise(event)
            kept.append(event)
        if rejected:
            received.accepted = kept
            received.rejected.sort(key=lambda r: r.index)
        return received

    def _pseudonymise(self, event: Accepted) -> None:
        p = self.pseudonymiser
        assert p is not None
        event.pseudonym_key = self.key_id
        event_plan = p.event_plans[event.event]
        p.rows(event.context, p.context_plan)
        p.rows(event.payload, event_plan)
        if self.rewrite_protobuf:
            # The Envelope as a sink keeps it: hashed in the decoded message, encoded again.
            envelope = self.messages.envelope.FromString(event.protobuf)
            p.message(envelope.context, p.context_plan)
            p.message(getattr(envelope, event.event), event_plan)
            event.protobuf = envelope.SerializeToString(deterministic=True)
