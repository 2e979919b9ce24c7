import { parseDocument } from "./src/syntax/parse.js";
import { readFileSync } from "node:fs";
const r = parseDocument(readFileSync(process.argv[2]!, "utf8"), process.argv[2]!);
console.log(r.diagnostics.map((d) => `${d.span?.start.line}:${d.span?.start.column} ${d.code} ${d.message}`));
