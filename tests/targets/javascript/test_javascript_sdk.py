"""The JavaScript/TypeScript SDK, compiled and run in its real toolchain.

The SDK of the bundled model is built with the real CLI into a temporary
folder, compiled with the pinned TypeScript (strict, no output at all means
no errors or warnings) and its own tests run with node's test runner: every
case of its test-plan vectors through the typed builders (samples' bytes and
JSON equal the reference's, invalid cases), the tracker, the runtime, and the
shared vectors (JCS, 20,000 ES numbers).
Then the ES module, CommonJS and declaration builds are used the way an
application would, the bundle sizes are measured with the pinned esbuild,
and a model built to break names and escaping compiles and passes as well.
A missing node, npm or toolchain fails these tests; nothing is skipped.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codegen.ir import INTEGER_RANGES, Kind, Scalar, TypeRef
from codegen.naming import camel
from codegen.sdk.names import NameAllocator
from codegen.targets.javascript import lexical as js
from codegen.testplan import TimestampValue
from codegen.targets.javascript import TARGET
from codegen.targets.javascript.views import TYPESCRIPT_VERSION, Names
from conftest import MODEL_DIR, ROOT, SHARED_VECTORS, run_codegen

TOOLS = ROOT / "tools" / "javascript"
TSC = TOOLS / "node_modules" / ".bin" / "tsc"
IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 180) -> str:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed ({proc.returncode}):\n{output[-6000:]}"
    return output


@pytest.fixture(scope="session")
def toolchain() -> Path:
    """The pinned TypeScript and esbuild, installed by the project's own set-up script."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(f"'{tool}' is not on PATH: the JavaScript target needs Node.js 18+ and npm")
    run(["bash", ROOT / "scripts" / "setup-javascript.sh"], ROOT, timeout=600)
    assert TSC.exists(), f"{TSC} missing after setup-javascript.sh"
    return TOOLS / "node_modules"


def build_sdk(model_dir: Path, out: Path, node_modules: Path) -> Path:
    result = run_codegen("--model", str(model_dir), "build", "--target", "javascript", "--out", str(out), "--force")
    assert result.returncode == 0, result.stdout + result.stderr
    package = out / "javascript"
    (package / "node_modules").symlink_to(node_modules, target_is_directory=True)
    return package


def tsc(package: Path, project: str) -> None:
    output = run([TSC, "-p", project], package)
    assert output == "", f"tsc -p {project} printed errors or warnings:\n{output}"


def node_tests(package: Path) -> dict[str, int]:
    """Run the package's compiled tests; the TAP summary's counts."""
    files = sorted(str(p.relative_to(package)) for p in (package / "build" / "test").glob("*.test.js"))
    output = run(["node", "--test", "--test-reporter=tap", *files], package, {"CODEGEN_VECTORS": str(SHARED_VECTORS)})
    counts = {m.group(1): int(m.group(2)) for m in re.finditer(r"^# (\w+) (\d+)$", output, re.M)}
    assert counts.get("fail") == 0 and counts.get("skipped") == 0 and counts.get("todo") == 0, output[-3000:]
    return counts


