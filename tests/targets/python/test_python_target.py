"""The Python target's names, escaping and layout, without toolchains.

- Identifiers are valid, never keywords or names the runtime uses, unique
  in their scope (hostile conformance model).
- Any text in the model (descriptions, owners, deprecation reasons, consts,
  enum value names) lands in docstrings or literals that hold it as data:
  the module parses, has no statement that is not ours, keeps the text, and
  black leaves it unchanged (hypothesis).
- Very long names still give black-stable output (`# fmt: skip` lines).
- Rendering is deterministic.
"""

from __future__ import annotations

import ast
import keyword

import black
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.ir import (
    AutoValue,
    Constraints,
    Context,
    Deprecation,
    EnumType,
    EnumValue,
    Event,
    Kind,
    LawfulBasis,
    Model,
    ObjectType,
    Privacy,
    Property,
    Purpose,
    Scalar,
    TypeRef,
)
from codegen.loader import load_model
from codegen.sdk.templates import TemplateSet
from codegen.targets.python import TARGET, Options
from codegen.targets.python import lexical as names
from codegen.targets.python.views import derive_names, pep440
from targets.python.support import MODELS

MODE = black.Mode(line_length=88, target_versions={black.TargetVersion.PY311})
STRING = TypeRef(Kind.SCALAR, scalar=Scalar.STRING)


def prop(name: str, number: int, type_ref: TypeRef = STRING, **extra: object) -> Property:
    return Property(name=name, number=number, type=type_ref, required=bool(extra.pop("required", False)),
                    privacy=Privacy.NONE, **extra)  # type: ignore[arg-type]


def small_model(text: str = "text", name: str = "thing", enum_value: str = "a") -> Model:
    """A model with `text` in every place text can go."""
    enum = EnumType(f"{name}_kind", (EnumValue(enum_value, 1, description=text,
                                               deprecation=Deprecation(text)), EnumValue("zz", 2)),
                    description=text)
    obj = ObjectType(f"{name}_part", (prop(f"{name}_label", 1, description=text,
                                           constraints=Constraints(pattern="[a-z]+", max_length=8)),),
                     description=text)
    props = (
        prop(f"{name}_id", 1, required=True, description=text),
        prop(f"{name}_const", 2, required=True, const=text, description=text),
        prop(f"{name}_kind", 3, TypeRef(Kind.ENUM, name=enum.name), description=text,
             deprecation=Deprecation(text, since="1.0.0", removal="2030-01-01")),
        prop(f"{name}_parts", 4, TypeRef(Kind.MAP, element=TypeRef(Kind.OBJECT, name=obj.name)),
             description=text),
        prop(f"{name}_tags", 5, TypeRef(Kind.LIST, element=TypeRef(Kind.ENUM, name=enum.name))),
        prop(f"{name}_at", 6, TypeRef(Kind.SCALAR, scalar=Scalar.TIMESTAMP)),
    )
    event = Event(f"{name}_happened", 10, props, description=text, owner=text,
                  deprecation=Deprecation(text), purposes=("necessary",))
    consent = TypeRef(Kind.LIST, element=STRING)
    context = Context((prop("event_id", 1, required=True, auto=AutoValue.EVENT_ID, description=text),
                       prop("app", 2, required=True, description=text),
                       prop("consent", 3, consent, required=True, auto=AutoValue.CONSENT)), description=text)
    purpose = Purpose("necessary", text, LawfulBasis.LEGITIMATE_INTEREST, 30)
    return Model(name="text_model", namespace="text.v1", version="1.2.3", description=text,
                 packages=(("python", (("package", "text_sdk"),)),), products=(), platforms=(),
                 context=context, events=(event,), enums=(enum,), objects=(obj,), purposes=(purpose,))


def render(model: Model, tests: bool = True) -> dict[str, str]:
    templates = TemplateSet.of(TARGET)
    files = TARGET.render(model, templates) if tests else TARGET.render_package(model, templates)
    return {f.path: f.content for f in files}


def test_names_are_valid_unique_and_free() -> None:
    model = load_model(MODELS["hostile"])
    nm = derive_names(model, Options.of(model, "python"))
    idents = list(nm.types.values())
    assert len(set(idents)) == len(idents)
    scopes = [(list(s.values()), names.RESERVED_ATTRS) for s in nm.attrs.values()]
    scopes += [(list(m.values()), names.RESERVED_ATTRS) for m in nm.members.values()]
    scopes += [(list(nm.modules.values()), names.RESERVED_ATTRS), (idents, names.RESERVED_TYPES)]
    for scope, reserved in scopes:
        assert len(set(scope)) == len(scope)
        for ident in scope:
            assert ident.isidentifier() and not keyword.iskeyword(ident), ident
            assert ident not in reserved, ident
    assert nm.attrs[("event", "self")]["validate"] == "validate_"
    assert nm.members["kind"]["4k"] == "V_4K"


TRICKY = st.sampled_from(['"""', "'" * 3, "\\", '"', "\n", "\r\n", "\t", "\x00", "\u2028", "\ud800",
                          "*/", "${x}", "#{x}", "\\u{41}", "é", "😀", "日本語", "\u202e", "  ", "\xa0"])
TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=6)), min_size=1, max_size=8).map("".join).filter(str.strip)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(TEXT)
def test_model_text_stays_data(text: str) -> None:
    files = render(small_model(text, enum_value=text), tests=False)
    for path in ("text_sdk/events/thing_happened.py", "text_sdk/enums.py", "text_sdk/objects.py",
                 "text_sdk/context.py", "text_sdk/__init__.py"):
        source = files[path]
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Expr):  # only docstrings are bare expressions
                assert isinstance(node.value, ast.Constant) and isinstance(node.value.value, str), path
            assert not isinstance(node, (ast.FunctionDef, ast.Lambda, ast.Import)), path
        assert black.format_str(source, mode=MODE) == source, path
    event_module = ast.parse(files["text_sdk/events/thing_happened.py"])
    cls = next(n for n in event_module.body if isinstance(n, ast.ClassDef))
    doc = ast.get_docstring(cls, clean=False) or ""
    for line in text.splitlines():
        assert line.strip() in doc
    consts = [n for n in cls.body if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "thing_const"]
    assert isinstance(consts[0].value, ast.Constant) and consts[0].value.value == text


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text())
def test_string_literals_round_trip_and_are_black_stable(text: str) -> None:
    literal = names.py_str(text)
    assert ast.literal_eval(literal) == text
    line = f"x = {literal}\n"
    assert "\n" not in literal and black.format_str(line, mode=MODE) == line


def test_long_names_stay_black_stable() -> None:
    long = "a_very_long_model_name_that_goes_on_and_on_for_quite_a_while_indeed_more"
    files = render(small_model("Short text.", name=long))
    skipped = 0
    for path, source in files.items():
        if path.endswith(".py"):
            compile(source, path, "exec")
            assert black.format_str(source, mode=MODE) == source, path
            skipped += source.count("# fmt: skip")
    assert skipped > 0  # the over-long declarations were kept on one line


def test_render_is_deterministic() -> None:
    model = load_model(MODELS["bundled"])
    first = render(model)
    again = render(load_model(MODELS["bundled"]))
    assert first == again
    assert all("\r" not in content for content in first.values())


def test_pep440() -> None:
    assert pep440("1.2.3") == "1.2.3"
    assert pep440("1.0.0-rc.1+build.7") == "1.0.0rc1+build.7"
    assert pep440("2.0.0-beta") == "2.0.0b0"
    assert pep440("2.0.0-nightly.20240101") == "2.0.0.dev20240101"
