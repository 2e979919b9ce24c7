/**
 * The syntax layer's public entry point: text in, AST and diagnostics out.
 * Lexing, parsing (one top-level element at a time) and CST→AST conversion
 * all report into one diagnostics list; nothing here throws on any input.
 *
 * Lexing is the hand-written ./lexer.ts's, or Chevrotain's where that one
 * gives up (an unexpected character: Chevrotain's lexer reports it). Each
 * top-level chunk is parsed on its own (so no large CST ever lives
 * whole), first by the hand-written parser for valid input
 * (./descent-parser.ts); a chunk it gives up on (a syntax error, or
 * something misplaced that the builder reports) is parsed by the Chevrotain
 * parser with error recovery, which gives the syntax diagnostics.
 */
import { Lexer, type ILexerConfig, type ILexingResult, type IToken, type TokenType } from "chevrotain";
import type { Document } from "./ast.js";
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import * as T from "./tokens.js";
import { recoveringParser } from "./parser.js";
import { parseChunkDirectly } from "./descent-parser.js";
import { lexDirectly } from "./lexer.js";
import { BuildContext } from "./cst-to-ast/context.js";
import { DocumentBuilder } from "./cst-to-ast/document.js";
import { nestingProblem } from "./nesting.js";
import { lexerDiagnostics, nestedTooDeeply, parserDiagnostics } from "./syntax-diagnostics.js";

/** How the lexer is configured (validations aside). */
export const lexerConfig: ILexerConfig = { positionTracking: "onlyOffset", ensureOptimizations: false };

let chevrotainLexer: Lexer | undefined;

/**
 * The shared Chevrotain lexer, built on first use (for a document the
 * hand-written ./lexer.ts gives up on), without Chevrotain's checks of the
 * token definitions: they cost start-up time and can only fail when
 * tokens.ts changes, which test/syntax/grammar-validation.test.ts covers.
 */
function wdlLexer(): Lexer {
  return (chevrotainLexer ??= new Lexer(T.lexerDefinition, { ...lexerConfig, skipValidations: true }));
}

/** The tokens of a document (keywords classified, see classifyWords) and the lexer's errors. */
export function lexDocument(text: string): ILexingResult {
  const direct = lexDirectly(text);
  const lexed = direct !== undefined ? { tokens: direct, groups: {}, errors: [] } : wdlLexer().tokenize(text);
  T.classifyWords(lexed.tokens);
  return lexed;
}

/** The tokens of Chevrotain's lexer alone (keywords classified), for the tests that hold ./lexer.ts to it. */
export function lexWithChevrotain(text: string): ILexingResult {
  const lexed = wdlLexer().tokenize(text);
  T.classifyWords(lexed.tokens);
  return lexed;
}

/** The result of parsing one document. */
export interface ParseResult {
  /**
   * The AST; undefined only when the version statement is missing or
   * unsupported (or on an internal error). When `diagnostics` has errors the
   * AST may be partial: elements the parser could not make sense of are left out.
   */
  readonly document: Document | undefined;
  /** Syntax diagnostics, in source order. */
  readonly diagnostics: Diagnostic[];
}

/** How parseDocument parses. */
export interface ParseOptions {
  /**
   * Whether the hand-written lexer and parser may be used (default true);
   * false: Chevrotain's alone, which the tests hold the hand-written ones to.
   */
  readonly direct?: boolean;
}

/**
 * Parses a WDL document (1.0, 1.1, 1.2, 1.3 or `development`). `uri` names the
 * document in spans and diagnostics. Never throws.
 */
export function parseDocument(text: string, uri: string, options: ParseOptions = {}): ParseResult {
  const direct = options.direct !== false;
  try {
    const lexed = direct ? lexDocument(text) : lexWithChevrotain(text);
    const tokens = lexed.tokens;
    const primary = lexerDiagnostics(lexed.errors, text, uri);
    const tooDeep = nestingProblem(tokens);
    if (tooDeep !== undefined) return { document: undefined, diagnostics: [...primary, nestedTooDeeply(tooDeep, text, uri)] };
    const ctx = new BuildContext(uri, text);
    const builder = new DocumentBuilder(ctx);
    const bounds = topLevelChunks(tokens);
    for (let i = 0; i + 1 < bounds.length; i++) {
      const chunk = tokens.slice(bounds[i], bounds[i + 1]);
      const parsed = direct ? parseChunkDirectly(chunk) : undefined;
      if (parsed !== undefined) {
        builder.add(parsed);
        continue;
      }
      const { cst, errors } = recoveringParser().parseChunk(chunk);
      primary.push(...parserDiagnostics(errors, tokens, tokens[bounds[i + 1]!], text, uri));
      builder.add(cst);
    }
    const document = builder.finish();
    return { document, diagnostics: dropEchoes(primary, ctx.diagnostics) };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return {
      document: undefined,
      diagnostics: [error("internal-error", `wdlrun could not parse ${uri} (internal error: ${detail}); please report it`, undefined)],
    };
  }
}

const topLevelStarts = new Set<TokenType>(T.topLevelStarts);

/**
 * Splits the token vector before every `import`, `struct`, `task` and
 * `workflow` at brace depth 0, so each top-level element is parsed (and its
 * CST converted and dropped) on its own: much less memory and GC on large
 * documents. Returns the chunk boundaries, first 0 and last tokens.length.
 * An element with an unclosed brace simply extends its chunk to the end.
 */
export function topLevelChunks(tokens: readonly IToken[]): number[] {
  const bounds = [0];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!.tokenType;
    if (t === T.LCurly || t === T.TildeLCurly || t === T.DollarLCurly || t === T.CommandBraceStart) depth++;
    else if (t === T.RCurly || t === T.BraceCommandEnd) depth = Math.max(0, depth - 1);
    else if (depth === 0 && i > 0 && topLevelStarts.has(t)) bounds.push(i);
  }
  bounds.push(tokens.length);
  return bounds;
}

function line(d: Diagnostic): number {
  return d.span?.start.line ?? 0;
}

/**
 * Sorts diagnostics and drops the ones that merely echo an earlier syntax
 * error: the AST builder's findings on a line where the lexer or parser
 * already complained, any second syntax error on one line, and a stray `}`
 * at the top level after an earlier error (recovery closed a body early).
 */
function dropEchoes(primary: readonly Diagnostic[], built: readonly Diagnostic[]): Diagnostic[] {
  const primaryLines = new Set(primary.map(line));
  const firstPrimary = Math.min(...primary.map((d) => d.span?.start.offset ?? 0));
  const candidates = [
    ...primary,
    ...built.filter((d) => {
      if (d.severity !== "error") return true;
      if (primaryLines.has(line(d))) return false;
      return !(d.code === "unmatched-brace" && (d.span?.start.offset ?? 0) > firstPrimary);
    }),
  ];
  const sorted = candidates
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.span?.start.offset ?? -1) - (b.d.span?.start.offset ?? -1) || a.i - b.i)
    .map((x) => x.d);
  const syntaxLines = new Set<number>();
  return sorted.filter((d) => {
    if (d.code !== "syntax-error") return true;
    if (syntaxLines.has(line(d))) return false;
    syntaxLines.add(line(d));
    return true;
  });
}