@pytest.fixture(scope="session")
def bundled_sdk(toolchain: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    package = build_sdk(MODEL_DIR, tmp_path_factory.mktemp("js"), toolchain)
    tsc(package, "tsconfig.test.json")
    return package


def test_generated_sdk_compiles_strict_and_its_tests_pass(bundled_sdk: Path, bundled_model, shared_vectors) -> None:
    from targets.toolchain import plan_cases

    tsc(bundled_sdk, "tsconfig.json")  # type-checks src and test together, as an editor would
    counts = node_tests(bundled_sdk)
    # The plan's cases, tracker, runtime and vector tests all ran.
    assert counts["pass"] >= plan_cases(bundled_model) + 10, counts
    config = json.loads((bundled_sdk / "tsconfig.json").read_text())
    assert config["compilerOptions"]["strict"] is True


def test_esm_cjs_and_declarations_work_for_applications(bundled_sdk: Path, tmp_path: Path) -> None:
    tsc(bundled_sdk, "tsconfig.esm.json")
    tsc(bundled_sdk, "tsconfig.cjs.json")
    run(["node", "scripts/mark-cjs.mjs"], bundled_sdk)
    for flavour in ("esm", "cjs"):
        for name in ("index.js", "index.d.ts", "events/article_read.js", "events/article_read.d.ts"):
            assert (bundled_sdk / "dist" / flavour / name).is_file(), f"dist/{flavour}/{name}"
    manifest = json.loads((bundled_sdk / "package.json").read_text())
    assert manifest["sideEffects"] is False and not manifest.get("dependencies")
    assert manifest["devDependencies"] == {"typescript": f"^{TYPESCRIPT_VERSION}"}
    # An application importing the package by name, type-checked with Node's
    # own resolution (the exports map's types) and run as ESM and CommonJS.
    name = manifest["name"]
    app = tmp_path / "app"
    (app / "node_modules" / name).parent.mkdir(parents=True)
    (app / "node_modules" / name).symlink_to(bundled_sdk, target_is_directory=True)
    body = """
const transport = new InMemoryTransport();
const tracker = new Tracker({ transport, context: { product: "news", platform: "web", appName: "app",
  appVersion: "1.0.0" } });
tracker.consent = ["analytics"];
const read: ArticleReadProps = { content: { contentId: "a:1", kind: "article" }, scrollDepth: 5,
  visibleSeconds: 1.5, readThrough: true, readingTimeEstimate: 9007199254740993n };
tracker.track(new ArticleRead(read));
const kinds: readonly ContentKind[] = ContentKind.values;
console.log(transport.events.length, kinds.length, transport.events[0]?.json.includes('"9007199254740993"'));
"""
    names = "ArticleRead, type ArticleReadProps, ContentKind, InMemoryTransport, Tracker"
    subpath = f'import {{ ArticleRead as Direct }} from "{name}/events/article_read";\n'
    (app / "esm.mts").write_text(f'import {{ {names} }} from "{name}";\n{subpath}{body}'
                                 "console.log(Direct === ArticleRead);\n")
    (app / "cjs.cts").write_text(f'import {{ {names} }} from "{name}";\n{body}')
    (app / "tsconfig.json").write_text(json.dumps({"compilerOptions": {
        "target": "ES2020", "lib": ["ES2020", "DOM"], "types": [], "module": "NodeNext", "strict": True,
        "outDir": "out", "skipLibCheck": False}, "files": ["esm.mts", "cjs.cts"]}))
    output = run([TSC, "-p", "."], app)
    assert output == "", output
    assert run(["node", "out/esm.mjs"], app).split() == ["1", "6", "true", "true"]
    assert run(["node", "out/cjs.cjs"], app).split() == ["1", "6", "true"]


def test_bundle_sizes_and_tree_shaking(bundled_sdk: Path) -> None:
    tsc(bundled_sdk, "tsconfig.esm.json")
    report = json.loads(run(["node", ROOT / "scripts" / "js-bundle-size.mjs", bundled_sdk, "--json"], ROOT))
    print(f"\njavascript bundle, minified+gzip: one event with HttpTransport {report['one']['gzip']} B "
          f"(JSON {report['json']['gzip']} B, tracker only {report['core']['gzip']} B), "
          f"all {report['events']} events {report['all']['gzip']} B")
    assert report["failures"] == []
    assert report["one"]["others"] == [], "a one-event bundle must not carry other events"
    assert not report["one"]["json_encoder"] and report["json"]["json_encoder"], "Protobuf leaves the JSON encoder out"
    assert report["core"]["gzip"] < report["one"]["gzip"] < report["all"]["gzip"]
    assert report["one"]["gzip"] < 16 * 1024  # the runtime is small and dependency-free
    # The breakdown's parts add up to the bundle (module by module gzip, within a few percent of the whole).
    parts = report["breakdown"]["parts"]
    assert set(parts) >= {"encoding and validation", "tracker", "delivery"}
    assert abs(sum(parts.values()) - report["one"]["gzip"]) < 0.03 * report["one"]["gzip"], parts


HOSTILE_MODEL = r'''
model:
  name: hostile
  namespace: hostile.v1
  version: 0.1.0
  description: "Breaks out: */ \"\"\" \\ ${x} $ #{y} \\u{41} \u2028 <!-- --> done"
  products: [web]
  platforms: [web]
targets:
  javascript:
    package: "@hostile/sdk"
purposes:
  necessary: {description: "Runs */ the ${app} \\ <!--", lawful_basis: legitimate_interest, retention_days: 30}
context:
  description: "Context */ with ${injection} and \\"
  properties:
    event_id: {number: 1, type: string, auto: event_id, privacy: none}
    client_timestamp: {number: 2, type: timestamp, auto: client_timestamp, privacy: none}
    sdk_name: {number: 3, type: string, auto: sdk_name, privacy: none}
    class: {number: 4, type: string, required: true, privacy: none, description: "keyword */", pattern: 'a]b|[x\]]|c'}
    consent: {number: 5, type: list<string>, auto: consent, privacy: none}
enums:
  weird:
    description: "Values */ that are \"any\" text"
    values:
      __proto__: {number: 1, description: "*/ proto"}
      constructor: {number: 2}
      'a"b\c': {number: 3, deprecated: {reason: "gone */ away"}}
      "${x}": {number: 4}
      "中文 値 v": {number: 5}
      "line\u2028sep\nnext": {number: 6}
objects:
  screen:
    description: "An object named like an event: */"
    properties:
      to_string: {number: 1, type: string, privacy: none, description: "@param x {@link y} */ \u2029"}
      value_of: {number: 2, type: int64, privacy: none, min: -5, max: 9007199254740993}
      constructor: {number: 3, type: weird, privacy: none}
      child: {number: 4, type: tracker, privacy: none}
  tracker:
    description: "Named like the runtime's Tracker"
    properties:
      a_1: {number: 1, type: string, privacy: none}
      proto: {number: 2, type: string, privacy: none}
events:
  screen_shown:
    number: 10
    description: |
      Multi-line */ description
      @deprecated fake tag {@link nowhere} \u{41} `code` </script>
      ${injected} #{ruby} """ python """ '; DROP TABLE
    owner: "evil */ owner"
    purposes: [necessary]
    deprecated: {reason: "Use */ other"}
    properties:
      event_name: {number: 1, type: string, required: true, privacy: none}
      validate: {number: 2, type: list<weird>, privacy: none}
      delete: {number: 3, type: "map<string, screen>", privacy: none}
      default: {number: 4, type: tracker, privacy: none}
      new: {number: 5, type: float, privacy: none, deprecated: "old */ field", min: -1.5, max: 1.0e+30}
      kind: {number: 6, type: uint32, required: true, privacy: none, const: 7}
      blob: {number: 7, type: bytes, privacy: none}
      huge: {number: 8, type: uint64, privacy: none}
  screen_shown_props:
    number: 11
    description: "Named like the other event's props type"
    owner: "x"
    purposes: necessary
    properties:
      x: {number: 1, type: "map<string, uint64>", privacy: none, min_items: 1}
'''


def test_hostile_names_and_text_compile_and_pass(toolchain: Path, tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.yaml").write_text(HOSTILE_MODEL, encoding="utf-8")
    package = build_sdk(model, tmp_path / "out", toolchain)
    tsc(package, "tsconfig.test.json")
    counts = node_tests(package)
    assert counts["pass"] > 20, counts
    event = (package / "src" / "events" / "screen_shown.ts").read_text()
    for ident in ("eventName_", "validate_", "delete_", "default_", "new_"):
        assert f"readonly {ident}" in event
    assert "import { type Tracker_, trackerCodec }" in event


def test_typescript_pin_matches_the_tools() -> None:
    manifest = json.loads((TOOLS / "package.json").read_text())
    lock = json.loads((TOOLS / "package-lock.json").read_text())
    assert manifest["devDependencies"]["typescript"] == TYPESCRIPT_VERSION
    assert lock["packages"]["node_modules/typescript"]["version"] == TYPESCRIPT_VERSION
    assert lock["packages"]["node_modules/esbuild"]["version"] == manifest["devDependencies"]["esbuild"]


def test_string_literals_round_trip_through_node(toolchain: Path, tmp_path: Path) -> None:
    rng = random.Random(8785)
    alphabet = ['"', "\\", "\n", "\r", "\u2028", "\u2029", "\ud800", "\udfff", "\x00", "\x1f", "\x7f", "\ufeff",
                "$", "{", "}", "`", "/", "*", "é", "中", "😀", "a", "'", "<", "\t"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(400)]
    texts += ["__proto__", "${x}", "*/", "</script>"]
    source = "export default [\n" + ",\n".join(js.ts_string(t) for t in texts) + "\n];\n"
    (tmp_path / "strings.mjs").write_text(source, encoding="utf-8")
    script = "import('./strings.mjs').then(m => process.stdout.write(JSON.stringify(m.default)))"
    back = json.loads(run(["node", "-e", script], tmp_path))
    # Compared as UTF-16 code units: a Python "\ud800\udfff" is one JS character.
    units = [t.encode("utf-16-le", "surrogatepass") for t in texts]
    assert [t.encode("utf-16-le", "surrogatepass") for t in back] == units
    keys = "{" + ", ".join(f"{js.ts_key(k)}: 1" for k in ("__proto__", "a")) + "}"
    (tmp_path / "keys.mjs").write_text(f"export default {keys};\n")
    script = "import('./keys.mjs').then(m => process.stdout.write(JSON.stringify(Object.keys(m.default))))"
    assert json.loads(run(["node", "-e", script], tmp_path)) == ["__proto__", "a"]


@given(st.text())
def test_doc_text_cannot_leave_the_comment(text: str) -> None:
    for line in js.doc_text(text) + [js.doc_inline(text)]:
        assert "*/" not in line
        assert len(line.splitlines()) <= 1 and "\u2028" not in line and "\u2029" not in line
        assert re.search(r"(?<!\\)[@{}]", line) is None
        assert not re.search("[\ud800-\udfff]", line)


@given(st.from_regex(r"[a-z][a-z0-9]{0,6}(_[a-z0-9]{1,5}){0,3}", fullmatch=True))
def test_member_identifiers_are_valid_and_never_reserved(name: str) -> None:
    allocate = NameAllocator(js.RESERVED)
    first = allocate.claim("scope", camel(name))
    second = allocate.claim("scope", camel(name))
    for ident in (first, second):
        assert IDENTIFIER.match(ident) and ident not in js.RESERVED
    assert first != second


def test_names_of_the_bundled_model_are_unique_in_their_scopes(bundled_model) -> None:
    names = Names.of(bundled_model)
    exported = list(names.types.values())
    assert len(exported) == len(set(exported))
    assert len(set(names.codecs.values())) == len(names.codecs)
    for idents in names.members.values():
        assert len(set(idents.values())) == len(idents)
        for ident in idents.values():
            assert IDENTIFIER.match(ident) and ident not in js.RESERVED
    for ident in exported + list(names.codecs.values()):
        assert IDENTIFIER.match(ident) and ident not in js.RESERVED


# --- randomized wire cross-check against the reference -----------------------

TEXT = ["a", "Z", "0", " ", "é", "中", "😀", '"', "\\", "\n", "\x00", "\x1f", "\u2028", "\ufeff", "\uffff", "/", "$"]
# (The exact midpoint above the float32 maximum, 3.4028235677973366e38, is
# left to the runtime's own test: there the official library is the judge.)
SPECIAL_DOUBLES = [0.0, -0.0, math.nan, math.inf, -math.inf, 5e-324, 1e-45, 1.4e-45, 3.4028235e38, 3.5e38, 1e21,
                   1e-7, 0.1, 2097152.25, 16777217.0, 1.7976931348623157e308, -123456789.125]


def _random_scalar(rng: random.Random, scalar: Scalar) -> object:
    if scalar is Scalar.STRING:
        return "".join(rng.choice(TEXT) for _ in range(rng.randrange(6)))
    if scalar is Scalar.BOOL:
        return rng.random() < 0.5
    if scalar.is_integer:
        low, high = INTEGER_RANGES[scalar]
        return rng.choice([0, 1, low, high, -1 if low < 0 else 2, rng.randint(low, high)])
    if scalar.is_floating:
        if rng.random() < 0.5:
            return rng.choice(SPECIAL_DOUBLES)
        bits = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        return bits if rng.random() < 0.5 else rng.uniform(-1e6, 1e6)
    if scalar is Scalar.BYTES:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(5)))
    return TimestampValue(rng.randint(-62135596800, 253402300799), rng.choice([0, 1000000, 1000, 1, rng.randrange(10**9)]))


