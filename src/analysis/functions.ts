/**
 * Type-checking of standard-library calls against the signature table in
 * src/stdlib/signatures.ts: parses each variant's signature text once into a
 * type pattern, matches argument types against the variants (binding type
 * parameters), and instantiates the return type. Version gating and usage
 * restrictions are reported by the expression checker, which knows where a
 * call is.
 */
import type { WdlVersion } from "../syntax/ast.js";
import { isCoercible } from "../types/coercion.js";
import { arrayOf, isPrimitive, mapOf, pairOf, T, withOptional, type WdlType } from "../types/types.js";
import { FUNCTIONS, type FunctionSpec } from "../stdlib/signatures.js";
import { versionAtLeast } from "../syntax/ast.js";

/** A type pattern from a signature. */
type Pattern =
  | { readonly k: "type"; readonly type: WdlType }
  | { readonly k: "struct"; readonly optional: boolean }
  | { readonly k: "var"; readonly name: string; readonly optional: boolean; readonly primitive: boolean }
  | { readonly k: "array"; readonly item: Pattern; readonly nonEmpty: boolean; readonly optional: boolean }
  | { readonly k: "map"; readonly key: Pattern; readonly value: Pattern; readonly optional: boolean }
  | { readonly k: "pair"; readonly left: Pattern; readonly right: Pattern; readonly optional: boolean }
  /** `Enum[X]`: any enum (1.3), its value type matched against `X`. */
  | { readonly k: "enum"; readonly value: Pattern; readonly optional: boolean }
  | { readonly k: "alt"; readonly options: readonly Pattern[] };

/** A parsed variant. */
export interface Variant {
  readonly text: string;
  readonly since: WdlVersion;
  readonly returns: Pattern;
  readonly params: readonly Pattern[];
  /** Parameters without brackets. */
  readonly required: number;
}

const parsedCache = new Map<string, readonly Variant[]>();

/** The parsed variants of a library function (cached). */
export function variantsOf(spec: FunctionSpec): readonly Variant[] {
  let v = parsedCache.get(spec.name);
  if (!v) {
    v = spec.variants.map((x) => parseSignature(x.signature, x.since));
    parsedCache.set(spec.name, v);
  }
  return v;
}

/** Per version, the variants of each function available in it (keyed by the spec, so that a lookup builds no key). */
const inVersion = new Map<WdlVersion, Map<FunctionSpec, readonly Variant[]>>();

/** The variants of a function available in `version` (cached). */
function variantsIn(spec: FunctionSpec, version: WdlVersion): readonly Variant[] {
  let bySpec = inVersion.get(version);
  if (!bySpec) inVersion.set(version, (bySpec = new Map()));
  let v = bySpec.get(spec);
  if (!v) bySpec.set(spec, (v = variantsOf(spec).filter((x) => versionAtLeast(version, x.since))));
  return v;
}

/** The library function of this name, if any. */
export function lookupFunction(name: string): FunctionSpec | undefined {
  return FUNCTIONS.get(name);
}

/** The outcome of matching a call's arguments against a function's variants. */
export type CallMatch =
  | { readonly ok: true; readonly returns: WdlType; readonly variant: Variant }
  /** No variant has this many parameters. */
  | { readonly ok: false; readonly reason: "arity"; readonly expected: string }
  /** Some variant has the right arity but the types do not fit: `argIndex` is the first argument that failed in the best variant. */
  | { readonly ok: false; readonly reason: "types"; readonly argIndex: number; readonly expected: string };

/**
 * Matches argument types against the variants available in `version`.
 * The first variant that fits wins (the table lists exact variants first).
 */
