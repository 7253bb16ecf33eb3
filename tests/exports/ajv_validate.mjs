// Validates documents with ajv (draft 2020-12) in strict mode, as a data
// team's service would: node ajv_validate.mjs INPUT.json OUTPUT.json
//
// INPUT: {"schemas": {name: schema}, "keywords": [name...], "checks": [[name, document], ...]}
// OUTPUT: {"verdicts": [true|false, ...]} in the order of the checks.
// Compiling a schema that strict mode refuses exits with status 2 and the reason.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.env.AJV_FROM ?? import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;

const [input, output] = process.argv.slice(2);
const request = JSON.parse(readFileSync(input, "utf8"));
// ownProperties: without it ajv reads members that a document does not have,
// such as "constructor" or "toString", from Object.prototype (ajv issues 1045
// and 2664); a model may well name a property so (docs/exports.md).
const ajv = new Ajv2020({ strict: true, allErrors: false, ownProperties: true });
for (const keyword of request.keywords ?? []) ajv.addKeyword(keyword);

const validators = {};
for (const [name, schema] of Object.entries(request.schemas)) {
  try {
    validators[name] = ajv.compile(schema);
  } catch (error) {
    process.stderr.write(`strict mode refuses ${name}: ${error.message}\n`);
    process.exit(2);
  }
}
const verdicts = request.checks.map(([name, document]) => validators[name](document));
writeFileSync(output, JSON.stringify({ verdicts }));
