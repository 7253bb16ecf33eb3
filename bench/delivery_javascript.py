"""The JavaScript SDK's rows of bench/delivery.py: the generated SDK
(generated/javascript) and bench/delivery_javascript.ts compiled with the
pinned TypeScript, run by node against the same collector as the Python
rows. Returns the lines to print."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TSC = ROOT / "tools" / "javascript" / "node_modules" / ".bin" / "tsc"
TSCONFIG = {"compilerOptions": {"target": "ES2020", "lib": ["ES2020"], "types": [], "module": "ES2020",
                                "moduleResolution": "bundler", "strict": True, "rootDir": ".", "outDir": "build"},
            "include": ["sdk/src", "program"]}


def rows(url: str, work: Path, events: int, sustained: int) -> tuple[list[str], tuple[str, float, float, float]]:
    """The JavaScript SDK's rows on Node, and its side-by-side row."""
    subprocess.run(["bash", str(ROOT / "scripts" / "setup-javascript.sh")], check=True, capture_output=True)
    js = work / "javascript"
    shutil.copytree(ROOT / "generated" / "javascript" / "src", js / "sdk" / "src")
    (js / "program").mkdir()
    shutil.copy(ROOT / "bench" / "delivery_javascript.ts", js / "program" / "main.ts")
    (js / "tsconfig.json").write_text(json.dumps(TSCONFIG))
    (js / "package.json").write_text(json.dumps({"private": True, "type": "module"}))
    subprocess.run([str(TSC), "-p", "tsconfig.json"], cwd=js, check=True, timeout=300)
    done = subprocess.run(["node", "build/program/main.js", url, str(js / "queue"), str(events), str(sustained)],
                          cwd=js, capture_output=True, text=True, timeout=300, check=True)
    result = json.loads(done.stdout)
    assert result["sent"] == sustained and result["dropped"] == 0, result
    (fast_p50, fast_p99), (both_p50, both_p99) = result["fast"], result["both"]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return [
        f"delivery (javascript, node {node}, video_heartbeat, {os.cpu_count()} cpus):",
        f"  track() HttpTransport (protobuf)        p50 {fast_p50:6.1f} us  p99 {fast_p99:6.1f} us",
        f"  track() InMemoryTransport (both)        p50 {both_p50:6.1f} us  p99 {both_p99:6.1f} us",
        f"  ratio (p50): both / track() = {both_p50 / fast_p50:.1f}x",
        f"  sustained: {sustained} events (at most 5,000 waiting) tracked in {result['tracked']:.2f} s, all "
        f"acknowledged after {result['elapsed']:.2f} s = {sustained / result['elapsed']:,.0f} events/s to the "
        f"collector ({result['requests']} requests, one in flight)",
    ], ("javascript", fast_p50, fast_p99, sustained / result["elapsed"])
