"""The Kotlin target: a library for Android and the JVM with no dependency
beyond the Kotlin standard library, built and tested with Maven (pom.xml) or
Gradle (build.gradle.kts).

Layout of the output:
  pom.xml, build.gradle.kts, settings.gradle.kts, README.md
  src/main/kotlin/<package>/   one file per enum, object and event,
                               TrackingContext.kt, SdkInfo.kt, the runtime
  src/test/kotlin/<package>/   JUnit 5 tests rendered from the test plan,
                               tracker tests, the runtime's own tests

Modules: `target` (the implementation, imported on first use), `lexical` (keywords, literals, KDoc), `views` (names and the data
the templates print), `testvalues` (test-plan values as Kotlin expressions),
`sdktests` (the package's own tests).
"""

from __future__ import annotations

from codegen.sdk.lazy import LazyTarget
from codegen.sdk.templates import builtin_templates
from codegen.targets.kotlin.options import Options
from codegen.targets.kotlin.versions import VERSIONS

# Bytecode level: runs on every Android version and JVM 8+.
JVM_TARGET = "1.8"

TARGET = LazyTarget(
    "kotlin", "Kotlin library for Android and the JVM (Maven and Gradle builds, JUnit 5 tests)",
    Options, builtin_templates("kotlin"), "codegen.targets.kotlin.target:KotlinTarget",
)

__all__ = ["TARGET", "Options", "VERSIONS"]
