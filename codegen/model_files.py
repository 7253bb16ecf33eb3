"""Which files make up a model (kept free of heavy imports: the up-to-date
check of a build needs only this)."""

from __future__ import annotations

from pathlib import Path

MODEL_SUFFIXES = (".yaml", ".yml")


def model_files(model_dir: Path) -> list[Path]:
    """Every model file, in a fixed order (independent of the file system's)."""
    return sorted(p for p in model_dir.rglob("*") if p.suffix in MODEL_SUFFIXES and p.is_file())
