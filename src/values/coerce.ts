/**
 * Runtime coercion of a value to a type, per the spec's coercion table
 * ("Type Coercion"): Int→Float, String→File/Directory, T→T?, element-wise
 * Array/Map/Pair, Map/Object/struct ↔ struct/Object/Map, struct→struct by
 * member names, the `Array[T]+` non-empty check and the None rules. It also
 * accepts the spec's deprecated "limited exceptions" that real workflows lean
 * on (String→Int/Float/Boolean for `read_lines` results, integral Float→Int,
 * Map ↔ Array[Pair], Object{left,right} → Pair for `read_json` results).
 * Static checking decides what is allowed to be written; this module only
 * refuses what cannot be converted.
 */
import { nearestName } from "../diagnostics/nearest.js";
import { typeToString, withOptional, type EnumType, type StructType, type WdlType } from "../types/types.js";
import { ValueError } from "./errors.js";
import { describeValue, primitiveToString } from "./format.js";
import { NONE, type WdlValue } from "./value.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Coerces `value` to `to`. Returns the value itself when it already fits (no
 * copy). Throws ValueError naming the expected type and what was found; for a
 * nested failure the message starts with the path, e.g. `at [2].name: …`.
 */
export function coerce(value: WdlValue, to: WdlType): WdlValue {
  try {
    return coerceInner(value, to);
  } catch (e) {
    if (e instanceof PathedError) {
      throw new ValueError(`${e.path ? `at ${e.path}: ` : ""}${e.message}`, e.code, e.fromNone);
    }
    throw e;
  }
}

/** Internal error that accumulates the path into compound values while unwinding. */
class PathedError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly fromNone: boolean,
    public path: string,
  ) {
    super(message);
  }
}

function mismatch(value: WdlValue, to: WdlType, why?: string): PathedError {
  return new PathedError(
    `expected a value of type ${typeToString(to)} but found ${describeValue(value)}${why ? ` (${why})` : ""}`,
    value.kind === "None" ? "none-value" : "coercion-failed",
    value.kind === "None",
    "",
  );
}

function nested<R>(segment: string, f: () => R): R {
  try {
    return f();
  } catch (e) {
    if (e instanceof PathedError) {
      e.path = segment + e.path;
    } else if (e instanceof ValueError) {
      throw new PathedError(e.message, e.code, e.fromNone, segment);
    }
    throw e;
  }
}

function coerceInner(v: WdlValue, t: WdlType): WdlValue {
  if (v.kind === "None") {
    if (t.optional || t.kind === "Any") return NONE;
    throw mismatch(v, t);
  }
  switch (t.kind) {
    case "Any":
      return v;
    case "None":
      throw mismatch(v, t);
    case "Boolean":
      if (v.kind === "Boolean") return v;
      if (v.kind === "String") {
        const s = v.value.trim().toLowerCase();
        if (s === "true" || s === "false") return { kind: "Boolean", value: s === "true" };
      }
      throw mismatch(v, t, v.kind === "String" ? "the text is neither true nor false" : undefined);
    case "Int":
      if (v.kind === "Int") return v;
      if (v.kind === "Float" && Number.isInteger(v.value)) return checkedInt(BigInt(v.value), v, t);
      if (v.kind === "String" && /^\s*[+-]?\d+\s*$/.test(v.value)) return checkedInt(BigInt(v.value.trim()), v, t);
      throw mismatch(v, t, v.kind === "String" ? "the text is not an integer" : undefined);
    case "Float":
      if (v.kind === "Float") return v;
      if (v.kind === "Int") return { kind: "Float", value: Number(v.value) };
      if (v.kind === "String") {
        // A Float is finite: "inf" and "nan" are not numbers here, nor is anything that overflows.
        const s = v.value.trim();
        if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && Number.isFinite(Number(s))) {
          return { kind: "Float", value: Number(s) };
        }
      }
      throw mismatch(v, t, v.kind === "String" ? "the text is not a number" : undefined);
    case "String":
      if (v.kind === "String") return v;
      if (v.kind === "File" || v.kind === "Directory") return { kind: "String", value: v.value };
      // A number (or Boolean) where analysis accepted it as a String with a leniency warning (`[1, "a"]`).
      if (v.kind === "Int" || v.kind === "Float" || v.kind === "Boolean") return { kind: "String", value: primitiveToString(v)! };
      throw mismatch(v, t);
    case "File":
      if (v.kind === "File") return v;
      if (v.kind === "String") return { kind: "File", value: v.value };
      throw mismatch(v, t);
    case "Directory":
      if (v.kind === "Directory") return v;
      if (v.kind === "String") return { kind: "Directory", value: v.value };
      throw mismatch(v, t);
    case "Array":
      return toArray(v, t);
    case "Map":
      return toMap(v, t);
    case "Pair":
      return toPair(v, t);
    case "Struct":
      return toStruct(v, t);
    case "Enum":
      return toEnum(v, t);
    case "Object":
      return toObject(v, t);
    case "HintsScoped":
      if (v.kind === "Object" || v.kind === "Map") return v;
      throw mismatch(v, t);
  }
}

