"""Benchmark: `codegen build` (every registered target, cold and unchanged)
against `protoc` generating Python for the same model, at 50, 500 and 2,000
events, in one run, then the JSON Schema export and the catalog (`codegen
docs`, with its page weight); then `codegen validate` of a model of about
5 MB (11,000 events in flow style, generated here, never committed; the goal
is under 2 s and 150 MB). Prints seconds and peak memory (max RSS) per command.

Run: make bench   (or .venv/bin/python bench/run.py [--sizes 50,500,2000] [--validate-events 11000])
"""

from __future__ import annotations

import argparse
import os
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


def measure(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one command (its own rusage)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode() if process.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def run_size(events: int, work: Path) -> list[tuple[str, float, float]]:
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
    files = sum(1 for p in (root / "generated").rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in (root / "generated").rglob("*") if p.is_file())
    print(f"  output: {files} files, {size / 1e6:.1f} MB", flush=True)
    rows.append(("codegen export jsonschema", *measure(CODEGEN + ["export", "jsonschema", "--out", "schemas"], root)))
    rows.append(("codegen docs (catalog)", *measure(CODEGEN + ["docs", "--out", "site"], root)))
    print("  " + catalog_weight(root / "site"), flush=True)
    return rows


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
    seconds, rss = measure(CODEGEN + ["validate"], root)
    print(f"validate, {events} events ({size / 1e6:.1f} MB of YAML):", flush=True)
    print(f"  {'codegen validate':36} {seconds:7.2f} s  {rss:7.1f} MB  (goal: under 2 s and 150 MB)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="50,500,2000")
    parser.add_argument("--validate-events", type=int, default=11_000)
    args = parser.parse_args()
    targets = subprocess.run(CODEGEN + ["targets"], capture_output=True, text=True, check=True).stdout
    print("targets:", ", ".join(line.split()[0] for line in targets.splitlines()))
    work = Path(tempfile.mkdtemp(prefix="codegen-bench-"))
    try:
        for events in (int(s) for s in args.sizes.split(",")):
            print(f"{events} events:", flush=True)
            rows = run_size(events, work)
            protoc = rows[0][1]
            for name, seconds, rss in rows:
                print(f"  {name:36} {seconds:7.2f} s  {rss:7.1f} MB  ({seconds / protoc:.2f}x protoc)", flush=True)
        if args.validate_events:
            validate_row(args.validate_events, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
