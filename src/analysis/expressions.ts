/**
 * Type inference and checking of every expression form. Each expression's
 * type is recorded in the document context (CheckedDocument.typeOf), each
 * bare name's binding likewise; every name reference is also reported to
 * the caller (for dependency edges and "unused" warnings). One mistake is
 * reported once: an erroneous sub-expression gets the type `Any`, which
 * every check accepts.
 */
import type { Span } from "../diagnostics/span.js";
import type { Apply, BinaryOp, Expr, HintsLiteral, IfThenElse, MemberAccess, NameRef, Placeholder, StructLiteral, TextPart } from "../syntax/ast.js";
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import { isCoercible, isEquatable, isOrderable, unify2 } from "../types/coercion.js";
import { arrayOf, isPrimitive, mapOf, pairOf, T, withOptional, type HintsScopedType, type StructType, type WdlType } from "../types/types.js";
import { FUNCTIONS } from "../stdlib/signatures.js";
import { versionAtLeast } from "../syntax/ast.js";
import type { DocumentContext } from "./context.js";
import { lookupFunction, matchCall } from "./functions.js";
import * as msg from "./messages.js";
import { versionRules } from "../syntax/version-rules.js";
import type { Scope, ScopeEntry } from "./scope.js";
import { enumChoiceType } from "./enums.js";

/** Where an expression is, which decides the functions and hidden names it may use. */
export type Place =
  | "task-declaration"
  | "task-command"
  | "task-output"
  | "task-requirements"
  | "task-hints"
  | "task-runtime"
  | "workflow"
  | "workflow-output"
  | "workflow-hints";

/** Everything expression checking needs from its surroundings. */
export interface ExprEnv {
  readonly ctx: DocumentContext;
  readonly scope: Scope;
  readonly place: Place;
  /** Called for each name that resolves (not for members of it). */
  readonly onReference?: (entry: ScopeEntry, ref: NameRef) => void;
  /** For hints `input`/`output` literals: the task's input and output names. */
  readonly hintTargets?: { readonly input: ReadonlySet<string>; readonly output: ReadonlySet<string> };
  /**
   * Inside a `~{}` placeholder's expression, at any depth: `+` with an
   * optional operand is then allowed (its result is None, and the
   * placeholder empty), as the evaluator does.
   */
  readonly inPlaceholder?: boolean;
  /** Names an enclosing `if defined(x) then …` tested (the hint for an optional operand then says what to do instead). */
  readonly testedNames?: ReadonlySet<string>;
}

const HINTS_TYPE: Record<HintsScopedType["scope"], HintsScopedType> = {
  hints: { kind: "HintsScoped", scope: "hints", optional: false },
  input: { kind: "HintsScoped", scope: "input", optional: false },
  output: { kind: "HintsScoped", scope: "output", optional: false },
};

/**
 * Infers the type of `e`, checking it throughout. `expected` (the type the
 * value will be coerced to, when known) lets literals be checked member by
 * member (a map literal assigned to a struct, an empty array where a
 * non-empty one is required); the caller still checks the result with
 * `checkAssignable`.
 */
export function inferExpr(e: Expr, env: ExprEnv, expected?: WdlType, inPlaceholder = false): WdlType {
  if (inPlaceholder && !env.inPlaceholder && e.kind !== "NameRef" && literalType(e) === undefined) env = { ...env, inPlaceholder: true };
  const t = infer(e, env, expected, inPlaceholder);
  // Literals' types are fixed by their kind (see literalType), and a name's is its scope entry's, recorded by
  // inferName: recording them here too would only cost time (a large document has a hundred thousand of them).
  if (e.kind === "NameRef") return t;
  return literalType(e) ?? env.ctx.setType(e, t);
}

/** The type of a literal, known from its kind alone (and never recorded); undefined for other expressions. */
export function literalType(e: Expr): WdlType | undefined {
  switch (e.kind) {
    case "None":
      return T.None;
    case "Boolean":
      return T.Boolean;
    case "Int":
      return T.Int;
    case "Float":
      return T.Float;
    case "String":
      return T.String;
    default:
      return undefined;
  }
}

