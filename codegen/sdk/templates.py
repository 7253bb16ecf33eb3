"""The Jinja environment of one target: strict, whitespace-controlled, with
user override folders (`--templates DIR`, laid out as DIR/<target>/...)
searched before the target's own template folder."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    import jinja2

    from codegen.sdk.memo import Memo

# Inside the installed codegen package (`codegen/templates`); found from this
# file, not importlib.resources, which the up-to-date path must not import.
BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def builtin_templates(target: str) -> Path:
    """Where a built-in target's templates live: `templates/<target>/`."""
    return BUILTIN_TEMPLATES / target


def search_path(target: str, template_dir: Path, overrides: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """Where a target's templates are looked up: user overrides first."""
    return tuple(o / target for o in overrides) + (template_dir,)


class TemplateSet:
    """Templates of one target: `render` fills a template, `runtime_files`
    lists hand-written files to copy from a folder such as `runtime/`;
    `memo` is what the target may reuse from the previous build
    (`codegen.sdk.memo`)."""

    # Where compiled templates are kept between builds (the build sets it
    # under the output's .codegen/ folder); None compiles them every time.
    bytecode_dir: Path | None = None
    _memo: Memo | None = None

    @property
    def memo(self) -> Memo:
        from codegen.sdk.memo import NO_MEMO

        return self._memo or NO_MEMO

    @memo.setter
    def memo(self, memo: Memo) -> None:
        self._memo = memo

    def __init__(
        self,
        target: str,
        template_dir: Path,
        overrides: tuple[Path, ...] = (),
        filters: dict[str, Callable[..., Any]] | None = None,
    ) -> None:
        self.target = target
        self.search_path = search_path(target, template_dir, overrides)
        self._filters = filters or {}

    @classmethod
    def of(cls, target: Any, overrides: tuple[Path, ...] = ()) -> TemplateSet:
        """The templates of a registered target object."""
        return cls(target.name, Path(target.template_dir), overrides)

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
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(self.bytecode_dir)) if self.bytecode_dir else None,
        )
        env.filters.update(self._filters)
        return env

    def add_filters(self, filters: dict[str, Callable[..., Any]]) -> None:
        self.env.filters.update(filters)

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def runtime_files(self, folder: str = "runtime") -> dict[str, str]:
        """Hand-written files under `<templates>/<folder>/`, keyed by their path
        relative to that folder; an override folder may replace any of them."""
        found: dict[str, str] = {}
        for root in reversed(self.search_path):
            base = root / folder
            if not base.is_dir():
                continue
            for path in sorted(base.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    found[path.relative_to(base).as_posix()] = path.read_text(encoding="utf-8")
        return dict(sorted(found.items()))
