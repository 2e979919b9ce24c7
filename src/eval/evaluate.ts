/**
 * The expression evaluator: a pure, synchronous function of an expression
 * and an EvalContext. One `switch` on the node kind, no closures in the hot
 * path; every failure is an EvalError located at the offending expression.
 * Operators live in ./operators.ts, string interpolation in ./interpolate.ts,
 * the standard library in src/stdlib/.
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { Apply, Expr, IndexAccess, MemberAccess, StructLiteral } from "../syntax/ast.js";
import { typeToString, withOptional, type WdlType } from "../types/types.js";
import { coerce, keyString } from "../values/coerce.js";
import { describeValue } from "../values/format.js";
import { NONE, type WdlValue } from "../values/value.js";
import { lookupFunction } from "../stdlib/registry.js";
import { versionAtLeast } from "../syntax/ast.js";
import type { EvalContext } from "./context.js";
import { EvalError, locate } from "./errors.js";
import { interpolateString } from "./interpolate.js";
import { binaryOp, unaryOp } from "./operators.js";

const TRUE: WdlValue = Object.freeze({ kind: "Boolean", value: true });
const FALSE: WdlValue = Object.freeze({ kind: "Boolean", value: false });

/**
 * Evaluates `expr` in `ctx`. Throws only EvalError (a located diagnostic).
 * The result is not coerced to any declared type: use `evaluateAs` for that.
 */
export function evaluate(expr: Expr, ctx: EvalContext): WdlValue {
  try {
    return evalExpr(expr, ctx, false);
  } catch (e) {
    // Anything that is not yet an EvalError (a hook that threw, a stack overflow) is located here.
    throw locate(e, expr.span);
  }
}

/**
 * Evaluates `expr` and coerces the result to `type` (a declaration's type),
 * reporting a failed coercion at the expression.
 */
export function evaluateAs(expr: Expr, type: WdlType, ctx: EvalContext): WdlValue {
  try {
    return coerce(evalExpr(expr, ctx, false), type);
  } catch (e) {
    throw locate(e, expr.span);
  }
}

/**
 * The evaluator proper. `inPlaceholder` is true inside a `~{}` placeholder,
 * where `+` on a None operand yields None (spec "Concatenation of Optional Values").
 * @internal exported for ./interpolate.ts
 */
export function evalExpr(e: Expr, ctx: EvalContext, inPlaceholder: boolean): WdlValue {
  switch (e.kind) {
    case "None":
      return NONE;
    case "Boolean":
      return e.value ? TRUE : FALSE;
    case "Int":
      return { kind: "Int", value: e.value };
    case "Float":
      return { kind: "Float", value: e.value };
    case "String":
      return { kind: "String", value: interpolateString(e.parts, ctx) };
    case "NameRef": {
      const v = ctx.lookup(e.name);
      if (v === undefined) throw new EvalError("unknown-name", `'${e.name}' is not defined here`, e.span);
      return v;
    }
    case "MemberAccess":
      return memberAccess(e, ctx, inPlaceholder);
    case "IndexAccess":
      return indexAccess(e, ctx, inPlaceholder);
    case "Apply":
      return apply(e, ctx, inPlaceholder);
    case "UnaryOp":
      return unaryOp(e, evalExpr(e.operand, ctx, inPlaceholder));
    case "BinaryOp": {
      const left = evalExpr(e.left, ctx, inPlaceholder);
      if (e.op === "&&" || e.op === "||") {
        const l = asBoolean(left, e.left);
        if (e.op === "&&" ? !l : l) return l ? TRUE : FALSE;
        return asBoolean(evalExpr(e.right, ctx, inPlaceholder), e.right) ? TRUE : FALSE;
      }
      return binaryOp(e, left, evalExpr(e.right, ctx, inPlaceholder), ctx.version, inPlaceholder);
    }
    case "IfThenElse": {
      const v = asBoolean(evalExpr(e.condition, ctx, inPlaceholder), e.condition)
        ? evalExpr(e.then, ctx, inPlaceholder)
        : evalExpr(e.else, ctx, inPlaceholder);
      // `if c then 1 else 2.5` is a Float: promote an Int branch so it prints as one.
      if (v.kind === "Int" && ctx.typeOf !== undefined && ctx.typeOf(e)?.kind === "Float") {
        return { kind: "Float", value: Number(v.value) };
      }
      return v;
    }
    case "ArrayLiteral": {
      const n = e.items.length;
      if (n === 0) {
        const t = ctx.typeOf?.(e);
        return t !== undefined && t.kind === "Array" ? { kind: "Array", items: [], itemType: t.item } : { kind: "Array", items: [] };
      }
      const items = new Array<WdlValue>(n);
      let ints = 0;
      let floats = 0;
      for (let i = 0; i < n; i++) {
        const v = evalExpr(e.items[i]!, ctx, inPlaceholder);
        items[i] = v;
        if (v.kind === "Int") ints++;
        else if (v.kind === "Float") floats++;
      }
      // `[1, 2.5]` is an Array[Float]: promote the Ints so that items agree with the array's type.
      if (ints > 0 && floats > 0) {
        for (let i = 0; i < n; i++) {
          const v = items[i]!;
          if (v.kind === "Int") items[i] = { kind: "Float", value: Number(v.value) };
        }
      }
      return { kind: "Array", items };
    }
    case "MapLiteral": {
      const entries: (readonly [WdlValue, WdlValue])[] = [];
      const seen = new Map<string, number>();
      for (const entry of e.entries) {
        const k = evalExpr(entry.key, ctx, inPlaceholder);
        if (k.kind === "None" || k.kind === "Array" || k.kind === "Map" || k.kind === "Pair" || k.kind === "Struct" || k.kind === "Object") {
          throw new EvalError("invalid-map-key", `a map key must be a primitive value, not ${describeValue(k)}`, entry.key.span, k.kind === "None");
        }
        const v = evalExpr(entry.value, ctx, inPlaceholder);
        const ks = keyString(k);
        const at = seen.get(ks);
        if (at !== undefined) {
          entries[at] = [entries[at]![0], v];
        } else {
          seen.set(ks, entries.length);
          entries.push([k, v]);
        }
      }
      if (entries.length === 0) {
        const t = ctx.typeOf?.(e);
        if (t !== undefined && t.kind === "Map") return { kind: "Map", entries, keyType: t.key, valueType: t.value };
      }
      promoteMapValues(entries);
      return { kind: "Map", entries };
    }
    case "PairLiteral":
      return { kind: "Pair", left: evalExpr(e.left, ctx, inPlaceholder), right: evalExpr(e.right, ctx, inPlaceholder) };
    case "ObjectLiteral": {
      const members = new Map<string, WdlValue>();
      for (const m of e.members) members.set(m.name.name, evalExpr(m.value, ctx, inPlaceholder));
      return { kind: "Object", members };
    }
    case "StructLiteral":
      return structLiteral(e, ctx, inPlaceholder);
    case "HintsLiteral": {
      const members = new Map<string, WdlValue>();
      for (const entry of e.entries) {
        members.set(entry.key.map((k) => k.name).join("."), evalExpr(entry.value, ctx, inPlaceholder));
      }
      return { kind: "Object", members };
    }
    default:
      return assertUnreachable(e);
  }
}

