// The JavaScript SDK (bundled model, compiled ES modules) against protobufjs
// and @bufbuild/protobuf (tools/javascript, pinned in its lock file) loading
// the model's .proto / descriptor set from `codegen export proto`, on
// video_heartbeat with its context. Prints one JSON line per measurement.
//   node node_bench.mjs SDK_DIST PROTO DESCRIPTOR_SET TOOLS_NODE_MODULES
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [dist, protoPath, descriptorPath, modules] = process.argv.slice(2);
const sdk = await import(pathToFileURL(`${dist}/index.js`).href);
// The envelope encoder protobufFormat (the tracker's) calls.
const { envelopeProtobuf } = await import(pathToFileURL(`${dist}/runtime/formats.js`).href);
const require = createRequire(`${modules}/`);
const protobufjs = require("protobufjs");
const es = await import(pathToFileURL(`${modules}/@bufbuild/protobuf/dist/esm/index.js`).href);
const wkt = await import(pathToFileURL(`${modules}/@bufbuild/protobuf/dist/esm/wkt/index.js`).href);

const EVENT_ID = "00000000-0000-4000-8000-000000000001";
const SECONDS = 1700000000, NANOS = 250000000;
const BUFFER = [12.5, 12.0, 11.5, 11.0, 10.5];

// Operations per second of the process's CPU time (as bench/runtime/measure.py):
// a warm-up, then the best of three runs of about `seconds` each.
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
let sink = 0;
function perSecond(operation, seconds = 0.6) {
  let batch = 1;
  let started = cpu();
  while (cpu() - started < seconds / 3) {
    for (let i = 0; i < batch; i++) sink ^= operation() === undefined ? 0 : 1;
    batch *= 2;
  }
  batch = Math.max(1, batch >> 3);
  let best = 0;
  for (let run = 0; run < 3; run++) {
    let done = 0;
    started = cpu();
    let elapsed = 0;
    while ((elapsed = cpu() - started) < seconds) {
      for (let i = 0; i < batch; i++) sink ^= operation() === undefined ? 0 : 1;
      done += batch;
    }
    best = Math.max(best, done / elapsed);
  }
  return best;
}

// --- ours ---------------------------------------------------------------------
const ourEvent = () => new sdk.VideoHeartbeat({
  playbackId: "0123456789abcdef0123456789abcdef",
  position: { offsetMs: 120000n, durationMs: 3600000n, fraction: 0.25 },
  bitrateKbps: 4500, droppedFrames: 2n, bufferHealthS: BUFFER,
});
const context = new sdk.TrackingContext({
  product: "news", platform: "web", appName: "News web", appVersion: "4.12.1", sessionId: "s-42",
  locale: "en-GB",
});
// The tracker stamps the purposes granted into the context (its auto value `consent`).
const CONSENT = ["analytics"];
const clock = new sdk.Timestamp(SECONDS, NANOS);
const auto = () => ({ eventId: EVENT_ID, clientTimestamp: clock, modelVersion: sdk.SDK_INFO.modelVersion,
                      sdkName: sdk.SDK_INFO.name, sdkVersion: sdk.SDK_INFO.version, consent: CONSENT });
function ourProto() {
  const event = ourEvent();
  if (event.validate().length) throw new Error("invalid");
  return event.toProtobuf();
}
function ourEnvelope() {
  const event = ourEvent();
  const values = auto();
  if (event.validate().length || context.validate(values).length) throw new Error("invalid");
  return envelopeProtobuf(context, event, values);
}
const transport = new sdk.InMemoryTransport();
const tracker = new sdk.Tracker({ transport, context, clock: () => clock, idGenerator: () => EVENT_ID });
tracker.consent = CONSENT;
function track() {
  tracker.track(ourEvent());
  if (transport.events.length > 1000) transport.events.length = 0;
}
// A one-format transport, as HttpTransport is to the tracker: Protobuf envelopes only.
let lastSent;
const protobufOnly = new sdk.Tracker({
  transport: { encoding: sdk.protobufFormat, send: (encoded) => { lastSent = encoded; } },
  context, clock: () => clock, idGenerator: () => EVENT_ID,
});
protobufOnly.consent = CONSENT;
function trackProtobuf() {
  if (!protobufOnly.track(ourEvent())) throw new Error("not tracked");
}

