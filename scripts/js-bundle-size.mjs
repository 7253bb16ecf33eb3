// Bundle-size measurement of a built JavaScript SDK (see js-bundle-size.sh).
//
//   node scripts/js-bundle-size.mjs PACKAGE_DIR [--event NAME] [--json]
//
// PACKAGE_DIR is a generated/javascript package compiled to dist/esm. Browser
// bundles are made with the pinned esbuild (minified, ES2020, platform
// browser, so package.json's "browser" map applies) and gzipped (level 9):
// - one event (the first, or --event NAME) with the tracker and HttpTransport
//   sending Protobuf (the default): what a web app ships (issue 15's goal);
// - the same sending JSON (jsonFormat);
// - every event, Protobuf;
// - one event with the tracker alone (a transport of its own), Protobuf.
// Then what each part of the first bundle costs: its modules in bundle
// order, each the gzip bytes it adds to those before it (grouped: the
// model's code, encoding and validation, the tracker, delivery).
// Proofs (exit 1 when one fails): the one-event bundles carry no other
// event; the Protobuf bundles carry no JSON encoder (canonical JSON, base64)
// while the JSON one does; no bundle carries the Node code (journal, zlib).
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "../tools/javascript/package.json"));
const esbuild = require("esbuild");

const args = process.argv.slice(2);
const packageDir = resolve(args.find((a) => !a.startsWith("--")) ?? "generated/javascript");
const eventArg = args.includes("--event") ? args[args.indexOf("--event") + 1] : undefined;
const index = join(packageDir, "dist/esm/index.js");

const sdk = await import(pathToFileURL(index).href);
const events = Object.entries(sdk)
  .filter(([, value]) => typeof value === "function" && typeof value.eventName === "string")
  .map(([name, value]) => ({ name, wire: value.eventName }))
  .sort((a, b) => a.wire.localeCompare(b.wire));
if (events.length === 0) throw new Error(`no events exported by ${index}`);
const one = eventArg === undefined ? events[0] : events.find((e) => e.wire === eventArg);
if (one === undefined) throw new Error(`no event ${eventArg}`);

// What an app writes: a tracker, a transport, and `track(new Event(...))`.
// The values come from outside so that nothing can be folded away.
function entry(chosen, transport) {
  const names = chosen.map((e) => e.name);
  const imports = ["Tracker", ...names, ...transport.imports];
  return [
    `import { ${imports.join(", ")} } from ${JSON.stringify(index)};`,
    "const input = globalThis.analyticsInput;",
    `const tracker = new Tracker({ transport: ${transport.expression}, context: input.context });`,
    ...names.map((n) => `tracker.track(new ${n}(input[${JSON.stringify(n)}]));`),
  ].join("\n");
}

