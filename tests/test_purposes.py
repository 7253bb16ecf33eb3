"""The purposes of a model as the loader reads them, and the consent rules
every SDK and the collector apply (codegen.purposes), on a small model that
has each case once and on the bundled model."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen.ir import LawfulBasis, Model
from codegen.loader import load_model
from codegen.purposes import PurposeRules

MODEL = """\
model: {name: clinic, namespace: clinic.v1, version: 1.0.0}
purposes:
  service: {description: Running it., lawful_basis: contract, retention_days: 30}
  stats: {description: Counting., lawful_basis: consent, retention_days: 365}
  care: {description: Treatment., lawful_basis: consent, retention_days: 90, sensitive: true}
  law: {description: Records., lawful_basis: legal_obligation, retention_days: 3650}
collector:
  client_ip: {purposes: [service]}
context:
  properties:
    event_id: {number: 1, type: string, auto: event_id, privacy: none}
    consent: {number: 2, type: list<string>, auto: consent, privacy: none}
    patient: {number: 3, type: string, required: true, privacy: personal, purposes: [care]}
    device: {number: 4, type: string, privacy: pseudonymous}
objects:
  address:
    description: Where.
    properties:
      city: {number: 1, type: string, required: true, privacy: personal, purposes: [stats]}
      street: {number: 2, type: string, privacy: personal, purposes: [law]}
  plain:
    description: Nothing personal.
    properties:
      n: {number: 1, type: int32, privacy: none}
events:
  visit:
    number: 10
    description: A visit.
    owner: o@example.com
    purposes: [service, stats, service]
    properties:
      note: {number: 1, type: string, privacy: sensitive, purposes: [care]}
      home: {number: 2, type: address, privacy: none}
      work: {number: 3, type: address, required: true, privacy: none}
      past: {number: 4, type: list<address>, privacy: none}
      plain: {number: 5, type: plain, privacy: none}
      code: {number: 6, type: string, privacy: pseudonymous, purposes: [law]}
"""


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Model:
    folder = tmp_path_factory.mktemp("clinic")
    (folder / "model.yaml").write_text(MODEL, encoding="utf-8")
    return load_model(folder)


def _prop(model: Model, name: str):  # type: ignore[no-untyped-def]
    return next(p for p in model.events[0].properties if p.name == name)


def test_purposes_are_read_sorted_with_their_facts(model: Model) -> None:
    assert [p.name for p in model.purposes] == ["care", "law", "service", "stats"]
    care = model.purpose("care")
    assert (care.lawful_basis, care.retention_days, care.sensitive) == (LawfulBasis.CONSENT, 90, True)
    assert not model.purpose("service").sensitive
    assert model.events[0].purposes == ("service", "stats")  # sorted, once each
    assert _prop(model, "note").purposes == ("care",) and _prop(model, "plain").purposes == ()
    assert model.client_ip_purposes == ("service",)


def test_default_consent_is_every_purpose_not_based_on_consent(model: Model) -> None:
    assert PurposeRules(model).default_consent() == ("law", "service")


def test_what_events_need_and_what_is_removed(model: Model) -> None:
    rules = PurposeRules(model)
    # Its own purposes, and the required `work` address needs stats through its required city.
    assert rules.event_needs(model.events[0]) == {"service", "stats"}
    assert rules.context_needs() == {"care"}  # the required patient
    assert rules.removal(_prop(model, "note")) == {"care"}
    assert rules.removal(_prop(model, "home")) == {"stats"}  # without its required city it cannot stay
    assert rules.removal(_prop(model, "past")) == {"stats"}
    assert rules.removal(_prop(model, "work")) == frozenset()  # required: needed, never removed
    assert rules.removal(_prop(model, "plain")) == frozenset()
    assert rules.removal(_prop(model, "code")) == {"law"}
    # Kept addresses still lose their street without `law`.
    assert rules.redacts(_prop(model, "home")) and rules.redacts(_prop(model, "work"))
    assert rules.redacts(_prop(model, "past")) and not rules.redacts(_prop(model, "plain"))
    assert rules.message_redacts(model.events[0].properties)


def test_the_bundled_model_uses_purposes_realistically(bundled_model: Model) -> None:
    rules = PurposeRules(bundled_model)
    events = {e.name: e for e in bundled_model.events}
    assert rules.default_consent() == ("necessary",)
    for name in ("consent_changed", "app_lifecycle", "video_playback_error"):
        assert rules.event_needs(events[name]) == {"necessary"}, name
    for name in ("page_view", "screen_view", "article_read", "video_heartbeat", "search"):
        assert rules.event_needs(events[name]) == {"analytics"}, name
    assert rules.event_needs(events["recommendation_clicked"]) == {"personalisation"}
    query = next(p for p in events["search"].properties if p.name == "query")
    assert rules.removal(query) == {"personalisation"}
    device = next(p for p in bundled_model.context.properties if p.name == "device")
    assert rules.removal(device) == {"analytics"}


def test_the_collector_section_is_optional(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").write_text(MODEL.replace("collector:\n  client_ip: {purposes: [service]}\n", ""),
                                         encoding="utf-8")
    assert load_model(tmp_path).client_ip_purposes == ()