/** Infers `e` against `expected` and reports when the result does not coerce to it. */
export function checkExpr(e: Expr, env: ExprEnv, expected: WdlType, what?: string): WdlType {
  const t = inferExpr(e, env, expected);
  checkAssignable(env.ctx, e, t, expected, what);
  return t;
}

/**
 * Reports when a value of type `from` (the type of `e`) cannot be used as
 * `to`. Non-portable but harmless conversions (a primitive to String) are
 * warnings; `T?` to `T` is its own error with a suggested fix.
 */
export function checkAssignable(ctx: DocumentContext, e: Expr, from: WdlType, to: WdlType, what?: string): boolean {
  if (isCoercible(from, to)) return true;
  // read_lines() results may be coerced to an array of any primitive (spec, Appendix A).
  if (e.kind === "Apply" && e.callee.name === "read_lines" && to.kind === "Array" && isPrimitive(withOptional(to.item, false))) return true;
  // read_map() values likewise coerce to any primitive (Appendix A, `Map[String, Int] m = read_map(f)`).
  if (e.kind === "Apply" && e.callee.name === "read_map" && to.kind === "Map" && isPrimitive(withOptional(to.key, false)) && isPrimitive(withOptional(to.value, false))) return true;
  if (isCoercible(from, to, { allowOptionalToRequired: true })) {
    ctx.report(msg.optionalMismatch(e.span, to, from));
    return false;
  }
  if (to.kind === "String" && isPrimitive(from) && !from.optional) {
    ctx.report(from.kind === "File" || from.kind === "Directory" ? msg.implicitStringConversion(e.span, from) : msg.numberToString(e.span, from));
    return true;
  }
  const number = withOptional(to, false);
  if ((number.kind === "Int" || number.kind === "Float") && from.kind === "String" && (!from.optional || to.optional)) {
    if (e.kind === "String" && !stringLiteralIsNumber(e)) {
      ctx.report(msg.typeMismatch(e.span, to, from, what));
      return false;
    }
    ctx.report(msg.stringToNumber(e.span, to));
    return true;
  }
  // Inside T?, Array, Map, Pair: File → String as the version rules say; a number → String is a leniency.
  const converted = new Set<WdlType["kind"]>();
  if (isCoercible(from, to, { stringFrom: converted })) {
    const numbers = [...converted].some((k) => k !== "File" && k !== "Directory");
    if (numbers) ctx.report(msg.numberToString(e.span, from, to));
    else if (versionRules(ctx.version).compoundFileToString === "warning") ctx.report(msg.implicitStringConversion(e.span, from, to));
    return true;
  }
  ctx.report(msg.typeMismatch(e.span, to, from, what));
  return false;
}

/** False for a String literal whose text (without placeholders) is known not to be a number. */
function stringLiteralIsNumber(e: Expr & { kind: "String" }): boolean {
  if (e.parts.some((p) => p.kind !== "Text")) return true;
  const text = e.parts.map((p) => (p.kind === "Text" ? p.text : "")).join("").trim();
  return text !== "" && Number.isFinite(Number(text));
}