/**
 * An enum value: the same enum's choice, or (from an input's JSON) a String
 * naming a choice. An unknown name lists the allowed ones, suggesting the one
 * that differs only in case, else the nearest one.
 */
function toEnum(v: WdlValue, t: EnumType): WdlValue {
  if (v.kind === "Enum" && v.type.choices === t.choices) return v;
  if (v.kind !== "String") throw mismatch(v, t);
  const choice = t.choices.find((c) => c.name === v.value);
  const type = withOptional(t, false);
  if (choice) return { kind: "Enum", type, choice: choice.name, value: choice.value };
  const names = t.choices.map((c) => c.name);
  const near = names.find((n) => n.toLowerCase() === v.value.toLowerCase()) ?? nearestName(v.value, names);
  throw new PathedError(
    `${JSON.stringify(v.value)} is not a choice of enum ${t.name}; allowed: ${choiceList(t)}${near ? ` (did you mean ${near}?)` : ""}`,
    "unknown-enum-choice",
    false,
    "",
  );
}

/** The names of an enum's choices, for messages: `Red, Green, Blue`. */
export function choiceList(t: EnumType): string {
  return t.choices.map((c) => c.name).join(", ");
}

function checkedInt(n: bigint, v: WdlValue, t: WdlType): WdlValue {
  if (n < INT64_MIN || n > INT64_MAX) throw mismatch(v, t, "out of the 64-bit Int range");
  return { kind: "Int", value: n };
}

function toArray(v: WdlValue, t: Extract<WdlType, { kind: "Array" }>): WdlValue {
  let items: readonly WdlValue[];
  if (v.kind === "Array") {
    items = v.items;
  } else if (v.kind === "Map") {
    // Deprecated exception: Map[W, X] → Array[Pair[Y, Z]].
    if (t.item.kind !== "Pair" && t.item.kind !== "Any") throw mismatch(v, t);
    items = v.entries.map(([k, x]) => ({ kind: "Pair", left: k, right: x }) as WdlValue);
  } else {
    throw mismatch(v, t);
  }
  if (t.nonEmpty && items.length === 0) {
    throw new PathedError(`expected a non-empty ${typeToString(t)} but found an empty array`, "empty-array", false, "");
  }
  const out = coerceItems(items, t.item);
  if (v.kind === "Array" && out === v.items && sameType(v.itemType, t.item)) return v;
  return { kind: "Array", items: out, itemType: t.item };
}

/** Coerces each item; returns the same array object when nothing changed. */
function coerceItems(items: readonly WdlValue[], item: WdlType): readonly WdlValue[] {
  let out: WdlValue[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const x = items[i]!;
    const y = nested(`[${i}]`, () => coerceInner(x, item));
    if (y !== x && out === undefined) out = items.slice(0, i);
    if (out !== undefined) out.push(y);
  }
  return out ?? items;
}

function sameType(a: WdlType | undefined, b: WdlType): boolean {
  return a !== undefined && (a === b || typeToString(a) === typeToString(b));
}

function toMap(v: WdlValue, t: Extract<WdlType, { kind: "Map" }>): WdlValue {
  let entries: (readonly [WdlValue, WdlValue])[];
  switch (v.kind) {
    case "Map":
      entries = v.entries.map(([k, x]) => {
        const key = nested(`[key ${describeValue(k)}]`, () => coerceInner(k, t.key));
        return [key, nested(`[${describeKey(k)}]`, () => coerceInner(x, t.value))] as const;
      });
      break;
    case "Object":
    case "Struct":
      entries = [...v.members].map(([k, x]) => {
        const key = nested(`.${k}`, () => coerceInner({ kind: "String", value: k }, t.key));
        return [key, nested(`.${k}`, () => coerceInner(x, t.value))] as const;
      });
      break;
    case "Array":
      // Deprecated exception: Array[Pair[W, X]] → Map[Y, Z].
      entries = v.items.map((p, i) => {
        if (p.kind !== "Pair") throw mismatch(v, t);
        return nested(`[${i}]`, () => [coerceInner(p.left, t.key), coerceInner(p.right, t.value)] as const);
      });
      break;
    default:
      throw mismatch(v, t);
  }
  return { kind: "Map", entries: dedupe(entries), keyType: t.key, valueType: t.value };
}

