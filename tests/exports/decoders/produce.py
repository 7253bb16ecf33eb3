"""Envelopes from the generated Python SDK (generated/python): every sample
event of its own tests (tests/plan.json, built by its typed builders),
tracked with its test context through the real Tracker, every purpose
granted. Prints
"<event>\t<protobuf hex>\t<canonical JSON>" a line.

Run with generated/python and generated/python/tests on PYTHONPATH."""

from broadcaster_analytics import ALL_PURPOSES, InMemoryTransport, Timestamp, Tracker
from plan_builders import BUILDERS
from plan_support import PlanNode
from test_plan import SAMPLES  # the SDK's own sample events
from test_tracker import make_context

transport = InMemoryTransport()
ids = iter(range(1, 10**6))
tracker = Tracker(transport, make_context(), clock=lambda: Timestamp(seconds=1700000000, nanos=250000000),
                  id_generator=lambda: f"00000000-0000-4000-8000-{next(ids):012d}")
tracker.consent = ALL_PURPOSES  # every sample is sent
for event, sample in SAMPLES:
    tracker.track(BUILDERS[event](PlanNode(sample[1], event)))
for sent in transport.events:
    print(f"{sent.event_name}\t{sent.protobuf.hex()}\t{sent.json}")
