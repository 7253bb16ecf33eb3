"""The Swift target: a SwiftPM package (Foundation only) for Apple platforms
and Linux, rendered into `generated/swift/`.

Layout: `Package.swift`, `README.md`, `.gitignore`; `Sources/<Module>/`
with the hand-written runtime (`Runtime/`, from `templates/swift/runtime/`),
one file per enum, object and event, the context and `SdkInfo.swift`;
`Tests/<Module>Tests/` rendered from the test plan (a class per event, the
tracker) plus runtime and JSON-vector tests.

Modules: `target` (the implementation, imported on first use), `lexical` (keywords, literals, comments), `views` (names and the
data the templates print), `testvalues` (test-plan values as Swift
expressions), `sdktests` (the package's own tests).
"""

from __future__ import annotations

from codegen.sdk.lazy import LazyTarget
from codegen.sdk.templates import builtin_templates
from codegen.targets.swift.options import Options

TARGET = LazyTarget(
    "swift", "Swift package (SwiftPM, Foundation only) for Apple platforms and Linux",
    Options, builtin_templates("swift"), "codegen.targets.swift.target:SwiftTarget",
)

__all__ = ["TARGET", "Options"]
