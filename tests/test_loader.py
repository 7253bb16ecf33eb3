"""The IR that the loader makes of the bundled model, and of small models
written here for what the bundled one does not show."""

from __future__ import annotations

import dataclasses
import random
import shutil
from pathlib import Path

import pytest
import yaml

from codegen.diagnostics import ModelErrors
from codegen.ir import (
    AutoValue,
    Constraints,
    Deprecation,
    Kind,
    Model,
    Privacy,
    Property,
    Reserved,
    Scalar,
    TypeRef,
)
from codegen.loader import load_model

MODEL_DIR = Path(__file__).resolve().parents[1] / "event_model"


@pytest.fixture(scope="module")
def model() -> Model:
    return load_model(MODEL_DIR)


def _all_properties(model: Model) -> list[tuple[str, Property]]:
    found = [("context", p) for p in model.context.properties]
    found += [(e.name, p) for e in model.events for p in e.properties]
    found += [(o.name, p) for o in model.objects for p in o.properties]
    return found


def _event(model: Model, name: str):  # type: ignore[no-untyped-def]
    return next(e for e in model.events if e.name == name)


def _prop(properties: tuple[Property, ...], name: str) -> Property:
    return next(p for p in properties if p.name == name)


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


HEADER = """model:
  name: shop
  namespace: shop.analytics.v1
  version: 1.2.0
purposes:
  shop: {description: Running the shop., lawful_basis: contract, retention_days: 30}
context:
  properties:
    event_id: {number: 1, type: string, auto: event_id, privacy: none}
    consent: {number: 2, type: list<string>, auto: consent, privacy: none}
events:
  placeholder_event: {number: 99, description: A model needs one event., owner: tests@example.com, purposes: [shop]}
"""


# --- the header --------------------------------------------------------------------


def test_header(model: Model) -> None:
    assert model.name == "broadcaster_analytics"
    assert model.namespace == "broadcaster.analytics.v1"
    assert model.version == "1.0.0"
    assert model.description.startswith("Common analytics events") and not model.description.endswith("\n")
    assert model.products == ("children", "news", "sport", "streaming")
    assert model.platforms == ("android", "ios", "tv", "web")
    assert model.package_settings("python") == {"distribution": "broadcaster-analytics",
                                                "package": "broadcaster_analytics"}
    assert model.package_settings("nope") == {}
    assert [name for name, _ in model.packages] == sorted(name for name, _ in model.packages)


# --- sorting -------------------------------------------------------------------------


def test_everything_is_sorted_once(model: Model) -> None:
    assert [e.name for e in model.events] == sorted(e.name for e in model.events)
    assert [e.name for e in model.enums] == sorted(e.name for e in model.enums)
    assert [o.name for o in model.objects] == sorted(o.name for o in model.objects)
    for owner in [model.context, *model.events, *model.objects]:
        numbers = [p.number for p in owner.properties]
        assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    for enum in model.enums:
        numbers = [v.number for v in enum.values]
        assert numbers == sorted(numbers) and min(numbers) >= 1
    for event in model.events:
        assert list(event.products) == sorted(event.products)
        assert list(event.platforms) == sorted(event.platforms)


def test_counts_and_numbers(model: Model) -> None:
    assert len(model.events) == 13 and len(model.enums) == 6 and len(model.objects) == 5
    assert all(e.number >= 10 for e in model.events)
    assert len({e.number for e in model.events}) == len(model.events)
    assert _event(model, "page_view").number == 10


# --- types ---------------------------------------------------------------------------


def test_every_type_kind_and_scalar_is_present(model: Model) -> None:
    types = [p.type for _, p in _all_properties(model)]
    assert {t.kind for t in types} == set(Kind)
    assert {t.leaf.scalar for t in types if t.leaf.kind is Kind.SCALAR} == set(Scalar)
    assert {t.element.kind for t in types if t.kind is Kind.LIST} >= {Kind.SCALAR, Kind.ENUM}
    assert {t.element.kind for t in types if t.kind is Kind.MAP} == {Kind.SCALAR}