/** `{"a": 1, "b": 2.5}` is a Map[String, Float]: promote Int values when Floats are present too. */
function promoteMapValues(entries: (readonly [WdlValue, WdlValue])[]): void {
  let ints = false;
  let floats = false;
  for (const [, v] of entries) {
    if (v.kind === "Int") ints = true;
    else if (v.kind === "Float") floats = true;
  }
  if (!ints || !floats) return;
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    if (v.kind === "Int") entries[i] = [k, { kind: "Float", value: Number(v.value) }];
  }
}

function asBoolean(v: WdlValue, e: Expr): boolean {
  if (v.kind === "Boolean") return v.value;
  throw new EvalError(
    v.kind === "None" ? "none-value" : "type-mismatch",
    `expected a Boolean but found ${describeValue(v)}`,
    e.span,
    v.kind === "None",
  );
}

/** `Color.Red` (1.3): analysis typed the access as the enum, whose type carries the choices' values. */
function enumChoice(e: MemberAccess, ctx: EvalContext): WdlValue | undefined {
  const type = ctx.typeOf?.(e);
  if (type?.kind !== "Enum") return undefined;
  const choice = type.choices.find((c) => c.name === e.member.name);
  return choice && { kind: "Enum", type: withOptional(type, false), choice: choice.name, value: choice.value };
}

function memberAccess(e: MemberAccess, ctx: EvalContext, inPlaceholder: boolean): WdlValue {
  const name = e.member.name;
  let target: WdlValue | undefined;
  if (e.target.kind === "NameRef") {
    target = ctx.lookup(e.target.name);
    if (target === undefined) {
      const flat = ctx.lookup(`${e.target.name}.${name}`);
      if (flat !== undefined) return flat;
      const choice = enumChoice(e, ctx);
      if (choice !== undefined) return choice;
      throw new EvalError("unknown-name", `'${e.target.name}' is not defined here`, e.target.span);
    }
  } else {
    target = evalExpr(e.target, ctx, inPlaceholder);
  }
  switch (target.kind) {
    case "Pair":
      if (name === "left") return target.left;
      if (name === "right") return target.right;
      break;
    case "Struct":
    case "Object": {
      const v = target.members.get(name);
      if (v !== undefined) return v;
      const what = target.kind === "Struct" ? `struct ${target.name}` : "the object";
      throw new EvalError("unknown-member", `${what} has no member '${name}'`, e.member.span);
    }
    case "Map":
      // Hints/requirements maps written as Map literals may be read by member name.
      for (const [k, v] of target.entries) if (k.kind === "String" && k.value === name) return v;
      break;
    case "None":
      throw new EvalError("none-value", `cannot access member '${name}' of None`, e.span, true);
    default:
      break;
  }
  throw new EvalError("unknown-member", `${describeValue(target)} has no member '${name}'`, e.member.span);
}

