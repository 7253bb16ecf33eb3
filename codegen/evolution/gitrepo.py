"""Read-only git plumbing: resolve refs, list release tags, export a folder
of a commit into a temporary directory. Never changes the repository."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from codegen.evolution.semver import TAG_PREFIXES, Version, version_of_tag
from codegen.model_files import MODEL_SUFFIXES


class GitError(Exception):
    """A git command failed or git is missing."""


def _git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return done.stdout


@dataclass(frozen=True)
class Release:
    version: Version
    tag: str


@dataclass(frozen=True)
class GitRepo:
    root: Path
    prefix: str  # the model folder, relative to root, posix, no trailing slash ('' for the root)

    @classmethod
    def containing(cls, folder: Path) -> GitRepo | None:
        """The repository that holds `folder`, or None when it is not in one."""
        probe = folder if folder.is_dir() else folder.parent
        while not probe.is_dir():
            probe = probe.parent
        try:
            out = _git(probe, "rev-parse", "--show-toplevel", "--show-prefix").decode("utf-8").splitlines()
        except GitError:
            return None
        root = Path(out[0])
        try:
            rel = folder.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return None
        return cls(root, "" if rel == "." else rel)

    def resolve(self, ref: str) -> str | None:
        """The commit a ref names, or None."""
        if ref.startswith("-"):
            return None  # never let a ref read as an option
        try:
            return _git(self.root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                        f"{ref}^{{commit}}").decode().strip()
        except GitError:
            return None

    def tree(self, commit: str) -> str | None:
        """The id of the model folder's tree at `commit`, or None when it is absent."""
        try:
            return _git(self.root, "rev-parse", "--verify", "--quiet", f"{commit}:{self.prefix}").decode().strip()
        except GitError:
            return None

    def releases(self) -> list[Release]:
        """Release tags reachable from HEAD, oldest first; when `model-vX.Y.Z`
        and `vX.Y.Z` both exist, the first wins."""
        if self.resolve("HEAD") is None:
            return []
        patterns = [f"{prefix}*" for prefix in TAG_PREFIXES]
        tags = _git(self.root, "tag", "--list", "--merged", "HEAD", *patterns).decode("utf-8").split()
        chosen: dict[Version, str] = {}
        for prefix in TAG_PREFIXES:  # model-v first: it wins when both tag one version
            for tag in sorted(t for t in tags if t.startswith(prefix)):
                version = version_of_tag(tag)
                if version is not None:
                    chosen.setdefault(version, tag)
        return [Release(v, chosen[v]) for v in sorted(chosen)]

    def export(self, commit: str, dest: Path) -> dict[str, Path]:
        """Write the model files of `commit` under dest/<path in repo>;
        returns path in repository -> written file. Empty if the folder is absent."""
        spec = ["--", self.prefix] if self.prefix else []
        listing = _git(self.root, "ls-tree", "-r", "-z", "--full-tree", commit, *spec)
        blobs: list[tuple[str, str]] = []
        for entry in listing.split(b"\0"):
            if not entry:
                continue
            meta, _, raw_path = entry.partition(b"\t")
            _, kind, sha = meta.decode().split()
            path = raw_path.decode("utf-8", "surrogateescape")
            if kind == "blob" and PurePosixPath(path).suffix in MODEL_SUFFIXES:
                blobs.append((path, sha))
        if not blobs:
            return {}
        contents = _cat_blobs(self.root, [sha for _, sha in blobs])
        written: dict[str, Path] = {}
        for (path, _), data in zip(blobs, contents):
            target = dest.joinpath(*PurePosixPath(path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written[path] = target
        return written


def _cat_blobs(root: Path, shas: list[str]) -> list[bytes]:
    """Every blob in one `git cat-file --batch` call."""
    out = _git(root, "cat-file", "--batch", data="".join(f"{sha}\n" for sha in shas).encode())
    result, pos = [], 0
    for _ in shas:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        start = header_end + 1
        result.append(out[start:start + size])
        pos = start + size + 1  # content is followed by a newline
    return result
