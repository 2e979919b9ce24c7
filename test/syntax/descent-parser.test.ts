/**
 * The hand-written parser (src/syntax/descent-parser.ts) against the
 * Chevrotain grammar it stands in for: on every top-level chunk of the
 * conformance corpus, the examples, the test fixtures, the real-world
 * documents beside the repository (../shared/realworld or
 * $WDLRUN_REALWORLD_DIR, when present) and thousands of mutated documents,
 * whenever it gives a CST, the grammar (without error recovery) parses the
 * chunk without errors to the same CST; on valid documents it gives up on
 * almost nothing; and end to end (with the hand-written lexer too),
 * parseDocument gives the same AST and diagnostics as with Chevrotain alone.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CstNode, IToken } from "chevrotain";
import { describe, expect, it } from "vitest";
import { parseChunkDirectly } from "../../src/syntax/descent-parser.js";
import { lexDocument, parseDocument, topLevelChunks } from "../../src/syntax/parse.js";
import { fastParser } from "../../src/syntax/parser.js";
import { corpusFiles, wdlFilesUnder } from "./corpus.js";
import { mutations } from "./mutate.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A CST as text: children sorted by key, each token as type@offset:image (what the AST builder reads). */
function shape(n: CstNode): string {
  return JSON.stringify(n, (_key, v: unknown) => {
    if (v !== null && typeof v === "object" && "tokenType" in v) {
      const t = v as IToken;
      return `${t.tokenType.name}@${t.startOffset}:${t.image}`;
    }
    if (v !== null && typeof v === "object" && "children" in v) {
      const c = (v as CstNode).children as Record<string, unknown>;
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(c).sort()) if (c[k] !== undefined) sorted[k] = c[k];
      return { name: (v as CstNode).name, children: sorted };
    }
    return v;
  });
}

interface Tally {
  chunks: number;
  /** Chunks the grammar parses without errors. */
  valid: number;
  /** Chunks the hand-written parser gave a CST for. */
  direct: number;
}

/** Compares the two parsers on every chunk of `text`; throws on the first disagreement. */
function compare(text: string, where: string, tally: Tally): void {
  const { tokens } = lexDocument(text);
  const bounds = topLevelChunks(tokens);
  for (let i = 0; i + 1 < bounds.length; i++) {
    const chunk = tokens.slice(bounds[i], bounds[i + 1]);
    const direct = parseChunkDirectly(chunk);
    const grammar = fastParser().parseChunk(chunk);
    tally.chunks++;
    if (grammar.errors.length === 0) tally.valid++;
    if (direct === undefined) continue;
    tally.direct++;
    if (grammar.errors.length > 0) throw new Error(`${where}, chunk ${i}: parsed directly, but the grammar finds ${grammar.errors[0]!.message}`);
    const a = shape(direct);
    const b = shape(grammar.cst);
    if (a !== b) {
      let at = 0;
      while (a[at] === b[at]) at++;
      throw new Error(`${where}, chunk ${i}: the CSTs differ\n direct:  …${a.slice(Math.max(0, at - 150), at + 150)}\n grammar: …${b.slice(Math.max(0, at - 150), at + 150)}`);
    }
  }
}

/** A parse result as text: spans as offsets, Int values as digits. */
function parseShape(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return `${v}n`;
    if (v !== null && typeof v === "object" && "uri" in v && "start" in v && "end" in v) {
      const span = v as { start: { offset: number }; end: { offset: number } };
      return `${span.start.offset}-${span.end.offset}`;
    }
    return v;
  });
}

/** parseDocument with and without the hand-written lexer and parser; throws on the first difference. */
function compareParses(text: string, where: string): void {
  const direct = parseShape(parseDocument(text, "/doc.wdl"));
  const grammar = parseShape(parseDocument(text, "/doc.wdl", { direct: false }));
  if (direct === grammar) return;
  let at = 0;
  while (direct[at] === grammar[at]) at++;
  throw new Error(`${where}: the parses differ\n direct:  …${direct.slice(Math.max(0, at - 200), at + 200)}\n grammar: …${grammar.slice(Math.max(0, at - 200), at + 200)}`);
}

function realworldFiles(): string[] {
  const dir = process.env.WDLRUN_REALWORLD_DIR ?? join(root, "..", "shared", "realworld");
  return existsSync(dir) ? wdlFilesUnder(dir) : [];
}

describe("the hand-written parser builds the grammar's CST", () => {
  const files = [...corpusFiles(), ...wdlFilesUnder(join(root, "examples")), ...wdlFilesUnder(join(root, "test")), ...realworldFiles()];

  it("on every document of the corpora, and gives up on almost no valid chunk", () => {
    const tally: Tally = { chunks: 0, valid: 0, direct: 0 };
    for (const f of files) compare(readFileSync(f, "utf8"), f, tally);
    expect(tally.chunks).toBeGreaterThan(1000);
    // What it leaves to the grammar among valid chunks: misplaced top-level elements, which the builder reports.
    expect(tally.direct).toBeGreaterThan(tally.valid * 0.99);
  }, 60_000);

  it("on mutated documents: never a CST where the grammar finds an error, never a different one", () => {
    const sources = corpusFiles().map((f) => readFileSync(f, "utf8"));
    const tally: Tally = { chunks: 0, valid: 0, direct: 0 };
    for (const c of mutations(sources, 3000, 20261204)) compare(c.text, `mutation ${c.index} (${c.mutations.map((m) => m.kind).join(", ")})`, tally);
    // The mutations leave many chunks valid, and the direct parser takes most of those.
    expect(tally.direct).toBeGreaterThan(tally.chunks / 3);
  }, 120_000);

  it("end to end: parseDocument gives the same AST and diagnostics with Chevrotain alone, on the corpora and mutated documents", () => {
    for (const f of files) compareParses(readFileSync(f, "utf8"), f);
    const sources = corpusFiles().map((f) => readFileSync(f, "utf8"));
    for (const c of mutations(sources, 1500, 20261206)) compareParses(c.text, `mutation ${c.index} (${c.mutations.map((m) => m.kind).join(", ")})`);
  }, 120_000);
});
