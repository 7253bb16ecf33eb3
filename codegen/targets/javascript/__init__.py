"""The JavaScript/TypeScript target: an npm package written in TypeScript,
built to ES modules, CommonJS and declarations, rendered into
`generated/javascript/`.

Layout: `package.json`, `tsconfig*.json`, `README.md`, `scripts/mark-cjs.mjs`;
`src/` with the hand-written runtime (`runtime/`, from
`templates/javascript/runtime/`), one module per event (`events/`), enum
(`enums/`) and object (`objects/`), `context.ts`, `tracker.ts` and
`index.ts`; `test/` with the runtime's own tests and tests rendered from the
test plan.

Modules: `lexical` (keywords, literals, TSDoc), `views` (names and the data
the templates print), `testvalues` (test-plan values as TypeScript
expressions), `sdktests` (the package's own tests).
"""

from __future__ import annotations

from codegen.ir import Model
from codegen.sdk.contract import OutputFile
from codegen.sdk.templates import TemplateSet, builtin_templates
from codegen.targets.javascript import lexical, sdktests
from codegen.sdk.walkers import minimal_events
from codegen.targets.javascript.options import Options
from codegen.targets.javascript.packaging import PACKAGING
from codegen.targets.javascript.testvalues import Values
from codegen.targets.javascript.views import HEADER, TYPESCRIPT_VERSION, Names, Renderer


class JavaScriptTarget:
    name = "javascript"
    description = "TypeScript/JavaScript npm package (ES modules, CommonJS, .d.ts; browsers and Node 18+)"
    options = Options
    template_dir = builtin_templates("javascript")
    lexicon = lexical.LEXICON
    packaging = PACKAGING

    def identifiers(self, model: Model) -> dict[str, dict[str, str]]:
        names = Names.of(model)
        scopes = {"exports": {f"{k}:{n}": i for (k, n), i in names.types.items()}, "codecs": names.codecs}
        scopes.update({f"{kind} {owner}": members for (kind, owner), members in names.members.items()})
        return scopes

    def typed_calls(self, model: Model) -> dict[str, str]:
        values = Values(Renderer(model, TemplateSet.of(self), Options.of(model, self.name)))
        return {name: f"tracker.track({values.event(name, sample)});" for name, sample in minimal_events(model)}

    def render(self, model: Model, templates: TemplateSet) -> list[OutputFile]:
        renderer = Renderer(model, templates, Options.of(model, self.name))
        files = renderer.render_sources() + sdktests.test_files(renderer, HEADER)
        return sorted(files, key=lambda f: f.path)


TARGET = JavaScriptTarget()

__all__ = ["TARGET", "TYPESCRIPT_VERSION", "JavaScriptTarget", "Names", "Options", "Renderer"]
