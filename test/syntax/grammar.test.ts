/**
 * grammar/wdl.ebnf stays in sync with the parser: the same rule names, in
 * both directions (capitalized EBNF names are tokens; `operand` and `primary`
 * are written out in the EBNF but inlined into `expression` in the parser).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fastParser } from "../../src/syntax/parser.js";

const ebnf = readFileSync(new URL("../../grammar/wdl.ebnf", import.meta.url), "utf8");
const ebnfRules = [...ebnf.matchAll(/^([a-zA-Z]\w*)\s+::=/gm)].map((m) => m[1]!);
const parserRules = Object.keys(fastParser().getGAstProductions());
const inlinedInParser = new Set(["operand", "primary"]);

describe("grammar/wdl.ebnf", () => {
  it("defines every parser rule", () => {
    expect(parserRules.filter((r) => !ebnfRules.includes(r))).toEqual([]);
  });

  it("defines no rule the parser lacks (tokens are capitalized)", () => {
    const extra = ebnfRules.filter((r) => /^[a-z]/.test(r) && !parserRules.includes(r) && !inlinedInParser.has(r));
    expect(extra).toEqual([]);
  });

  it("mentions every token-level name it uses", () => {
    const tokens = new Set(ebnfRules.filter((r) => /^[A-Z]/.test(r)));
    for (const used of ["Identifier", "Keyword", "Int", "Float", "BinaryOperator", "StrayToken"]) expect(tokens.has(used)).toBe(true);
  });
});
