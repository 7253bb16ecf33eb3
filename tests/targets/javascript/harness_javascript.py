"""The TypeScript harness: one TypeScript project holding the `src/` of every
model's SDK and one module of cases per model (each case a function calling
`new Event({...})` with literals from the JavaScript target's own test-plan
value writer), compiled by one run of the pinned tsc and run by one node.

Batch cases: the member cases are tracked through the SDK's Tracker (fixed
clock and event ids) into a transport of one wire format (protobufFormat or
jsonFormat, as HttpTransport takes them), and the envelopes become a body
with `encodeBatch` (every purpose granted).
Consent cases track their member case through the SDK's Tracker under the
case's consent into an InMemoryTransport."""

from __future__ import annotations

import json
import re
from pathlib import Path

from codegen.ir import Scalar
from codegen.sdk.templates import TemplateSet
from codegen.targets.javascript import TARGET as JS_TARGET
from codegen.targets.javascript import lexical as js
from codegen.targets.javascript.testvalues import Values
from codegen.targets.javascript.views import Renderer
from consents import CLIENT_TIMESTAMP as CONSENT_CLOCK
from consents import EVENT_ID as CONSENT_EVENT_ID
from harness import (HEADER_TEXT, HarnessError, Result, Timer, Unit, build_units, owning_units, parse_lines,
                     render_sdk, run_program, run_step, write_if_changed)

TARGET = "javascript"
ROOT = Path(__file__).resolve().parents[3]
TOOLS = ROOT / "tools" / "javascript"
TSC = TOOLS / "node_modules" / ".bin" / "tsc"

RUNNER = f"""// {HEADER_TEXT}
// Prints one line per conformance case (see tests/conformance/harness/__init__.py).
declare const process: {{ readonly argv: readonly string[]; readonly stdout: {{ write(text: string): boolean }} }};
declare class TextDecoder {{
  decode(bytes: Uint8Array): string;
}}

export interface Issue {{
  readonly path: string;
  readonly constraint: string;
  readonly message: string;
}}

export interface Built {{
  readonly eventName: string;
  validate(): Issue[];
  toProtobuf(): Uint8Array;
  deprecationWarnings(): string[];
}}

/** What the runner needs of one model's SDK. */
export interface Sdk {{
  /** The SDK's ValidationError, built from an event name and its issues. */
  makeError(eventName: string, issues: Issue[]): Error;
  toJson(event: Built): string;
}}

export type Case = readonly [id: string, build: () => Built, checkRefusal: boolean];

/** A batch case: its id and the Batch bodies in both formats. */
export type BatchCase = readonly [id: string, bodies: () => readonly [json: Uint8Array, protobuf: Uint8Array]];

function hex(bytes: Uint8Array): string {{
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}}

function oneLine(error: unknown): string {{
  const text = error instanceof Error ? `${{error.name}}: ${{error.message}}` : String(error);
  return text.replace(/\\s+/g, " ");
}}

function refused(call: () => unknown): boolean {{
  try {{
    call();
  }} catch {{
    return true;
  }}
  return false;
}}

export function lines(id: string, build: () => Built, checkRefusal: boolean, sdk: Sdk): string[] {{
  try {{
    const event = build();
    const issues = event.validate();
    const warnings = event.deprecationWarnings();
    const texts = warnings.length > 0 ? [[`${{id}}!warnings`, ...warnings].join("\\t")] : [];
    if (issues.length > 0) {{
      let refusal = "-";
      if (checkRefusal) {{
        const accepted: string[] = [];
        if (!refused(() => event.toProtobuf())) accepted.push("toProtobuf");
        if (!refused(() => sdk.toJson(event))) accepted.push("toJson");
        refusal = accepted.length > 0 ? `accepted:${{accepted.join("+")}}` : "refused";
      }}
      const error = sdk.makeError(event.eventName, issues);
      texts.push(`${{id}}!error\\t${{error.name}}: ${{error.message}}`);
      return [[id, "invalid", refusal, ...issues.map((i) => `${{i.constraint}}@${{i.path}}`)].join("\\t"), ...texts];
    }}
    return [`${{id}}\\t${{sdk.toJson(event)}}\\t${{hex(event.toProtobuf())}}`, ...texts];
  }} catch (error) {{
    return [`${{id}}\\texception\\t${{oneLine(error)}}`];
  }}
}}

function batchLine(id: string, bodies: BatchCase[1]): string {{
  try {{
    const [json, protobuf] = bodies();
    return `${{id}}\\t${{new TextDecoder().decode(json)}}\\t${{hex(protobuf)}}`;
  }} catch (error) {{
    return `${{id}}\\texception\\t${{oneLine(error)}}`;
  }}
}}

/** A tracker of one model's SDK, seen from the harness: it tracks one case under one consent. */
export type TrackOnce = (build: () => Built, granted: readonly string[]) => string;

export type Consent = readonly [id: string, build: () => Built, granted: readonly string[]];

export function print(cases: readonly Case[], batches: readonly BatchCase[], sdk: Sdk, consents: readonly Consent[] = [],
                      trackOnce?: TrackOnce): void {{
  const out: string[] = [];
  for (const [id, build, checkRefusal] of cases) out.push(...lines(id, build, checkRefusal, sdk));
  for (const [id, bodies] of batches) out.push(batchLine(id, bodies));
  for (const [id, build, granted] of consents) {{
    try {{
      out.push(`${{id}}\\t${{trackOnce === undefined ? "exception\\tno tracker" : trackOnce(build, granted)}}`);
    }} catch (error) {{
      out.push(`${{id}}\\texception\\t${{oneLine(error)}}`);
    }}
  }}
  process.stdout.write(out.join("\\n") + "\\n");
}}

export {{ hex }};
"""

