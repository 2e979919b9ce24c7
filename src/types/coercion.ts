/**
 * The spec's static coercion rules ("Type Coercion", "Coercion of Optional
 * Types", "Struct/Object Coercion from Map", "Struct-to-Struct Coercion"),
 * unification of the types of array/map literal items and if/else branches,
 * and the operand rules of the equality operators. Pure functions of types;
 * runtime value coercion lives in src/values.
 */
import type { WdlVersion } from "../syntax/ast.js";
import { arrayOf, isPrimitive, mapOf, pairOf, T, withOptional, type StructType, type WdlType } from "./types.js";

/** Knobs for the few rules that the spec leaves to context. */
export interface CoercionOptions {
  /**
   * Accept `T?` where `T` is expected (the spec's deprecated "limited
   * exception"; it fails at run time when the value is None). Off by default.
   */
  readonly allowOptionalToRequired?: boolean;
  /** The document's version; no rule depends on it yet but callers pass it so one can. */
  readonly version?: WdlVersion;
  /**
   * Accept any primitive where `String` is expected, at any depth (`Array[File]`
   * into `Array[String]`, `Int?` into `String?`), recording here the kinds so
   * converted: the checker decides from them what to report (see checkAssignable).
   */
  readonly stringFrom?: Set<WdlType["kind"]>;
}

/** The default options, shared (the checker calls isCoercible for nearly every expression). */
const NO_OPTIONS: CoercionOptions = Object.freeze({});

/**
 * True when a value of type `from` may be used where `to` is expected.
 * `Any` (unknown, or the hidden Union type) coerces both ways. Non-empty
 * arrays are accepted where `Array[T]+` is expected from a possibly-empty
 * `Array[T]`; emptiness is checked at run time.
 */
export function isCoercible(from: WdlType, to: WdlType, options: CoercionOptions = NO_OPTIONS): boolean {
  if (from === to) return true;
  if (from.kind === "Any" || to.kind === "Any") return true;
  if (from.kind === "None") return to.optional;
  if (from.optional && !to.optional && !options.allowOptionalToRequired) return false;
  switch (to.kind) {
    case "String":
      if (from.kind === "String") return true;
      if (options.stringFrom && isPrimitive(from)) {
        options.stringFrom.add(from.kind);
        return true;
      }
      return false;
    case "Boolean":
    case "Int":
      return from.kind === to.kind;
    case "Float":
      return from.kind === "Float" || from.kind === "Int";
    case "File":
    case "Directory":
      return from.kind === to.kind || from.kind === "String";
    case "Array":
      return from.kind === "Array" && isCoercible(from.item, to.item, options);
    case "Map":
      if (from.kind === "Map") return isCoercible(from.key, to.key, options) && isCoercible(from.value, to.value, options);
      if (from.kind === "Struct") return isStringKey(to.key) && [...from.members.values()].every((m) => isCoercible(m, to.value, options));
      if (from.kind === "Object") return isStringKey(to.key);
      return false;
    case "Pair":
      return from.kind === "Pair" && isCoercible(from.left, to.left, options) && isCoercible(from.right, to.right, options);
    case "Struct":
      if (from.kind === "Struct") return structToStruct(from, to, options);
      if (from.kind === "Map") {
        return isCoercible(from.key, T.String, options) && [...to.members.values()].every((m) => isCoercible(from.value, m, options));
      }
      return from.kind === "Object";
    case "Enum":
      return from.kind === "Enum" && from.choices === to.choices;
    case "Object":
      return from.kind === "Object" || from.kind === "Struct" || (from.kind === "Map" && isCoercible(from.key, T.String, options));
    case "HintsScoped":
      return from.kind === "HintsScoped" && from.scope === to.scope;
    case "None":
      return false;
  }
}

function isStringKey(t: WdlType): boolean {
  return t.kind === "String" || t.kind === "Any";
}

/** Struct-to-struct: same member names (and count), each member coercible. Same-named structs with identical definitions are the same type. */
function structToStruct(from: StructType, to: StructType, options: CoercionOptions): boolean {
  if (from.members === to.members) return true;
  if (from.members.size !== to.members.size) return false;
  for (const [name, t] of from.members) {
    const target = to.members.get(name);
    if (!target || !isCoercible(t, target, options)) return false;
  }
  return true;
}

/**
 * True when two types are the same type (optionality included); structs
 * compare by name and members.
 */
export function typesEqual(a: WdlType, b: WdlType): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.optional !== b.optional) return false;
  switch (a.kind) {
    case "Array":
      return b.kind === "Array" && a.nonEmpty === b.nonEmpty && typesEqual(a.item, b.item);
    case "Map":
      return b.kind === "Map" && typesEqual(a.key, b.key) && typesEqual(a.value, b.value);
    case "Pair":
      return b.kind === "Pair" && typesEqual(a.left, b.left) && typesEqual(a.right, b.right);
    case "Struct": {
      if (b.kind !== "Struct" || a.name !== b.name) return false;
      if (a.members === b.members) return true;
      if (a.members.size !== b.members.size) return false;
      for (const [n, t] of a.members) {
        const o = b.members.get(n);
        if (!o || !typesEqual(t, o)) return false;
      }
      return true;
    }
    case "HintsScoped":
      return b.kind === "HintsScoped" && a.scope === b.scope;
    default:
      return true;
  }
}