def test_type_references(model: Model) -> None:
    page_view = _event(model, "page_view")
    assert _prop(page_view.properties, "content").type == TypeRef(Kind.OBJECT, name="content")
    assert _prop(page_view.properties, "utm_parameters").type == TypeRef(
        Kind.MAP, element=TypeRef(Kind.SCALAR, scalar=Scalar.STRING))
    assert str(_prop(page_view.properties, "utm_parameters").type) == "map<string, string>"
    search = _event(model, "search")
    filters = _prop(search.properties, "filters").type
    assert filters == TypeRef(Kind.LIST, element=TypeRef(Kind.ENUM, name="content_kind"))
    assert str(_prop(search.properties, "filters").type) == "list<content_kind>"
    assert model.enum("content_kind").name == "content_kind"
    assert model.object("screen").properties[0].name == "width"
    with pytest.raises(KeyError):
        model.enum("nope")


# --- constraints ---------------------------------------------------------------------

# Constraint kinds the bundled model does not use yet; loaded by
# test_constraints_of_a_small_model instead. Remove a kind from here once the
# bundled model uses it (the test below says so).
ABSENT_FROM_BUNDLED_MODEL: set[str] = set()


def test_constraint_kinds(model: Model) -> None:
    used = {f.name for _, p in _all_properties(model) for f in dataclasses.fields(Constraints)
            if getattr(p.constraints, f.name) is not None}
    kinds = {f.name for f in dataclasses.fields(Constraints)}
    assert used == kinds - ABSENT_FROM_BUNDLED_MODEL, "update ABSENT_FROM_BUNDLED_MODEL"


def test_constraint_values(model: Model) -> None:
    article = _event(model, "article_read")
    assert _prop(article.properties, "scroll_depth").constraints == Constraints(minimum=0, maximum=100)
    assert _prop(article.properties, "visible_seconds").constraints == Constraints(minimum=0)
    content = model.object("content")
    assert _prop(content.properties, "content_id").constraints == Constraints(
        min_length=1, max_length=128, pattern="[a-z0-9][a-z0-9:_-]*")
    # on a list, value checks are per element and item counts for the list
    assert _prop(content.properties, "tags").constraints == Constraints(max_length=64, max_items=32)
    heartbeat = _event(model, "video_heartbeat")
    assert _prop(heartbeat.properties, "buffer_health_s").constraints == Constraints(minimum=0, min_items=1, max_items=30)
    screen = model.object("screen")
    pixel_ratio = _prop(screen.properties, "pixel_ratio").constraints
    assert pixel_ratio.minimum == 0.5 and pixel_ratio.maximum == 8
    app_version = _prop(model.context.properties, "app_version").constraints
    assert app_version.pattern == r"[0-9]+(\.[0-9]+){0,3}([-+][0-9A-Za-z.]+)?"
    assert all(p.constraints.is_empty for p in _event(model, "share").properties)


def test_constraints_of_a_small_model(tmp_path: Path) -> None:
    _write(tmp_path, {"model.yaml": HEADER, "events.yaml": """events:
  checkout:
    number: 10
    description: Checkout.
    owner: shop@example.com
    purposes: [shop]
    properties:
      items: {number: 1, type: list<string>, privacy: none, min_items: 1, max_items: 50, min_length: 2}
      total: {number: 2, type: double, privacy: none, min: -1.5, max: 1.0e+6}
      tags: {number: 3, type: "map<string, int32>", privacy: none, min_items: 0, min: 1, max: 9}
"""})
    event = load_model(tmp_path).events[0]
    assert _prop(event.properties, "items").constraints == Constraints(min_length=2, min_items=1, max_items=50)
    assert _prop(event.properties, "total").constraints == Constraints(minimum=-1.5, maximum=1e6)
    assert _prop(event.properties, "tags").constraints == Constraints(minimum=1, maximum=9, min_items=0)


# --- presence, privacy, const, auto ----------------------------------------------------


def test_presence_and_privacy(model: Model) -> None:
    search = _event(model, "search")
    query = _prop(search.properties, "query")
    assert not query.required and query.privacy is Privacy.PERSONAL and query.is_parameter
    assert query.has_presence and query.purposes == ("personalisation",)
    result_count = _prop(search.properties, "result_count")
    assert result_count.required and not result_count.has_presence and result_count.purposes == ()
    latency = _prop(search.properties, "latency_ms")
    assert not latency.required and latency.has_presence
    assert not _prop(search.properties, "filters").has_presence  # lists have no presence
    article = _event(model, "article_read")
    assert _prop(article.properties, "content").has_presence  # objects always have presence
    assert {p.privacy for _, p in _all_properties(model)} == {Privacy.NONE, Privacy.PSEUDONYMOUS, Privacy.PERSONAL}


