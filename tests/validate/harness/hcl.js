// Parse and format HCL files with HashiCorp's own Go libraries, compiled to
// WebAssembly in @cdktf/hcl2json (hcl/v2 parser, as Terraform uses) and
// @cdktf/hcl-tools (hclwrite.Format, the core of `terraform fmt`).
//
// Usage: node hcl.js FILE...
// Prints one JSON array with, for each file: {file, parsed, parseError,
// formatted}. `parsed` is hcl2json's JSON form of the file (null when parsing
// failed) and `formatted` is the formatter's output.
"use strict";

const fs = require("fs");
const path = require("path");
const { parse } = require("@cdktf/hcl2json");
const { format } = require("@cdktf/hcl-tools");

async function inspect(file) {
  const source = fs.readFileSync(file, "utf8");
  const result = { file, parsed: null, parseError: null, formatted: null };
  try {
    result.parsed = await parse(path.basename(file), source);
  } catch (error) {
    result.parseError = String(error && error.message ? error.message : error);
  }
  try {
    result.formatted = await format(source);
  } catch (error) {
    result.formatError = String(error && error.message ? error.message : error);
  }
  return result;
}

async function main() {
  const results = [];
  for (const file of process.argv.slice(2)) {
    results.push(await inspect(file));
  }
  process.stdout.write(JSON.stringify(results));
}

main().then(
  // The Go runtime in the WebAssembly modules keeps the event loop alive.
  () => process.exit(0),
  (error) => {
    process.stderr.write(`hcl.js: ${error.stack || error}\n`);
    process.exit(2);
  },
);
