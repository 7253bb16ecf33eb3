"""The JavaScript SDK in its toolchain: the pinned TypeScript in strict mode
(the package's own tsconfigs: ES modules, CommonJS, tests), where any
diagnostic fails, then the SDK's own tests in node."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT
from targets.toolchain import run

TOOLS = ROOT / "tools" / "javascript"
TSC = TOOLS / "node_modules" / ".bin" / "tsc"


def compile_and_test(sdk: Path) -> str:
    run(["bash", ROOT / "scripts" / "setup-javascript.sh"], ROOT)
    if not (sdk / "node_modules").exists():
        (sdk / "node_modules").symlink_to(TOOLS / "node_modules", target_is_directory=True)
    for project in ("tsconfig.esm.json", "tsconfig.test.json"):
        printed = run([TSC, "-p", project], sdk)
        assert printed == "", f"tsc -p {project} reported:\n{printed[-6000:]}"
    files = sorted(str(p.relative_to(sdk)) for p in (sdk / "build" / "test").glob("*.test.js"))
    output = run(["node", "--test", "--test-reporter=tap", *files], sdk)
    counts = {m.group(1): int(m.group(2)) for m in re.finditer(r"^# (\w+) (\d+)$", output, re.M)}
    assert counts.get("fail") == 0 and counts.get("pass", 0) > 0, output[-4000:]
    return output