def test_const_and_auto(model: Model) -> None:
    interval = _prop(_event(model, "video_heartbeat").properties, "heartbeat_interval_s")
    assert interval.const == 30 and interval.required and not interval.is_parameter
    autos = {p.name: p.auto for p in model.context.properties if p.auto}
    assert autos == {
        "event_id": AutoValue.EVENT_ID, "client_timestamp": AutoValue.CLIENT_TIMESTAMP,
        "model_version": AutoValue.MODEL_VERSION, "sdk_name": AutoValue.SDK_NAME, "sdk_version": AutoValue.SDK_VERSION,
        "consent": AutoValue.CONSENT,
    }
    for prop in model.context.properties:
        assert prop.is_parameter == (prop.auto is None)
        if prop.auto:
            assert prop.required
    assert not any(p.auto for name, p in _all_properties(model) if name != "context")


def test_examples_and_descriptions(model: Model) -> None:
    content_id = _prop(model.object("content").properties, "content_id")
    assert content_id.examples == ("news:article:123456",)
    user_id = _prop(model.context.properties, "user_id")
    # block scalars lose their final newline; inner lines are kept
    assert user_id.description == ("Pseudonymous identifier of the signed-in user. Never an e-mail address\n"
                                   "or any other direct identifier.")
    assert all(e.description and e.owner for e in model.events)


# --- deprecations and reserved -------------------------------------------------------


def test_deprecations(model: Model) -> None:
    font_scale = _prop(_event(model, "article_read").properties, "font_scale")
    assert font_scale.deprecation == Deprecation(
        reason="Use the accessibility event planned for 1.1.0; this value was never reliable on web.",
        since="1.0.0", removal="2027-06-30")
    live_page = next(v for v in model.enum("content_kind").values if v.name == "live_page")
    assert live_page.deprecation == Deprecation(reason="Live pages are tracked as articles since 1.0.0.", since="1.0.0")
    deprecated = [p.name for _, p in _all_properties(model) if p.deprecation]
    assert deprecated == ["font_scale"]
    assert not any(e.deprecation for e in model.events)


def test_deprecation_forms(tmp_path: Path) -> None:
    _write(tmp_path, {"model.yaml": HEADER, "events.yaml": """events:
  old_view:
    number: 10
    description: Old.
    owner: shop@example.com
    purposes: [shop]
    deprecated: Use new_view.
    properties:
      a: {number: 1, type: string, privacy: none, deprecated: {reason: Gone., removal: 2027-01-31}}
"""})
    event = load_model(tmp_path).events[0]
    assert event.deprecation == Deprecation(reason="Use new_view.")
    assert event.properties[0].deprecation == Deprecation(reason="Gone.", removal="2027-01-31")


def test_reserved(model: Model) -> None:
    assert model.reserved_events == Reserved(numbers=((14, 14),), names=("video_buffering",))
    assert model.reserved_events.has_number(14) and not model.reserved_events.has_number(15)
    article = _event(model, "article_read")
    assert article.reserved == Reserved(numbers=((6, 6),), names=("scroll_percent",))
    assert 6 not in [p.number for p in article.properties]


def test_reserved_ranges(tmp_path: Path) -> None:
    _write(tmp_path, {"model.yaml": HEADER, "enums.yaml": """enums:
  size:
    description: Sizes.
    values: {small: 1, large: 10}
    reserved: {numbers: ['5-9', 2, 2, '3 - 4'], names: [medium, huge, medium]}
"""})
    enum = load_model(tmp_path).enums[0]
    assert enum.reserved == Reserved(numbers=((2, 2), (3, 4), (5, 9)), names=("huge", "medium"))
    assert [(v.name, v.number) for v in enum.values] == [("small", 1), ("large", 10)]


# --- the same model, however it is laid out in files ------------------------------------


def _shuffled_dump(node: object, rng: random.Random) -> object:
    if isinstance(node, dict):
        items = list(node.items())
        rng.shuffle(items)
        return {k: _shuffled_dump(v, rng) for k, v in items}
    if isinstance(node, list):
        return [_shuffled_dump(v, rng) for v in node]
    return node


def test_file_names_and_order_do_not_matter(model: Model, tmp_path: Path) -> None:
    files = sorted(MODEL_DIR.rglob("*.yaml"))
    renamed = tmp_path / "renamed"
    for index, path in enumerate(reversed(files)):
        target = renamed / f"part{index}" / f"{index:02d}_{path.stem}.yml"
        target.parent.mkdir(parents=True)
        shutil.copy(path, target)
    assert load_model(renamed) == model


