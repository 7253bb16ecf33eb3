"""The target contract, checked for every registered target from the
registry (a new target is tested here without being listed anywhere):
scalars, escaping, names, markers, runtime sources and documented options."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.build import render
from codegen.ir import Scalar
from codegen.loader import load_model
from codegen.reference.values import TimestampValue
from codegen.sdk.contract import GENERATED_MARKER
from codegen.targets import registered_targets
from conftest import MODEL_DIR, ROOT

TARGETS = registered_targets()
MODELS = {
    "bundled": MODEL_DIR,
    "kitchen_sink": ROOT / "tests" / "conformance" / "models" / "kitchen_sink",
    "hostile": ROOT / "tests" / "conformance" / "models" / "hostile",
}
SAMPLE_VALUES = {
    Scalar.STRING: ["", 'q"\\\n', "😀"], Scalar.BOOL: [True, False], Scalar.INT32: [0, -(2**31), 2**31 - 1],
    Scalar.INT64: [-(2**63), 2**63 - 1], Scalar.UINT32: [0, 2**32 - 1], Scalar.UINT64: [2**64 - 1],
    Scalar.FLOAT: [0.5, -0.0, float("inf")], Scalar.DOUBLE: [1e-300, float("nan")],
    Scalar.TIMESTAMP: [TimestampValue(0, 1), TimestampValue(-62135596800)], Scalar.BYTES: [b"", b"\x00\xff"],
}


@pytest.fixture(scope="module", params=sorted(MODELS))
def model(request: pytest.FixtureRequest):
    return load_model(MODELS[request.param])


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_scalar_has_a_type_and_literals(name: str) -> None:
    lexicon = TARGETS[name].lexicon
    assert set(lexicon.scalar_types) == set(Scalar)
    for scalar, values in SAMPLE_VALUES.items():
        for value in values:
            literal = lexicon.literal(scalar, value)
            assert literal and "\n" not in literal, (scalar, value, literal)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_escaping_avoids_every_reserved_word_and_is_idempotent(name: str) -> None:
    lexicon = TARGETS[name].lexicon
    assert lexicon.keywords <= lexicon.reserved
    for word in sorted(lexicon.reserved):
        escaped = lexicon.escape(word)
        assert escaped != word and escaped not in lexicon.reserved, word
        assert lexicon.escape(escaped) == escaped, word


@pytest.mark.parametrize("name", sorted(TARGETS))
@settings(max_examples=200, deadline=None)
@given(word=st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True))
def test_escaping_any_identifier_is_free_and_stable(name: str, word: str) -> None:
    lexicon = TARGETS[name].lexicon
    escaped = lexicon.escape(word)
    assert escaped not in lexicon.reserved and lexicon.escape(escaped) == escaped


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_names_are_unique_in_each_scope_and_never_keywords(name: str, model) -> None:
    target = TARGETS[name]
    for scope, names in target.identifiers(model).items():
        idents = list(names.values())
        assert len(idents) == len(set(idents)), (name, scope, idents)
        assert not set(idents) & target.lexicon.keywords, (name, scope)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_output_file_carries_the_marker(name: str, model) -> None:
    files = render(model, TARGETS[name], ())
    assert files
    for path, data in files.items():
        assert GENERATED_MARKER.encode() in data[:512], path


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_hand_written_runtime_sources_do_not_say_do_not_edit(name: str) -> None:
    template_dir = Path(TARGETS[name].template_dir)
    sources = [p for p in template_dir.rglob("*") if p.is_file() and p.suffix != ".j2" and "__pycache__" not in p.parts]
    assert sources, f"{name} has no hand-written runtime files"
    for path in sources:
        assert "Do not edit" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_option_is_documented(name: str) -> None:
    docs = (ROOT / "docs" / "targets.md").read_text(encoding="utf-8")
    for key, text in TARGETS[name].options.documentation():
        assert text, f"{name}: option '{key}' has no doc"
        assert f"`{key}`" in docs, f"docs/targets.md does not document the {name} option '{key}'"


@pytest.fixture(scope="module")
def format_character_model(tmp_path_factory: pytest.TempPathFactory):
    """The bundled model plus an event whose texts (description, owner, a
    const, a property's and an enum value's description) hold every
    invisible format character, bidi controls among them."""
    import shutil

    from codegen.invisible import FORMAT_CODES

    folder = tmp_path_factory.mktemp("format") / "model"
    shutil.copytree(MODEL_DIR, folder)
    text = '"' + "".join(f"\\U{c:08x}" for c in FORMAT_CODES) + '"'
    (folder / "events" / "format.yaml").write_text(f"""events:
  format_characters:
    number: 99
    description: {text}
    owner: {text}
    purposes: [analytics]
    properties:
      note:
        number: 1
        type: string
        privacy: none
        const: {text}
        description: {text}
      label:
        number: 2
        type: string
        privacy: none
        description: {text}
""", encoding="utf-8")
    return load_model(folder)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_no_invisible_format_character_reaches_a_source_file(name: str, format_character_model) -> None:
    from codegen.invisible import FORMAT

    files = render(format_character_model, TARGETS[name], ())
    shown = {path: sorted({hex(ord(c)) for c in FORMAT.findall(data.decode("utf-8"))})
             for path, data in files.items()}
    assert not {p: c for p, c in shown.items() if c}, f"{name} writes format characters as they are"


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_event_has_a_typed_call(name: str, model) -> None:
    calls = TARGETS[name].typed_calls(model)
    assert sorted(calls) == sorted(e.name for e in model.events)
    assert all(call.strip() for call in calls.values())


def test_entry_points_are_read_as_importlib_metadata_reads_them() -> None:
    """The up-to-date path reads the codegen.targets entry points itself
    (importing importlib.metadata costs a fifth of it): same answer."""
    from importlib.metadata import entry_points

    from codegen.targets import GROUP, scan_entry_points

    scanned = scan_entry_points(GROUP)
    assert scanned is not None
    assert sorted(scanned) == sorted((e.name, e.value) for e in entry_points(group=GROUP))


PACKAGING_MEMBERS = ("registry", "registry_keys", "coordinates", "package", "is_published", "publish")


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_packaging_fits_the_contract(name: str, model) -> None:
    """A target's optional `packaging` (docs/targets.md): every member, a
    registry among the kinds it reads, and coordinates for every model and
    each of its sources' models."""
    from codegen.loading.sources import source_model

    packaging = getattr(TARGETS[name], "packaging", None)
    if packaging is None:
        pytest.skip(f"{name} has no packaging (optional)")
    assert all(hasattr(packaging, member) for member in PACKAGING_MEMBERS), name
    assert not packaging.registry or packaging.registry_keys[0] == packaging.registry
    for each in [model, *(source_model(model, s.name) for s in model.sources)]:
        coordinates = packaging.coordinates(each)
        assert coordinates.name and coordinates.version, (name, coordinates)
