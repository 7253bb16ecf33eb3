"""Which files make up a model (kept free of heavy imports: the up-to-date
check of a build needs only this).

Symbolic links inside the model folder are followed while they stay inside
it; a file reached by several paths is read once. A link that leaves the
folder, loops or points nowhere is a problem reported at the link, never
skipped: its events would silently vanish from the model.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MODEL_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class FileProblem:
    path: Path  # the link or folder, as reached from the model folder
    message: str
    hint: str


@dataclass(frozen=True)
class ModelFiles:
    files: list[Path]  # sorted, each file once
    problems: list[FileProblem]


def _is_model_file(name: str) -> bool:
    return name.endswith(MODEL_SUFFIXES)


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def scan_model(model_dir: Path) -> ModelFiles:
    """The model's files and the links and folders that could not be followed."""
    root = os.path.realpath(model_dir)
    chosen: dict[str, Path] = {}  # real path -> the path it is read under
    problems: list[FileProblem] = []

    def unreadable(error: OSError) -> None:
        where = Path(error.filename) if error.filename else model_dir
        problems.append(FileProblem(where, f"cannot read the folder: {error.strerror or error}",
                                    "check that it exists and is readable"))

    for folder, dirs, names in os.walk(model_dir, onerror=unreadable):
        here = Path(folder)
        dirs.sort()
        for name in sorted(names) + [d for d in dirs if os.path.islink(here / d)]:
            path = here / name
            if os.path.islink(path):
                _link(path, root, chosen, problems)
            elif _is_model_file(name) and os.path.isfile(path):
                # A plain path beats a link to the same file, whatever the order.
                chosen[os.path.realpath(path)] = path
    return ModelFiles(sorted(set(chosen.values())), problems)


def _link(path: Path, root: str, chosen: dict[str, Path], problems: list[FileProblem]) -> None:
    target = os.readlink(path)
    shown = f"a symbolic link to '{target}'"
    try:
        real = os.path.realpath(path, strict=True)
    except FileNotFoundError:
        problems.append(FileProblem(path, f"{shown}, which does not exist", "fix or remove the link"))
        return
    except OSError:  # ELOOP: links that point at each other
        problems.append(FileProblem(path, f"{shown} that loops back on itself through other links",
                                    "fix or remove the link"))
        return
    is_dir = os.path.isdir(real)
    if not is_dir and not _is_model_file(path.name):
        return  # not part of the model, wherever it points
    if not _inside(real, root):
        problems.append(FileProblem(path, f"{shown}, which is outside the model folder",
                                    "copy the files into the model folder, or pass the folder that holds "
                                    "both with --model"))
        return
    if is_dir:
        if _inside(os.path.realpath(path.parent), real):
            problems.append(FileProblem(path, f"{shown}, a folder that contains the link itself: a loop",
                                        "remove the link"))
        # Otherwise its target lies inside the model folder and is read there.
        return
    chosen.setdefault(real, path)


def model_files(model_dir: Path) -> list[Path]:
    """Every model file, in a fixed order (independent of the file system's)."""
    return scan_model(model_dir).files
