/**
 * Fuzzing: thousands of randomly mutated corpus documents (deterministic
 * seed). parseDocument must always return a document or diagnostics — never
 * throw, never hang, never produce an internal error — and every diagnostic
 * must point inside the text.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDocument } from "../../src/syntax/parse.js";
import { corpusFiles } from "./corpus.js";
import { mutations } from "./mutate.js";

const CASES = 4000;
const SEED = 20240527;

describe("fuzzing parseDocument with mutated corpus files", () => {
  const sources = corpusFiles().map((f) => readFileSync(f, "utf8"));

  it(`survives ${CASES} mutated documents`, () => {
    expect(sources.length).toBeGreaterThan(0);
    let withDiagnostics = 0;
    for (const c of mutations(sources, CASES, SEED)) {
      let result: ReturnType<typeof parseDocument>;
      try {
        result = parseDocument(c.text, "/fuzz.wdl");
      } catch (e) {
        throw new Error(`case ${c.index} (${c.mutations.map((m) => m.kind).join(", ")}) threw: ${String(e)}\n${c.text}`);
      }
      const internal = result.diagnostics.find((d) => d.code === "internal-error");
      if (internal) throw new Error(`case ${c.index}: ${internal.message}\n${c.text}`);
      if (result.document === undefined) expect(result.diagnostics.length).toBeGreaterThan(0);
      for (const d of result.diagnostics) {
        expect(d.message.length).toBeGreaterThan(0);
        if (d.span) {
          expect(d.span.start.offset).toBeGreaterThanOrEqual(0);
          expect(d.span.end.offset).toBeLessThanOrEqual(c.text.length + 1);
          expect(d.span.start.line).toBeGreaterThanOrEqual(1);
        }
      }
      if (result.diagnostics.length > 0) withDiagnostics++;
    }
    // Most mutations break something; the fuzzer would be useless otherwise.
    expect(withDiagnostics).toBeGreaterThan(CASES / 3);
  }, 60_000);
});
