"""What a target offers `codegen package` and `codegen publish`: the optional
`packaging` member of the target contract (docs/targets.md).

A target's packaging turns a rendered SDK folder into the platform's own
distributables with the platform's own tools, says which package name and
version consumers ask for, whether a registry already has that version,
and uploads the files. `Tools` runs those tools: every failure becomes a
PackagingError that names the command and shows the end of its output.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Protocol, Sequence

if TYPE_CHECKING:
    from codegen.ir import Model

# Every file of a staged SDK gets this modification time (1980-01-02, the
# zip format's first day plus a margin), and the tools SOURCE_DATE_EPOCH:
# the same model gives the same archives, byte for byte.
SOURCE_DATE_EPOCH = 315619200
TAIL = 6000  # characters of a failed tool's output that an error shows


class PackagingError(Exception):
    """A package cannot be built, checked or uploaded (shown as `error: ...`)."""


@dataclass(frozen=True)
class Coordinates:
    """How consumers ask a registry for the package."""

    name: str  # e.g. "@broadcaster/analytics", "broadcaster-analytics", "org.broadcaster:analytics"
    version: str  # in the registry's own spelling (PEP 440 for PyPI)


class Packaging(Protocol):
    registry: str  # the kind of `--registry KIND=URL` it publishes to; "" when it has no registry
    registry_keys: tuple[str, ...]  # every KIND it reads, `registry` first (e.g. "pypi", "pypi-index")

    def coordinates(self, model: Model) -> Coordinates:
        """Package name and version of the SDK of `model` (without building it)."""
        ...

    def package(self, sdk: Path, out: Path, coordinates: Coordinates, tools: Tools) -> list[Path]:
        """Build the distributables of the rendered SDK in `sdk` (a scratch
        copy the packaging may change; `coordinates` are its own) into the
        empty folder `out`; the files made, each named after the package."""
        ...

    def is_published(self, coordinates: Coordinates, registries: Mapping[str, str], tools: Tools) -> bool:
        """Whether the registry already holds this version."""
        ...

    def publish(self, coordinates: Coordinates, files: Sequence[Path], registries: Mapping[str, str],
                tools: Tools) -> None:
        """Upload `files` (what `package` made); credentials come from the
        environment or the tool's own configuration, never from the model."""
        ...


class Tools:
    """Runs packaging tools. `offline` asks each tool not to use the network;
    `log` receives one line per command (for --verbose)."""

    def __init__(self, offline: bool = False, log: Callable[[str], None] | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        self.offline = offline
        self.log = log or (lambda _: None)
        self.env = {**os.environ, "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH), **(env or {})}

    def which(self, name: str, hint: str) -> str:
        found = shutil.which(name, path=self.env.get("PATH"))
        if found is None:
            raise PackagingError(f"'{name}' is not on PATH; {hint}")
        return found

    def run(self, args: Sequence[object], cwd: Path, env: Mapping[str, str] | None = None,
            timeout: float = 900) -> str:
        import subprocess  # only packaging runs tools: kept off the build's path

        words = [str(a) for a in args]
        self.log(f"$ {' '.join(words)}  (in {cwd})")
        try:
            proc = subprocess.run(words, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                                  env={**self.env, **(env or {})}, stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            raise PackagingError(f"'{words[0]}' cannot be run: it is not installed") from None
        except subprocess.TimeoutExpired:
            raise PackagingError(f"'{' '.join(words[:3])} ...' did not finish within {timeout:.0f} s") from None
        output = proc.stdout + proc.stderr
        if proc.returncode != 0:
            raise PackagingError(f"'{' '.join(words)}' failed (exit {proc.returncode}) in {cwd}:\n"
                                 f"{output[-TAIL:].rstrip()}")
        return proc.stdout


def fix_mtimes(folder: Path) -> None:
    """Give every file and folder below `folder` the same modification time."""
    for path in sorted(folder.rglob("*"), reverse=True):
        os.utime(path, (SOURCE_DATE_EPOCH, SOURCE_DATE_EPOCH), follow_symlinks=False)


def normalize_tar_gz(path: Path) -> None:
    """Rewrite a .tar.gz so that it depends on its contents only: entries in
    name order, one modification time, no owner names, a gzip header
    without a time stamp (tools such as setuptools' sdist stamp the build's)."""
    import gzip
    import io
    import tarfile

    members = []
    with tarfile.open(path, "r:gz") as source:
        for info in sorted(source.getmembers(), key=lambda m: m.name):
            data = source.extractfile(info).read() if info.isfile() else None  # type: ignore[union-attr]
            info.mtime, info.uid, info.gid, info.uname, info.gname = SOURCE_DATE_EPOCH, 0, 0, "", ""
            info.pax_headers = {}
            info.mode = 0o755 if info.isdir() or info.mode & 0o111 else 0o644
            members.append((info, data))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as target:
        for info, data in members:
            target.addfile(info, io.BytesIO(data) if data is not None else None)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out:
        out.write(buffer.getvalue())


def url_exists(url: str, what: str) -> bool:
    """True on 200, False on 404 and 410; anything else is a PackagingError."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": "text/html, */*"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the user's registry)
            response.read(1)
            return True
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            return False
        raise PackagingError(f"cannot check {what}: {url} answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PackagingError(f"cannot check {what}: {url}: {reason}") from None


def url_text(url: str, what: str) -> str | None:
    """The body of a 200 answer; None on 404 and 410."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (the user's registry)
            return response.read().decode("utf-8", "replace")  # type: ignore[no-any-return]
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            return None
        raise PackagingError(f"cannot check {what}: {url} answered {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise PackagingError(f"cannot check {what}: {url}: {getattr(exc, 'reason', exc)}") from None


def registry_url(registries: Mapping[str, str], key: str) -> str:
    url = registries.get(key)
    if not url:
        raise PackagingError(f"no registry given for '{key}': pass --registry {key}=URL")
    return url
