/**
 * CST→AST for string literals (`"…"`, `'…'`, `<<<…>>>`), command sections and
 * `~{…}` / `${…}` placeholders with their options.
 */
import type { CstNode, IToken } from "chevrotain";
import type { CommandSection, Expr, Placeholder, PlaceholderOption, StringLiteral, TextPart } from "../ast.js";
import type { Span } from "../../diagnostics/span.js";
import { BuildContext, Incomplete, nodesOf, tokenOf, tokensOf } from "./context.js";
import { FEATURES } from "./features.js";
import { LENIENCIES } from "../leniencies.js";
import { decodeEscapes, normalizeMultiLine, type EscapeProblem, type MultiLinePart } from "./strings.js";
import { floatLiteral, intLiteral, needExpression } from "./expressions.js";

const placeholderOptionNames = new Set(["sep", "true", "false", "default"]);

/** Text tokens (by token name) and placeholder nodes of `node`, in source order. */
function partsInOrder(node: CstNode, textName: string): readonly (IToken | CstNode)[] {
  const texts = tokensOf(node, textName);
  const placeholders = nodesOf(node, "placeholder");
  if (placeholders.length === 0) return texts;
  const offsetOf = (p: IToken | CstNode): number =>
    "image" in p ? p.startOffset : ((tokenOf(p, "TildeLCurly") ?? tokenOf(p, "DollarLCurly"))?.startOffset ?? Number.MAX_SAFE_INTEGER);
  return [...texts, ...placeholders].sort((a, b) => offsetOf(a) - offsetOf(b));
}

function isToken(p: IToken | CstNode): p is IToken {
  return "image" in p;
}

/** Builds a `string` CST node. */
export function buildString(ctx: BuildContext, node: CstNode): StringLiteral {
  const dq = tokenOf(node, "DqStart");
  const sq = tokenOf(node, "SqStart");
  const ml = tokenOf(node, "MlStart");
  const start = dq ?? sq ?? ml;
  if (start === undefined) throw new Incomplete();
  const endToken = tokenOf(node, dq ? "DqEnd" : sq ? "SqEnd" : "MlEnd");
  const unterminated = tokenOf(node, "UnterminatedString");
  const lastPart = endToken ?? unterminated;
  if (ml) {
    const span = ctx.span(start, lastPart);
    ctx.gate(FEATURES.multiLineString, span);
    return { kind: "String", quote: "<<<", parts: multiLineParts(ctx, node, span), span };
  }
  const quote = dq ? '"' : "'";
  const parts: (TextPart | Placeholder)[] = [];
  for (const p of partsInOrder(node, dq ? "DqText" : "SqText")) {
    if (isToken(p)) {
      const { text, problems } = decodeEscapes(p.image, false);
      reportEscapeProblems(ctx, p, problems);
      parts.push({ kind: "Text", text, span: ctx.tokenSpan(p) });
    } else {
      parts.push(buildPlaceholder(ctx, p));
    }
  }
  const span = ctx.span(start, unterminated ? (parts[parts.length - 1]?.span ?? start) : lastPart);
  if (unterminated) {
    ctx.error(
      "unterminated-string",
      `this string is not closed: expected ${quote} before the end of the line`,
      ctx.tokenSpan(start),
      `add the closing ${quote}; a ${quote === '"' ? "double" : "single"}-quoted string must end on the line where it starts (use <<< >>> for multi-line text in WDL 1.2)`,
    );
  }
  return { kind: "String", quote, parts, span };
}

function multiLineParts(ctx: BuildContext, node: CstNode, span: Span): (TextPart | Placeholder)[] {
  const raw: MultiLinePart<Placeholder>[] = partsInOrder(node, "MlText").map((p) =>
    isToken(p) ? { text: p.image } : { placeholder: buildPlaceholder(ctx, p) },
  );
  return normalizeMultiLine(raw).map((p) => {
    if ("placeholder" in p) return p.placeholder;
    const { text, problems } = decodeEscapes(p.text, true);
    for (const problem of problems) reportEscapeProblem(ctx, problem, span);
    return { kind: "Text", text, span };
  });
}

function reportEscapeProblems(ctx: BuildContext, t: IToken, problems: readonly EscapeProblem[]): void {
  for (const problem of problems) {
    const start = ctx.position(t.startOffset + problem.index);
    const end = { line: start.line, column: start.column + problem.length, offset: start.offset + problem.length };
    reportEscapeProblem(ctx, problem, { uri: ctx.uri, start, end });
  }
}

function reportEscapeProblem(ctx: BuildContext, problem: EscapeProblem, span: Span): void {
  if (problem.unknown) ctx.lenient("unknown-escape", problem.message, span, LENIENCIES.unknownEscape);
  else ctx.error("invalid-escape", problem.message, span, problem.help);
}

/** Builds a `placeholder` CST node. */
export function buildPlaceholder(ctx: BuildContext, node: CstNode): Placeholder {
  const open = tokenOf(node, "TildeLCurly") ?? tokenOf(node, "DollarLCurly");
  if (open === undefined) throw new Incomplete();
  const options = nodesOf(node, "placeholderOption").map((o) => buildOption(ctx, o));
  const expr = needExpression(ctx, node);
  return {
    kind: "Placeholder",
    syntax: open.image === "~{" ? "~{" : "${",
    options,
    expr,
    span: ctx.span(open, tokenOf(node, "RCurly") ?? expr.span),
  };
}

function buildOption(ctx: BuildContext, node: CstNode): PlaceholderOption {
  const [nameTok, valueTok] = [
    ...tokensOf(node, "Identifier"),
    ...tokensOf(node, "True"),
    ...tokensOf(node, "False"),
  ].sort((a, b) => a.startOffset - b.startOffset);
  if (nameTok === undefined) throw new Incomplete();
  let value: Expr;
  const str = nodesOf(node, "string")[0];
  const int = tokenOf(node, "IntLiteral");
  const float = tokenOf(node, "FloatLiteral");
  if (str) value = buildString(ctx, str);
  else if (int) value = intLiteral(ctx, int);
  else if (float) value = floatLiteral(ctx, float);
  else if (valueTok) value = { kind: "Boolean", value: valueTok.image === "true", span: ctx.tokenSpan(valueTok) };
  else throw new Incomplete();
  const nameSpan = ctx.tokenSpan(nameTok);
  if (!placeholderOptionNames.has(nameTok.image)) {
    ctx.error(
      "unknown-placeholder-option",
      `unknown placeholder option '${nameTok.image}'; the options are sep, true, false and default`,
      nameSpan,
    );
  }
  return { kind: "PlaceholderOption", name: nameTok.image as "sep", value, span: ctx.span(nameSpan, value.span) };
}

/** Builds a `commandSection` CST node (text kept exactly as written). */
export function buildCommand(ctx: BuildContext, node: CstNode): CommandSection {
  const heredoc = tokenOf(node, "CommandHeredocStart");
  const start = heredoc ?? tokenOf(node, "CommandBraceStart");
  if (start === undefined) throw new Incomplete();
  const parts = partsInOrder(node, heredoc ? "HeredocText" : "BraceCommandText").map(
    (p): TextPart | Placeholder =>
      isToken(p) ? { kind: "Text", text: p.image, span: ctx.tokenSpan(p) } : buildPlaceholder(ctx, p),
  );
  const end = tokenOf(node, heredoc ? "HeredocEnd" : "BraceCommandEnd");
  return { kind: "CommandSection", style: heredoc ? "heredoc" : "brace", parts, span: ctx.span(start, end ?? parts[parts.length - 1]?.span) };
}