/** Per-map index from key to value, built once for large maps that are indexed repeatedly. */
const mapIndexes = new WeakMap<object, Map<string, WdlValue>>();

function indexAccess(e: IndexAccess, ctx: EvalContext, inPlaceholder: boolean): WdlValue {
  const target = evalExpr(e.target, ctx, inPlaceholder);
  const index = evalExpr(e.index, ctx, inPlaceholder);
  switch (target.kind) {
    case "Array": {
      if (index.kind !== "Int") {
        throw new EvalError("type-mismatch", `an array index must be an Int, not ${describeValue(index)}`, e.index.span, index.kind === "None");
      }
      const n = target.items.length;
      const i = index.value;
      if (i < 0n || i >= BigInt(n)) {
        throw new EvalError(
          "index-out-of-range",
          `index ${i} is out of range for an array of length ${n}`,
          e.span,
          false,
          n === 0 ? "the array is empty" : `valid indexes are 0 to ${n - 1}`,
        );
      }
      return target.items[Number(i)]!;
    }
    case "Map": {
      if (index.kind === "None") throw new EvalError("none-value", "cannot index a map with None", e.index.span, true);
      const entries = target.entries;
      const ks = keyString(index);
      if (entries.length > 8) {
        let idx = mapIndexes.get(target);
        if (idx === undefined) {
          idx = new Map();
          for (const [k, v] of entries) idx.set(keyString(k), v);
          mapIndexes.set(target, idx);
        }
        const v = idx.get(ks);
        if (v !== undefined) return v;
      } else {
        for (let j = 0; j < entries.length; j++) if (keyString(entries[j]![0]) === ks) return entries[j]![1];
      }
      throw new EvalError("missing-key", `the map has no key ${describeValue(index)}`, e.span);
    }
    case "Struct":
    case "Object": {
      if (index.kind === "String") {
        const v = target.members.get(index.value);
        if (v !== undefined) return v;
        throw new EvalError("unknown-member", `${describeValue(target)} has no member '${index.value}'`, e.index.span);
      }
      break;
    }
    case "None":
      throw new EvalError("none-value", "cannot index None", e.target.span, true);
    default:
      break;
  }
  throw new EvalError("type-mismatch", `${describeValue(target)} cannot be indexed`, e.target.span);
}

function apply(e: Apply, ctx: EvalContext, inPlaceholder: boolean): WdlValue {
  const name = e.callee.name;
  const fn = lookupFunction(name);
  if (fn === undefined) throw new EvalError("unknown-function", `there is no standard-library function '${name}'`, e.callee.span);
  if (!versionAtLeast(ctx.version, fn.since)) {
    throw new EvalError(
      "function-not-in-version",
      `the function '${name}' requires WDL ${fn.since} or later (this document is WDL ${ctx.version})`,
      e.callee.span,
    );
  }
  const n = e.args.length;
  if (n < fn.minArgs || n > fn.maxArgs) {
    const expected = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs} to ${fn.maxArgs}`;
    throw new EvalError("wrong-arity", `'${name}' takes ${expected} argument(s) but ${n} were given`, e.span);
  }
  const args = new Array<WdlValue>(n);
  for (let i = 0; i < n; i++) args[i] = evalExpr(e.args[i]!, ctx, inPlaceholder);
  try {
    return fn.impl(args, ctx, e);
  } catch (err) {
    throw locate(err, e.span);
  }
}

function structLiteral(e: StructLiteral, ctx: EvalContext, inPlaceholder: boolean): WdlValue {
  let type = ctx.structs.get(e.typeName.name);
  if (type === undefined) {
    // An imported struct may be known to analysis under a name the context's table lacks.
    const t = ctx.typeOf?.(e);
    if (t !== undefined && t.kind === "Struct") type = t;
  }
  if (type === undefined) throw new EvalError("unknown-struct", `there is no struct named '${e.typeName.name}'`, e.typeName.span);
  const given = new Map<string, WdlValue>();
  for (const m of e.members) {
    const mt = type.members.get(m.name.name);
    if (mt === undefined) {
      throw new EvalError("unknown-member", `struct ${type.name} has no member '${m.name.name}'`, m.name.span);
    }
    const v = evalExpr(m.value, ctx, inPlaceholder);
    try {
      given.set(m.name.name, coerce(v, mt));
    } catch (err) {
      const ev = locate(err, m.value.span);
      throw new EvalError(ev.diagnostic.code, `member '${m.name.name}' of struct ${type.name}: ${ev.diagnostic.message}`, m.value.span, ev.fromNone);
    }
  }
  const members = new Map<string, WdlValue>();
  for (const [name, mt] of type.members) {
    const v = given.get(name);
    if (v !== undefined) members.set(name, v);
    else if (mt.optional) members.set(name, NONE);
    else {
      throw new EvalError(
        "missing-member",
        `struct ${type.name} literal is missing the member '${name}' of type ${typeToString(mt)}`,
        e.span,
      );
    }
  }
  return { kind: "Struct", name: type.name, members };
}
