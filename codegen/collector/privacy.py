"""The collector's privacy step, between decoding and the sink: consent
rejections, the client IP (when the model asks for it) and pseudonymisation
(docs/collector.md, "Privacy"). Separate from validation on purpose: the
checks of checking.py say whether an event is well-formed, this step what of
it may be kept."""

from __future__ import annotations

from codegen.ir import Model
from codegen.templates.python.runtime.codec import encode_message
from codegen.templates.python.runtime.wire import append_len
from codegen.collector.client_ip import truncate
from codegen.collector.consent import ConsentCheck
from codegen.collector.pseudonyms import Pseudonymiser, PseudonymKey
from codegen.collector.records import Accepted, Received, Rejected


class PrivacyStep:
    def __init__(self, model: Model, key: PseudonymKey | None) -> None:
        self.consent = ConsentCheck(model)
        self.ip_purposes = frozenset(model.client_ip_purposes)
        self.pseudonymiser = Pseudonymiser(model, key) if key is not None else None
        if self.pseudonymiser is not None and not self.pseudonymiser.active:
            self.pseudonymiser = None
        self.numbers = {e.name: e.number for e in model.events}

    def apply(self, received: Received, client_address: str | None) -> Received:
        kept: list[Accepted] = []
        for event in received.accepted:
            reasons = self.consent.reasons(event.event, event.context, event.payload)
            if reasons:
                # What the user did not agree to is not kept, not even as raw bytes.
                received.rejected.append(Rejected(event.index, reasons, b"", event.event_id, event.event,
                                                  event.model_version or None))
                continue
            if self.ip_purposes and client_address and self.ip_purposes <= self.consent.granted(event.context):
                event.client_ip = truncate(client_address)
            if self.pseudonymiser is not None:
                self._pseudonymise(event)
            kept.append(event)
        received.accepted = kept
        received.rejected.sort(key=lambda r: r.index)
        return received

    def _pseudonymise(self, event: Accepted) -> None:
        p = self.pseudonymiser
        assert p is not None
        context = p.message(event.context, p.context_plan)
        payload = p.message(event.payload, p.event_plans[event.event])
        event.pseudonym_key = p.key.key_id
        if context is event.context and payload is event.payload:
            return
        event.context, event.payload = context, payload
        # The envelope as the sinks store it (Kafka keeps its bytes): re-encoded from the hashed values.
        body = bytearray()
        append_len(body, 1, encode_message(context))
        append_len(body, self.numbers[event.event], encode_message(payload))
        event.protobuf = bytes(body)
