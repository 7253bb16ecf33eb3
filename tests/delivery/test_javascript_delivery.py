"""The JavaScript SDK's delivery end to end, verdicts from DuckDB.

Node: its program (programs/javascript_sdk.ts) against the real collector
behind the fault injector, the scenarios of the Python SDK's test:
- 10,000 events with 30 % of the requests failing, the program killed with
  SIGKILL mid-delivery and started again (its journal file survives):
  exactly 10,000 distinct events, every value equal to what was tracked, no
  duplicate row, nothing sent again after its 2xx;
- a batch answered 400 is sent exactly once and its events are reported
  dropped; an event the collector rejects in a 200 is reported, not resent.

Browser: the same SDK bundled for a page (ES module) in Debian's headless
Chromium, driven by Playwright; the page posts to its own origin, a page
server that forwards to the collector (pageserver.py):
- events tracked while the collector is down stay in localStorage across a
  reload and arrive once it is up;
- a tab closed right after tracking (nothing due yet) still delivers, with
  fetch keepalive at pagehide; its events stay in localStorage until a
  normal answer confirms them, so the next page load sends them again and
  the collector counts them as duplicates.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from collector.support import running_collector

from . import javascript_build, stored, workload
from .injector import FaultPlan, event_id_field
from .pageserver import PageServer
from .scenarios import consent_scenarios, kill_and_restart, one_run
from .verdicts import assert_400_sent_once_and_rejection_reported, assert_none_lost_through_faults_and_a_kill
from .stored import compare


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> javascript_build.Built:
    return javascript_build.build(tmp_path_factory.mktemp("javascript-delivery"))


def node_command(built: javascript_build.Built):  # type: ignore[no-untyped-def]
    def command(url: str, queue_dir: str, phase: str, count: int, options: str, invalid_at: int) -> list[str]:
        return ["node", str(built.node_program), "--url", url, "--queue-dir", queue_dir, "--phase", phase,
                "--count", str(count), "--options", options, "--invalid-at", str(invalid_at)]
    return command


def workload_comparison(stored, count: int, skip: frozenset[int] = frozenset()):  # type: ignore[no-untyped-def]
    return compare(stored, workload.model(), workload.expected_envelopes(count, javascript_build.SDK_NAME, skip))


def test_ten_thousand_events_through_faults_and_a_kill(built: javascript_build.Built, tmp_path: Path) -> None:
    count = 10_000
    outcome = kill_and_restart(tmp_path, node_command(built), count, FaultPlan(fail_share=0.3, seed=7),
                               kill_after_acknowledged=3_000)
    assert_none_lost_through_faults_and_a_kill(outcome, count, javascript_build.SDK_NAME, kill_after_acknowledged=3_000)
    assert all(seen.gzip for seen in outcome.log.requests), "bodies above gzip_min_bytes go compressed"
    assert not [line for p in outcome.programs for line in p.lines if line.startswith("error ")]
    assert outcome.seconds < 60, f"took {outcome.seconds:.0f} s"


def test_a_400_batch_is_sent_once_and_rejections_are_reported(built: javascript_build.Built, tmp_path: Path) -> None:
    count, invalid_at = 400, 250
    outcome = one_run(tmp_path, node_command(built), count, FaultPlan(fail_share=0.0, answer_400=frozenset({2})),
                      invalid_at=invalid_at)
    assert_400_sent_once_and_rejection_reported(outcome, count, javascript_build.SDK_NAME, invalid_at)


# --- the browser ----------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
# Short timers, and attempts enough to outlast the collector's start-up.
PAGE_OPTIONS = {"flushIntervalMs": 50, "backoffBaseMs": 100, "backoffMaxMs": 300, "requestTimeoutMs": 5000,
                "maxAttempts": 1000}
QUEUE_KEYS = "Object.keys(localStorage).filter((k) => k.includes(':q:')).length"


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)


def test_browser_queue_survives_a_reload_and_a_closed_tab_delivers(built: javascript_build.Built,
                                                                    tmp_path: Path) -> None:
    assert CHROMIUM.exists(), "Chromium is missing: run scripts/setup-chromium.sh"
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    model = workload.model()
    db = tmp_path / "events.duckdb"
    errors: list[str] = []
    with PageServer(built.www, event_id_field(model)) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        try:
            context = browser.new_context()

            def open_page(options: dict[str, object]):  # type: ignore[no-untyped-def]
                page = context.new_page()
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(server.url + "/index.html")
                page.wait_for_function("globalThis.delivery !== undefined")
                page.evaluate(f"delivery.start({json.dumps(options)})")
                return page

            page = open_page(PAGE_OPTIONS)
            page.evaluate("delivery.track(0, 200)")
            wait_for(lambda: server.failed() >= 2, "two attempts while the collector is down")
            assert page.evaluate(QUEUE_KEYS) == 200
            page.reload()
            page.wait_for_function("globalThis.delivery !== undefined")
            page.evaluate(f"delivery.start({json.dumps(PAGE_OPTIONS)})")
            page.wait_for_function("delivery.counters().queued === 200")  # this tab's queue, read back
            with running_collector(tmp_path, "--sink", f"duckdb:{db}") as collector:
                server.upstream = collector.url
                assert page.evaluate("delivery.flush(30000)") is True
                counters = page.evaluate("delivery.counters()")
                assert counters["sent"] == 200 and counters["queued"] == 0, counters
                assert page.evaluate(QUEUE_KEYS) == 0
                assert page.evaluate("delivery.drops()") == []

                # Nothing is due in this tab (a long flush interval, a small batch): only pagehide sends.
                tab = open_page({**PAGE_OPTIONS, "flushIntervalMs": 600_000})
                tab.evaluate("delivery.track(200, 50)")
                closed = {workload.EVENT_ID_FORMAT % i for i in range(200, 250)}
                assert not closed & server.delivered_ids()
                tab.close()
                wait_for(lambda: closed <= server.delivered_ids(), "the closed tab's events delivered")
                assert page.evaluate(QUEUE_KEYS) == 50, "kept until a normal answer confirms them"

                page.reload()  # this load adopts the closed tab's keys and sends them again
                page.wait_for_function("globalThis.delivery !== undefined")
                page.evaluate(f"delivery.start({json.dumps(PAGE_OPTIONS)})")
                page.wait_for_function("delivery.counters().queued + delivery.counters().sent === 50")
                assert page.evaluate("delivery.flush(30000)") is True
                assert page.evaluate(QUEUE_KEYS) == 0
                duplicates = sum(p.answer.get("duplicates", 0) for p in server.log if isinstance(p.answer, dict))
                assert duplicates == 50, "the collector deduped the repeat"
        finally:
            browser.close()
    assert errors == []
    assert any(p.gzip for p in server.log), "bodies above gzipMinBytes go compressed (CompressionStream)"
    result = stored.read(db, model)
    assert result.distinct == 250 and result.duplicate_rows == 0 and result.bad == []
    comparison = workload_comparison(result, 250)
    assert comparison.ok, comparison.summary()
    assert time.monotonic() - started < 90


def test_nothing_is_stored_for_a_purpose_not_granted_and_withdrawal_purges_the_queue(
        built: javascript_build.Built, tmp_path: Path) -> None:
    consent_scenarios(tmp_path, node_command(built), javascript_build.SDK_NAME)