function describeKey(k: WdlValue): string {
  return k.kind === "String" ? JSON.stringify(k.value) : describeValue(k);
}

/** Keeps the last value for a repeated key, at the key's first position. */
function dedupe(entries: (readonly [WdlValue, WdlValue])[]): (readonly [WdlValue, WdlValue])[] {
  if (entries.length < 2) return entries;
  const index = new Map<string, number>();
  const out: (readonly [WdlValue, WdlValue])[] = [];
  for (const e of entries) {
    const k = keyString(e[0]);
    const at = index.get(k);
    if (at === undefined) {
      index.set(k, out.length);
      out.push(e);
    } else {
      out[at] = [out[at]![0], e[1]];
    }
  }
  return out;
}

/** A string identifying a primitive map key (used for lookups and duplicate detection). */
export function keyString(k: WdlValue): string {
  switch (k.kind) {
    case "Int":
      return "i" + k.value.toString();
    case "Float":
      return Number.isInteger(k.value) ? "i" + k.value.toString() : "f" + k.value.toString();
    case "String":
    case "File":
    case "Directory":
      return "s" + k.value;
    case "Boolean":
      return k.value ? "btrue" : "bfalse";
    case "None":
      return "n";
    default:
      return "c" + JSON.stringify(k, (_, x) => (typeof x === "bigint" ? x.toString() : x instanceof Map ? [...x] : x));
  }
}

function toPair(v: WdlValue, t: Extract<WdlType, { kind: "Pair" }>): WdlValue {
  if (v.kind === "Pair") {
    const left = nested(".left", () => coerceInner(v.left, t.left));
    const right = nested(".right", () => coerceInner(v.right, t.right));
    return left === v.left && right === v.right ? v : { kind: "Pair", left, right };
  }
  if (v.kind === "Object" || v.kind === "Struct") {
    const l = v.members.get("left");
    const r = v.members.get("right");
    if (v.members.size === 2 && l !== undefined && r !== undefined) {
      return {
        kind: "Pair",
        left: nested(".left", () => coerceInner(l, t.left)),
        right: nested(".right", () => coerceInner(r, t.right)),
      };
    }
  }
  if (v.kind === "Array" && v.items.length === 2) {
    return {
      kind: "Pair",
      left: nested("[0]", () => coerceInner(v.items[0]!, t.left)),
      right: nested("[1]", () => coerceInner(v.items[1]!, t.right)),
    };
  }
  throw mismatch(v, t);
}

function toStruct(v: WdlValue, t: StructType): WdlValue {
  let source: ReadonlyMap<string, WdlValue>;
  switch (v.kind) {
    case "Struct":
    case "Object":
      source = v.members;
      break;
    case "Map": {
      const m = new Map<string, WdlValue>();
      for (const [k, x] of v.entries) {
        if (k.kind !== "String" && k.kind !== "File") throw mismatch(v, t, "map keys must be strings");
        m.set(k.value, x);
      }
      source = m;
      break;
    }
    default:
      throw mismatch(v, t);
  }
  // Struct-to-struct needs identical member names; an Object or Map "must at
  // least contain" the struct's members, so extra keys are ignored.
  if (v.kind === "Struct") {
    for (const name of source.keys()) {
      if (!t.members.has(name)) throw mismatch(v, t, `struct ${t.name} has no member '${name}'`);
    }
  }
  const members = new Map<string, WdlValue>();
  let same = v.kind === "Struct" && v.name === t.name;
  for (const [name, mt] of t.members) {
    const x = source.get(name);
    if (x === undefined) {
      if (mt.optional) {
        members.set(name, NONE);
        same = false;
        continue;
      }
      throw mismatch(v, t, `missing member '${name}' of type ${typeToString(mt)}`);
    }
    const y = nested(`.${name}`, () => coerceInner(x, mt));
    if (y !== x) same = false;
    members.set(name, y);
  }
  return same ? v : { kind: "Struct", name: t.name, members };
}

function toObject(v: WdlValue, t: WdlType): WdlValue {
  switch (v.kind) {
    case "Object":
      return v;
    case "Struct":
      return { kind: "Object", members: v.members };
    case "Map": {
      const m = new Map<string, WdlValue>();
      for (const [k, x] of v.entries) {
        if (k.kind !== "String" && k.kind !== "File") throw mismatch(v, t, "map keys must be strings");
        m.set(k.value, x);
      }
      return { kind: "Object", members: m };
    }
    default:
      throw mismatch(v, t);
  }
}
