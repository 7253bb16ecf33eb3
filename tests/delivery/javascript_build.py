"""Builds the JavaScript SDK's delivery programs once per test session: the
SDK's sources (generated/javascript/src), the Node program
(programs/javascript_sdk.ts), the page script (programs/javascript_page.ts)
and a module of the workload's events written with the JavaScript target's
own test-plan value writer, compiled by one run of the pinned tsc; the page
script is then bundled for browsers (ES module) with the pinned esbuild."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import workload

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"
TOOLS = ROOT / "tools" / "javascript"
TSC = TOOLS / "node_modules" / ".bin" / "tsc"
SDK_NAME = "@broadcaster/analytics"  # the SDK's own context sdk_name (tests/conformance/batches.py)

TSCONFIG = {
    "compilerOptions": {
        "target": "ES2020", "lib": ["ES2020"], "types": [], "module": "ES2020", "moduleResolution": "bundler",
        "strict": True, "exactOptionalPropertyTypes": True, "noUncheckedIndexedAccess": True, "rootDir": ".",
        "outDir": "build", "noEmitOnError": True,
    },
    "include": ["sdk/src", "program"],
}

BUNDLE = """
const { createRequire } = require("node:module");
const esbuild = createRequire(process.argv[1])("esbuild");
esbuild.build({ entryPoints: [process.argv[2]], outfile: process.argv[3], bundle: true, format: "esm",
                platform: "browser", target: "es2020", logLevel: "warning" }).catch(() => process.exit(1));
"""


@dataclass(frozen=True)
class Built:
    node_program: Path  # node <it> --url ... (the protocol of programs/python_sdk.py)
    www: Path  # index.html and page.js (the bundle)


def workload_module() -> str:
    """The workload's events as TypeScript: CASES[i] builds valid case i, INVALID the first invalid case."""
    from codegen.sdk.templates import TemplateSet
    from codegen.targets.javascript import TARGET
    from codegen.targets.javascript import lexical as js
    from codegen.targets.javascript.testvalues import Values
    from codegen.targets.javascript.views import Renderer
    from codegen.testplan import plan

    model = workload.model()
    values = Values(Renderer(model, TemplateSet.of(TARGET)))
    cases = [f"  () => {values.event(c.event, c.values)}," for c in workload.cases()]
    invalid = plan(model).invalid[0]
    invalid_event = values.event(invalid.event, invalid.values)
    context = values.context(workload.context())
    names = sorted(set(values.take_used().split(", ")) | {"Timestamp", "type TrackableEvent", "type TrackingContextProps"}
                   - {""}, key=lambda n: n.removeprefix("type "))
    prefix = workload.EVENT_ID_FORMAT.split("%")[0]
    stamp = workload.CLIENT_TIMESTAMP
    return "\n".join([
        "// The delivery tests' workload (tests/delivery/workload.py), written by javascript_build.py.",
        f'import {{ {", ".join(names)} }} from "../sdk/src/index.js";',
        "",
        f"export const CONTEXT: TrackingContextProps = {context};",
        f"export const CLIENT_TIMESTAMP: readonly [number, number] = [{stamp.seconds}, {stamp.nanos}];",
        f"export const EVENT_ID_PREFIX = {js.ts_string(prefix)};",
        f"export function INVALID(): TrackableEvent {{\n  return {invalid_event};\n}}",
        "export const CASES: readonly (() => TrackableEvent)[] = [", *cases, "];", "",
    ])


def run(command: list[str], cwd: Path, what: str) -> None:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or done.stdout.strip():
        raise AssertionError(f"{what} failed ({done.returncode}):\n{(done.stdout + done.stderr)[-6000:]}")


def build(work: Path) -> Built:
    """Everything in `work` (a fresh folder)."""
    run(["bash", ROOT / "scripts" / "setup-javascript.sh"], ROOT, "setup-javascript.sh")
    shutil.copytree(ROOT / "generated" / "javascript" / "src", work / "sdk" / "src")
    program = work / "program"
    program.mkdir()
    shutil.copy(PROGRAMS / "javascript_sdk.ts", program / "main.ts")
    shutil.copy(PROGRAMS / "javascript_page.ts", program / "page.ts")
    (program / "workload.ts").write_text(workload_module(), encoding="utf-8")
    (work / "tsconfig.json").write_text(json.dumps(TSCONFIG, indent=2))
    (work / "package.json").write_text(json.dumps({"private": True, "type": "module"}))
    run([TSC, "-p", "tsconfig.json"], work, "tsc (the SDK and the delivery programs)")
    www = work / "www"
    www.mkdir()
    (www / "index.html").write_text('<!doctype html><meta charset="utf-8"><title>delivery</title>\n'
                                    '<script type="module" src="page.js"></script>\n')
    run(["node", "-e", BUNDLE, TOOLS / "package.json", work / "build" / "program" / "page.js", www / "page.js"], work,
        "esbuild (the page bundle)")
    return Built(work / "build" / "program" / "main.js", www)
