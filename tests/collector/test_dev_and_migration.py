"""Dev mode (list good and bad events with filters, reset) and tables that
gain columns when a compatible newer model adds properties."""

from __future__ import annotations

import shutil
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from . import sdk
from .support import KEY_ENV, JSON, ROOT, running_collector
from .test_collect_duckdb import rows


def test_dev_mode_lists_filters_and_resets(tmp_path: Path) -> None:
    web = sdk.Recorder(prefix="00000000-0000-4000-8000-").track(*[sdk.page_view(i) for i in range(3)])
    tv = sdk.Recorder(prefix="00000000-0000-4000-a000-", app_name="TV app",
                      platform=sdk.Platform.TV).track(sdk.page_view(9))
    db = tmp_path / "dev.duckdb"
    with running_collector(tmp_path, "--sink", f"duckdb:{db}", "--dev") as c:
        assert c.post(sdk.protobuf_batch([e.protobuf for e in web + tv] + [b"\x0a\x01"])).status == 200
        assert c.get("/dev/all").body == {"total": 5, "good": 4, "bad": 1}
        good = c.get("/dev/good").body
        assert [g["event_id"] for g in good] == [e.event_id for e in web + tv]
        assert good[0]["envelope"]["page_view"]["page_url"] == "https://news.example/story/0"
        assert good[0]["sent_at"] == sdk.CLOCK.to_rfc3339()
        only_tv = c.get("/dev/good?context.app_name=TV%20app").body
        assert [g["event_id"] for g in only_tv] == [tv[0].event_id]
        assert [g["event_id"] for g in c.get("/dev/good?context.platform=PLATFORM_WEB&limit=2").body] == \
            [e.event_id for e in web[1:]]
        assert c.get("/dev/good?event=search").body == []
        bad = c.get("/dev/bad").body
        assert len(bad) == 1 and bad[0]["index"] == 4 and bad[0]["raw_base64"] == "CgE="
        assert c.get("/dev/good?colour=red").status == 400
        assert c.request("POST", "/dev/reset").body == {"reset": True}
        assert c.get("/dev/all").body == {"total": 0, "good": 0, "bad": 0}
        # After a reset the same events are new again (the app's test can run twice).
        again = c.post(sdk.json_batch(e.json for e in web), JSON)
        assert again.body == {"accepted": 3, "duplicates": 0, "rejected": []}
    assert len(rows(db, "page_view")) == 3 and rows(db, "bad_events") == []


def test_a_compatible_newer_model_adds_columns_on_start_up(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(ROOT / "event_model", old)
    shutil.copytree(ROOT / "event_model", new)
    objects = (new / "objects.yaml").read_text()
    objects = objects.replace("  screen:\n    description: Size of a screen in pixels.\n    properties:\n",
                              "  screen:\n    description: Size of a screen in pixels.\n    properties:\n"
                              "      depth:\n        number: 4\n        type: uint32\n        privacy: none\n"
                              "        description: Colour depth in bits.\n", 1)
    (new / "objects.yaml").write_text(objects)
    navigation = (new / "events" / "navigation.yaml").read_text()
    marker = "  page_view:\n"
    start = navigation.index(marker)
    props = navigation.index("    properties:\n", start) + len("    properties:\n")
    navigation = navigation[:props] + ("      scroll_restored:\n        number: 9\n        type: bool\n"
                                       "        privacy: none\n        description: Whether the scroll position was restored.\n") + navigation[props:]
    (new / "events" / "navigation.yaml").write_text(navigation)
    model_yaml = (new / "model.yaml").read_text().replace("version: 1.0.0", "version: 1.1.0")
    (new / "model.yaml").write_text(model_yaml)
    db = tmp_path / "events.duckdb"
    events = sdk.Recorder().track(sdk.page_view(1))
    with running_collector(tmp_path, "--sink", f"duckdb:{db}", model=old) as c:
        assert c.post(sdk.protobuf_batch(e.protobuf for e in events)).body["accepted"] == 1
    later = sdk.Recorder(prefix="00000000-0000-4000-b000-").track(sdk.page_view(2))
    with running_collector(tmp_path, "--sink", f"duckdb:{db}", model=new) as c:
        # An SDK of the older model (1.0.0) is still accepted by the 1.1.0 collector.
        assert c.post(sdk.protobuf_batch(e.protobuf for e in later)).body["accepted"] == 1
    con = duckdb.connect(str(db), read_only=True)
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'page_view'").fetchall())
    assert types["scroll_restored"] == "BOOLEAN"
    assert "depth UINTEGER" in types["device"]
    assert con.execute("SELECT count(*), count(scroll_restored) FROM page_view").fetchone() == (2, 0)
    con.close()
    # An incompatible change (a type changed) stops the collector with a message.
    broken = (new / "events" / "navigation.yaml").read_text().replace(
        "scroll_restored:\n        number: 9\n        type: bool", "scroll_restored:\n        number: 9\n        type: string")
    (new / "events" / "navigation.yaml").write_text(broken)
    result = subprocess.run([sys.executable, "-m", "codegen", "--model", str(new), "collect", "--sink",
                             f"duckdb:{db}", "--port", "0"], capture_output=True, text=True, timeout=120,
                            env={**os.environ, **KEY_ENV})
    assert result.returncode == 1, result.stderr
    assert "column page_view.scroll_restored is BOOLEAN in the database but VARCHAR" in result.stderr
    assert "Traceback" not in result.stderr