TSCONFIG = {
    "//": HEADER_TEXT,
    "compilerOptions": {
        "target": "ES2020", "lib": ["ES2020"], "types": [], "module": "ES2020", "moduleResolution": "bundler",
        "strict": True, "exactOptionalPropertyTypes": True, "noUncheckedIndexedAccess": True,
        "skipLibCheck": False, "rootDir": ".", "outDir": "build", "noEmitOnError": True,
    },
}


BATCH_TRACKER = """
/** Tracks the members through the SDK's Tracker into a transport of one format; the Batch body. */
function trackBatch(context: TrackingContextProps, members: readonly (readonly [() => Built, string])[],
                    stamp: readonly [number, number], sentAt: readonly [number, number], format: "protobuf" | "json"): Uint8Array {
  const bodies: Uint8Array[] = [];
  const ids = members.map((member) => member[1]);
  let next = 0;
  const transport = { encoding: format === "json" ? jsonFormat : protobufFormat, send: (e: EncodedEvent) => void bodies.push(e.body) };
  const tracker = new Tracker({ transport, context, policy: "throw", clock: () => new Timestamp(stamp[0], stamp[1]),
                                idGenerator: () => ids[next++] as string });
  tracker.consent = ALL_PURPOSES; // batch cases are tracked with every purpose granted
  for (const [build] of members) if (!tracker.track(build() as never)) throw new Error("track() returned false");
  return encodeBatch(bodies, new Timestamp(sentAt[0], sentAt[1]), format);
}
"""


