"""`codegen docs` in a real browser: Debian's Chromium (scripts/setup-chromium.sh)
driven by Playwright for Python, with the pages opened from file://. The
index loads without console errors, search and every filter narrow the
list, every internal link (and #fragment) of every page resolves, nothing
is loaded from elsewhere, and screenshots of the index and of one event
page are written to tests/exports/artifacts/ (git-ignored)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import MODEL_DIR, run_codegen

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).parent / "artifacts"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for key in ("href", "src"):
            if values.get(key):
                self.links.append(values[key] or "")


def _parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("catalog") / "site"
    result = run_codegen("--model", str(MODEL_DIR), "docs", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_every_internal_link_resolves_and_nothing_is_external(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    parsed = {page: _parse(page) for page in pages}
    broken = []
    for page, links in parsed.items():
        for link in links.links:
            parts = urlsplit(link)
            if parts.scheme == "data":
                continue
            assert not parts.scheme and not parts.netloc, f"{page.relative_to(site)} loads {link} from elsewhere"
            target = (page.parent / parts.path).resolve() if parts.path else page
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in parsed[target].ids:
                broken.append(f"{page.relative_to(site)}: {link} (no id '{parts.fragment}')")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_catalog_in_chromium(site: Path) -> None:
    assert CHROMIUM.exists(), "Chromium is missing: run scripts/setup-chromium.sh"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
            page.goto((site / "index.html").as_uri())
            rows = page.locator("tr[data-event]")
            total = rows.count()
            assert total == len(list((site / "events").glob("*.html")))
            assert page.locator("#count").inner_text() == f"{total} of {total} events"

            def visible() -> list[str]:
                return page.eval_on_selector_all("tr[data-event]:not([hidden])", "rs => rs.map(r => r.dataset.event)")

            page.fill("#search", "video")
            shown = visible()
            assert 0 < len(shown) < total and all("video" in name for name in shown[:3])
            page.fill("#search", "video paus")
            assert visible() == ["video_paused"]
            page.fill("#search", "no such event anywhere")
            assert visible() == [] and page.locator("#count").inner_text() == f"0 of {total} events"
            page.fill("#search", "")
            for name, value in (("products", "streaming"), ("platforms", "web"), ("privacy", "personal")):
                page.select_option(f"#filter-{name}", value)
                shown = visible()
                assert 0 < len(shown) < total, f"filter {name}={value} shows {len(shown)} of {total}"
                for event in shown:
                    listed = page.get_attribute(f'tr[data-event="{event}"]', f"data-{name}") or ""
                    assert value in listed.split() or (name != "privacy" and listed == ""), (name, event)
                page.select_option(f"#filter-{name}", "")
            assert len(visible()) == total
            page.screenshot(path=str(ARTIFACTS / "catalog-index.png"), full_page=True)

            page.click('a[href="events/search.html"]')
            page.wait_for_load_state()
            assert page.locator("h1").inner_text() == "search"
            assert "personal" in page.locator("#query").inner_text()
            assert '"query"' in page.locator("#example + pre").inner_text()
            page.click('a[href="../enums/content_kind.html"]')
            assert page.locator("h1").inner_text() == "enum content_kind"
            page.go_back()
            page.screenshot(path=str(ARTIFACTS / "catalog-event-search.png"), full_page=True)
            page.goto((site / "history.html").as_uri())
            assert "1.0.0" in page.locator("main").inner_text()
            assert errors == [], errors
        finally:
            browser.close()
    assert (ARTIFACTS / "catalog-index.png").stat().st_size > 10_000
