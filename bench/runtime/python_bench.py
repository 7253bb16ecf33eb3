"""The Python SDK (bundled model) against Google's protobuf (upb backend)
compiled from `codegen export proto`, on `video_heartbeat` with its context.
Prints one JSON line per measurement. Run by bench/runtime.py with the SDK
and the protoc output on PYTHONPATH."""

from __future__ import annotations

import json
import sys

import model_pb2 as pb
from broadcaster_analytics import (
    InMemoryTransport,
    PlaybackPosition,
    Platform,
    Product,
    Purpose,
    Timestamp,
    Tracker,
    TrackingContext,
    VideoHeartbeat,
)
from google.protobuf import json_format
from google.protobuf.internal import api_implementation
from measure import per_second

EVENT_ID = "00000000-0000-4000-8000-000000000001"
SECONDS, NANOS = 1_700_000_000, 250_000_000
BUFFER = [12.5, 12.0, 11.5, 11.0, 10.5]


def ours_event() -> VideoHeartbeat:
    return VideoHeartbeat(
        playback_id="0123456789abcdef0123456789abcdef",
        position=PlaybackPosition(offset_ms=120_000, duration_ms=3_600_000, fraction=0.25),
        bitrate_kbps=4500, dropped_frames=2, buffer_health_s=BUFFER,
    )


def official_event() -> pb.VideoHeartbeat:
    return pb.VideoHeartbeat(
        playback_id="0123456789abcdef0123456789abcdef",
        position=pb.PlaybackPosition(offset_ms=120_000, duration_ms=3_600_000, fraction=0.25),
        heartbeat_interval_s=30, bitrate_kbps=4500, dropped_frames=2, buffer_health_s=BUFFER,
    )


def official_envelope() -> pb.Envelope:
    context = pb.Context(
        event_id=EVENT_ID, client_timestamp={"seconds": SECONDS, "nanos": NANOS}, model_version="1.0.0",
        sdk_name=Tracker.SDK_INFO.name, sdk_version=Tracker.SDK_INFO.version,
        product=pb.PRODUCT_NEWS, platform=pb.PLATFORM_WEB, app_name="News web", app_version="4.12.1",
        session_id="s-42", consent=["analytics"], locale="en-GB",  # the stamp the tracker writes
    )
    return pb.Envelope(context=context, video_heartbeat=official_event())


class ProtobufSink:
    """A one-format transport, as HttpTransport is to the tracker: it takes
    each envelope's Protobuf bytes (`enqueue`) and keeps the last."""

    wire_format = "protobuf"

    def __init__(self) -> None:
        self.last = b""

    def enqueue(self, event_name: str, event_id: str, body: bytes, purposes: frozenset[str]) -> None:
        self.last = body

    def purge(self, purposes: frozenset[str]) -> None:
        self.last = b""


def main() -> None:
    context = TrackingContext(product=Product.NEWS, platform=Platform.WEB, app_name="News web",
                              app_version="4.12.1", session_id="s-42", locale="en-GB")
    transport = InMemoryTransport()
    tracker = Tracker(transport, context, clock=lambda: Timestamp(SECONDS, NANOS), id_generator=lambda: EVENT_ID)
    tracker.consent = [Purpose.ANALYTICS]  # stamped into the context as ["analytics"]

    def track() -> None:
        tracker.track(ours_event())
        if len(transport.events) > 1000:
            transport.events.clear()

    sink = ProtobufSink()
    one_format = Tracker(sink, context, clock=lambda: Timestamp(SECONDS, NANOS), id_generator=lambda: EVENT_ID)
    one_format.consent = [Purpose.ANALYTICS]

    def track_protobuf() -> None:
        if not one_format.track(ours_event()):
            raise AssertionError("not tracked")

    def ours_proto() -> bytes:
        event = ours_event()
        if event.validate():
            raise AssertionError("invalid")
        return event.to_protobuf()

    def official_json() -> str:
        return json.dumps(json_format.MessageToDict(official_event(), preserving_proto_field_name=True),
                          sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    # The same message on both sides, byte for byte.
    assert ours_proto() == official_event().SerializeToString()
    track()
    assert transport.events[-1].protobuf == official_envelope().SerializeToString(), "envelopes differ"
    track_protobuf()
    assert sink.last == official_envelope().SerializeToString(), "one-format envelopes differ"
    rows = [
        ("event protobuf: build + validate + encode", per_second(ours_proto),
         per_second(lambda: official_event().SerializeToString())),
        ("envelope protobuf: Tracker.track() / build + serialize", per_second(track_protobuf),
         per_second(lambda: official_envelope().SerializeToString())),
        ("envelope, both formats: track() to InMemoryTransport", per_second(track), {}),
        ("event JSON: build + encode", per_second(lambda: ours_event().to_json()), per_second(official_json)),
    ]
    official = f"protobuf {api_implementation.Type()}"
    for op, ours, theirs in rows:
        against = {official: theirs} if isinstance(theirs, float) else theirs
        print(json.dumps({"sdk": "python", "op": op, "ours": ours, "official": against}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
