/**
 * Chevrotain's own checks of the grammar and the token definitions, which the
 * shared lexer and parsers skip at start-up (src/syntax/parse.ts, parser.ts):
 * they must pass for the grammar as it is, with and without error recovery.
 */
import { Lexer } from "chevrotain";
import { describe, expect, it } from "vitest";
import { lexerConfig } from "../../src/syntax/parse.js";
import { WdlParser } from "../../src/syntax/parser.js";
import * as T from "../../src/syntax/tokens.js";

describe("grammar self-validation", () => {
  it("the token definitions pass the lexer's checks", () => {
    const lexer = new Lexer(T.lexerDefinition, { ...lexerConfig, deferDefinitionErrorsHandling: true });
    expect(lexer.lexerDefinitionErrors.map((e) => e.message)).toEqual([]);
  });

  it.each([false, true])("the grammar passes the parser's checks (recovery %s)", (recovery) => {
    expect(() => new WdlParser(recovery, true)).not.toThrow();
  });
});