/**
 * The least common type of two types, or undefined when there is none: the
 * type an array literal's items, a map literal's keys or values, or the two
 * branches of an if/else share. `None` makes the result optional; `Int`
 * and `Float` unify to `Float`; `String` unifies with `File`/`Directory`
 * to the latter; a map unifies with a struct it coerces to.
 */
export function unify2(a: WdlType, b: WdlType): WdlType | undefined {
  const optional = a.optional || b.optional;
  if (a.kind === "None") return b.kind === "None" ? a : withOptional(b, true);
  if (b.kind === "None") return withOptional(a, true);
  if (a.kind === "Any") return withOptional(b, optional);
  if (b.kind === "Any") return withOptional(a, optional);
  if (isPrimitive(a) && isPrimitive(b)) {
    if (a.kind === b.kind) return withOptional(a, optional);
    const pair = new Set([a.kind, b.kind]);
    if (pair.has("Int") && pair.has("Float")) return withOptional(T.Float, optional);
    if (pair.has("String") && pair.has("File")) return withOptional(T.File, optional);
    if (pair.has("String") && pair.has("Directory")) return withOptional(T.Directory, optional);
    return undefined;
  }
  if (a.kind === "Array" && b.kind === "Array") {
    const item = unify2(a.item, b.item);
    return item && arrayOf(item, a.nonEmpty && b.nonEmpty, optional);
  }
  if (a.kind === "Map" && b.kind === "Map") {
    const key = unify2(a.key, b.key);
    const value = unify2(a.value, b.value);
    return key && value && mapOf(key, value, optional);
  }
  if (a.kind === "Pair" && b.kind === "Pair") {
    const left = unify2(a.left, b.left);
    const right = unify2(a.right, b.right);
    return left && right && pairOf(left, right, optional);
  }
  if (a.kind === "Object" && b.kind === "Object") return withOptional(a, optional);
  // Structs, objects and maps: whichever side the other coerces to.
  const loose = { allowOptionalToRequired: true };
  if (isCoercible(a, b, loose)) return withOptional(b, optional);
  if (isCoercible(b, a, loose)) return withOptional(a, optional);
  return undefined;
}

/** Unifies a list of types (see unify2); the empty list unifies to `Any`. */
export function unify(types: readonly WdlType[]): WdlType | undefined {
  let acc: WdlType = T.Any;
  let first = true;
  for (const t of types) {
    if (first) {
      acc = t;
      first = false;
      continue;
    }
    const u = unify2(acc, t);
    if (!u) return undefined;
    acc = u;
  }
  return acc;
}

/**
 * Whether `==`/`!=` may compare operands of these types. Either side may be
 * optional; any two primitives compare (after the spec's string-conversion
 * precedence); compound values compare when one type coerces to the other.
 */
export function isEquatable(a: WdlType, b: WdlType): boolean {
  if (a.kind === "None" || b.kind === "None" || a.kind === "Any" || b.kind === "Any") return true;
  const x = withOptional(a, false);
  const y = withOptional(b, false);
  if (isPrimitive(x) && isPrimitive(y)) return true;
  return unify2(x, y) !== undefined;
}

/**
 * Whether `<`, `<=`, `>`, `>=` may compare operands of these types: two
 * numbers, two strings, or two Booleans (deprecated). Optional operands are
 * not allowed.
 */
export function isOrderable(a: WdlType, b: WdlType): boolean {
  if (a.kind === "Any" || b.kind === "Any") return true;
  if (a.optional || b.optional) return false;
  const numeric = (t: WdlType) => t.kind === "Int" || t.kind === "Float";
  if (numeric(a) && numeric(b)) return true;
  if (a.kind === "String" && b.kind === "String") return true;
  if (a.kind === "Boolean" && b.kind === "Boolean") return true;
  return false;
}

/** True when `t` (ignoring optionality) is `Int` or `Float` (or unknown). */
export function isNumeric(t: WdlType): boolean {
  return t.kind === "Int" || t.kind === "Float" || t.kind === "Any";
}

/** True when a value of this type contains a `File` or `Directory` at any depth. */
export function containsFiles(t: WdlType): boolean {
  switch (t.kind) {
    case "File":
    case "Directory":
    case "Any":
    case "Object":
      return true;
    case "Array":
      return containsFiles(t.item);
    case "Map":
      return containsFiles(t.key) || containsFiles(t.value);
    case "Pair":
      return containsFiles(t.left) || containsFiles(t.right);
    case "Struct":
      return [...t.members.values()].some(containsFiles);
    default:
      return false;
  }
}
