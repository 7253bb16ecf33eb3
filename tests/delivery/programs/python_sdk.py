"""The delivery test program of the Python SDK (generated/python), as an app
would use it. The protocol every SDK's program follows (tests/delivery/):

    program --url URL --queue-dir DIR --phase track|resume [--count N]
            [--options JSON] [--invalid-at I] [--flush-timeout S]
            [--consent P,P,...|all] [--withdraw P,P,...]

`track` tracks the workload's events 0..N-1 (workload.py; with the fixed
clock, event i with event id i), the event at --invalid-at replaced by an
invalid one sent anyway (policy SEND), under the consent --consent grants
(default all purposes); then, with --withdraw, it withdraws those purposes
(the tracker purges the queue). `resume` tracks nothing. Both then flush.
Output lines (stdout, flushed):

    tracked <N>                                 every event handed over is in the queue
    consent <dropped>                           events the tracker dropped for want of consent
    drop <reason> <status or -> <id>,<id>,...   one per reported drop
    done <counters as JSON>                     the flush ended (then exit 0)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT / "generated" / "python"), str(ROOT / "tests"), str(ROOT)]

import broadcaster_analytics as sdk  # noqa: E402

from delivery import workload  # noqa: E402
from targets.python.support import SdkValues  # noqa: E402


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def report(error: sdk.SdkError) -> None:
    if isinstance(error, sdk.DeliveryError):
        ids = ",".join(e.event_id for e in error.events)
        say(f"drop {error.reason} {error.status if error.status is not None else '-'} {ids}")
    elif not isinstance(error, sdk.ValidationError):  # the invalid event is sent on purpose
        say(f"error {type(error).__name__} {' '.join(str(error).split())}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--queue-dir", required=True)
    parser.add_argument("--phase", choices=("track", "resume"), required=True)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--options", default="{}")
    parser.add_argument("--invalid-at", type=int, default=-1)
    parser.add_argument("--flush-timeout", type=float, default=60.0)
    parser.add_argument("--consent", default="all")
    parser.add_argument("--withdraw", default="")
    args = parser.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)
    options = sdk.DeliveryOptions(queue_dir=args.queue_dir, **json.loads(args.options))
    transport = sdk.HttpTransport(args.url, options)
    model = workload.model()
    values = SdkValues(model, sdk)
    context = values.context(workload.context())
    if args.phase == "track":
        current = {"i": 0}

        def next_id() -> str:  # the id of the event being tracked (one the tracker drops takes none)
            return workload.EVENT_ID_FORMAT % current["i"]

        stamp = workload.CLIENT_TIMESTAMP
        tracker = sdk.Tracker(transport, context, sdk.Policy.SEND, report,
                              clock=lambda: sdk.Timestamp(stamp.seconds, stamp.nanos), id_generator=next_id)
        granted = purposes(args.consent)
        tracker.consent = granted
        invalid = invalid_event(values) if args.invalid_at >= 0 else None
        for i in range(args.count):
            current["i"] = i
            tracked = workload.event(i)
            event = invalid if i == args.invalid_at else values.event(tracked.event, tracked.values)
            tracker.track(event)
        while transport.counters().buffered:
            time.sleep(0.005)
        say(f"tracked {args.count}")
        say(f"consent {tracker.consent_dropped}")
        if args.withdraw:
            tracker.consent = granted - purposes(args.withdraw)
    else:
        tracker = sdk.Tracker(transport, context, on_error=report)
    transport.flush(args.flush_timeout)
    counters = transport.counters()
    say("done " + json.dumps({"tracked": counters.tracked, "queued": counters.queued, "sent": counters.sent,
                              "retried": counters.retried, "requests": counters.requests,
                              "dropped": dict(counters.dropped)}))
    transport.close(5)
    return 0


def purposes(names: str) -> set[sdk.Purpose]:
    if names == "all":
        return set(sdk.ALL_PURPOSES)
    return {sdk.Purpose(name) for name in names.split(",") if name}


def invalid_event(values: SdkValues) -> sdk.EventMessage:
    """The first invalid case of the test plan (it breaks one constraint)."""
    from codegen.testplan import plan

    case = plan(workload.model()).invalid[0]
    return values.event(case.event, case.values)  # type: ignore[no-any-return]


if __name__ == "__main__":
    sys.exit(main())
