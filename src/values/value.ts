/**
 * Runtime values as data: the WdlValue union used by evaluation, the standard
 * library, inputs/outputs JSON and the runtime. Coercion lives in
 * ./coerce.ts, JSON in ./json.ts; this module owns shapes and constructors.
 *
 * - Int is a `bigint` (signed 64-bit; overflow is an evaluation error).
 * - File and Directory hold a path string; which side of a container boundary
 *   it lives on is decided by the runtime (host paths outside tasks).
 * - Map keeps insertion order; keys are primitive values.
 */
import type { EnumType, WdlType } from "../types/types.js";

/** Every runtime value. */
export type WdlValue =
  | NoneValue
  | BooleanValue
  | IntValue
  | FloatValue
  | StringValue
  | FileValue
  | DirectoryValue
  | ArrayValue
  | MapValue
  | PairValue
  | StructValue
  | EnumValue
  | ObjectValue;

/** `None` */
export interface NoneValue {
  readonly kind: "None";
}
/** A Boolean. */
export interface BooleanValue {
  readonly kind: "Boolean";
  readonly value: boolean;
}
/** A 64-bit Int. */
export interface IntValue {
  readonly kind: "Int";
  readonly value: bigint;
}
/** A Float (IEEE double). */
export interface FloatValue {
  readonly kind: "Float";
  readonly value: number;
}
/** A String. */
export interface StringValue {
  readonly kind: "String";
  readonly value: string;
}
/** A File: a path (or URI). */
export interface FileValue {
  readonly kind: "File";
  readonly value: string;
}
/** A Directory: a path (or URI). */
export interface DirectoryValue {
  readonly kind: "Directory";
  readonly value: string;
}
/** An Array; `itemType` is the static item type when known (needed for empty arrays). */
export interface ArrayValue {
  readonly kind: "Array";
  readonly items: readonly WdlValue[];
  readonly itemType?: WdlType;
}
/** A Map, in insertion order. */
export interface MapValue {
  readonly kind: "Map";
  readonly entries: readonly (readonly [WdlValue, WdlValue])[];
  readonly keyType?: WdlType;
  readonly valueType?: WdlType;
}
/** A Pair. */
export interface PairValue {
  readonly kind: "Pair";
  readonly left: WdlValue;
  readonly right: WdlValue;
}
/** An instance of the struct `name`, members in declaration order. */
export interface StructValue {
  readonly kind: "Struct";
  readonly name: string;
  readonly members: ReadonlyMap<string, WdlValue>;
}
/** A choice of a 1.3 enum: `Color.Red` (the choice's value is `value`). */
export interface EnumValue {
  readonly kind: "Enum";
  /** The enum (not optional). */
  readonly type: EnumType;
  readonly choice: string;
  /** The choice's value (`value(Color.Red)`). */
  readonly value: WdlValue;
}
/** An Object (deprecated): members in insertion order. */
export interface ObjectValue {
  readonly kind: "Object";
  readonly members: ReadonlyMap<string, WdlValue>;
}

/** The one None value. */
export const NONE: NoneValue = Object.freeze({ kind: "None" });

/** Constructors for the primitive values. */
export const V = {
  none: (): NoneValue => NONE,
  bool: (value: boolean): BooleanValue => ({ kind: "Boolean", value }),
  int: (value: bigint | number): IntValue => ({ kind: "Int", value: BigInt(value) }),
  float: (value: number): FloatValue => ({ kind: "Float", value }),
  string: (value: string): StringValue => ({ kind: "String", value }),
  file: (value: string): FileValue => ({ kind: "File", value }),
  directory: (value: string): DirectoryValue => ({ kind: "Directory", value }),
  array: (items: readonly WdlValue[], itemType?: WdlType): ArrayValue =>
    itemType ? { kind: "Array", items, itemType } : { kind: "Array", items },
  map: (entries: readonly (readonly [WdlValue, WdlValue])[]): MapValue => ({ kind: "Map", entries }),
  pair: (left: WdlValue, right: WdlValue): PairValue => ({ kind: "Pair", left, right }),
  struct: (name: string, members: ReadonlyMap<string, WdlValue>): StructValue => ({ kind: "Struct", name, members }),
  object: (members: ReadonlyMap<string, WdlValue>): ObjectValue => ({ kind: "Object", members }),
} as const;
