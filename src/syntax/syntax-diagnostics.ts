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
import { describeToken } from "./parse-errors.js";
import { MAX_NESTING } from "./nesting.js";
import { editDistance } from "../diagnostics/nearest.js";

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
    if (ch === "\uFEFF") {
      return error("syntax-error", "the file starts with a byte order mark (U+FEFF)", spanAt(text, uri, e.offset, 1), "save the file as UTF-8 without a BOM");
    }
    if (ch === "}" && /pop/i.test(e.message)) {
      return error("unmatched-brace", "unexpected '}': it closes nothing", spanAt(text, uri, e.offset, 1), "remove it, or look for a missing '{' above");
    }
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
  /** The token after the parsed chunk (its "end of file" is really this token), if any. */
  next: IToken | undefined,
  text: string,
  uri: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<number>();
  for (const e of errors) {
    if (out.length >= MAX_PARSER_ERRORS) break;
    let tok = e.token;
    let message = e.message;
    if (next !== undefined && (tok.tokenType === EOF || Number.isNaN(tok.startOffset))) {
      message = message.replace(/the end of the file$/, describeToken(next));
      tok = next;
    }
    const atEnd = tok.tokenType === EOF || Number.isNaN(tok.startOffset);
    const offset = atEnd ? text.length : tok.startOffset;
    if (seen.has(offset)) continue;
    seen.add(offset);
    const closer = closerClassOfMessage.find(([prefix]) => message.startsWith(`${prefix} but found`));
    if (closer) {
      const opener = openerBefore(tokens, offset, closer[1]);
      const what = describeEnclosing(e.context.ruleStack);
      if (opener && what) {
        message = message.replace(" but found", ` to close ${what} started at line ${positionAt(text, opener.startOffset).line}, but found`);
      }
    }
    const span = atEnd ? spanAt(text, uri, text.length, 0) : spanAt(text, uri, tok.startOffset, tok.image.length);
    if (isRepeatedVersion(tok, tokens)) {
      out.push(error("syntax-error", "a second version statement: a document has one, before everything else", span, "remove this line"));
      continue;
    }
    out.push(error("syntax-error", message, span, helpFor(message, tok, (e as { previousToken?: IToken }).previousToken)));
  }
  return out;
}

/** True when `tok` is the word `version` followed by a version number: a version statement after the first. */
function isRepeatedVersion(tok: IToken, tokens: readonly IToken[]): boolean {
  if (tok.image !== "version") return false;
  const after = tokens[tokens.indexOf(tok) + 1];
  return after !== undefined && (after.tokenType === T.FloatLiteral || after.tokenType === T.IntLiteral || after.image === "development");
}

const sectionWords = [
  "input", "output", "command", "requirements", "hints", "runtime", "meta", "parameter_meta",
  "struct", "task", "workflow", "scatter", "call", "import",
];

/** A keyword the misspelled `word` probably meant, if one is close. */
export function closeKeyword(word: string): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of sectionWords) {
    const d = editDistance(lower, k);
    if (d < bestDistance && d < k.length / 2) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

function helpFor(message: string, tok: IToken, previous: IToken | undefined): string | undefined {
  if (/^expected a name.* but found keyword/.test(message)) {
    return `'${tok.image}' is a reserved keyword and cannot be used as a name`;
  }
  if (message.startsWith("expected a name for the declaration but found '{'") && previous?.tokenType === T.Identifier) {
    const meant = closeKeyword(previous.image);
    return meant ? `did you mean '${meant}'?` : "a declaration is written 'Type name = expression'";
  }
  if (message.startsWith("expected a name for the declaration but found '('")) {
    return "an expression cannot stand alone as a statement; assign it to a declaration, e.g. 'Int n = length(xs)'";
  }
  if (message.startsWith("expected 'else'")) return "an if-then-else expression needs an else branch: 'if c then a else b'";
  if (/to close the (call body|map literal|array literal|object literal|struct literal|argument list|meta array)/.test(message) && !message.endsWith("the end of the file")) {
    return "separate the entries with ','";
  }
  return undefined;
}

/** The document nests deeper than wdlrun reads (see ./nesting.ts); located at the token that passed the limit. */
export function nestedTooDeeply(at: IToken, text: string, uri: string): Diagnostic {
  return error(
    "nested-too-deeply",
    `the document is nested too deeply here (more than ${MAX_NESTING} levels of brackets, strings and operators)`,
    spanAt(text, uri, at.startOffset, at.image.length),
    "split the expression: give parts of it names of their own",
  );
}