function infer(e: Expr, env: ExprEnv, expected: WdlType | undefined, inPlaceholder: boolean): WdlType {
  switch (e.kind) {
    case "None":
    case "Boolean":
    case "Int":
    case "Float":
      return literalType(e)!;
    case "String":
      checkParts(e.parts, env);
      return T.String;
    case "ArrayLiteral":
      return inferArray(e.items, e.span, env, expected);
    case "MapLiteral":
      return inferMap(e, env, expected);
    case "PairLiteral": {
      const ex = expected?.kind === "Pair" ? expected : undefined;
      return pairOf(inferExpr(e.left, env, ex?.left), inferExpr(e.right, env, ex?.right));
    }
    case "ObjectLiteral":
      return inferObjectLiteral(e, env, expected);
    case "StructLiteral":
      return inferStructLiteral(e, env);
    case "HintsLiteral":
      return inferHintsLiteral(e, env);
    case "NameRef":
      return inferName(e, env, false);
    case "MemberAccess":
      return inferMember(e, env);
    case "IndexAccess": {
      const target = inferExpr(e.target, env);
      const index = inferExpr(e.index, env);
      if (target.kind === "Any") return T.Any;
      if (target.optional) {
        env.ctx.report(msg.optionalOperand(e.target.span, "[]", target, isTested(env, e.target)));
        return T.Any;
      }
      if (target.kind === "Array") {
        if (!isCoercible(index, T.Int)) env.ctx.report(msg.typeMismatch(e.index.span, T.Int, index, "an index"));
        return target.item;
      }
      if (target.kind === "Map") {
        if (!isCoercible(index, target.key)) env.ctx.report(msg.typeMismatch(e.index.span, target.key, index, "a key"));
        return target.value;
      }
      env.ctx.report(msg.notIndexable(e.target.span, target));
      return T.Any;
    }
    case "Apply":
      return inferApply(e, env);
    case "UnaryOp": {
      const t = inferExpr(e.operand, env);
      if (t.kind === "Any") return e.op === "!" ? T.Boolean : T.Any;
      if (t.optional) {
        env.ctx.report(msg.optionalOperand(e.span, e.op, t));
        return e.op === "!" ? T.Boolean : withOptional(t, false);
      }
      if (e.op === "!") {
        if (t.kind !== "Boolean") env.ctx.report(msg.operatorType(e.span, e.op, t));
        return T.Boolean;
      }
      if (t.kind === "Int" || t.kind === "Float") return t;
      env.ctx.report(msg.operatorType(e.span, e.op, t));
      return T.Any;
    }
    case "BinaryOp":
      return inferBinary(e, env, inPlaceholder);
    case "IfThenElse":
      return inferIf(e, env, expected);
    default:
      return assertUnreachable(e);
  }
}

/** Checks the placeholders of a string or command. */
export function checkParts(parts: readonly (TextPart | Placeholder)[], env: ExprEnv): void {
  for (const p of parts) if (p.kind === "Placeholder") checkPlaceholder(p, env);
}

function checkPlaceholder(p: Placeholder, env: ExprEnv): void {
  const t = inferExpr(p.expr, env, undefined, true);
  let sep = false;
  for (const o of p.options) {
    inferExpr(o.value, env);
    if (env.ctx.atLeast("1.2")) {
      const instead = o.name === "sep" ? "`sep(separator, array)`" : o.name === "default" ? "`select_first([value, default])`" : "`if value then a else b`";
      env.ctx.report(msg.deprecatedPlaceholderOption(o.span, o.name, instead));
    }
    if (t.kind === "Any") continue;
    if (o.name === "sep") {
      sep = true;
      if (t.kind !== "Array" || !(isPrimitive(withOptional(t.item, false)) || t.item.kind === "Any")) env.ctx.report(msg.placeholderOption(p.expr.span, "sep", t, "an array of primitive values"));
    } else if (o.name === "true" || o.name === "false") {
      if (withOptional(t, false).kind !== "Boolean") env.ctx.report(msg.placeholderOption(p.expr.span, o.name, t, "a `Boolean`"));
    }
  }
  if (sep || t.kind === "Any" || t.kind === "None") return;
  if (!isPrimitive(t) && t.kind !== "Enum") env.ctx.report(msg.placeholderType(p.expr.span, t));
}

