/**
 * CST→AST for declarations, input/output sections, key-value sections
 * (requirements, hints, runtime) and workflow statements (call, scatter, if).
 */
import type { CstNode, IToken } from "chevrotain";
import type {
  CallInput,
  CallStatement,
  Declaration,
  Identifier,
  KeyValueEntry,
  KeyValueSection,
  KeyValueSectionName,
} from "../ast.js";
import { BuildContext, Incomplete, needNode, needToken, nodeOf, nodesOf, tokenOf, tokensOf } from "./context.js";
import { buildExpression, buildType, ident, nameToken, needExpression, keywordName, reservedName } from "./expressions.js";
import { FEATURES } from "./features.js";
import { LENIENCIES } from "../leniencies.js";

/** Reports keys that appear more than once in one section or object. */
export function reportDuplicateKeys(ctx: BuildContext, keys: readonly Identifier[], where: string): void {
  if (keys.length < 2) return;
  const seen = new Map<string, Identifier>();
  for (const key of keys) {
    const first = seen.get(key.name);
    if (first) {
      ctx.error(
        "duplicate-key",
        `the key '${key.name}' appears twice in this ${where}`,
        key.span,
        "remove one of them",
        [{ span: first.span, message: `'${key.name}' first appears here` }],
      );
    } else {
      seen.set(key.name, key);
    }
  }
}

/** Builds a `declaration` CST node. */
export function buildDeclaration(ctx: BuildContext, node: CstNode): Declaration {
  const envTok = tokenOf(node, "Env");
  const type = buildType(ctx, needNode(node, "type"));
  const nameTok = tokenOf(node, "Identifier") ?? tokenOf(node, "Keyword");
  if (nameTok === undefined) throw new Incomplete();
  if (tokenOf(node, "Keyword") !== undefined) keywordName(ctx, nameTok);
  const name = ident(ctx, nameTok);
  const exprNode = nodeOf(node, "expression");
  if (tokenOf(node, "Equals") !== undefined && exprNode === undefined) throw new Incomplete();
  const expr = exprNode ? buildExpression(ctx, exprNode) : undefined;
  if (envTok) ctx.gate(FEATURES.env, ctx.tokenSpan(envTok));
  const start = envTok ? ctx.tokenSpan(envTok) : type.span;
  return { kind: "Declaration", type, name, expr, env: envTok !== undefined, span: ctx.span(start, expr?.span ?? name.span) };
}

/** The declarations of an input/output section's `declarationBlock`, plus its span. */
export function buildDeclarationBlock(
  ctx: BuildContext,
  keyword: IToken,
  node: CstNode,
): { declarations: Declaration[]; span: ReturnType<BuildContext["span"]>; strays: readonly CstNode[] } {
  const block = needNode(node, "declarationBlock");
  const declarations: Declaration[] = [];
  for (const d of nodesOf(block, "declaration")) {
    const built = tryBuild(() => buildDeclaration(ctx, d));
    if (built) declarations.push(built);
  }
  return { declarations, span: ctx.span(keyword, tokenOf(block, "RCurly")), strays: nodesOf(block, "stray") };
}

/** Runs `build`, turning an Incomplete (already reported by the parser) into undefined. */
export function tryBuild<T>(build: () => T): T | undefined {
  try {
    return build();
  } catch (e) {
    if (e instanceof Incomplete) return undefined;
    throw e;
  }
}

/** Builds a requirements/hints/runtime section (`section` names which). */
export function buildKeyValueSection(ctx: BuildContext, node: CstNode, section: KeyValueSectionName): KeyValueSection {
  const keyword = tokenOf(node, section === "requirements" ? "Requirements" : section === "hints" ? "Hints" : "Runtime");
  if (keyword === undefined) throw new Incomplete();
  const block = needNode(node, "keyValueBlock");
  const span = ctx.span(keyword, tokenOf(block, "RCurly"));
  if (section !== "runtime") ctx.gate(section === "hints" ? FEATURES.hints : FEATURES.requirements, ctx.tokenSpan(keyword));
  if (section === "hints") ctx.hintsDepth++;
  try {
    const entries: KeyValueEntry[] = [];
    for (const kv of nodesOf(block, "keyValue")) {
      const entry = tryBuild((): KeyValueEntry => {
        const key = ident(ctx, nameToken(needNode(kv, "anyName")));
        const value = needExpression(ctx, kv);
        return { kind: "KeyValueEntry", key, value, span: ctx.span(key.span, value.span) };
      });
      if (entry) entries.push(entry);
    }
    if (section === "runtime") return { kind: "KeyValueSection", section, entries: lastOfEachKey(ctx, entries), span };
    reportDuplicateKeys(ctx, entries.map((e) => e.key), `${section} section`);
    return { kind: "KeyValueSection", section, entries, span };
  } finally {
    if (section === "hints") ctx.hintsDepth--;
  }
}