const HTTP = { imports: ["HttpTransport"], expression: "new HttpTransport(input.url)" };
const HTTP_JSON = { imports: ["HttpTransport", "jsonFormat"], expression: "new HttpTransport(input.url, { wireFormat: jsonFormat })" };
const OWN = { imports: ["protobufFormat"], expression: "{ encoding: protobufFormat, send: input.send }" };
// Texts only the JSON encoder holds (canonicalJson's refusal, the base64 alphabet), and only the Node code.
const JSON_MARKERS = ["JSON has no ", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"];
const NODE_MARKERS = ["node:fs", "node:zlib", "codegen-queue"];

const bundleOptions = (chosen, transport) => ({
  stdin: { contents: entry(chosen, transport), resolveDir: packageDir, loader: "js" },
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  write: false,
  logLevel: "silent",
});

async function measure(chosen, transport) {
  const result = await esbuild.build({ ...bundleOptions(chosen, transport), minify: true });
  const code = result.outputFiles[0].contents;
  const text = new TextDecoder().decode(code);
  const others = events.filter((e) => !chosen.includes(e) && text.includes(JSON.stringify(e.wire)));
  return {
    minified: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    others: others.map((e) => e.wire),
    json_encoder: JSON_MARKERS.some((m) => text.includes(m)),
    node_code: NODE_MARKERS.some((m) => text.includes(m)),
  };
}

// The runtime modules of each part; every other module is the model's code.
const PARTS = {
  "encoding and validation": ["codec", "protobuf", "validation", "json", "timestamp", "redaction", "formats", "errors"],
  tracker: ["tracker"],
  delivery: ["delivery", "webplatform", "sending", "deliveryoptions", "host", "platform", "queue", "reports"],
};
const partOf = (module) => {
  if (module === "<stdin>") return "the app's own lines";
  const runtime = /(?:^|\/)runtime\/(\w+)\.js$/.exec(module);
  const found = runtime && Object.entries(PARTS).find(([, names]) => names.includes(runtime[1]));
  return found ? found[0] : "model (events, objects, enums, context)";
};

/** Gzip bytes each module adds, in bundle order (esbuild names each module in an unminified bundle). */
async function breakdown(chosen, transport) {
  const result = await esbuild.build({ ...bundleOptions(chosen, transport), minifyIdentifiers: true, minifySyntax: true });
  const pieces = result.outputFiles[0].text.split(/^\/\/ (.+)$/m);
  const modules = [];
  let text = "";
  let before = 0;
  for (let i = 1; i < pieces.length; i += 2) {
    text += (await esbuild.transform(pieces[i + 1], { minifyWhitespace: true, loader: "js" })).code;
    const gzip = gzipSync(text, { level: 9 }).length;
    modules.push({ module: pieces[i].replace(/^.*?dist\/esm\//, ""), gzip: gzip - before });
    before = gzip;
  }
  const parts = {};
  for (const m of modules) parts[partOf(m.module)] = (parts[partOf(m.module)] ?? 0) + m.gzip;
  return { parts, modules };
}

const single = await measure([one], HTTP);
const parts = await breakdown([one], HTTP);
const json = await measure([one], HTTP_JSON);
const all = await measure(events, HTTP);
const core = await measure([one], OWN);
const report = {
  esbuild: esbuild.version,
  events: events.length,
  one: { event: one.wire, ...single },
  json: { event: one.wire, ...json },
  all: { ...all },
  core: { event: one.wire, ...core },
  breakdown: parts,
};
const failures = [];
if (single.others.length > 0 || json.others.length > 0) failures.push("a one-event bundle carries other events");
if (single.json_encoder || all.json_encoder || core.json_encoder) failures.push("a Protobuf bundle carries the JSON encoder");
if (!json.json_encoder) failures.push("the JSON bundle lacks the JSON encoder (the markers are wrong)");
if ([single, json, all, core].some((b) => b.node_code)) failures.push("a web bundle carries the Node code");
report.failures = failures;
if (args.includes("--json")) {
  console.log(JSON.stringify(report));
} else {
  const kb = (n) => `${(n / 1024).toFixed(2)} KiB`;
  const line = (label, b) => console.log(`${label}${kb(b.gzip)} gzip (${kb(b.minified)} minified)`);
  console.log(`esbuild ${report.esbuild}, ${events.length} events, minified + gzip -9, ES2020, browser`);
  console.log(`one event (${one.wire}):`);
  line("  tracker, HttpTransport, Protobuf:  ", single);
  line("  tracker, HttpTransport, JSON:      ", json);
  line("  tracker only (no HttpTransport):   ", core);
  line(`all ${events.length} events, HttpTransport, Protobuf: `, all);
  console.log(`other events in the one-event bundle: ${single.others.length ? single.others.join(", ") : "none"}`);
  console.log("what the first one holds (gzip bytes each part adds, in bundle order):");
  for (const [part, bytes] of Object.entries(parts.parts)) console.log(`  ${part.padEnd(40)} ${String(bytes).padStart(6)}`);
  if (args.includes("--modules")) for (const m of parts.modules) console.log(`    ${m.module.padEnd(38)} ${String(m.gzip).padStart(6)}`);
  console.log(`JSON encoder in the Protobuf bundles: ${single.json_encoder || all.json_encoder || core.json_encoder ? "yes" : "none"}; Node code in any: ${failures.some((f) => f.includes("Node")) ? "yes" : "none"}`);
}
if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exitCode = 1;
}
