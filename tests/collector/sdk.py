"""Events built with the generated Python SDK (generated/python) and batches
made of their bytes, as the SDK transports will send them."""

from __future__ import annotations

import gzip
import itertools
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "generated" / "python"))

import broadcaster_analytics as sdk  # noqa: E402
from broadcaster_analytics import *  # noqa: E402,F401,F403 (the SDK's types, for the tests)

CLOCK = sdk.Timestamp(seconds=1_700_000_000, nanos=250_000_000)


def context(**overrides: object) -> sdk.TrackingContext:
    values: dict[str, object] = dict(
        product=sdk.Product.NEWS,
        platform=sdk.Platform.WEB,
        app_name="News web",
        app_version="4.12.1",
        session_id="session-1",
        user_id="user-7",
        device=sdk.Device(manufacturer="Samsung", model="S24", os_version="14",
                          screen=sdk.Screen(width=1080, height=2340, pixel_ratio=2.5)),
        locale="en-GB",
    )
    values.update(overrides)
    return sdk.TrackingContext(**values)  # type: ignore[arg-type]


class Recorder:
    """A tracker whose transport keeps every envelope; ids count up."""

    def __init__(self, prefix: str = "00000000-0000-4000-8000-", clock: sdk.Timestamp = CLOCK,
                 **context_overrides: object) -> None:
        self.transport = sdk.InMemoryTransport()
        counter = itertools.count(1)
        self.tracker = sdk.Tracker(self.transport, context(**context_overrides), clock=lambda: clock,
                                   id_generator=lambda: f"{prefix}{next(counter):012d}")
        self.tracker.consent = sdk.ALL_PURPOSES

    def track(self, *events: sdk.EventMessage) -> list[sdk.TrackedEvent]:
        for event in events:
            assert self.tracker.track(event)
        out = list(self.transport.events)
        self.transport.clear()
        return out


def page_view(i: int = 0) -> sdk.PageView:
    return sdk.PageView(page_url=f"https://news.example/story/{i}", referrer_url="https://search.example/",
                        page_title="A story", utm_parameters={"utm_source": "newsletter", "utm_medium": "email"},
                        content=sdk.Content(content_id=f"news:article:{i}", kind=sdk.ContentKind.ARTICLE,
                                            title="A story", tags=["politics", "uk"],
                                            published_at=sdk.Timestamp(seconds=1_690_000_000, nanos=5_000)))


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def timestamp_bytes(ts: sdk.Timestamp) -> bytes:
    out = b""
    if ts.seconds:
        out += b"\x08" + varint(ts.seconds & (2**64 - 1))
    if ts.nanos:
        out += b"\x10" + varint(ts.nanos)
    return out


def protobuf_batch(envelopes: Iterable[bytes], sent_at: sdk.Timestamp | None = CLOCK) -> bytes:
    """Batch = repeated Envelope events = 1; Timestamp sent_at = 2."""
    out = b"".join(b"\x0a" + varint(len(e)) + e for e in envelopes)
    if sent_at is not None:
        ts = timestamp_bytes(sent_at)
        out += b"\x12" + varint(len(ts)) + ts
    return out


def json_batch(documents: Iterable[str], sent_at: sdk.Timestamp | None = CLOCK) -> bytes:
    """The canonical JSON of a Batch: {"events":[...],"sent_at":"..."}."""
    text = '{"events":[' + ",".join(documents) + "]"
    if sent_at is not None:
        text += f',"sent_at":"{sent_at.to_rfc3339()}"'
    return (text + "}").encode("utf-8")


def gzipped(body: bytes) -> bytes:
    return gzip.compress(body, mtime=0)
