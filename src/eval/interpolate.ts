/**
 * String interpolation: evaluating the text and `~{}`/`${}` placeholders of a
 * string literal or command, with the placeholder options `sep`, `true`/
 * `false` and `default`, the spec's "Expression Placeholder Coercion" (a
 * placeholder that evaluates to None, or fails because of a None, becomes
 * the empty string) and "Concatenation of Optional Values".
 */
import type { Placeholder, PlaceholderOption, TextPart } from "../syntax/ast.js";
import { describeValue, primitiveToString } from "../values/format.js";
import type { WdlValue } from "../values/value.js";
import type { EvalContext } from "./context.js";
import { EvalError, locate } from "./errors.js";
import { evalExpr } from "./evaluate.js";

/** Evaluates the parts of a string literal to its text. */
export function interpolateString(parts: readonly (TextPart | Placeholder)[], ctx: EvalContext): string {
  if (parts.length === 1 && parts[0]!.kind === "Text") return parts[0].text;
  let out = "";
  for (const p of parts) out += p.kind === "Text" ? p.text : evaluatePlaceholder(p, ctx, false);
  return out;
}

/**
 * The text a placeholder is replaced with. `forCommand`: File and Directory
 * values are shown as `ctx.io.commandPath(...)` gives them (container paths).
 */
export function evaluatePlaceholder(p: Placeholder, ctx: EvalContext, forCommand: boolean): string {
  let v: WdlValue;
  try {
    v = evalExpr(p.expr, ctx, true);
  } catch (e) {
    if (e instanceof EvalError && e.fromNone) return noneReplacement(p, ctx);
    throw e;
  }
  if (p.options.length > 0) return withOptions(p, v, ctx, forCommand);
  if (v.kind === "None") return "";
  return show(v, p, ctx, forCommand);
}

function show(v: WdlValue, p: Placeholder, ctx: EvalContext, forCommand: boolean): string {
  if (forCommand && (v.kind === "File" || v.kind === "Directory")) return ctx.io.commandPath(v.value, v.kind);
  try {
    return primitiveToString(v) ?? "";
  } catch (e) {
    throw locate(e, p.expr.span);
  }
}

/** The replacement when the expression failed because of a None: the `default` option, else "". */
function noneReplacement(p: Placeholder, ctx: EvalContext): string {
  const d = option(p, "default");
  return d ? optionText(d, ctx) : "";
}

function option(p: Placeholder, name: PlaceholderOption["name"]): PlaceholderOption | undefined {
  for (const o of p.options) if (o.name === name) return o;
  return undefined;
}

function optionText(o: PlaceholderOption, ctx: EvalContext): string {
  const v = evalExpr(o.value, ctx, true);
  if (v.kind === "None") return "";
  try {
    return primitiveToString(v) ?? "";
  } catch (e) {
    throw locate(e, o.value.span);
  }
}

function withOptions(p: Placeholder, v: WdlValue, ctx: EvalContext, forCommand: boolean): string {
  const sep = option(p, "sep");
  const t = option(p, "true");
  const f = option(p, "false");
  const d = option(p, "default");
  if (v.kind === "None") return d ? optionText(d, ctx) : "";
  if (sep) {
    if (v.kind !== "Array") {
      throw new EvalError("invalid-placeholder-option", `the 'sep' option needs an Array, but the expression is ${describeValue(v)}`, p.expr.span);
    }
    const s = optionText(sep, ctx);
    let out = "";
    for (let i = 0; i < v.items.length; i++) {
      if (i > 0) out += s;
      const item = v.items[i]!;
      out += item.kind === "None" ? "" : show(item, p, ctx, forCommand);
    }
    return out;
  }
  if (t || f) {
    if (v.kind !== "Boolean") {
      throw new EvalError(
        "invalid-placeholder-option",
        `the 'true'/'false' options need a Boolean, but the expression is ${describeValue(v)}`,
        p.expr.span,
      );
    }
    const chosen = v.value ? t : f;
    return chosen ? optionText(chosen, ctx) : "";
  }
  return show(v, p, ctx, forCommand);
}
