"""The target kit: what every target, built-in or third-party, builds on.
It imports no target. The contract (`Target`, `OutputFile`, options), the
template set, the name allocator, the type and value walkers, the
documentation texts and the runtime-file copier."""

from codegen.sdk.contract import GENERATED_MARKER, OutputFile, Target, TargetOptions, package_templates
from codegen.sdk.templates import TemplateSet, builtin_templates

__all__ = [
    "GENERATED_MARKER", "OutputFile", "Target", "TargetOptions", "TemplateSet", "builtin_templates",
    "package_templates",
]
