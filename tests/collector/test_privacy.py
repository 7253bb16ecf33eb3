"""The collector's privacy step against a real `codegen collect` (DuckDB):
pseudonyms (HMAC-SHA256 held to RFC 4231's vectors, Python's hmac module
and openssl), the key id, a missing or bad key, consent rejections, the
truncated client IP, and `codegen retention` deleting and clearing rows."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from codegen.collector.client_ip import truncate
from codegen.collector.pseudonyms import PseudonymKey, PseudonymKeyError, load_key
from codegen.exports.sql import event_columns, event_tables
from codegen.loader import load_model
from codegen.reference import reference_for
from codegen.testplan import FIXED_AUTO, all_purposes, context_sample, plan

from . import sdk
from .support import KEY_ENV, ROOT, TEST_KEY, running_collector

# RFC 4231, test cases 6 and 7: HMAC-SHA256 under 131 bytes of 0xaa (TEST_KEY).
RFC4231 = {
    "Test Using Larger Than Block-Size Key - Hash Key First":
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be "
    "hashed before being used by the HMAC algorithm.":
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
}


def openssl_hmac(key: bytes, message: bytes) -> str:
    """An implementation independent of Python's: the openssl command line."""
    out = subprocess.run(["openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", f"hexkey:{key.hex()}"],
                         input=message, capture_output=True, check=True, timeout=30).stdout.decode()
    return out.strip().rsplit(" ", 1)[-1]