export function matchCall(spec: FunctionSpec, args: readonly WdlType[], version: WdlVersion): CallMatch {
  const variants = variantsIn(spec, version);
  const fits = (v: Variant) => args.length >= v.required && args.length <= v.params.length;
  // Every call of a large document comes through here: nothing is built for variants that do not fit.
  let best: { argIndex: number; variant: Variant } | undefined;
  for (const v of variants) {
    if (!fits(v)) continue;
    const bindings = new Bindings();
    let failed = -1;
    for (let i = 0; i < args.length; i++) {
      if (!match(v.params[i]!, args[i]!, bindings)) {
        failed = i;
        break;
      }
    }
    if (failed < 0) return { ok: true, returns: instantiate(v.returns, bindings), variant: v };
    if (!best || failed > best.argIndex) best = { argIndex: failed, variant: v };
  }
  if (!best) return { ok: false, reason: "arity", expected: variants.map((v) => v.text).join(" or ") };
  const expected = variants
    .filter(fits)
    .map((v) => v.text)
    .join(" or ");
  return { ok: false, reason: "types", argIndex: best.argIndex, expected };
}

/**
 * Type-variable bindings of one variant being matched. A signature has at
 * most a few variables (`X`, `Y`, `P`), so a short list beats a Map (which
 * nearly every call of a large document would otherwise make).
 */
class Bindings {
  /** Made on the first binding, at its exact size (most signatures bind one variable). */
  private list: { readonly name: string; type: WdlType }[] | undefined;

  get(name: string): WdlType | undefined {
    return this.entry(name)?.type;
  }

  has(name: string): boolean {
    return this.entry(name) !== undefined;
  }

  set(name: string, type: WdlType): void {
    const existing = this.entry(name);
    if (existing) existing.type = type;
    else if (this.list) this.list.push({ name, type });
    else this.list = [{ name, type }];
  }

  private entry(name: string): { type: WdlType } | undefined {
    if (this.list) for (const b of this.list) if (b.name === name) return b;
    return undefined;
  }

  /** A copy, for trying one alternative of a pattern. */
  copy(): Bindings {
    const c = new Bindings();
    c.adopt(this);
    return c;
  }

  /** Takes over the bindings of a successful trial. */
  adopt(trial: Bindings): void {
    for (const b of trial.list ?? []) this.set(b.name, b.type);
  }
}

/** Matches an argument type against a pattern, binding type variables. */
function match(p: Pattern, t: WdlType, b: Bindings): boolean {
  if (t.kind === "Any") {
    bindAny(p, b);
    return true;
  }
  switch (p.k) {
    case "type":
      // A File or Directory is accepted where the signature names `String` (e.g. `sub(file, …)`), as engines do;
      // a type variable bound to String (`contains(Array[String], P)`) stays strict, as the spec's coercion_fail says.
      return isCoercible(t, p.type) || (p.type.kind === "String" && (t.kind === "File" || t.kind === "Directory") && (p.type.optional || !t.optional));
    case "struct":
      if (t.kind === "None") return p.optional;
      return t.kind === "Struct" && (p.optional || !t.optional);
    case "var": {
      if (t.kind === "None") {
        if (!p.optional) return false;
        if (!b.has(p.name)) b.set(p.name, T.Any);
        return true;
      }
      // `X` binds any type, optional ones included (`length(Array[Int?])`); `P` is a non-optional primitive
      // (an `Array[String?]` cannot be passed to `sep`).
      if (t.optional && !p.optional && p.primitive) return false;
      const bound = p.optional ? withOptional(t, false) : t;
      if (p.primitive && !isPrimitive(bound)) return false;
      const prev = b.get(p.name);
      if (!prev || prev.kind === "Any") {
        b.set(p.name, bound);
        return true;
      }
      if (isCoercible(bound, prev)) return true;
      // Int then Float: widen the binding when the earlier argument coerces to the later one.
      if (isCoercible(prev, bound) && isPrimitive(prev) && prev.kind === "Int") {
        b.set(p.name, bound);
        return true;
      }
      return false;
    }
    case "array":
      if (t.kind !== "Array") return false;
      if (t.optional && !p.optional) return false;
      return match(p.item, t.item, b);
    case "map":
      if (t.kind !== "Map") return false;
      if (t.optional && !p.optional) return false;
      return match(p.key, t.key, b) && match(p.value, t.value, b);
    case "pair":
      if (t.kind !== "Pair") return false;
      if (t.optional && !p.optional) return false;
      return match(p.left, t.left, b) && match(p.right, t.right, b);
    case "enum":
      if (t.kind !== "Enum") return false;
      if (t.optional && !p.optional) return false;
      return match(p.value, t.valueType, b);
    case "alt":
      for (const o of p.options) {
        const trial = b.copy();
        if (match(o, t, trial)) {
          b.adopt(trial);
          return true;
        }
      }
      return false;
  }
}

