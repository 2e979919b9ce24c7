/**
 * `npm run grammar`: writes grammar/diagrams.html, railroad diagrams of every
 * rule of the WDL parser (chevrotain's createSyntaxDiagramsCode over the
 * parser's serialized grammar). Open the file in a browser; it loads the
 * diagram renderer from unpkg.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSyntaxDiagramsCode } from "chevrotain";
import { fastParser } from "../src/syntax/parser.js";

const out = join(dirname(fileURLToPath(import.meta.url)), "diagrams.html");
writeFileSync(out, createSyntaxDiagramsCode(fastParser.getSerializedGastProductions()));
console.log(`wrote ${out}`);