function inferArray(items: readonly Expr[], span: Span, env: ExprEnv, expected: WdlType | undefined): WdlType {
  const ex = expected?.kind === "Array" ? expected.item : undefined;
  if (items.length === 0) {
    if (expected?.kind === "Array" && expected.nonEmpty) env.ctx.report(msg.typeMismatch(span, expected, arrayOf(T.Any), "a non-empty array"));
    return arrayOf(ex ?? T.Any);
  }
  let acc: WdlType | undefined;
  let failed = false;
  for (const item of items) {
    const t = inferExpr(item, env, ex);
    if (ex) {
      checkAssignable(env.ctx, item, t, ex);
      continue;
    }
    if (!acc) acc = t;
    else if (!failed) {
      const u = unify2(acc, t) ?? numberWithString(env, item.span, "array items", acc, t);
      if (!u) {
        env.ctx.report(msg.literalItemsMismatch(item.span, "array items", acc, t));
        failed = true;
      } else acc = u;
    }
  }
  return arrayOf(ex ?? (failed ? T.Any : acc!), true);
}

function inferMap(e: Extract<Expr, { kind: "MapLiteral" }>, env: ExprEnv, expected: WdlType | undefined): WdlType {
  if (expected && (expected.kind === "Struct" || expected.kind === "Object")) {
    // A map literal coerced to a struct or object: keys are String expressions.
    for (const entry of e.entries) {
      const k = inferExpr(entry.key, env);
      if (!isCoercible(k, T.String)) env.ctx.report(msg.typeMismatch(entry.key.span, T.String, k, "a member name"));
      let memberType: WdlType | undefined;
      if (expected.kind === "Struct" && entry.key.kind === "String" && entry.key.parts.length === 1 && entry.key.parts[0]!.kind === "Text") {
        const name = entry.key.parts[0]!.text;
        memberType = expected.members.get(name);
        if (!memberType) env.ctx.report(msg.structLiteralUnknownMember(entry.key.span, expected.name, name, msg.didYouMean(name, expected.members.keys())));
      }
      const v = inferExpr(entry.value, env, memberType);
      if (memberType) checkAssignable(env.ctx, entry.value, v, memberType);
    }
    return withOptional(expected, false);
  }
  const ex = expected?.kind === "Map" ? expected : undefined;
  if (e.entries.length === 0) return mapOf(ex?.key ?? T.Any, ex?.value ?? T.Any);
  let key: WdlType | undefined;
  let value: WdlType | undefined;
  let keyFailed = false;
  let valueFailed = false;
  for (const entry of e.entries) {
    const k = inferExpr(entry.key, env, ex?.key);
    const v = inferExpr(entry.value, env, ex?.value);
    if (k.kind !== "Any" && !isPrimitive(withOptional(k, false))) {
      env.ctx.report(msg.mapKeyType(entry.key.span, k));
      keyFailed = true;
    }
    if (ex) {
      if (!keyFailed) checkAssignable(env.ctx, entry.key, k, ex.key);
      checkAssignable(env.ctx, entry.value, v, ex.value);
      continue;
    }
    if (!keyFailed) {
      const u = key ? unify2(key, k) : k;
      if (!u) {
        env.ctx.report(msg.literalItemsMismatch(entry.key.span, "map keys", key!, k));
        keyFailed = true;
      } else key = u;
    }
    if (!valueFailed) {
      const u = value ? unify2(value, v) : v;
      if (!u) {
        env.ctx.report(msg.literalItemsMismatch(entry.value.span, "map values", value!, v));
        valueFailed = true;
      } else value = u;
    }
  }
  if (ex) return mapOf(ex.key, ex.value);
  return mapOf(keyFailed ? T.Any : key!, valueFailed ? T.Any : value!);
}

function inferObjectLiteral(e: Extract<Expr, { kind: "ObjectLiteral" }>, env: ExprEnv, expected: WdlType | undefined): WdlType {
  if (env.ctx.atLeast("1.1")) env.ctx.report(msg.deprecatedObject(e.span));
  const struct = expected?.kind === "Struct" ? expected : undefined;
  const seen = new Set<string>();
  for (const m of e.members) {
    if (seen.has(m.name.name)) env.ctx.report(msg.duplicateMember(m.name.span, m.name.name));
    seen.add(m.name.name);
    const mt = struct?.members.get(m.name.name);
    if (struct && !mt) env.ctx.report(msg.structLiteralUnknownMember(m.name.span, struct.name, m.name.name, msg.didYouMean(m.name.name, struct.members.keys())));
    const v = inferExpr(m.value, env, mt);
    if (mt) checkAssignable(env.ctx, m.value, v, mt);
  }
  if (struct) reportMissingMembers(e.span, struct, seen, env);
  return T.Object;
}

