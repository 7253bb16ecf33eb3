"""`codegen collect`: the model, the sink and the HTTP server put together."""

from __future__ import annotations

import gc
import logging
import signal
import sys
from dataclasses import dataclass
from typing import Any

from codegen.ir import Model
from codegen.collector.checking import EnvelopeChecker
from codegen.collector.decoding import BatchDecoder, Limits
from codegen.collector.descriptors import build_messages
from codegen.collector.privacy import PrivacyStep
from codegen.collector.pseudonyms import PseudonymKey
from codegen.collector.server import CollectorApp
from codegen.collector.sinks import Sink


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    dev: bool = False
    log_level: str = "info"


def build_app(model: Model, sink: Sink, limits: Limits, dev: bool = False,
              key: PseudonymKey | None = None) -> CollectorApp:
    messages = build_messages(model)
    checker = EnvelopeChecker(model, messages)
    decoder = BatchDecoder(checker, messages, limits)
    dev_store = None
    if dev:
        from codegen.collector.dev import DevStore

        dev_store = DevStore(sink, checker.views)
    privacy = PrivacyStep(model, messages, key, rewrite_protobuf=dev or bool(getattr(sink, "keeps_protobuf", False)))
    return CollectorApp(decoder, sink, limits, dev_store, privacy)


def serve(app: CollectorApp, sink: Sink, options: ServeOptions, announce: Any = print) -> None:
    """Start the sink, serve until interrupted (SIGINT/SIGTERM), close the sink."""
    import uvicorn

    logging.basicConfig(level=options.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sink.start()
    try:
        config = uvicorn.Config(app, host=options.host, port=options.port, log_level=options.log_level,
                                access_log=False, loop="uvloop", http="httptools", lifespan="on",
                                timeout_graceful_shutdown=10)
        server = uvicorn.Server(config)
        announce(f"collecting on http://{options.host}:{options.port}/v1/batch into {sink.description}"
                 + (" (dev mode: /dev/all, /dev/good, /dev/bad, /dev/reset)" if options.dev else ""))
        # uvicorn raises SIGTERM again once it has shut down gracefully; the
        # default action would end the process before the sink is closed.
        signal.signal(signal.SIGTERM, _exit)
        _tune_for_throughput()
        try:
            server.run()
        except SystemExit as exc:  # uvicorn's way of saying it could not start (e.g. the port is taken)
            if exc.code not in (0, None):
                raise OSError(f"the server did not start (see the message above; uvicorn exit {exc.code})") from None
    finally:
        sink.close()


def _exit(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def _tune_for_throughput() -> None:
    """Two settings of the interpreter, for a process that decodes on one
    thread while another writes to the sink:

    - The objects made so far (the model, descriptors, plans, modules) live
      as long as the process: frozen, the garbage collector no longer walks
      them each time it collects the many short-lived values of the events
      (that walk took half the decoding time).
    - DuckDB's Python binding lets the GIL go while a statement runs and
      takes it back several times per statement (a `SELECT 1` and its
      fetch about nine times: bench/gil_handoff.py). Each time, while the
      decoding thread runs Python, the writer waits up to the switch
      interval; at 1 ms half of a transaction's time went to those waits.
      5 us keeps them short (bench/collector.py, one pair of runs: 18,000
      -> 26,500 events/s at 16 connections).
    """
    gc.collect()
    gc.freeze()
    sys.setswitchinterval(0.000005)
