/**
 * Turns Chevrotain's lexing and parsing errors into located Diagnostics that
 * read as plain sentences: what was expected, what was found, and for a
 * missing closer, which opener it would close ("expected '}' to close the
 * task body started at line 3 but found keyword 'workflow'").
 */
import { EOF, type ILexingError, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Position, Span } from "../diagnostics/span.js";
import * as T from "./tokens.js";

/** At most this many parser errors are reported per document (later ones are mostly echoes). */
const MAX_PARSER_ERRORS = 25;

function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1, offset };
}

function spanAt(text: string, uri: string, offset: number, length: number): Span {
  return { uri, start: positionAt(text, offset), end: positionAt(text, offset + length) };
}

/** Diagnostics for characters the lexer could not read. */
export function lexerDiagnostics(errors: readonly ILexingError[], text: string, uri: string): Diagnostic[] {
  return errors.map((e) => {
    const ch = text[e.offset] ?? "";
    const shown = /[\x00-\x1f\x7f]/.test(ch) ? `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` : `'${ch}'`;
    const help = ch === "\\" ? "a backslash in a string must start an escape such as \\\\ or \\n" : undefined;
    return error("syntax-error", `unexpected character ${shown}`, spanAt(text, uri, e.offset, Math.max(1, e.length)), help);
  });
}

type BracketClass = "curly" | "heredoc" | "ml" | "paren" | "square" | "dq" | "sq";

const openers = new Map<TokenType, BracketClass>([
  [T.LCurly, "curly"],
  [T.TildeLCurly, "curly"],
  [T.DollarLCurly, "curly"],
  [T.CommandBraceStart, "curly"],
  [T.CommandHeredocStart, "heredoc"],
  [T.MlStart, "ml"],
  [T.LParen, "paren"],
  [T.LSquare, "square"],
  [T.DqStart, "dq"],
  [T.SqStart, "sq"],
]);

const closers = new Map<TokenType, BracketClass>([
  [T.RCurly, "curly"],
  [T.BraceCommandEnd, "curly"],
  [T.HeredocEnd, "heredoc"],
  [T.MlEnd, "ml"],
  [T.RParen, "paren"],
  [T.RSquare, "square"],
  [T.DqEnd, "dq"],
  [T.SqEnd, "sq"],
]);

const closerClassOfMessage: ReadonlyArray<[string, BracketClass]> = [
  ["expected '}'", "curly"],
  ["expected '>>>'", "heredoc"],
  ["expected ')'", "paren"],
  ["expected ']'", "square"],
  [`expected '"'`, "dq"],
  [`expected "'"`, "sq"],
];

/** The innermost opener of class `cls` still open before `offset`. */
function openerBefore(tokens: readonly IToken[], offset: number, cls: BracketClass): IToken | undefined {
  const stack: { t: IToken; cls: BracketClass }[] = [];
  for (const t of tokens) {
    if (!(t.startOffset < offset)) break;
    const open = openers.get(t.tokenType);
    if (open !== undefined) {
      stack.push({ t, cls: open });
      continue;
    }
    let close = closers.get(t.tokenType);
    if (t.tokenType === T.UnterminatedString) close = stack[stack.length - 1]?.cls === "sq" ? "sq" : "dq";
    if (close === undefined) continue;
    const at = findLast(stack, close);
    if (at !== -1) stack.length = at;
  }
  const at = findLast(stack, cls);
  return at === -1 ? undefined : stack[at]!.t;
}

function findLast(stack: readonly { cls: BracketClass }[], cls: BracketClass): number {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.cls === cls) return i;
  return -1;
}

/** What a bracket closes, from the rule the parser was in (and its parent). */
function describeEnclosing(ruleStack: readonly string[]): string | undefined {
  const rule = ruleStack[ruleStack.length - 1];
  const parent = ruleStack[ruleStack.length - 2];
  const byParent: Record<string, string> = {
    taskDefinition: "the task body",
    workflowDefinition: "the workflow body",
    structDefinition: "the struct body",
    scatterStatement: "the scatter body",
    conditionalStatement: "the if body",
    inputSection: "the input section",
    outputSection: "the output section",
    requirementsSection: "the requirements section",
    hintsSection: "the hints section",
    runtimeSection: "the runtime section",
    metaSection: "the meta section",
    parameterMetaSection: "the parameter_meta section",
    objectLiteral: "the object literal",
    structLiteral: "the struct literal",
  };
  const byRule: Record<string, string> = {
    metaObject: "the meta object",
    metaArray: "the meta array",
    callBody: "the call body",
    mapLiteral: "the map literal",
    arrayLiteral: "the array literal",
    hintsLiteral: "the hints literal",
    placeholder: "the placeholder",
    commandSection: "the command section",
    string: "the string",
    apply: "the argument list",
    groupOrPair: "the parenthesis",
    indexAccess: "the index",
    type: "the type parameters",
    scatterStatement: "the scatter header",
    conditionalStatement: "the if condition",
  };
  if (rule === undefined) return undefined;
  if (["body", "declarationBlock", "keyValueBlock", "metaBlock", "memberInitBlock"].includes(rule)) {
    return parent ? byParent[parent] : undefined;
  }
  return byRule[rule];
}

/** Diagnostics for the parser's recognition errors. */
export function parserDiagnostics(
  errors: readonly IRecognitionException[],
  tokens: readonly IToken[],
  text: string,
  uri: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<number>();
  for (const e of errors) {
    if (out.length >= MAX_PARSER_ERRORS) break;
    const tok = e.token;
    const atEnd = tok.tokenType === EOF || Number.isNaN(tok.startOffset);
    const offset = atEnd ? text.length : tok.startOffset;
    if (seen.has(offset)) continue;
    seen.add(offset);
    let message = e.message;
    const closer = closerClassOfMessage.find(([prefix]) => message.startsWith(`${prefix} but found`));
    if (closer) {
      const opener = openerBefore(tokens, offset, closer[1]);
      const what = describeEnclosing(e.context.ruleStack);
      if (opener && what) {
        message = message.replace(" but found", ` to close ${what} started at line ${opener.startLine}, but found`);
      }
    }
    const span = atEnd ? spanAt(text, uri, text.length, 0) : spanAt(text, uri, tok.startOffset, tok.image.length);
    out.push(error("syntax-error", message, span, helpFor(message, tok)));
  }
  return out;
}

function helpFor(message: string, tok: IToken): string | undefined {
  if (message.startsWith("expected a name but found keyword")) {
    return `'${tok.image}' is a reserved keyword and cannot be used as a name`;
  }
  return undefined;
}