function reportMissingMembers(span: Span, struct: StructType, given: ReadonlySet<string>, env: ExprEnv): void {
  const missing = [...struct.members].filter(([n, t]) => !given.has(n) && !t.optional).map(([n]) => n);
  if (missing.length) env.ctx.report(msg.structLiteralMissingMember(span, struct.name, missing));
}

function inferStructLiteral(e: StructLiteral, env: ExprEnv): WdlType {
  const struct = env.ctx.structs.get(e.typeName.name);
  if (!struct) env.ctx.report(msg.unknownType(e.typeName.span, e.typeName.name, msg.didYouMean(e.typeName.name, env.ctx.structs.keys())));
  const seen = new Set<string>();
  for (const m of e.members) {
    if (seen.has(m.name.name)) env.ctx.report(msg.duplicateMember(m.name.span, m.name.name));
    seen.add(m.name.name);
    const mt = struct?.members.get(m.name.name);
    if (struct && !mt) env.ctx.report(msg.structLiteralUnknownMember(m.name.span, struct.name, m.name.name, msg.didYouMean(m.name.name, struct.members.keys())));
    const v = inferExpr(m.value, env, mt);
    if (mt) checkAssignable(env.ctx, m.value, v, mt);
  }
  if (!struct) return T.Any;
  reportMissingMembers(e.span, struct, seen, env);
  return struct;
}

/** Hints-scoped literals; their placement and duplicate keys are syntax diagnostics. */
function inferHintsLiteral(e: HintsLiteral, env: ExprEnv): WdlType {
  for (const entry of e.entries) {
    if ((e.scope === "input" || e.scope === "output") && env.hintTargets) {
      const first = entry.key[0]!;
      if (!env.hintTargets[e.scope].has(first.name)) env.ctx.report(msg.unknownHintTarget(first.span, e.scope, first.name));
    }
    inferExpr(entry.value, env);
  }
  return HINTS_TYPE[e.scope];
}

/** `entry`: what the name resolves to, when the caller already looked it up (member access does). */
function inferName(e: NameRef, env: ExprEnv, asMemberTarget: boolean, entry = env.scope.lookup(e.name)): WdlType {
  if (!entry) {
    // Before 1.2 the parser reports `task` as a version-gated feature.
    if (e.name === "task") {
      if (env.ctx.atLeast("1.2")) env.ctx.report(msg.taskVariableOutside(e.span));
    } else env.ctx.report(msg.unknownName(e.span, e.name, msg.didYouMean(e.name, env.scope.names())));
    return T.Any;
  }
  env.ctx.names.set(e, entry);
  env.onReference?.(entry, e);
  if ((entry.outputs || entry.unknownOutputs) && !asMemberTarget) {
    env.ctx.report(msg.callAsValue(e.span, e.name));
    // A call's entry has the type Any too, so that CheckedDocument.typeOf can read every name's type from its entry.
    return T.Any;
  }
  return entry.type;
}

