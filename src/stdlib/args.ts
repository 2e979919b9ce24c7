/**
 * Argument readers shared by the standard-library modules: each takes the
 * function name and the argument position so that a wrong argument is
 * reported as e.g. "sub: argument 2 must be a String, not Int 5". They apply
 * the coercions the spec allows for arguments (Int→Float, String↔File).
 */
import { ValueError } from "../values/errors.js";
import { describeValue, primitiveToString } from "../values/format.js";
import type { ArrayValue, MapValue, WdlValue } from "../values/value.js";

/** The error for an argument of the wrong kind. */
export function badArg(fn: string, index: number, expected: string, v: WdlValue): ValueError {
  const fromNone = v.kind === "None";
  return new ValueError(
    `${fn}: argument ${index + 1} must be ${expected}, not ${describeValue(v)}`,
    fromNone ? "none-value" : "invalid-argument",
    fromNone,
  );
}

/** A String argument (File and Directory values are accepted as their path). */
export function stringArg(fn: string, args: readonly WdlValue[], i: number): string {
  const v = args[i]!;
  if (v.kind === "String" || v.kind === "File" || v.kind === "Directory") return v.value;
  throw badArg(fn, i, "a String", v);
}

/** A path argument: File, Directory or String. */
export function pathArg(fn: string, args: readonly WdlValue[], i: number): string {
  const v = args[i]!;
  if (v.kind === "String" || v.kind === "File" || v.kind === "Directory") return v.value;
  throw badArg(fn, i, "a File", v);
}

/** An Int argument. */
export function intArg(fn: string, args: readonly WdlValue[], i: number): bigint {
  const v = args[i]!;
  if (v.kind === "Int") return v.value;
  if (v.kind === "Float" && Number.isInteger(v.value)) return BigInt(v.value);
  throw badArg(fn, i, "an Int", v);
}

/** A Float argument (an Int is converted). */
export function floatArg(fn: string, args: readonly WdlValue[], i: number): number {
  const v = args[i]!;
  if (v.kind === "Float") return v.value;
  if (v.kind === "Int") return Number(v.value);
  throw badArg(fn, i, "a Float", v);
}

/** A Boolean argument. */
export function booleanArg(fn: string, args: readonly WdlValue[], i: number): boolean {
  const v = args[i]!;
  if (v.kind === "Boolean") return v.value;
  throw badArg(fn, i, "a Boolean", v);
}

/** An Array argument. */
export function arrayArg(fn: string, args: readonly WdlValue[], i: number): ArrayValue {
  const v = args[i]!;
  if (v.kind === "Array") return v;
  throw badArg(fn, i, "an Array", v);
}

/** A Map argument. */
export function mapArg(fn: string, args: readonly WdlValue[], i: number): MapValue {
  const v = args[i]!;
  if (v.kind === "Map") return v;
  throw badArg(fn, i, "a Map", v);
}

/**
 * The text of a primitive array item (as a placeholder would show it). A
 * compound or None item is an error naming the function and the index.
 */
export function itemText(fn: string, item: WdlValue, index: number): string {
  if (item.kind === "None") {
    throw new ValueError(`${fn}: element ${index} of the array is None`, "none-value", true);
  }
  if (item.kind === "Array" || item.kind === "Map" || item.kind === "Pair" || item.kind === "Struct" || item.kind === "Object") {
    throw new ValueError(`${fn}: the array's elements must be primitive values, but element ${index} is ${describeValue(item)}`, "invalid-argument");
  }
  return primitiveToString(item)!;
}

/** Shorthand constructors for results. */
export const R = {
  string: (value: string): WdlValue => ({ kind: "String", value }),
  int: (value: bigint): WdlValue => ({ kind: "Int", value }),
  float: (value: number): WdlValue => ({ kind: "Float", value }),
  bool: (value: boolean): WdlValue => ({ kind: "Boolean", value }),
  file: (value: string): WdlValue => ({ kind: "File", value }),
  strings: (items: readonly string[]): WdlValue => ({
    kind: "Array",
    items: items.map((value) => ({ kind: "String", value }) as WdlValue),
    itemType: { kind: "String", optional: false },
  }),
} as const;