def cases_module(unit: Unit) -> str:
    values = Values(Renderer(unit.model, TemplateSet.of(JS_TARGET)))
    functions: list[str] = []
    table: list[str] = []
    names: dict[str, str] = {}
    for index, case in enumerate(unit.cases):
        functions.append(f"function case{index}(): Built {{\n  return {values.event(case.event, case.values)};\n}}\n")
        table.append(f"  [{js.ts_string(case.id)}, case{index}, {'true' if case.refused else 'false'}],")
        names[case.name] = f"case{index}"
    batches: list[str] = []
    for index, batch in enumerate(unit.batches):
        functions.append(f"function context{index}(): TrackingContextProps {{\n  return {values.context(batch.context)};\n}}\n")
        members = ", ".join(f"[{names[name]}, {js.ts_string(event_id)}]" for name, event_id in batch.members)
        stamp = f"[{batch.client_timestamp.seconds}, {batch.client_timestamp.nanos}]"
        sent_at = f"[{batch.sent_at.seconds}, {batch.sent_at.nanos}]"
        track = f"trackBatch(context{index}(), [{members}], {stamp}, {sent_at}, "
        batches.append(f"  [{js.ts_string(batch.id)}, () => [{track}\"json\"), {track}\"protobuf\")]],")
    consents: list[str] = []
    for case in unit.consents:
        granted = "[" + ", ".join(js.ts_string(p) for p in case.granted) + "]"
        consents.append(f"  [{js.ts_string(case.id)}, {names[case.member]}, {granted}],")
    context = values.context(unit.consents[0].context) if unit.consents else "undefined"
    clock = values.scalar(Scalar.TIMESTAMP, CONSENT_CLOCK)
    purpose = Renderer(unit.model, TemplateSet.of(JS_TARGET)).names.types[("purpose", "")]
    imported = sorted(set(n for n in values.take_used().split(", ") if n)
                      | {"type EncodedEvent", "Timestamp", "Tracker", "type TrackingContextProps", "encodeBatch",
                         "jsonFormat", "protobufFormat", "toJson", "ConsentError", "InMemoryTransport",
                         "type TrackableEvent", "ALL_PURPOSES", f"type {purpose}"},
                      key=lambda n: n.removeprefix("type "))
    head = [f"// {HEADER_TEXT}", f"// Conformance cases of the model {unit.key}.",
            'import { type BatchCase, type Built, type Case, type Consent, hex, print } from "./runner.js";',
            f'import {{ ValidationError }} from "../sdk/{unit.key}/src/runtime/errors.js";',
            f'import {{ {", ".join(imported)} }} from "../sdk/{unit.key}/src/index.js";']
    track_once = f"""function trackOnce(build: () => Built, granted: readonly string[]): string {{
  const transport = new InMemoryTransport();
  const errors: unknown[] = [];
  const tracker = new Tracker({{ transport, context: {context}, clock: () => {clock},
    idGenerator: () => {js.ts_string(CONSENT_EVENT_ID)}, onError: (error) => errors.push(error) }});
  tracker.consent = granted as readonly {purpose}[];
  if (!tracker.track(build() as unknown as TrackableEvent)) {{
    const error = errors[0];
    if (errors.length !== 1 || !(error instanceof ConsentError) || tracker.consentDropped !== 1) {{
      throw new Error(`dropped with ${{String(errors)}}, ${{tracker.consentDropped}} counted`);
    }}
    return `dropped\\t${{error.message}}`;
  }}
  const sent = transport.events[0];
  if (transport.events.length !== 1 || sent === undefined) throw new Error(`${{transport.events.length}} events sent`);
  return `${{sent.json}}\\t${{hex(sent.protobuf)}}\\t${{(sent.purposes ?? []).join(",")}}`;
}}
"""
    sdk = "{ makeError: (name, issues) => new ValidationError(name, issues), toJson: (event) => toJson(event as never) }"
    return "\n".join(head + [BATCH_TRACKER] + functions + [track_once, "export const CASES: readonly Case[] = ["] + table
                     + ["];", "", "export const BATCHES: readonly BatchCase[] = ["] + batches
                     + ["];", "", "export const CONSENTS: readonly Consent[] = ["] + consents
                     + ["];", "", f"print(CASES, BATCHES, {sdk}, CONSENTS, trackOnce);", ""])


def run(units: list[Unit], work: Path) -> Result:
    result = Result(lines={})
    timer = Timer(result.timings)
    with timer.step("setup"):
        run_step(["bash", ROOT / "scripts" / "setup-javascript.sh"], ROOT, "setup-javascript.sh", timeout=600)
        if not TSC.exists():
            raise HarnessError(f"{TSC} is missing after scripts/setup-javascript.sh")

    def build(active: list[Unit]) -> None:
        with timer.step("render"):
            for unit in active:
                render_sdk(unit.model, TARGET, work / "sdk" / unit.key)
                write_if_changed(work / "harness" / f"cases_{unit.key}.ts", cases_module(unit))
            write_if_changed(work / "harness" / "runner.ts", RUNNER)
            config = {**TSCONFIG, "include": ["harness/runner.ts"]
                      + [f"harness/cases_{u.key}.ts" for u in active] + [f"sdk/{u.key}/src" for u in active]}
            write_if_changed(work / "tsconfig.json", json.dumps(config, indent=2) + "\n")
            write_if_changed(work / "package.json", json.dumps({"//": HEADER_TEXT, "private": True,
                                                                "type": "module"}, indent=2) + "\n")
        with timer.step("tsc"):
            run_step([TSC, "-p", "tsconfig.json"], work, "tsc (the SDKs and the harness)", timeout=600)

    def failing(text: str, active: list[Unit]) -> set[str]:
        paths = re.findall(r"^(\S+?\.ts)(?:\(\d+,\d+\)|:\d+:\d+)", text, re.M)
        return owning_units(paths, work, active)

    units = build_units(units, result, build, failing, "TypeScript")
    with timer.step("node"):
        stdout = b""
        for unit in units:
            stdout += run_program(["node", f"build/harness/cases_{unit.key}.js"], work, f"node ({unit.key})",
                                  result)
    result.lines = parse_lines(stdout)
    return result
