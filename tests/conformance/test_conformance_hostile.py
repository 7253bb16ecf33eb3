"""Nothing in a model can inject code into a generated SDK.

The hostile model (models/hostile/) puts `*/ throw new Error(INJECTED) /*`,
a Python docstring breaker (three double quotes, `; raise SystemExit(INJECTED) ;`),
`${INJECTED}`, `\\(INJECTED)`,
`$INJECTED` and friends into descriptions, owners, deprecation reasons,
enum values, patterns and string consts. Every generated source file of
every target is lexed: each INJECTED must sit in a comment or inside a
string literal's text (not in code, not in an interpolation); the other
generated files must still parse as JSON, XML or TOML. That the code also
compiles and behaves, with the consts' exact text on the wire, is proven by
the hostile model's cases in test_conformance_targets.py.
"""

from __future__ import annotations

import json
import tomllib
import xml.etree.ElementTree as ET
from importlib.metadata import entry_points

import pytest

import lexers
from harness import Unit, load_target
from suite import units  # noqa: F401  (fixture)

TARGETS = sorted({entry.name for entry in entry_points(group="codegen.targets")})
MARKER = "INJECTED"


def rendered(model, target: str) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    from codegen.build import render

    return render(model, load_target(target), ())


@pytest.mark.parametrize("target", TARGETS)
def test_model_text_lands_only_in_comments_and_strings(target: str, units: list[Unit]) -> None:  # noqa: F811
    by_key = {u.key: u for u in units}
    files = rendered(by_key["hostile"].model, target)
    # Files that do not depend on the model (the runtime, copied verbatim) are not the model's text.
    baseline = set(rendered(by_key["kitchen_sink"].model, target).values())
    seen, problems = 0, []
    for path, data in sorted(files.items()):
        if data in baseline:
            continue
        text = data.decode("utf-8")
        suffix = "." + path.rsplit(".", 1)[-1] if "." in path else ""
        language = lexers.LANGUAGES.get(suffix)
        try:
            if language:
                code = lexers.code_only(text, language)
                seen += text.count(MARKER)
                for number, line in enumerate(code.split("\n"), 1):
                    if MARKER in line:
                        problems.append(f"{path}:{number}: model text reached code: {text.split(chr(10))[number - 1]}")
            elif suffix == ".json":
                json.loads(text)
            elif suffix == ".xml":
                ET.fromstring(data)
            elif suffix == ".toml":
                tomllib.loads(text)
        except (lexers.LexError, ValueError, ET.ParseError) as exc:
            problems.append(f"{path}: does not lex/parse: {exc}")
    assert not problems, f"{target}:\n" + "\n".join(problems[:20])
    assert seen >= 5, f"{target}: the hostile text appears only {seen} times in the generated sources"


@pytest.mark.parametrize("language, text, leaked", [
    ("typescript", '/** a *\\/ b */ const x = "*/ INJECTED";', False),
    ("typescript", "/** a */ INJECTED /* */", True),
    ("typescript", "const t = `a ${INJECTED} b`;", True),
    ("typescript", "const t = '${INJECTED}';", False),
    ("kotlin", 'val s = "\\${INJECTED} \\$INJECTED"', False),
    ("kotlin", 'val s = "$INJECTED"', True),
    ("kotlin", 'val s = """${INJECTED}"""', True),
    ("kotlin", "/* /* nested */ INJECTED */", False),
    ("swift", 'let s = "\\\\(INJECTED)"', False),
    ("swift", 'let s = "\\(INJECTED)"', True),
    ("swift", 'let s = #"\\(INJECTED)"#', False),
    ("swift", "/// */ INJECTED /*", False),
    ("python", '"""doc \\""" INJECTED"""\n', False),
    ("python", '"""doc""" ; INJECTED\n', True),
    ("python", 'x = f"{{INJECTED}} {y!r:>{INJECTED}}"\n', True),
    ("python", 'x = f"{{INJECTED}} {y}"\n', False),
])
def test_the_lexer_tells_code_from_text(language: str, text: str, leaked: bool) -> None:
    assert (MARKER in lexers.code_only(text, language)) is leaked