def stored(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# --- pseudonyms ---------------------------------------------------------------


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_the_hash_meets_rfc_4231_python_and_openssl() -> None:
    key = PseudonymKey.of(TEST_KEY)
    for message, digest in RFC4231.items():
        assert key.text(message) == digest
        assert hmac.new(TEST_KEY, message.encode(), hashlib.sha256).hexdigest() == digest
        assert openssl_hmac(TEST_KEY, message.encode()) == digest
        assert key.raw(message.encode()) == bytes.fromhex(digest)
    # The key id: the first 16 hex digits of HMAC(key, "codegen pseudonym key id").
    assert key.key_id == openssl_hmac(TEST_KEY, b"codegen pseudonym key id")[:16]
    other = PseudonymKey.of(bytes(range(32)))
    assert other.key_id != key.key_id and other.text("user-7") != key.text("user-7")


def test_the_collector_stores_keyed_hashes_and_the_key_id(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    user = next(iter(RFC4231))  # a value whose digest RFC 4231 gives
    events = sdk.Recorder(user_id=user, session_id="").track(sdk.page_view(1))
    with running_collector(tmp_path, "--sink", f"duckdb:{db}") as collector:
        assert collector.post(sdk.protobuf_batch(e.protobuf for e in events)).body["accepted"] == 1
    rows = stored(db, "SELECT user_id, session_id, pseudonym_key FROM page_view")
    assert rows == [(RFC4231[user], "", PseudonymKey.of(TEST_KEY).key_id)]


def test_a_missing_or_bad_key_stops_the_collector_with_a_message(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "CODEGEN_PSEUDONYM_KEY"}
    base = [sys.executable, "-m", "codegen", "--model", str(ROOT / "event_model"), "collect", "--sink",
            f"duckdb:{tmp_path / 'e.duckdb'}", "--port", "0"]
    short = tmp_path / "short.key"
    short.write_text("00" * 16 + "\n")
    cases = [
        ([], {}, "the model has pseudonymous values (context.session_id, context.user_id, share.share_token)"),
        ([], {"CODEGEN_PSEUDONYM_KEY": "not hex"}, "CODEGEN_PSEUDONYM_KEY must hold the key as hexadecimal digits"),
        (["--pseudonym-key-file", str(short)], {}, "holds 16 bytes; the key must have at least 32 random bytes"),
        (["--pseudonym-key-file", str(tmp_path / "absent.key")], {}, "cannot read the pseudonymisation key file"),
    ]
    for args, extra, message in cases:
        result = subprocess.run(base + args, capture_output=True, text=True, timeout=120, env={**env, **extra})
        assert result.returncode == 1, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "e.duckdb").exists()  # nothing was opened


def test_the_key_comes_from_a_file_before_the_environment(tmp_path: Path) -> None:
    model = load_model(ROOT / "event_model")
    key_file = tmp_path / "pseudonyms.key"
    key_file.write_text(bytes(range(32)).hex() + "\n")
    from_file = load_key(model, str(key_file), {"CODEGEN_PSEUDONYM_KEY": TEST_KEY.hex()})
    assert from_file is not None and from_file.secret == bytes(range(32))
    from_env = load_key(model, None, {"CODEGEN_PSEUDONYM_KEY": TEST_KEY.hex()})
    assert from_env is not None and from_env.secret == TEST_KEY
    with pytest.raises(PseudonymKeyError):
        load_key(model, None, {})
    # A model without pseudonymous values needs no key.
    assert load_key(load_model(ROOT / "tests" / "release" / "model"), None, {}) is None


# --- consent ------------------------------------------------------------------


def _envelope(model, event: str, stamp: tuple[str, ...], event_id: str) -> bytes:
    sample = next(s for s in plan(model).samples if s.name == f"{event}_full")
    auto = {**FIXED_AUTO, "consent": stamp, "event_id": event_id, "model_version": model.version,
            "sdk_name": "reference", "sdk_version": "1"}
    return reference_for(model).envelope(sample.event, sample.values, context_sample(model), auto).protobuf


def test_events_the_stamp_does_not_cover_are_rejected_for_consent(tmp_path: Path, bundled_model) -> None:
    model = bundled_model
    everything = all_purposes(model)
    envelopes = [
        _envelope(model, "page_view", everything, "covered"),
        _envelope(model, "page_view", ("necessary",), "no-analytics"),  # the event needs analytics
        _envelope(model, "search", ("analytics", "necessary"), "query-without-personalisation"),
    ]
    db = tmp_path / "events.duckdb"
    with running_collector(tmp_path, "--sink", f"duckdb:{db}") as collector:
        answer = collector.post(sdk.protobuf_batch(envelopes)).body
    assert answer["accepted"] == 1
    reasons = {r["event_id"]: r["reasons"] for r in answer["rejected"]}
    assert sorted(reasons) == ["no-analytics", "query-without-personalisation"]
    assert "context.consent: does not grant analytics, which event page_view needs (consent)" in reasons["no-analytics"]
    assert ("search.query: needs personalisation, which context.consent does not grant (consent)"
            in reasons["query-without-personalisation"])
    assert all(all(text.endswith("(consent)") for text in r) for r in reasons.values())
    # Kept as bad events, without the values the user did not agree to.
    bad = stored(db, "SELECT event_id, octet_length(raw) FROM bad_events ORDER BY event_id")
    assert bad == [("no-analytics", 0), ("query-without-personalisation", 0)]
    assert stored(db, "SELECT event_id FROM page_view") == [("covered",)]


# --- the client IP ------------------------------------------------------------


def test_client_addresses_are_truncated_to_their_network() -> None:
    assert truncate("203.0.113.77") == "203.0.113.0"
    assert truncate("2001:db8:abcd:12:34:56:78:9a") == "2001:db8:abcd::"
    assert truncate("::ffff:198.51.100.9") == "198.51.100.0"
    assert truncate("fe80::1%eth0") == "fe80::"
    assert truncate("not an address") is None


def test_the_truncated_ip_is_stored_only_when_the_model_and_the_stamp_ask(tmp_path: Path, bundled_model) -> None:
    assert bundled_model.client_ip_purposes == ("necessary",)
    db = tmp_path / "events.duckdb"
    granted = sdk.Recorder().track(sdk.page_view(1))
    recorder = sdk.Recorder(prefix="00000000-0000-4000-9000-")
    recorder.tracker.consent = [sdk.Purpose.ANALYTICS, sdk.Purpose.MARKETING]  # not necessary
    withheld = recorder.track(sdk.page_view(2))
    with running_collector(tmp_path, "--sink", f"duckdb:{db}") as collector:
        assert collector.post(sdk.protobuf_batch(e.protobuf for e in granted + withheld)).body["accepted"] == 2
    assert sorted(stored(db, "SELECT event_id, client_ip FROM page_view"), key=str) == sorted(
        [(granted[0].event_id, "127.0.0.0"), (withheld[0].event_id, None)], key=str)
    # A model whose collector section does not ask for it has no such column at all.
    release = load_model(ROOT / "tests" / "release" / "model")
    assert all("client_ip" not in [c.name for c in event_columns(release, e)] for e in release.events)


# --- retention ----------------------------------------------------------------


def _retention(db: Path, as_of: datetime, *extra: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "--model", str(ROOT / "event_model"), "retention", "--sink", f"duckdb:{db}",
         "--as-of", as_of.strftime("%Y-%m-%dT%H:%M:%SZ"), *extra], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_retention_deletes_rows_and_clears_values_past_their_purposes(tmp_path: Path, bundled_model) -> None:
    model = bundled_model
    days = {p.name: p.retention_days for p in model.purposes}
    assert (days["necessary"], days["personalisation"], days["analytics"]) == (90, 180, 395)
    db = tmp_path / "events.duckdb"
    everything = all_purposes(model)
    envelopes = [_envelope(model, "app_lifecycle", everything, "lifecycle"),  # necessary: 90 days
                 _envelope(model, "search", everything, "search"),  # analytics; its query personalisation: 180
                 _envelope(model, "page_view", everything, "page")]  # analytics: 395 days
    with running_collector(tmp_path, "--sink", f"duckdb:{db}") as collector:
        assert collector.post(sdk.protobuf_batch(envelopes)).body["accepted"] == 3
    tables = event_tables(model)
    now = datetime.now(timezone.utc)

    def state() -> tuple:
        return (stored(db, f'SELECT count(*) FROM "{tables["app_lifecycle"]}"')[0][0],
                stored(db, f'SELECT count(*), count(query), count(client_ip) FROM "{tables["search"]}"')[0],
                stored(db, f'SELECT count(*) FROM "{tables["page_view"]}"')[0][0],
                stored(db, "SELECT count(*) FROM event_ids")[0][0])

    assert state() == (1, (1, 1, 1), 1, 3)
    report = _retention(db, now + timedelta(days=91), "--dry-run")
    assert f"{tables['app_lifecycle']}: would delete 1 rows older than 90 days" in report
    assert state() == (1, (1, 1, 1), 1, 3)  # a dry run changes nothing
    _retention(db, now + timedelta(days=89))
    assert state() == (1, (1, 1, 1), 1, 3)
    report = _retention(db, now + timedelta(days=91))
    assert f"{tables['app_lifecycle']}: deleted 1 rows older than 90 days" in report
    assert f"{tables['search']}.client_ip: cleared 1 values older than 90 days" in report
    assert state() == (0, (1, 1, 0), 1, 2)
    _retention(db, now + timedelta(days=181))
    assert state() == (0, (1, 0, 0), 1, 2)  # the query goes with its purpose; the event stays
    _retention(db, now + timedelta(days=396))
    assert state() == (0, (0, 0, 0), 0, 0)


def test_retention_refuses_what_it_cannot_apply(tmp_path: Path) -> None:
    base = [sys.executable, "-m", "codegen", "--model", str(ROOT / "event_model"), "retention"]
    for args, message in [(["--sink", f"duckdb:{tmp_path / 'absent.duckdb'}"], "there is no DuckDB store at"),
                          (["--sink", "kafka:127.0.0.1:9092"], "--sink must be duckdb:PATH"),
                          (["--sink", f"duckdb:{tmp_path}/x", "--as-of", "soon"], "is not a date or time")]:
        result = subprocess.run(base + args, capture_output=True, text=True, timeout=120)
        assert result.returncode == 1 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
