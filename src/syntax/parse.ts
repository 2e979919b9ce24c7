/**
 * The syntax layer's public entry point: text in, AST and diagnostics out.
 * Lexing, parsing (with Chevrotain's error recovery) and CST→AST conversion
 * all report into one diagnostics list; nothing here throws on any input.
 */
import { Lexer } from "chevrotain";
import type { Document } from "./ast.js";
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import { lexerDefinition } from "./tokens.js";
import { parseTokens } from "./parser.js";
import { BuildContext } from "./build/context.js";
import { buildDocument } from "./build/document.js";
import { lexerDiagnostics, parserDiagnostics } from "./syntax-diagnostics.js";

/** The shared lexer (built once). */
const wdlLexer = new Lexer(lexerDefinition, { positionTracking: "full", ensureOptimizations: false });

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

/**
 * Parses a WDL document (1.0, 1.1, 1.2 or `development`). `uri` names the
 * document in spans and diagnostics. Never throws.
 */
export function parseDocument(text: string, uri: string): ParseResult {
  try {
    const lexed = wdlLexer.tokenize(text);
    const diagnostics: Diagnostic[] = lexerDiagnostics(lexed.errors, text, uri);
    const { cst, errors } = parseTokens(lexed.tokens);
    diagnostics.push(...parserDiagnostics(errors, lexed.tokens, text, uri));
    const ctx = new BuildContext(uri, text);
    const document = buildDocument(ctx, cst);
    diagnostics.push(...ctx.diagnostics);
    return { document, diagnostics: sortDiagnostics(diagnostics) };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return {
      document: undefined,
      diagnostics: [error("internal-error", `wdlrun could not parse this document (internal error: ${detail}); please report it`, undefined)],
    };
  }
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.span?.start.offset ?? -1) - (b.d.span?.start.offset ?? -1) || a.i - b.i)
    .map((x) => x.d);
}
