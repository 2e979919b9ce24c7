/**
 * The hand-written lexer (src/syntax/lexer.ts) against Chevrotain's lexer of
 * the same definition (src/syntax/tokens.ts): on every document of the
 * corpora (the conformance suite, the examples, the test fixtures, the
 * real-world documents beside the repository when present) and on thousands
 * of mutated ones, whenever it gives tokens, Chevrotain's lexer reads the text
 * without errors to the same tokens; and it gives up on no valid document.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { IToken } from "chevrotain";
import { describe, expect, it } from "vitest";
import { lexDirectly } from "../../src/syntax/lexer.js";
import { lexWithChevrotain } from "../../src/syntax/parse.js";
import { classifyWords } from "../../src/syntax/tokens.js";
import { corpusFiles, wdlFilesUnder } from "./corpus.js";
import { mutations } from "./mutate.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function shape(tokens: readonly IToken[]): string[] {
  return tokens.map((t) => `${t.tokenType.name}@${t.startOffset}:${JSON.stringify(t.image)}/${t.tokenTypeIdx}`);
}

/** Compares the two lexers on `text`; true when the hand-written one gave tokens. */
function compare(text: string, where: string): boolean {
  const direct = lexDirectly(text);
  const chevrotain = lexWithChevrotain(text);
  if (direct === undefined) return false;
  if (chevrotain.errors.length > 0) throw new Error(`${where}: lexed directly, but Chevrotain's lexer finds ${chevrotain.errors[0]!.message}`);
  classifyWords(direct);
  const a = shape(direct);
  const b = shape(chevrotain.tokens);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) throw new Error(`${where}: token ${i} differs: ${a[i]} (direct) vs ${b[i]} (Chevrotain)`);
  }
  return true;
}

function realworldFiles(): string[] {
  const dir = process.env.WDLRUN_REALWORLD_DIR ?? join(root, "..", "shared", "realworld");
  return existsSync(dir) ? wdlFilesUnder(dir) : [];
}

describe("the hand-written lexer reads what Chevrotain's lexer reads", () => {
  it("on every document of the corpora, giving up on none that Chevrotain's lexer reads without errors", () => {
    const files = [...corpusFiles(), ...wdlFilesUnder(join(root, "examples")), ...wdlFilesUnder(join(root, "test")), ...realworldFiles()];
    expect(files.length).toBeGreaterThan(300);
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      if (!compare(text, f)) expect(lexWithChevrotain(text).errors.length, `${f}: the hand-written lexer gave up`).toBeGreaterThan(0);
    }
  });

  it("on mutated documents: never tokens where Chevrotain's lexer finds an error, never different ones", () => {
    const sources = corpusFiles().map((f) => readFileSync(f, "utf8"));
    let lexed = 0;
    for (const c of mutations(sources, 4000, 20261205)) if (compare(c.text, `mutation ${c.index} (${c.mutations.map((m) => m.kind).join(", ")})`)) lexed++;
    expect(lexed).toBeGreaterThan(2000);
  }, 60_000);
});