/** An unknown argument binds every variable it could have bound to Any. */
function bindAny(p: Pattern, b: Bindings): void {
  switch (p.k) {
    case "var":
      if (!b.has(p.name)) b.set(p.name, T.Any);
      return;
    case "array":
      return bindAny(p.item, b);
    case "map":
      bindAny(p.key, b);
      return bindAny(p.value, b);
    case "pair":
      bindAny(p.left, b);
      return bindAny(p.right, b);
    case "enum":
      return bindAny(p.value, b);
    case "alt":
      for (const o of p.options) bindAny(o, b);
      return;
    default:
      return;
  }
}

function instantiate(p: Pattern, b: Bindings): WdlType {
  switch (p.k) {
    case "type":
      return p.type;
    case "struct":
      return T.Any;
    case "var":
      return p.optional ? withOptional(b.get(p.name) ?? T.Any, true) : (b.get(p.name) ?? T.Any);
    case "array":
      return arrayOf(instantiate(p.item, b), p.nonEmpty, p.optional);
    case "map":
      return mapOf(instantiate(p.key, b), instantiate(p.value, b), p.optional);
    case "pair":
      return pairOf(instantiate(p.left, b), instantiate(p.right, b), p.optional);
    case "enum":
      return T.Any;
    case "alt":
      return instantiate(p.options[0]!, b);
  }
}

// ───────────────────────────── signature text parser ─────────────────────────────

/** Parses `R name(T1, [T2])` (trusted table text; throws on a malformed entry, which a unit test guards). */
export function parseSignature(text: string, since: WdlVersion): Variant {
  const m = /^(.+?)\s+([a-z_]+)\((.*)\)$/.exec(text.trim());
  if (!m) throw new Error(`bad signature: ${text}`);
  const params: Pattern[] = [];
  let required = 0;
  for (const raw of splitOn(m[3]!, ",")) {
    const s = raw.trim();
    if (s === "") continue;
    if (s.startsWith("[") && s.endsWith("]")) params.push(parsePattern(s.slice(1, -1)));
    else {
      params.push(parsePattern(s));
      required++;
    }
  }
  return { text, since, returns: parsePattern(m[1]!), params, required };
}

function parsePattern(s: string): Pattern {
  const alts = splitOn(s.trim(), "|");
  if (alts.length > 1) return { k: "alt", options: alts.map(parsePattern) };
  let text = s.trim();
  let optional = false;
  if (text.endsWith("?")) {
    optional = true;
    text = text.slice(0, -1);
  }
  let nonEmpty = false;
  if (text.endsWith("+")) {
    nonEmpty = true;
    text = text.slice(0, -1);
  }
  const open = text.indexOf("[");
  if (open >= 0) {
    const head = text.slice(0, open);
    const args = splitOn(text.slice(open + 1, -1), ",").map(parsePattern);
    if (head === "Array") return { k: "array", item: args[0]!, nonEmpty, optional };
    if (head === "Map") return { k: "map", key: args[0]!, value: args[1]!, optional };
    if (head === "Pair") return { k: "pair", left: args[0]!, right: args[1]!, optional };
    if (head === "Enum") return { k: "enum", value: args[0]!, optional };
    throw new Error(`bad pattern: ${s}`);
  }
  switch (text) {
    case "Boolean":
    case "Int":
    case "Float":
    case "String":
    case "File":
    case "Directory":
      return { k: "type", type: withOptional(T[text], optional) };
    case "true":
      return { k: "type", type: T.Boolean };
    case "Object":
      return { k: "type", type: withOptional(T.Object, optional) };
    case "Union":
      return { k: "type", type: T.Any };
    case "Struct":
      return { k: "struct", optional };
    default:
      if (/^[A-Z]$/.test(text)) return { k: "var", name: text, optional, primitive: text === "P" };
      throw new Error(`bad pattern: ${s}`);
  }
}

/** Splits `s` at each `sep` outside square brackets. */
function splitOn(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (c === sep && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}
