"""Rendering and writing the stale targets of a build, in parallel when it pays.

Every target is rendered before any is written: a failure leaves the output
as it was. With several targets and a large model, each target runs in a
forked worker process that inherits the loaded model: the workers render
side by side, report, and write only once the parent has heard from all of
them that rendering succeeded (with more targets than workers, a worker
renders several, one after the other). Meanwhile the parent does the work they
share (the test plan's vectors) and hands it over through a file when a
worker asks. `CODEGEN_JOBS` caps the number of workers (1 renders in this
process, one target after the other).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # the up-to-date path imports this module: keep it light
    from multiprocessing.connection import Connection

    from codegen.ir import Model

# Below this many events the fork costs more than the second core saves
# (and below this many changed ones, unless a core is idle).
PARALLEL_EVENTS = 200


@dataclass
class Job:
    """One stale target: how to render it and how to write what it rendered.
    `render` returns the files; `write` writes them and returns (files,
    written, deleted); in a worker, `shared` is given the function that
    fetches the shared work's result before `render` runs."""

    name: str
    render: Callable[[], object]
    write: Callable[[object], tuple[int, int, int]]
    shared: Callable[[Callable[[], object]], None] | None = None


def workers_for(model: Model, jobs: int, changed: int | None = None) -> int:
    """How many processes render `jobs` SDKs; `changed`: how many events
    differ from the previous build (None: all of them). After a small edit
    the SDKs reuse nearly everything and the workers' fork (the pages of the
    model they copy) costs about a quarter more CPU than rendering in one
    process: it pays while the cores are not all busy (measured on 2 cores:
    workers faster at a load average of 0.6 and 1.1, one process at 2.25
    and 3.3); `CODEGEN_JOBS` set: always."""
    wanted = os.environ.get("CODEGEN_JOBS", "")
    cores = os.cpu_count() or 1
    limit = int(wanted) if wanted.isdigit() and int(wanted) > 0 else cores
    if jobs < 2 or len(model.events) < PARALLEL_EVENTS or not hasattr(os, "fork"):
        return 1
    if changed is not None and changed < PARALLEL_EVENTS and not wanted and os.getloadavg()[0] >= cores:
        return 1
    return min(limit, jobs)


def run(model: Model, jobs: list[Job], shared: Callable[[], object] | None = None,
        progress: Callable[[int, str], None] | None = None,
        changed: int | None = None) -> dict[str, tuple[int, int, int]]:
    """(files, written, deleted) of every job, by name in job order.
    `shared` is work the jobs may need (the test plan's vectors): in one
    process the jobs do it when they need it; with workers, the parent does
    it while they render. `progress` hears (rendered so far, name) after
    each job has rendered; `changed` as in `workers_for`."""
    workers = workers_for(model, len(jobs), changed)
    if workers == 1:
        rendered = []
        for done, job in enumerate(jobs, 1):
            rendered.append((job, job.render()))
            if progress is not None:
                progress(done, job.name)
        return {job.name: job.write(files) for job, files in rendered}
    results = _in_workers([jobs[i::workers] for i in range(workers)], shared, progress)
    return {job.name: results[job.name] for job in jobs}


