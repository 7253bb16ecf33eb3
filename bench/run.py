"""Benchmark: `codegen build` (every registered target: cold, unchanged, and
after one property of one event changed) against `protoc` generating Python
for the same model, at 50, 500 and 2,000 events, in one run, then the JSON
Schema export and the catalog (`codegen docs`, with its page weight); then
`codegen validate` of a model of about 5 MB (11,000 events in flow style,
generated here, never committed; the goal is under 2 s and 150 MB). Prints
seconds, peak memory (max RSS of the largest process) and CPU seconds per
command, the ratio to protoc, how many files the one-property change
rewrote, the size of the output (sources and tests apart; the build's cache
under .codegen/ is not output) and the goals of issue 15.

Run: make bench   (or .venv/bin/python bench/run.py [--sizes 50,500,2000] [--validate-events 11000])
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc_tools

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import write_flow_model, write_model  # noqa: E402

CODEGEN = [sys.executable, "-m", "codegen"]


def measure(command: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS in MB and CPU seconds (user and system, its
    workers included) of one command, from its own rusage. On a machine that
    other jobs share, the CPU seconds say more than the wall's."""
    elapsed, rss, cpu, _ = measure_output(command, cwd)
    return elapsed, rss, cpu


# Goals of issue 15, checked on the largest size of the run.
GOALS = {"cold": 1.0, "one_edit_seconds": 0.5, "nothing_seconds": 0.15, "peak_mb": 200.0, "output_mb": 25.0}
TEST_FOLDERS = ("tests", "test", "Tests", "src/test")


def run_size(events: int, work: Path) -> tuple[list[tuple[str, float, float, float]], dict[str, float]]:
    root = work / f"model_{events}"
    write_model(root / "event_model", events)
    proto_dir = root / "proto"
    proto_dir.mkdir()
    subprocess.run(CODEGEN + ["export", "proto", "--out", str(proto_dir / "model.proto")], cwd=root, check=True)
    include = Path(grpc_tools.__file__).parent / "_proto"
    py_out = root / "protoc_out"
    py_out.mkdir()
    rows = []
    rows.append(("protoc --python_out --pyi_out",
                 *measure([sys.executable, "-m", "grpc_tools.protoc", f"-I{proto_dir}", f"-I{include}",
                           f"--python_out={py_out}", f"--pyi_out={py_out}", str(proto_dir / "model.proto")], root)))
    rows.append(("codegen build (cold, all targets)", *measure(CODEGEN + ["build", "--out", "generated"], root)))
    rows.append(("codegen build (nothing changed)", *measure(CODEGEN + ["build", "--out", "generated"], root)))
    edited = edit_one_property(root / "event_model")
    seconds, rss, cpu, output = measure_output(CODEGEN + ["build", "--out", "generated"], root)
    rewritten = sum(int(n) for n in re.findall(r"(\d+) written", output))
    rows.append((f"codegen build (one property of {edited} changed)", seconds, rss, cpu))
    sizes = output_sizes(root / "generated")
    print(f"  one-property change rewrote {rewritten} files; output: {sizes['files']:.0f} files, "
          f"{sizes['total'] / 1e6:.1f} MB (sources {sizes['sources'] / 1e6:.1f} MB, tests {sizes['tests'] / 1e6:.1f} MB; "
          f"the build's cache under .codegen/ {sizes['cache'] / 1e6:.1f} MB besides)", flush=True)
    rows.append(("codegen export jsonschema", *measure(CODEGEN + ["export", "jsonschema", "--out", "schemas"], root)))
    rows.append(("codegen docs (catalog)", *measure(CODEGEN + ["docs", "--out", "site"], root)))
    print("  " + catalog_weight(root / "site"), flush=True)
    facts = {"cold": rows[1][1] / rows[0][1], "cold_cpu": rows[1][3] / rows[0][3], "one_edit_seconds": seconds,
             "one_edit_cpu": cpu, "nothing_seconds": rows[2][1], "nothing_cpu": rows[2][3],
             "peak_mb": rows[1][2], "output_mb": sizes["total"] / 1e6, "rewritten": rewritten}
    return rows, facts


def edit_one_property(model: Path) -> str:
    """Tightens the max_length of the first string property of one event in
    the middle of the model (its code, docs and test vectors change)."""
    files = sorted((model / "events").glob("*.yaml"))
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^  (event_\d+):$", text, re.M)
    edit = re.search(r"max_length: (\d+)", text[match.end():]) if match else None
    assert match and edit, f"no event with a max_length in {path}"
    at = match.end() + edit.start(1)
    path.write_text(text[:at] + str(int(edit.group(1)) - 1) + text[at + len(edit.group(1)):], encoding="utf-8")
    return match.group(1)


