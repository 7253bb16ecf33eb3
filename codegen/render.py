"""Jinja environment shared by all targets: strict, whitespace-controlled,
with user override directories searched before the built-in templates."""

from __future__ import annotations

from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    import jinja2

BUILTIN_TEMPLATES = Path(str(resources.files("codegen") / "templates"))


def search_path(target: str, overrides: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """Where a target's templates are looked up: user overrides first."""
    return tuple(o / target for o in overrides) + (BUILTIN_TEMPLATES / target,)


class TemplateSet:
    """Templates of one target: `render` fills a template, `runtime_files`
    lists hand-written files to copy verbatim from `runtime/`."""

    def __init__(
        self,
        target: str,
        overrides: tuple[Path, ...] = (),
        filters: dict[str, Callable[..., Any]] | None = None,
    ) -> None:
        self.target = target
        self.search_path = search_path(target, overrides)
        self._filters = filters or {}

    @cached_property
    def env(self) -> "jinja2.Environment":
        import jinja2

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.search_path]),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            autoescape=False,
            auto_reload=False,
        )
        env.filters.update(self._filters)
        return env

    def add_filters(self, filters: dict[str, Callable[..., Any]]) -> None:
        self.env.filters.update(filters)

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def runtime_files(self, folder: str = "runtime") -> dict[str, str]:
        """Hand-written files under `<target>/<folder>/`, keyed by their path
        relative to that folder; an override directory may replace any of them."""
        found: dict[str, str] = {}
        for root in reversed(self.search_path):
            base = root / folder
            if not base.is_dir():
                continue
            for path in sorted(base.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    found[path.relative_to(base).as_posix()] = path.read_text(encoding="utf-8")
        return dict(sorted(found.items()))