function inferMember(e: MemberAccess, env: ExprEnv): WdlType {
  const member = e.member.name;
  const entry = e.target.kind === "NameRef" ? env.scope.lookup(e.target.name) : undefined;
  if (entry === undefined) {
    const choice = enumChoiceType(e, env.ctx);
    if (choice) return choice;
  }
  if (e.target.kind === "NameRef") {
    if (entry?.unknownOutputs) {
      inferName(e.target, env, true, entry);
      return T.Any;
    }
    if (entry?.outputs) {
      inferName(e.target, env, true, entry);
      const t = entry.outputs.get(member);
      if (!t) {
        env.ctx.report(msg.noCallOutput(e.member.span, e.target.name, member, msg.didYouMean(member, entry.outputs.keys())));
        return T.Any;
      }
      return t;
    }
  }
  // A name target was looked up above (inferExpr would only call inferName, and record nothing more).
  const t = e.target.kind === "NameRef" ? inferName(e.target, env, false, entry) : inferExpr(e.target, env);
  if (t.kind === "Any" || t.kind === "Object") return T.Any;
  if (t.optional) {
    env.ctx.report(msg.optionalOperand(e.target.span, ".", t, isTested(env, e.target)));
    return T.Any;
  }
  if (t.kind === "Struct") {
    const m = t.members.get(member);
    if (m) return m;
    env.ctx.report(msg.noMember(e.member.span, t, member, msg.didYouMean(member, t.members.keys())));
    return T.Any;
  }
  if (t.kind === "Pair") {
    if (member === "left") return t.left;
    if (member === "right") return t.right;
    env.ctx.report(msg.noMember(e.member.span, t, member, "a Pair has members `left` and `right`"));
    return T.Any;
  }
  env.ctx.report(msg.noMember(e.member.span, t, member));
  return T.Any;
}

function inferApply(e: Apply, env: ExprEnv): WdlType {
  const name = e.callee.name;
  const spec = lookupFunction(name);
  const args: WdlType[] = [];
  for (const a of e.args) args.push(inferExpr(a, env));
  if (!spec) {
    env.ctx.report(msg.unknownFunction(e.callee.span, name, msg.didYouMean(name, allFunctionNames())));
    return T.Any;
  }
  if (!versionAtLeast(env.ctx.version, spec.since)) {
    env.ctx.report(msg.functionNeedsVersion(e.callee.span, name, spec.since, env.ctx.version));
    return T.Any;
  }
  if (spec.restriction === "task-output" && env.place !== "task-output") env.ctx.report(msg.functionRestricted(e.callee.span, name));
  if (spec.deprecated && env.ctx.atLeast("1.1")) env.ctx.report(msg.deprecatedFunction(e.callee.span, name, spec.deprecated));
  const m = matchCall(spec, args, env.ctx.version);
  if (m.ok) return m.returns;
  if (m.reason === "arity") {
    env.ctx.report(msg.functionArity(e.span, name, args.length, m.expected));
    return T.Any;
  }
  env.ctx.report(msg.functionArgument(e.args[m.argIndex]!.span, name, m.argIndex, args[m.argIndex]!, m.expected));
  return T.Any;
}

function allFunctionNames(): Iterable<string> {
  return FUNCTIONS.keys();
}

const ARITH = new Set(["-", "*", "/", "%", "**"]);

