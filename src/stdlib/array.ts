/**
 * Standard library, "Generic Array Functions": range, transpose, cross, zip,
 * unzip, contains (1.2), chunk (1.2), flatten, select_first (with the 1.2
 * default argument) and select_all.
 */
import type { WdlType } from "../types/types.js";
import { valuesEqual } from "../values/compare.js";
import { ValueError } from "../values/errors.js";
import { describeValue } from "../values/format.js";
import type { ArrayValue, WdlValue } from "../values/value.js";
import { arrayArg, intArg } from "./args.js";
import { fn, requireVersion, type StdlibFunction } from "./define.js";

const INT: WdlType = { kind: "Int", optional: false };

function array(items: readonly WdlValue[], itemType?: WdlType): ArrayValue {
  return itemType ? { kind: "Array", items, itemType } : { kind: "Array", items };
}

/** The item type of the arrays inside an Array[Array[X]], when recorded. */
function innerItemType(a: ArrayValue): WdlType | undefined {
  const t = a.itemType;
  return t !== undefined && t.kind === "Array" ? t.item : undefined;
}

function pairType(left: WdlType | undefined, right: WdlType | undefined): WdlType | undefined {
  return left && right ? { kind: "Pair", left, right, optional: false } : undefined;
}

function nestedArrays(name: string, a: ArrayValue): ArrayValue[] {
  return a.items.map((x, i) => {
    if (x.kind === "Array") return x;
    throw new ValueError(`${name}: element ${i} must be an Array, not ${describeValue(x)}`, "invalid-argument", x.kind === "None");
  });
}

/** The functions of this chapter. */
export const ARRAY_FUNCTIONS: readonly StdlibFunction[] = [
  fn("range", "1.0", 1, (args) => {
    const n = intArg("range", args, 0);
    if (n < 0n) throw new ValueError(`range: the length must be >= 0, not ${n}`, "invalid-argument");
    if (n > 100_000_000n) throw new ValueError(`range: the length ${n} is too large`, "invalid-argument");
    const items = new Array<WdlValue>(Number(n));
    for (let i = 0; i < items.length; i++) items[i] = { kind: "Int", value: BigInt(i) };
    return array(items, INT);
  }),
  fn("transpose", "1.0", 1, (args) => {
    const outer = arrayArg("transpose", args, 0);
    const rows = nestedArrays("transpose", outer);
    const inner = innerItemType(outer);
    const rowType: WdlType | undefined = inner ? { kind: "Array", item: inner, nonEmpty: false, optional: false } : undefined;
    if (rows.length === 0 || rows[0]!.items.length === 0) {
      if (rows.some((r) => r.items.length !== 0)) {
        throw new ValueError("transpose: every row must have the same number of elements", "invalid-argument");
      }
      return array([], rowType);
    }
    const width = rows[0]!.items.length;
    rows.forEach((r, i) => {
      if (r.items.length !== width) {
        throw new ValueError(
          `transpose: every row must have the same number of elements, but row 0 has ${width} and row ${i} has ${r.items.length}`,
          "invalid-argument",
        );
      }
    });
    const out: WdlValue[] = [];
    for (let j = 0; j < width; j++) out.push(array(rows.map((r) => r.items[j]!), inner));
    return array(out, rowType);
  }),
  fn("cross", "1.0", 2, (args) => {
    const a = arrayArg("cross", args, 0);
    const b = arrayArg("cross", args, 1);
    const out: WdlValue[] = [];
    for (const x of a.items) for (const y of b.items) out.push({ kind: "Pair", left: x, right: y });
    return array(out, pairType(a.itemType, b.itemType));
  }),
  fn("zip", "1.0", 2, (args) => {
    const a = arrayArg("zip", args, 0);
    const b = arrayArg("zip", args, 1);
    if (a.items.length !== b.items.length) {
      throw new ValueError(`zip: the arrays must have the same length, but they have ${a.items.length} and ${b.items.length} elements`, "invalid-argument");
    }
    return array(
      a.items.map((x, i) => ({ kind: "Pair", left: x, right: b.items[i]! }) as WdlValue),
      pairType(a.itemType, b.itemType),
    );
  }),
  fn("unzip", "1.1", 1, (args) => {
    const a = arrayArg("unzip", args, 0);
    const left: WdlValue[] = [];
    const right: WdlValue[] = [];
    a.items.forEach((p, i) => {
      if (p.kind !== "Pair") throw new ValueError(`unzip: element ${i} must be a Pair, not ${describeValue(p)}`, "invalid-argument");
      left.push(p.left);
      right.push(p.right);
    });
    const t = a.itemType !== undefined && a.itemType.kind === "Pair" ? a.itemType : undefined;
    return { kind: "Pair", left: array(left, t?.left), right: array(right, t?.right) };
  }),
  fn("contains", "1.2", 2, (args) => {
    const a = arrayArg("contains", args, 0);
    const v = args[1]!;
    for (const x of a.items) if (valuesEqual(x, v)) return { kind: "Boolean", value: true };
    return { kind: "Boolean", value: false };
  }),
  fn("chunk", "1.2", 2, (args) => {
    const a = arrayArg("chunk", args, 0);
    const n = intArg("chunk", args, 1);
    if (n <= 0n) throw new ValueError(`chunk: the chunk length must be > 0, not ${n}`, "invalid-argument");
    const size = Number(n);
    const chunkType: WdlType | undefined = a.itemType ? { kind: "Array", item: a.itemType, nonEmpty: false, optional: false } : undefined;
    // The spec's example gives [[]] for an empty array.
    if (a.items.length === 0) return array([array([], a.itemType)], chunkType);
    const out: WdlValue[] = [];
    for (let i = 0; i < a.items.length; i += size) out.push(array(a.items.slice(i, i + size), a.itemType));
    return array(out, chunkType);
  }),
  fn("flatten", "1.0", 1, (args) => {
    const outer = arrayArg("flatten", args, 0);
    const out: WdlValue[] = [];
    for (const inner of nestedArrays("flatten", outer)) for (const x of inner.items) out.push(x);
    return array(out, innerItemType(outer));
  }),
  fn("select_first", "1.0", [1, 2], (args, ctx) => {
    const a = arrayArg("select_first", args, 0);
    for (const x of a.items) if (x.kind !== "None") return x;
    if (args.length === 2) {
      requireVersion(ctx, "1.2", "select_first with a default value");
      return args[1]!;
    }
    if (a.items.length === 0) throw new ValueError("select_first: the array is empty", "empty-array");
    throw new ValueError("select_first: every element of the array is None", "none-value", true);
  }),
  fn("select_all", "1.0", 1, (args) => {
    const a = arrayArg("select_all", args, 0);
    const t = a.itemType;
    return array(
      a.items.filter((x) => x.kind !== "None"),
      t && t.kind !== "None" ? ({ ...t, optional: false } as WdlType) : undefined,
    );
  }),
];
