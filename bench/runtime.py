"""Benchmark, runtime section: each SDK of the bundled model against the
official Protobuf runtime of its language on the same message, compiled
from `codegen export proto` (video_heartbeat with its context):

  python      the Python SDK   vs protobuf (upb), protoc's Python classes
  javascript  the npm package  vs protobufjs and @bufbuild/protobuf (tools/javascript)
  kotlin      the library      vs protobuf-java 4.36.2, protoc's Java classes (Debian's protoc)
  swift       the package      absolute; JSON vs Foundation's JSONEncoder (Codable)

Each program first checks that both sides encode the same bytes, then
measures operations per second of CPU time (bench/runtime/measure.py says
how). Then the browser bundle of one event, the tracker and HttpTransport
(Protobuf only), beside the JSON one and the one without a transport.
Benchmarks, never tests: nothing here runs under pytest.

Run: make bench   (or .venv/bin/python bench/runtime.py [--only python,javascript])
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench" / "runtime"
CODEGEN = [sys.executable, "-m", "codegen"]
TOOLS = ROOT / "tools" / "javascript" / "node_modules"
M2 = Path(os.environ.get("HOME", "/root")) / ".m2" / "repository"
PROTOBUF_JAVA = M2 / "com/google/protobuf/protobuf-java/4.36.2/protobuf-java-4.36.2.jar"
# Goals of issue 15: our events per second over the official runtime's (the faster one for JavaScript).
GOALS = {"python": 0.5, "javascript": 1.0, "kotlin": 1.0}
GOAL_OP = "envelope protobuf: build + validate + encode"


def run(args: list[object], cwd: Path, env: dict[str, str] | None = None, timeout: int = 1800) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, args))}\n{(proc.stdout + proc.stderr)[-6000:]}")
    return proc.stdout


def rows(output: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def python(work: Path) -> list[dict]:  # type: ignore[type-arg]
    import grpc_tools

    out = work / "python_pb"
    out.mkdir()
    include = Path(grpc_tools.__file__).parent / "_proto"
    run([sys.executable, "-m", "grpc_tools.protoc", f"-I{work / 'proto'}", f"-I{include}", f"--python_out={out}",
         work / "proto" / "model.proto"], work)
    path = os.pathsep.join(map(str, (work / "out" / "python", out, HERE)))
    return rows(run([sys.executable, HERE / "python_bench.py"], work, {"PYTHONPATH": path}))


def javascript(work: Path) -> list[dict]:  # type: ignore[type-arg]
    import grpc_tools

    run(["bash", ROOT / "scripts" / "setup-javascript.sh"], ROOT)
    sdk = work / "out" / "javascript"
    (sdk / "node_modules").symlink_to(TOOLS, target_is_directory=True)
    run([TOOLS / ".bin" / "tsc", "-p", "tsconfig.esm.json"], sdk)
    include = Path(grpc_tools.__file__).parent / "_proto"
    descriptors = work / "proto" / "model.pb"
    run([sys.executable, "-m", "grpc_tools.protoc", f"-I{work / 'proto'}", f"-I{include}", "--include_imports",
         f"--descriptor_set_out={descriptors}", work / "proto" / "model.proto"], work)
    return rows(run(["node", HERE / "node_bench.mjs", sdk / "dist" / "esm", work / "proto" / "model.proto",
                     descriptors, TOOLS], work))


def kotlin(work: Path) -> list[dict]:  # type: ignore[type-arg]
    from codegen.targets.kotlin import VERSIONS

    run(["bash", ROOT / "scripts" / "setup-kotlin.sh"], ROOT)
    run(["bash", ROOT / "scripts" / "setup-protoc.sh"], ROOT)
    bench = work / "kotlin_bench"
    java = bench / "java"
    java.mkdir(parents=True)
    run(["protoc", f"-I{work / 'proto'}", f"--java_out={java}", work / "proto" / "model.proto"], work)
    pom = (HERE / "kotlin" / "pom.xml.in").read_text(encoding="utf-8")
    for key, value in {"KOTLIN": VERSIONS["kotlin"], "RESOURCES": VERSIONS["resources"],
                       "COMPILER": VERSIONS["compiler"], "SDK": work / "out" / "kotlin" / "src" / "main" / "kotlin",
                       "BENCH": HERE / "kotlin", "JAVA": java}.items():
        pom = pom.replace(f"@{key}@", str(value))
    (bench / "pom.xml").write_text(pom, encoding="utf-8")
    run(["mvn", "-o", "-q", "-B", "-Dstyle.color=never", "compile"], bench)
    stdlib = M2 / f"org/jetbrains/kotlin/kotlin-stdlib/{VERSIONS['kotlin']}/kotlin-stdlib-{VERSIONS['kotlin']}.jar"
    classpath = os.pathsep.join(map(str, (bench / "target" / "classes", stdlib, PROTOBUF_JAVA)))
    return rows(run(["java", "-cp", classpath, "org.broadcaster.analytics.BenchKt"], bench))


def swift(work: Path) -> list[dict]:  # type: ignore[type-arg]
    package = work / "swift_bench"
    shutil.copytree(work / "out" / "swift", package)
    (package / "Bench").mkdir()
    shutil.copy(HERE / "swift" / "main.swift", package / "Bench" / "main.swift")
    manifest = package / "Package.swift"
    module = "BroadcasterAnalytics"
    text = manifest.read_text(encoding="utf-8").replace(
        "        .testTarget(",
        f'        .executableTarget(name: "RuntimeBench", dependencies: ["{module}"], path: "Bench"),\n'
        "        .testTarget(", 1)
    manifest.write_text(text, encoding="utf-8")
    return rows(run([ROOT / "scripts" / "swift.sh", "run", "-c", "release", "--package-path", package.name,
                     "RuntimeBench"], work, timeout=3600))


BUNDLE_GOAL_KIB = 6.0  # issue 15: one event, tracker, HttpTransport, Protobuf only


def bundle() -> list[str]:
    output = run(["bash", ROOT / "scripts" / "js-bundle-size.sh", "--event", "video_heartbeat", "--json"], ROOT)
    sizes = json.loads(output[output.index("{"):])
    one, as_json, core = sizes["one"], sizes["json"], sizes["core"]
    kib = one["gzip"] / 1024
    return [
        f"browser bundle, video_heartbeat + tracker + HttpTransport, Protobuf only: {kib:.2f} KiB min+gzip "
        f"({one['minified'] / 1024:.1f} KiB minified); goal at most {BUNDLE_GOAL_KIB:g} KiB: "
        f"{'met' if kib <= BUNDLE_GOAL_KIB else 'missed'}",
        f"  the same sending JSON {as_json['gzip'] / 1024:.2f} KiB; with an app's own send function instead of HttpTransport "
        f"{core['gzip'] / 1024:.2f} KiB" + (f"; proofs failed: {', '.join(sizes['failures'])}" if sizes.get("failures")
                                            else ""),
        "  what it holds (gzip bytes each part adds): "
        + ", ".join(f"{part} {size:,}" for part, size in sizes["breakdown"]["parts"].items()),
    ]


def report(results: list[dict]) -> None:  # type: ignore[type-arg]
    print(f"  {'sdk':10} {'operation':56} {'ours/s':>11}  official/s (ours / official)")
    for row in results:
        official = ", ".join(f"{name} {rate:,.0f} ({row['ours'] / rate:.2f}x)" for name, rate in row["official"].items())
        print(f"  {row['sdk']:10} {row['op']:56} {row['ours']:11,.0f}  {official or '-'}", flush=True)
    for sdk, goal in GOALS.items():
        row = next((r for r in results if r["sdk"] == sdk and r["op"] == GOAL_OP), None)
        if row is None:
            row = next((r for r in results if r["sdk"] == sdk and r["op"].startswith("envelope") and r["official"]),
                       None)
        if row is None or not row["official"]:
            continue
        best = max(row["official"].values())
        ratio = row["ours"] / best
        print(f"  goal {sdk}: {row['op']} at least {goal}x the fastest official runtime: {ratio:.2f}x "
              f"({'met' if ratio >= goal else 'missed'})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="python,javascript,kotlin,swift")
    args = parser.parse_args()
    chosen = args.only.split(",")
    work = Path(tempfile.mkdtemp(prefix="codegen-runtime-"))
    try:
        run(CODEGEN + ["build", "--out", work / "out", "--force"], ROOT)
        (work / "proto").mkdir()
        run(CODEGEN + ["export", "proto", "--out", work / "proto" / "model.proto"], ROOT)
        print("runtime, video_heartbeat with its context (operations per CPU second, best of 3; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):", flush=True)
        results = []
        for name in chosen:
            results += {"python": python, "javascript": javascript, "kotlin": kotlin, "swift": swift}[name](work)
        report(results)
        if "javascript" in chosen:
            for line in bundle():
                print("  " + line, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
