/**
 * Value equality and ordering: the spec's `==`/`!=` on primitive and compound
 * values ("Equality of Compound Types", optional operands: None equals only
 * None; Int and Float compare numerically; String and File compare as text)
 * and `<`, `<=`, `>`, `>=` on numbers, strings and (deprecated) Booleans.
 */
import { ValueError } from "./errors.js";
import { describeValue, primitiveToString } from "./format.js";
import type { WdlValue } from "./value.js";

/**
 * WDL `a == b`. Never throws: values of unrelated types are simply unequal.
 * Primitives of different kinds follow the spec's "Order of Precedence":
 * Int and Float compare numerically; otherwise both are converted to String
 * (as placeholders show them) and compared, so `true == "true"` and
 * `1 == "1"` hold while `1 == true` does not.
 */
export function valuesEqual(a: WdlValue, b: WdlValue): boolean {
  if (a.kind !== b.kind && isPrimitive(a) && isPrimitive(b) && !(isNumber(a) && isNumber(b))) {
    return primitiveToString(a) === primitiveToString(b);
  }
  switch (a.kind) {
    case "None":
      return b.kind === "None";
    case "Boolean":
      return b.kind === "Boolean" && a.value === b.value;
    case "Int":
      if (b.kind === "Int") return a.value === b.value;
      return b.kind === "Float" && Number(a.value) === b.value;
    case "Float":
      if (b.kind === "Float") return a.value === b.value;
      return b.kind === "Int" && a.value === Number(b.value);
    case "String":
    case "File":
    case "Directory":
      return (b.kind === "String" || b.kind === "File" || b.kind === "Directory") && a.value === b.value;
    case "Array": {
      if (b.kind !== "Array" || a.items.length !== b.items.length) return false;
      for (let i = 0; i < a.items.length; i++) if (!valuesEqual(a.items[i]!, b.items[i]!)) return false;
      return true;
    }
    case "Map": {
      if (b.kind !== "Map" || a.entries.length !== b.entries.length) return false;
      for (let i = 0; i < a.entries.length; i++) {
        const [ak, av] = a.entries[i]!;
        const [bk, bv] = b.entries[i]!;
        if (!valuesEqual(ak, bk) || !valuesEqual(av, bv)) return false;
      }
      return true;
    }
    case "Pair":
      return b.kind === "Pair" && valuesEqual(a.left, b.left) && valuesEqual(a.right, b.right);
    case "Enum":
      // The same choice of the same enum (one definition, whatever name an import gave it).
      return b.kind === "Enum" && a.type.choices === b.type.choices && a.choice === b.choice;
    case "Struct":
    case "Object": {
      // Members decide, not struct names: an imported struct may be known under an
      // alias, and analysis only lets compatible structs be compared at all.
      if (b.kind !== "Struct" && b.kind !== "Object") return false;
      if (a.members.size !== b.members.size) return false;
      for (const [k, av] of a.members) {
        const bv = b.members.get(k);
        if (bv === undefined || !valuesEqual(av, bv)) return false;
      }
      return true;
    }
  }
}

/**
 * Orders two values for `<`, `<=`, `>`, `>=`: negative, zero or positive.
 * Numbers (Int and Float mixed) compare numerically, String/File/Directory by
 * Unicode code points, Booleans with false < true. Anything else throws ValueError.
 */
export function compareValues(a: WdlValue, b: WdlValue): number {
  if (a.kind === "Int" && b.kind === "Int") return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if ((a.kind === "Int" || a.kind === "Float") && (b.kind === "Int" || b.kind === "Float")) {
    const x = Number(a.value);
    const y = Number(b.value);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (
    (a.kind === "String" || a.kind === "File" || a.kind === "Directory") &&
    (b.kind === "String" || b.kind === "File" || b.kind === "Directory")
  ) {
    return compareCodePoints(a.value, b.value);
  }
  if (a.kind === "Boolean" && b.kind === "Boolean") return Number(a.value) - Number(b.value);
  throw new ValueError(
    `cannot order ${describeValue(a)} and ${describeValue(b)}: only numbers, strings and booleans can be compared`,
    "invalid-operands",
  );
}

/** Compares strings by Unicode code point (JS `<` compares UTF-16 units, which differs above the BMP). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800–0xDFFF) encode code points above 0xFFFF, which sort after all BMP units.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function isPrimitive(v: WdlValue): boolean {
  switch (v.kind) {
    case "Boolean":
    case "Int":
    case "Float":
    case "String":
    case "File":
    case "Directory":
      return true;
    default:
      return false;
  }
}

function isNumber(v: WdlValue): boolean {
  return v.kind === "Int" || v.kind === "Float";
}
