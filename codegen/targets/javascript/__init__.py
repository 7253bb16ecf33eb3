"""The JavaScript/TypeScript target: an npm package written in TypeScript,
built to ES modules, CommonJS and declarations, rendered into
`generated/javascript/`.

Layout: `package.json`, `tsconfig*.json`, `README.md`, `scripts/mark-cjs.mjs`;
`src/` with the hand-written runtime (`runtime/`, from
`templates/javascript/runtime/`), one module per event (`events/`), enum
(`enums/`) and object (`objects/`), `context.ts`, `tracker.ts` and
`index.ts`; `test/` with the runtime's own tests and tests rendered from the
test plan.

Modules: `target` (the implementation, imported on first use), `lexical` (keywords, literals, TSDoc), `views` (names and the data
the templates print), `testvalues` (test-plan values as TypeScript
expressions), `sdktests` (the package's own tests).
"""

from __future__ import annotations

from codegen.sdk.lazy import LazyTarget
from codegen.sdk.templates import builtin_templates
from codegen.targets.javascript.options import Options

TARGET = LazyTarget(
    "javascript", "TypeScript/JavaScript npm package (ES modules, CommonJS, .d.ts; browsers and Node 18+)",
    Options, builtin_templates("javascript"), "codegen.targets.javascript.target:JavaScriptTarget",
)

__all__ = ["TARGET", "Options"]
