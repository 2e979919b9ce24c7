/**
 * CST→AST for `meta` / `parameter_meta` sections and their meta values
 * (null, booleans, numbers, strings, arrays, objects; a `~{…}` in a string is text).
 */
import type { CstNode } from "chevrotain";
import type { MetaEntry, MetaSection, MetaValue } from "../ast.js";
import { BuildContext, Incomplete, needNode, nodesOf, tokenOf } from "./context.js";
import { floatLiteral, ident, intLiteral, nameToken } from "./expressions.js";
import { buildString } from "./strings-ast.js";
import { reportDuplicateKeys } from "./sections.js";

/** Builds a `metaSection` or `parameterMetaSection` CST node. */
export function buildMetaSection(ctx: BuildContext, node: CstNode, section: "meta" | "parameter_meta"): MetaSection {
  const keyword = tokenOf(node, section === "meta" ? "Meta" : "ParameterMeta");
  const block = needNode(node, "metaBlock");
  if (keyword === undefined) throw new Incomplete();
  const entries = metaEntries(ctx, block);
  reportDuplicateKeys(ctx, entries.map((e) => e.key), section);
  return { kind: "MetaSection", section, entries, span: ctx.span(keyword, tokenOf(block, "RCurly")) };
}

function metaEntries(ctx: BuildContext, block: CstNode): MetaEntry[] {
  const out: MetaEntry[] = [];
  for (const kv of nodesOf(block, "metaKeyValue")) {
    try {
      const key = ident(ctx, nameToken(needNode(kv, "anyName")));
      const value = buildMetaValue(ctx, needNode(kv, "metaValue"));
      out.push({ kind: "MetaEntry", key, value, span: ctx.span(key.span, value.span) });
    } catch (e) {
      if (!(e instanceof Incomplete)) throw e;
    }
  }
  return out;
}

function buildMetaValue(ctx: BuildContext, node: CstNode): MetaValue {
  const c = node.children;
  if (c.string) {
    const s = buildString(ctx, needNode(node, "string"));
    let value = "";
    for (const p of s.parts) {
      // Meta values are not evaluated: a `~{…}` there is text (often documentation of the command's placeholders).
      value += p.kind === "Text" ? p.text : ctx.source.slice(p.span.start.offset, p.span.end.offset);
    }
    return { kind: "MetaString", value, span: s.span };
  }
  const int = tokenOf(node, "IntLiteral");
  const float = tokenOf(node, "FloatLiteral");
  if (int || float) {
    const sign = tokenOf(node, "UnaryOperator");
    if (sign?.image === "!") {
      ctx.error("invalid-meta-value", "'!' cannot be used in a meta value", ctx.tokenSpan(sign));
    }
    const negative = sign?.image === "-";
    const span = ctx.span(sign ?? (int ?? float)!, (int ?? float)!);
    if (int) {
      const lit = intLiteral(ctx, int);
      return { kind: "MetaInt", value: negative ? -lit.value : lit.value, span };
    }
    const lit = floatLiteral(ctx, float!);
    return { kind: "MetaFloat", value: negative ? -lit.value : lit.value, span };
  }
  const t = tokenOf(node, "True") ?? tokenOf(node, "False");
  if (t) return { kind: "MetaBoolean", value: t.image === "true", span: ctx.tokenSpan(t) };
  const name = tokenOf(node, "Identifier");
  if (name) {
    const span = ctx.tokenSpan(name);
    if (name.image !== "null") {
      ctx.error(
        "invalid-meta-value",
        `'${name.image}' is not a meta value: meta sections hold only literals (strings, numbers, true, false, null, arrays and objects)`,
        span,
        name.image === "None" ? "write null in meta sections" : `quote it if you meant a string: "${name.image}"`,
      );
    }
    return { kind: "MetaNull", span };
  }
  const array = nodesOf(node, "metaArray")[0];
  if (array) {
    const items = nodesOf(array, "metaValue").map((v) => buildMetaValue(ctx, v));
    return { kind: "MetaArray", items, span: ctx.span(tokenOf(array, "LSquare") ?? fail(), tokenOf(array, "RSquare")) };
  }
  const object = nodesOf(node, "metaObject")[0];
  if (object) {
    const entries = metaEntries(ctx, object);
    reportDuplicateKeys(ctx, entries.map((e) => e.key), "meta object");
    return { kind: "MetaObject", entries, span: ctx.span(tokenOf(object, "LCurly") ?? fail(), tokenOf(object, "RCurly")) };
  }
  throw new Incomplete();
}

function fail(): never {
  throw new Incomplete();
}
