"""`codegen publish`: the packages of a release folder uploaded to the
registries the user names, after every check passed for every package:

1. the folder holds exactly the files `codegen package` recorded (SHA-256),
   made from the model as it is now;
2. the model's version makes the bump its changes since the latest release
   need (the evolution rules, sources included), like `codegen version-check`;
3. no registry has any of these versions yet (a published version is never
   replaced).

Only then is anything uploaded, so a refused release publishes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from codegen.build import load_checked_model
from codegen.diagnostics import CommandFailed, did_you_mean
from codegen.terminal import printable
from codegen.release.manifest import PackageEntry, Release, model_digest, read_release, verify
from codegen.sdk.packaging import Coordinates, Packaging, PackagingError, Tools
from codegen.targets import registered_targets


@dataclass(frozen=True)
class Upload:
    entry: PackageEntry
    packaging: Packaging
    url: str  # where it goes, as the user named it


def load_release(dist: Path, model_dir: Path) -> Release:
    release = read_release(dist)
    if release is None:
        raise CommandFailed(f"{dist} holds no release ({dist / 'release.json'} is missing); run 'codegen package' first")
    verify(dist, release)
    load_checked_model(model_dir)  # a model with errors is reported as such
    if release.model_digest != model_digest(model_dir):
        raise CommandFailed(f"the packages in {dist} were made from another state of the model {model_dir} "
                            f"({release.model_name} {release.model_version}); run 'codegen package' again")
    return release


def registry_kinds() -> dict[str, str]:
    """Every --registry KIND the registered targets read, and one target that reads it."""
    kinds: dict[str, str] = {}
    for name, target in registered_targets().items():
        packaging = getattr(target, "packaging", None)
        for key in getattr(packaging, "registry_keys", ()):
            kinds.setdefault(key, name)
    return kinds


def check_registry_kinds(registries: Mapping[str, str]) -> None:
    known = registry_kinds()
    for kind in registries:
        if kind not in known:
            hint = did_you_mean(kind, known) or f"known kinds: {', '.join(sorted(known))}"
            raise CommandFailed(f"unknown registry kind '{kind}' in --registry {kind}=...; {hint}")


def select(release: Release, registries: Mapping[str, str], target_names: tuple[str, ...],
           source_names: tuple[str, ...] | None, say: Callable[[str], None]) -> list[Upload]:
    """The packages to upload: those selected whose registry was named."""
    targets = registered_targets()
    chosen = [p for p in release.packages
              if (not target_names or p.target in target_names)
              and (source_names is None or p.source in source_names)]
    if not chosen:
        raise CommandFailed("the release holds none of the selected packages")
    uploads = []
    for entry in chosen:
        target = targets.get(entry.target)
        packaging = getattr(target, "packaging", None)
        if packaging is None:
            raise CommandFailed(f"{entry.label}: the target '{entry.target}' is not registered (or cannot package) "
                                "any more")
        if not entry.registry:
            say(f"{entry.label}: {entry.name} {entry.version} has no registry; ship its files "
                f"({', '.join(f.name for f in entry.files)}) with the release")
            continue
        url = registries.get(entry.registry)
        if url is None:
            if entry.target in target_names:
                raise CommandFailed(f"{entry.label}: no registry for it: pass --registry {entry.registry}=URL")
            say(f"{entry.label}: not published (no --registry {entry.registry}=URL)")
            continue
        uploads.append(Upload(entry, packaging, url))
    if not uploads:
        needed = sorted({p.registry for p in chosen if p.registry})
        raise CommandFailed("nothing to publish: name a registry with "
                            + ", ".join(f"--registry {kind}=URL" for kind in needed) if needed
                            else "nothing to publish: none of the selected packages has a registry")
    return uploads


def check_versions(model_dir: Path, against: str | None, say: Callable[[str], None]) -> None:
    """The model's version must make the bump its changes need (sources included)."""
    from codegen.evolution.compare import diff
    from codegen.evolution.gitrepo import GitError
    from codegen.evolution.rules import required_bump
    from codegen.evolution.semver import check_bump
    from codegen.evolution.sources import SourceError, Sources

    sources = Sources(model_dir, warn=lambda message: say(f"warning: {message}"))
    try:
        if against is None and not sources.release_list():
            say(f"no release tag yet: {sources.working().version} is the first release")
            return
        new = sources.working()
        old = sources.load(against or sources.latest_release())
        history = sources.releases()
    except (SourceError, GitError) as exc:
        raise CommandFailed(f"cannot check the version: {exc}") from None
    changes = diff(old, new, history)
    verdict = check_bump(old.version, new.version, required_bump(changes))
    if not verdict.ok:
        deciding = [c for c in changes if c.spec.bump == verdict.needed][:5]
        lines = "".join(f"\n  {c.loc}: {c.rule}: {c.message()}" for c in deciding)
        raise CommandFailed(f"refusing to publish {new.version}: against {old.describe()}: {verdict.message}{lines}"
                            "\n  hint: run 'codegen diff' and 'codegen version-check'")
    say(f"version {new.version} against {old.describe()}: {verdict.message}")


def check_unpublished(uploads: list[Upload], registries: Mapping[str, str], tools: Tools) -> None:
    taken = []
    for upload in uploads:
        coordinates = Coordinates(upload.entry.name, upload.entry.version)
        try:
            if upload.packaging.is_published(coordinates, registries, tools):
                taken.append(f"{upload.entry.label}: {printable(upload.entry.name)} {upload.entry.version} is already "
                             f"published at {upload.url}")
        except PackagingError as exc:
            raise PackagingError(f"{upload.entry.label}: {exc}") from None
    if taken:
        raise CommandFailed("refusing to publish: a published version is never replaced\n  " + "\n  ".join(taken)
                            + "\n  hint: raise the model's version, then run 'codegen package' again")


def publish(model_dir: Path, dist: Path, registries: Mapping[str, str], target_names: tuple[str, ...] = (),
            source_names: tuple[str, ...] | None = None, against: str | None = None, dry_run: bool = False,
            tools: Tools | None = None, say: Callable[[str], None] = print) -> list[Upload]:
    """Check everything, then upload; the uploads made (or planned, for a dry run)."""
    tools = tools or Tools()
    check_registry_kinds(registries)
    release = load_release(dist, model_dir)
    uploads = select(release, registries, target_names, source_names, say)
    check_versions(model_dir, against, say)
    check_unpublished(uploads, registries, tools)
    for upload in uploads:
        files = [dist / f.name for f in upload.entry.files]
        if dry_run:
            say(f"{upload.entry.label}: would publish {upload.entry.name} {upload.entry.version} to {upload.url}")
            continue
        try:
            upload.packaging.publish(Coordinates(upload.entry.name, upload.entry.version), files, registries, tools)
        except PackagingError as exc:
            done = uploads[:uploads.index(upload)]
            already = (" (already published: " + ", ".join(u.entry.label for u in done) + ")") if done else ""
            raise PackagingError(f"{upload.entry.label}: {exc}{already}") from None
        say(f"{upload.entry.label}: published {upload.entry.name} {upload.entry.version} to {upload.url}")
    return uploads