def _in_workers(groups: list[list[Job]], shared: Callable[[], object] | None,
                progress: Callable[[int, str], None] | None) -> dict[str, tuple[int, int, int]]:
    """Each group of jobs renders in its own forked worker, one job after
    the other; once every job has rendered, each worker writes its group."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    workers = []
    for group in groups:
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_work, args=(group, child_end), daemon=True)
        process.start()
        child_end.close()
        workers.append((group, process, parent_end))
    handover = None
    try:
        failure = None
        if shared is not None and any(job.shared is not None for group in groups for job in group):
            handover, failure = _hand_over(shared, [conn for group, _p, conn in workers
                                                    if any(job.shared is not None for job in group)])
        pending = {conn: len(group) for group, _process, conn in workers}
        ended: set[object] = set()  # workers that reported an error and stopped
        done = 0
        while pending and failure is None:
            for conn in wait(list(pending)):
                kind, payload = _receive(conn)  # type: ignore[arg-type]
                if kind == "rendered":
                    done += 1
                    if progress is not None:
                        progress(done, str(payload))
                    pending[conn] -= 1  # type: ignore[index]
                    if not pending[conn]:  # type: ignore[index]
                        del pending[conn]  # type: ignore[arg-type]
                else:
                    failure = failure or payload
                    del pending[conn]  # type: ignore[arg-type]
                    ended.add(conn)
        for _group, process, conn in workers:
            if conn in pending:
                process.kill()  # still rendering, no use once another has failed
            elif conn not in ended:
                try:
                    conn.send("abort" if failure is not None else "write")
                except OSError:  # it died meanwhile: _receive below reports it
                    pass
        if failure is not None:
            raise _exception(failure)
        results: dict[str, tuple[int, int, int]] = {}
        for _group, _process, conn in workers:
            kind, payload = _receive(conn)
            if kind == "error":
                failure = failure or payload
            else:
                results.update(payload)  # type: ignore[call-overload]
        if failure is not None:
            raise _exception(failure)
        return results
    finally:
        for _group, process, conn in workers:
            conn.close()
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
        if handover is not None:
            os.unlink(handover)


def _hand_over(shared: Callable[[], object], conns: list[Connection]) -> tuple[str | None, object]:
    """Do the shared work, leave its result in a file and tell the workers
    where: (the file, the failure if the work failed)."""
    import pickle
    import tempfile

    handover = None
    failure = None
    try:
        fd, handover = tempfile.mkstemp(prefix="codegen-shared-", suffix=".pickle")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(shared(), handle, protocol=pickle.HIGHEST_PROTOCOL)
        message: tuple[str, object] = ("shared", handover)
    except BaseException as exc:  # noqa: BLE001 - raised by the caller, once the workers have stopped
        failure = _portable(exc)
        message = ("shared", None)
    for conn in conns:
        conn.send(message)
    return handover, failure


def _fetcher(conn: Connection) -> Callable[[], object]:
    """The shared work's result, which the parent sends once it has it
    (read from the pipe once, whichever job asks first)."""
    got: list[object] = []

    def fetch() -> object:
        import pickle

        if not got:
            message = conn.recv()
            if not (isinstance(message, tuple) and message[0] == "shared"):
                raise RuntimeError(f"a build worker expected the shared work, got {message!r}")
            if message[1] is None:
                raise RuntimeError("the shared work of the build failed")
            with open(str(message[1]), "rb") as handle:
                got.append(pickle.load(handle))
        return got[0]

    return fetch


def _next_order(conn: Connection) -> object:
    """The parent's next order ("write" or "abort"), past a shared result no job asked for."""
    message = conn.recv()
    while isinstance(message, tuple) and message[0] == "shared":
        message = conn.recv()
    return message


def _receive(conn: Connection) -> tuple[str, object]:
    try:
        return conn.recv()  # type: ignore[no-any-return]
    except EOFError:
        return "error", RuntimeError("a build worker ended without a word (killed, or out of memory?)")


def _work(group: list[Job], conn: Connection) -> None:
    try:
        fetch = _fetcher(conn)
        rendered = []
        for job in group:
            if job.shared is not None:
                job.shared(fetch)
            try:
                rendered.append((job, job.render()))
            except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
                conn.send(("error", _portable(exc)))
                return
            conn.send(("rendered", job.name))
        if _next_order(conn) != "write":
            return
        try:
            conn.send(("written", {job.name: job.write(files) for job, files in rendered}))
        except BaseException as exc:  # noqa: BLE001
            conn.send(("error", _portable(exc)))
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers or buffers of the parent run twice


def _portable(exc: BaseException) -> object:
    """The exception itself if it survives pickling, else its traceback as text."""
    import pickle
    import traceback

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return "".join(traceback.format_exception(exc))


def _exception(failure: object) -> BaseException:
    return failure if isinstance(failure, BaseException) else RuntimeError(f"a build worker failed:\n{failure}")