function inferBinary(e: BinaryOp, env: ExprEnv, inPlaceholder: boolean): WdlType {
  const concat = e.op === "+" && (inPlaceholder || env.inPlaceholder === true);
  const l = inferExpr(e.left, env, undefined, concat);
  const r = inferExpr(e.right, env, undefined, concat);
  const op = e.op;
  if (op === "&&" || op === "||") {
    for (const [side, t] of [
      [e.left, l],
      [e.right, r],
    ] as const) {
      if (t.kind === "Any") continue;
      if (t.optional) env.ctx.report(msg.optionalOperand(side.span, op, t, isTested(env, side)));
      else if (t.kind !== "Boolean") env.ctx.report(msg.operatorType(side.span, op, t));
    }
    return T.Boolean;
  }
  if (op === "==" || op === "!=") {
    if (!isEquatable(l, r)) env.ctx.report(msg.operatorType(e.span, op, l, r));
    return T.Boolean;
  }
  if (op === "<" || op === "<=" || op === ">" || op === ">=") {
    if (l.optional && l.kind !== "Any") env.ctx.report(msg.optionalOperand(e.left.span, op, l, isTested(env, e.left)));
    else if (r.optional && r.kind !== "Any") env.ctx.report(msg.optionalOperand(e.right.span, op, r, isTested(env, e.right)));
    else if (!isOrderable(l, r)) env.ctx.report(msg.operatorType(e.span, op, l, r));
    return T.Boolean;
  }
  if (l.kind === "Any" || r.kind === "Any") {
    if (op === "+" && (l.kind === "String" || r.kind === "String")) return withOptional(T.String, l.optional || r.optional);
    return T.Any;
  }
  const optional = l.optional || r.optional;
  if (optional && !concat) {
    env.ctx.report(msg.optionalOperand(l.optional ? e.left.span : e.right.span, op, l.optional ? l : r, isTested(env, l.optional ? e.left : e.right)));
  }
  const lk = l.kind;
  const rk = r.kind;
  const numeric = (k: string) => k === "Int" || k === "Float";
  if (numeric(lk) && numeric(rk)) {
    if (op === "%" && lk === "Int" && rk === "Float") {
      env.ctx.report(msg.operatorType(e.span, op, l, r));
      return T.Any;
    }
    return withOptional(lk === "Int" && rk === "Int" ? T.Int : T.Float, optional && concat);
  }
  if (ARITH.has(op)) {
    env.ctx.report(msg.operatorType(e.span, op, l, r));
    return T.Any;
  }
  // `+` on strings and files.
  const stringy = (k: string) => k === "String" || k === "File";
  if (stringy(lk) && stringy(rk)) {
    const result = lk === "File" || rk === "File" ? T.File : T.String;
    return withOptional(result, optional && concat);
  }
  if ((lk === "String" && isPrimitive(r)) || (rk === "String" && isPrimitive(l))) {
    if (!concat) env.ctx.report(msg.deprecatedConcatenation(e.span, lk === "String" ? r : l));
    return withOptional(T.String, optional && concat);
  }
  env.ctx.report(msg.operatorType(e.span, op, l, r));
  return T.Any;
}

/**
 * A number and a String as array items or if/else branches: unified to
 * String with a leniency warning (as other engines do); undefined for other pairs.
 */
function numberWithString(env: ExprEnv, span: Span, what: string, a: WdlType, b: WdlType): WdlType | undefined {
  const number = (t: WdlType) => t.kind === "Int" || t.kind === "Float";
  if (!((a.kind === "String" && number(b)) || (b.kind === "String" && number(a)))) return undefined;
  env.ctx.report(msg.numberStringMix(span, what, a, b));
  return withOptional(T.String, a.optional || b.optional);
}

/** Whether `x` is a name that an enclosing `if defined(x)` tested. */
function isTested(env: ExprEnv, x: Expr): boolean {
  return x.kind === "NameRef" && env.testedNames?.has(x.name) === true;
}

/** The names `defined(x)` tests in a condition (through `&&`), for hints that fit the code. */
function definedNames(c: Expr): ReadonlySet<string> {
  const out = new Set<string>();
  const visit = (x: Expr): void => {
    if (x.kind === "Apply" && x.callee.name === "defined" && x.args[0]?.kind === "NameRef") out.add(x.args[0].name);
    else if (x.kind === "BinaryOp" && x.op === "&&") {
      visit(x.left);
      visit(x.right);
    }
  };
  visit(c);
  return out;
}

function inferIf(e: IfThenElse, env: ExprEnv, expected: WdlType | undefined): WdlType {
  const c = inferExpr(e.condition, env);
  if (c.kind !== "Any" && (c.kind !== "Boolean" || c.optional)) env.ctx.report(msg.conditionType(e.condition.span, c));
  const tested = definedNames(e.condition);
  const a = inferExpr(e.then, tested.size ? { ...env, testedNames: tested } : env, expected);
  const b = inferExpr(e.else, env, expected);
  const u = unify2(a, b);
  if (u) return u;
  if (expected && isCoercible(a, expected) && isCoercible(b, expected)) return expected;
  const s = numberWithString(env, e.span, "the branches of if-then-else", a, b);
  if (s) return s;
  env.ctx.report(msg.branchMismatch(e.span, a, b));
  return T.Any;
}