/**
 * A runtime section's entries with only the last entry of a repeated key (a
 * leniency: widely used engines take the last one; from 1.2 on the
 * requirements and hints sections keep the error).
 */
function lastOfEachKey(ctx: BuildContext, entries: readonly KeyValueEntry[]): KeyValueEntry[] {
  const last = new Map<string, KeyValueEntry>();
  for (const e of entries) {
    const earlier = last.get(e.key.name);
    if (earlier) ctx.lenient("duplicate-runtime-key", `the key '${e.key.name}' appears twice in this runtime section; the last value is used`, e.key.span, LENIENCIES.duplicateRuntimeKey);
    last.set(e.key.name, e);
  }
  return entries.filter((e) => last.get(e.key.name) === e);
}

/** Builds a `callStatement` CST node. */
export function buildCall(ctx: BuildContext, node: CstNode): CallStatement {
  const callTok = needToken(node, "Call");
  // The callee's name parts and the alias are all consumed as "Identifier": the alias is the one after `as`.
  const names = tokensOf(node, "Identifier");
  const asTok = tokenOf(node, "As");
  const aliasTok = asTok ? names.find((t) => t.startOffset > asTok.startOffset) : undefined;
  if (asTok && aliasTok === undefined) throw new Incomplete();
  const target = names.filter((t) => t !== aliasTok).map((t) => ident(ctx, t));
  if (target.length === 0 || tokensOf(node, "Dot").length !== target.length - 1) throw new Incomplete();
  const alias = aliasTok ? ident(ctx, aliasTok) : undefined;
  const after = nodesOf(node, "callAfter").map((a) => {
    const kw = needToken(a, "After");
    ctx.gate(FEATURES.after, ctx.tokenSpan(kw));
    return ident(ctx, needToken(a, "Identifier"));
  });
  const body = nodeOf(node, "callBody");
  const inputs: CallInput[] = [];
  let inputKeyword = false;
  let end = after[after.length - 1]?.span ?? alias?.span ?? target[target.length - 1]!.span;
  if (body) {
    inputKeyword = tokenOf(body, "Input") !== undefined;
    for (const n of nodesOf(body, "callInput")) {
      const input = tryBuild(() => buildCallInput(ctx, n));
      if (input) inputs.push(input);
    }
    if (!inputKeyword && inputs.length > 0) ctx.gate(FEATURES.callWithoutInputKeyword, inputs[0]!.span);
    const close = tokenOf(body, "RCurly");
    if (close) end = ctx.tokenSpan(close);
    reportDuplicateKeys(ctx, inputs.map((i) => i.name), "call's inputs");
  }
  return { kind: "Call", target, alias, after, inputs, inputKeyword, span: ctx.span(callTok, end) };
}

function buildCallInput(ctx: BuildContext, node: CstNode): CallInput {
  const keywordName = tokenOf(node, "Keyword");
  if (keywordName) reservedName(ctx, keywordName);
  const parts = [...(keywordName ? [keywordName] : []), ...tokensOf(node, "Identifier")];
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (first === undefined || last === undefined || (keywordName ?? tokenOf(node, "Identifier")) === undefined) throw new Incomplete();
  const name: Identifier = { name: parts.map((p) => p.image).join("."), span: ctx.span(first, last) };
  const exprNode = nodeOf(node, "expression");
  if (tokenOf(node, "Equals") !== undefined && exprNode === undefined) throw new Incomplete();
  if (exprNode === undefined) {
    ctx.gate(FEATURES.callInputShorthand, name.span);
    return { kind: "CallInput", name, expr: undefined, span: name.span };
  }
  const expr = buildExpression(ctx, exprNode);
  return { kind: "CallInput", name, expr, span: ctx.span(name.span, expr.span) };
}