// --- protobufjs ---------------------------------------------------------------
const root = protobufjs.loadSync(protoPath);
const P = (name) => root.lookupType(`broadcaster.analytics.v1.${name}`);
const [PjEnvelope, PjContext, PjHeartbeat, PjPosition] = ["Envelope", "Context", "VideoHeartbeat", "PlaybackPosition"].map(P);
const Ts = root.lookupType("google.protobuf.Timestamp");
const enumValue = (type, name) => root.lookupEnum(`broadcaster.analytics.v1.${type}`).values[name];
const pjEvent = () => PjHeartbeat.create({
  playbackId: "0123456789abcdef0123456789abcdef",
  position: PjPosition.create({ offsetMs: 120000, durationMs: 3600000, fraction: 0.25 }),
  heartbeatIntervalS: 30, bitrateKbps: 4500, droppedFrames: 2, bufferHealthS: BUFFER,
});
const pjEnvelope = () => PjEnvelope.create({
  context: PjContext.create({
    eventId: EVENT_ID, clientTimestamp: Ts.create({ seconds: SECONDS, nanos: NANOS }), modelVersion: sdk.SDK_INFO.modelVersion,
    sdkName: sdk.SDK_INFO.name, sdkVersion: sdk.SDK_INFO.version, product: enumValue("Product", "PRODUCT_NEWS"),
    platform: enumValue("Platform", "PLATFORM_WEB"), appName: "News web", appVersion: "4.12.1", sessionId: "s-42",
    consent: CONSENT, locale: "en-GB",
  }),
  videoHeartbeat: pjEvent(),
});

// --- @bufbuild/protobuf -------------------------------------------------------
const registry = es.createFileRegistry(es.fromBinary(wkt.FileDescriptorSetSchema, readFileSync(descriptorPath)));
const E = (name) => registry.getMessage(`broadcaster.analytics.v1.${name}`);
const [EsEnvelope, EsContext, EsHeartbeat, EsPosition] = ["Envelope", "Context", "VideoHeartbeat", "PlaybackPosition"].map(E);
const EsTimestamp = registry.getMessage("google.protobuf.Timestamp");
const esEnum = (type, name) => registry.getEnum(`broadcaster.analytics.v1.${type}`).values.find((v) => v.name === name).number;
const esEvent = () => es.create(EsHeartbeat, {
  playbackId: "0123456789abcdef0123456789abcdef",
  position: es.create(EsPosition, { offsetMs: 120000n, durationMs: 3600000n, fraction: 0.25 }),
  heartbeatIntervalS: 30, bitrateKbps: 4500, droppedFrames: 2n, bufferHealthS: BUFFER,
});
const esEnvelope = () => es.create(EsEnvelope, {
  context: es.create(EsContext, {
    eventId: EVENT_ID, clientTimestamp: es.create(EsTimestamp, { seconds: BigInt(SECONDS), nanos: NANOS }),
    modelVersion: sdk.SDK_INFO.modelVersion, sdkName: sdk.SDK_INFO.name, sdkVersion: sdk.SDK_INFO.version,
    product: esEnum("Product", "PRODUCT_NEWS"), platform: esEnum("Platform", "PLATFORM_WEB"), appName: "News web",
    appVersion: "4.12.1", sessionId: "s-42",
    consent: CONSENT, locale: "en-GB",
  }),
  event: { case: "videoHeartbeat", value: esEvent() },
});

// The same message on every side, byte for byte.
const hex = (bytes) => Buffer.from(bytes).toString("hex");
const expected = { event: hex(ourProto()), envelope: hex(ourEnvelope()) };
for (const [name, event, envelope] of [
  ["protobufjs", hex(PjHeartbeat.encode(pjEvent()).finish()), hex(PjEnvelope.encode(pjEnvelope()).finish())],
  ["@bufbuild/protobuf", hex(es.toBinary(EsHeartbeat, esEvent())), hex(es.toBinary(EsEnvelope, esEnvelope()))],
]) {
  if (event !== expected.event || envelope !== expected.envelope) throw new Error(`${name} encodes another message`);
}
track();
if (hex(transport.events[0].protobuf) !== expected.envelope) throw new Error("track() sent another envelope");
trackProtobuf();
if (hex(lastSent.body) !== expected.envelope) throw new Error("track() with protobufFormat sent another envelope");

const rows = [
  ["event protobuf: build + validate + encode", ourProto,
   { protobufjs: () => PjHeartbeat.encode(pjEvent()).finish(), "@bufbuild/protobuf": () => es.toBinary(EsHeartbeat, esEvent()) }],
  ["envelope protobuf: build + validate + encode", ourEnvelope,
   { protobufjs: () => PjEnvelope.encode(pjEnvelope()).finish(), "@bufbuild/protobuf": () => es.toBinary(EsEnvelope, esEnvelope()) }],
  ["envelope protobuf: Tracker.track(), protobufFormat transport", trackProtobuf,
   { protobufjs: () => PjEnvelope.encode(pjEnvelope()).finish(), "@bufbuild/protobuf": () => es.toBinary(EsEnvelope, esEnvelope()) }],
  ["envelope, both formats: track() to InMemoryTransport", track, {}],
  ["event JSON: build + encode", () => sdk.toJson(ourEvent()),
   { protobufjs: () => JSON.stringify(PjHeartbeat.toObject(pjEvent(), { longs: String, enums: String })),
     "@bufbuild/protobuf": () => es.toJsonString(EsHeartbeat, esEvent()) }],
];
for (const [op, ours, officials] of rows) {
  const official = Object.fromEntries(Object.entries(officials).map(([name, fn]) => [name, perSecond(fn)]));
  console.log(JSON.stringify({ sdk: "javascript", op, ours: perSecond(ours), official }));
}