def measure_output(command: list[str], cwd: Path) -> tuple[float, float, float, str]:
    """As `measure`, with what the command printed."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.PIPE, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read() if process.stderr else ''}")
        out.seek(0)
        return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out.read()


def output_sizes(out: Path) -> dict[str, float]:
    sizes = {"files": 0.0, "total": 0.0, "sources": 0.0, "tests": 0.0, "cache": 0.0}
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(out).as_posix()
        size = path.stat().st_size
        if rel.startswith(".codegen/"):
            sizes["cache"] += size
            continue
        inner = rel.split("/", 1)[-1]
        sizes["files"] += 1
        sizes["total"] += size
        sizes["tests" if inner.startswith(TEST_FOLDERS) else "sources"] += size
    return sizes


def print_goals(facts: dict[str, float], events: int) -> None:
    checks = [
        (f"cold build at most {GOALS['cold']}x protoc", facts["cold"] <= GOALS["cold"],
         f"{facts['cold']:.2f}x ({facts['cold_cpu']:.2f}x in CPU)"),
        (f"peak memory under {GOALS['peak_mb']:.0f} MB", facts["peak_mb"] < GOALS["peak_mb"], f"{facts['peak_mb']:.0f} MB"),
        (f"one property changed: under {GOALS['one_edit_seconds']} s, only changed files rewritten",
         facts["one_edit_seconds"] < GOALS["one_edit_seconds"],
         f"{facts['one_edit_seconds']:.2f} s ({facts['one_edit_cpu']:.2f} s CPU), {facts['rewritten']:.0f} files"),
        (f"nothing changed: under {GOALS['nothing_seconds']} s", facts["nothing_seconds"] < GOALS["nothing_seconds"],
         f"{facts['nothing_seconds']:.2f} s ({facts['nothing_cpu']:.2f} s CPU)"),
        (f"output at most {GOALS['output_mb']:.0f} MB", facts["output_mb"] <= GOALS["output_mb"],
         f"{facts['output_mb']:.1f} MB"),
    ]
    print(f"goals at {events} events:")
    for text, met, value in checks:
        print(f"  {text:70} {value:>30}  {'met' if met else 'missed'}", flush=True)


def catalog_weight(site: Path) -> str:
    """What a reader downloads: the index with its assets, the heaviest event page, the whole site."""
    assets = sum(p.stat().st_size for p in (site / "assets").iterdir())
    index = (site / "index.html").stat().st_size
    heaviest = max(p.stat().st_size for p in (site / "events").glob("*.html"))
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    files = sum(1 for p in site.rglob("*") if p.is_file())
    return (f"catalog: index page {(index + assets) / 1e3:.0f} kB with assets, heaviest event page "
            f"{heaviest / 1e3:.1f} kB, site {total / 1e6:.1f} MB in {files} files")


def validate_row(events: int, work: Path) -> None:
    root = work / f"flow_{events}"
    write_flow_model(root / "event_model", events)
    size = sum(p.stat().st_size for p in (root / "event_model").rglob("*.yaml"))
    seconds, rss, _cpu = measure(CODEGEN + ["validate"], root)
    print(f"validate, {events} events ({size / 1e6:.1f} MB of YAML):", flush=True)
    print(f"  {'codegen validate':36} {seconds:7.2f} s  {rss:7.1f} MB  (goal: under 2 s and 150 MB)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50,500,2000")
    parser.add_argument("--validate-events", type=int, default=11_000)
    args = parser.parse_args()
    # Byte-compiled as an installed package is (pip compiles at install): with
    # PYTHONDONTWRITEBYTECODE set, every run would compile the edited modules again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__file__).resolve().parents[1] / "codegen")],
                   check=True)
    targets = subprocess.run(CODEGEN + ["targets"], capture_output=True, text=True, check=True).stdout
    print("targets:", ", ".join(line.split()[0] for line in targets.splitlines()))
    work = Path(tempfile.mkdtemp(prefix="codegen-bench-"))
    try:
        facts: dict[str, float] = {}
        events = 0
        for events in (int(s) for s in args.sizes.split(",")):
            print(f"{events} events (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):", flush=True)
            rows, facts = run_size(events, work)
            protoc = rows[0][1]
            protoc_cpu = rows[0][3]
            for name, seconds, rss, cpu in rows:
                print(f"  {name:52} {seconds:7.2f} s  {rss:7.1f} MB  ({seconds / protoc:5.2f}x protoc)  "
                      f"cpu {cpu:6.2f} s ({cpu / protoc_cpu:5.2f}x)", flush=True)
        if facts:
            print_goals(facts, events)
        if args.validate_events:
            validate_row(args.validate_events, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
