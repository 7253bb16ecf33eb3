"""Model evolution: `codegen diff`, `codegen version-check`, `codegen changelog`.

Compares the event model with a released (or any other) version, classifies
every change by rule (see `rules.RULES` and docs/evolution.md), checks that
the declared semantic version covers the changes, and writes release notes.
"""