def test_key_order_and_file_split_do_not_matter(model: Model, tmp_path: Path) -> None:
    rng = random.Random(7)
    sections: dict[str, dict] = {}
    for path in sorted(MODEL_DIR.rglob("*.yaml")):
        for section, value in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            if section in ("events", "enums", "objects"):
                sections.setdefault(section, {}).update(value)
            else:
                sections[section] = value
    # one file per named item, in shuffled key order, plus the single sections
    shuffled = tmp_path / "shuffled"
    shuffled.mkdir()
    index = 0
    for section, value in sections.items():
        parts = [(section, {k: v}) for k, v in value.items()] if section in ("events", "enums", "objects") else [
            (section, value)]
        for name, content in parts:
            dumped = _shuffled_dump({name: content}, rng)
            (shuffled / f"f{rng.randrange(10**6):06d}_{index}.yaml").write_text(
                yaml.safe_dump(dumped, sort_keys=False, allow_unicode=True), encoding="utf-8")
            index += 1
    assert load_model(shuffled) == model


def test_locations_point_into_the_files(model: Model) -> None:
    for _, prop in _all_properties(model):
        assert prop.loc.line >= 1 and prop.loc.column >= 1 and prop.loc.file.endswith(".yaml")
        line = (Path(prop.loc.file) if Path(prop.loc.file).is_absolute() else Path.cwd() / prop.loc.file)
        text = line.read_text(encoding="utf-8").split("\n")[prop.loc.line - 1]
        assert text[prop.loc.column - 1:].startswith(prop.name)


# --- errors are collected, not raised one by one -------------------------------------------


def test_errors_are_sorted_and_deduplicated(tmp_path: Path) -> None:
    _write(tmp_path, {"model.yaml": HEADER, "b.yaml": "events:\n  e: {number: 1, description: d, owner: o, purposes: [shop]}\n",
                      "a.yaml": "enums:\n  k:\n    description: d\n    values: {x: 0}\n"})
    with pytest.raises(ModelErrors) as info:
        load_model(tmp_path)
    locs = [d.loc for d in info.value.diagnostics]
    assert locs == sorted(locs) and len(locs) == 2
    assert [Path(loc.file).name for loc in locs] == ["a.yaml", "b.yaml"]
    assert str(info.value).endswith("2 errors in the model")


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelErrors) as info:
        load_model(tmp_path / "nope")
    (diag,) = info.value.diagnostics
    assert diag.loc.line == 0 and "does not exist" in diag.message
    assert diag.format().startswith(f"{diag.loc.file}: error: ")


# --- the portable pattern subset -------------------------------------------------------

PORTABLE = [
    "[a-z]+", "[0-9a-f]{32}", r"[0-9]+(\.[0-9]+){0,3}", "(?:ab|cd)*?", r"[^,\]]+", r"\u00e9\x41", r"a\{b\}",
    r"[a-z0-9:_-]*", r"\(\)\[\]\\\/\*\+\?\|\^\$", "é+", r"[\-+]", "a{2,}",
]
NOT_PORTABLE = [
    "^a", "a$", ".", r"\d", r"\w", r"\s", r"\b", r"\D", r"\v", r"\p{L}", r"(a)\1", "(?=a)", "(?<!a)b", "(?P<x>a)",
    "(?i)a", "a++", "[a[b]]", "[a&&b]", "[a--b]", "[]a]", "{", "a}", "x{a}", "[a-z", "(a", "*a", "a\\",
    "a{99999999999}",
]


@pytest.mark.parametrize("pattern", PORTABLE)
def test_portable_patterns_are_accepted(pattern: str) -> None:
    from codegen.loading.patterns import pattern_problem

    assert pattern_problem(pattern) is None


@pytest.mark.parametrize("pattern", NOT_PORTABLE)
def test_non_portable_patterns_are_rejected(pattern: str) -> None:
    from codegen.loading.patterns import pattern_problem

    problem = pattern_problem(pattern)
    assert problem is not None and all(problem)


def test_enum_value_names_follow_the_documented_rule() -> None:
    """docs/model-rules.md: upper-cased, the name must hold a letter A-Z or a digit."""
    from codegen.naming import enum_value_json_name, enum_value_token

    assert enum_value_json_name("video_quality", "4k") == "VIDEO_QUALITY_4K"
    assert enum_value_token("café") == "CAF" and enum_value_token("straße") == "STRASSE"
    assert enum_value_token("HD ready") == "HD_READY" and enum_value_token("日本 ja") == "JA"
    assert enum_value_token("日本") == "" and enum_value_token("--") == ""
