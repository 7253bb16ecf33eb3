"""Where the versions to compare come from: the working tree, another model
folder, a git ref, and the release tags of the repository."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

from codegen.diagnostics import ModelErrors
from codegen.evolution.gitrepo import GitError, GitRepo, Release
from codegen.evolution.snapshot import Snapshot, load_snapshot
from codegen.loader import display_path


class SourceError(Exception):
    """A version cannot be read: bad ref, no repository, no model at a ref."""


class Sources:
    """Loads versions of the model that lives in `model_dir`, caching by commit."""

    def __init__(self, model_dir: Path, warn: Callable[[str], None] = lambda _: None) -> None:
        self.model_dir = model_dir
        self.warn = warn
        self._repo: GitRepo | None | bool = False  # False: not looked up yet
        self._cache: dict[str, Snapshot] = {}  # by the model folder's tree: releases often share one
        self._releases: list[Release] | None = None

    @property
    def repo(self) -> GitRepo | None:
        if self._repo is False:
            self._repo = GitRepo.containing(self.model_dir.absolute())
        return self._repo  # type: ignore[return-value]

    def working(self) -> Snapshot:
        return load_snapshot(self.model_dir, "working tree")

    def release_list(self) -> list[Release]:
        if self._releases is None:
            repo = self.repo
            try:
                self._releases = repo.releases() if repo is not None else []
            except GitError as exc:
                raise SourceError(f"cannot list release tags: {exc}") from None
        return self._releases

    def latest_release(self) -> str:
        releases = self.release_list()
        if not releases:
            where = "the repository" if self.repo else f"{display_path(self.model_dir)} (not in a git repository)"
            raise SourceError(f"no release tag (model-vX.Y.Z or vX.Y.Z) found in {where}; "
                              "pass --against REF or a model folder")
        return releases[-1].tag

    def load(self, spec: str) -> Snapshot:
        """A model folder if `spec` is one, else a git ref of the model's repository."""
        if Path(spec).is_dir():
            return load_snapshot(Path(spec), spec, released=True)
        repo = self.repo
        if repo is None:
            raise SourceError(f"'{spec}' is not a model folder, and {display_path(self.model_dir)} is not in "
                              "a git repository to look it up as a ref")
        commit = repo.resolve(spec)
        if commit is None:
            raise SourceError(f"'{spec}' is neither a model folder nor a git ref (tag, branch or commit) "
                              f"of the repository at {repo.root}")
        released = spec in {r.tag for r in self.release_list()}
        tree = repo.tree(commit)
        if tree is None:
            raise SourceError(f"the model folder '{repo.prefix or '.'}' does not exist at {spec}")
        if tree not in self._cache:
            self._cache[tree] = self._load_commit(repo, spec, commit)
        snapshot = self._cache[tree]
        return Snapshot(spec, snapshot.model, snapshot.locator, released)

    def _load_commit(self, repo: GitRepo, spec: str, commit: str) -> Snapshot:
        folder = repo.prefix or "."
        with tempfile.TemporaryDirectory(prefix="codegen-evolution-") as tmp:
            try:
                files = repo.export(commit, Path(tmp))
            except GitError as exc:
                raise SourceError(f"cannot read {spec}: {exc}") from None
            if not files:
                raise SourceError(f"the model folder '{folder}' has no .yaml files at {spec}")
            names = {display_path(path): repo_path for repo_path, path in files.items()}
            model_root = Path(tmp).joinpath(*Path(repo.prefix).parts) if repo.prefix else Path(tmp)
            try:
                return load_snapshot(model_root, spec, names=names)
            except ModelErrors as exc:
                raise SourceError(f"the model at {spec} does not load:\n{exc.format()}") from None

    def releases(self, explicit: tuple[str, ...] = ()) -> list[Snapshot]:
        """The released versions to check reuse and deprecations against:
        `explicit` refs or folders, else every release tag reachable from HEAD."""
        if explicit:
            return [self._released(self.load(spec)) for spec in explicit]
        found = []
        for release in self.release_list():
            try:
                found.append(self.load(release.tag))
            except SourceError as exc:
                self.warn(f"skipping release {release.tag}: {str(exc).splitlines()[0]}")
        return found

    @staticmethod
    def _released(snapshot: Snapshot) -> Snapshot:
        return Snapshot(snapshot.label, snapshot.model, snapshot.locator, True)
