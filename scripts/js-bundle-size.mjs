// Bundle-size measurement of a built JavaScript SDK (see js-bundle-size.sh).
//
//   node scripts/js-bundle-size.mjs PACKAGE_DIR [--event NAME] [--json]
//
// PACKAGE_DIR is a generated/javascript package compiled to dist/esm. Two
// browser bundles are made with the pinned esbuild (minified, ES2020): one
// that tracks a single event (the first, or --event NAME) and one that tracks
// every event; both are gzipped (level 9). The single-event bundle must not
// contain any other event: that is the tree-shaking proof.
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
function entry(chosen) {
  const names = chosen.map((e) => e.name);
  return [
    `import { InMemoryTransport, Tracker, ${names.join(", ")} } from ${JSON.stringify(index)};`,
    "const input = globalThis.analyticsInput;",
    "const tracker = new Tracker({ transport: new InMemoryTransport(), context: input.context });",
    ...names.map((n) => `tracker.track(new ${n}(input[${JSON.stringify(n)}]));`),
  ].join("\n");
}

async function measure(chosen) {
  const result = await esbuild.build({
    stdin: { contents: entry(chosen), resolveDir: packageDir, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  const text = new TextDecoder().decode(code);
  const others = events.filter((e) => !chosen.includes(e) && text.includes(JSON.stringify(e.wire)));
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length, others: others.map((e) => e.wire) };
}

const single = await measure([one]);
const all = await measure(events);
const report = {
  esbuild: esbuild.version,
  events: events.length,
  one: { event: one.wire, ...single },
  all: { ...all },
};
if (args.includes("--json")) {
  console.log(JSON.stringify(report));
} else {
  const kb = (n) => `${(n / 1024).toFixed(2)} KiB`;
  console.log(`esbuild ${report.esbuild}, ${events.length} events, minified + gzip -9, ES2020, browser`);
  console.log(`one event (${one.wire}): ${kb(single.gzip)} gzip (${kb(single.minified)} minified)`);
  console.log(`all events:       ${kb(all.gzip)} gzip (${kb(all.minified)} minified)`);
  console.log(`other events in the one-event bundle: ${single.others.length ? single.others.join(", ") : "none"}`);
}
if (single.others.length > 0) process.exitCode = 1;