def _random_value(rng: random.Random, model, ref: TypeRef) -> object:
    if ref.kind is Kind.LIST:
        return tuple(_random_value(rng, model, ref.element) for _ in range(rng.randrange(4)))
    if ref.kind is Kind.MAP:
        keys = {"".join(rng.choice(TEXT) for _ in range(rng.randrange(4))) for _ in range(rng.randrange(4))}
        return {k: _random_value(rng, model, ref.element) for k in sorted(keys)}
    if ref.kind is Kind.ENUM:
        return rng.choice(model.enum(ref.name).values).name
    if ref.kind is Kind.OBJECT:
        return _random_message(rng, model, model.object(ref.name).properties)
    return _random_scalar(rng, ref.scalar)


def _random_message(rng: random.Random, model, properties) -> dict[str, object]:
    return {p.name: _random_value(rng, model, p.type) for p in properties
            if p.is_parameter and (p.required or rng.random() < 0.6)}


def test_random_values_encode_like_the_reference(bundled_sdk: Path, bundled_model, tmp_path: Path) -> None:
    """Any values (valid or not, NaN, -0, subnormals, 64-bit extremes, odd
    text, maps): the SDK's bytes and JSON equal the reference's, which tests
    of the Python target prove equal to the official protobuf library."""
    from codegen.reference import reference_for
    from codegen.targets.javascript.views import Renderer
    from codegen.sdk.templates import TemplateSet
    from codegen.targets.javascript.testvalues import Values

    rng = random.Random(2024)
    ref = reference_for(bundled_model)
    values = Values(Renderer(bundled_model, TemplateSet.of(TARGET)))
    cases, expected = [], []
    for _ in range(40):
        for event in bundled_model.events:
            sample = _random_message(rng, bundled_model, event.properties)
            encoded = ref.event(event.name, sample)
            cases.append(values.event(event.name, sample))
            expected.append([encoded.proto_hex, encoded.json])
    script = tmp_path / "wire.mjs"
    index = (bundled_sdk / "build" / "src" / "index.js").as_uri()
    script.write_text(
        f"import {{ toJson, {values.take_used()} }} from {json.dumps(index)};\n"
        "const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');\n"
        "const events = [\n" + ",\n".join(f"  () => {c}" for c in cases) + "\n];\n"
        "process.stdout.write(JSON.stringify(events.map((f) => { const e = f(); return [hex(e.toProtobuf()), toJson(e)]; })));\n",
        encoding="utf-8")
    actual = json.loads(run(["node", script], tmp_path))
    assert len(actual) == len(cases) == 40 * len(bundled_model.events)
    mismatches = [(c, a, e) for c, a, e in zip(cases, actual, expected) if a != e]
    assert not mismatches, f"{len(mismatches)} of {len(cases)} differ, first: {mismatches[0]}"
