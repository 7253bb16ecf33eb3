"""Release engineering: `codegen package` builds every SDK's distributables
with the platform's own tools (through each target's `packaging`, see
codegen.sdk.packaging) into one folder with SHA-256 checksums and a release
manifest; `codegen publish` checks the model's evolution and the registries,
then uploads those exact files (docs/release.md)."""
