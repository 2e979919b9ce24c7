/**
 * The WDL type system as data: the WdlType union shared by analysis (static
 * checking), values (runtime coercion) and the runtime (inputs/outputs JSON).
 * Coercion rules and unification live in ./coercion.ts; this module owns only
 * the shapes, constructors and printing.
 */
import type { WdlValue } from "../values/value.js";

/** Every WDL type. `optional` marks `T?`. */
export type WdlType =
  | PrimitiveType
  | ArrayType
  | MapType
  | PairType
  | StructType
  | EnumType
  | ObjectType
  | NoneType
  | AnyType
  | HintsScopedType;

/** Primitive type kinds. */
export type PrimitiveKind = "Boolean" | "Int" | "Float" | "String" | "File" | "Directory";

/** `Boolean`, `Int`, `Float`, `String`, `File`, `Directory`. */
export interface PrimitiveType {
  readonly kind: PrimitiveKind;
  readonly optional: boolean;
}

/** `Array[item]`, `Array[item]+` when `nonEmpty`. */
export interface ArrayType {
  readonly kind: "Array";
  readonly item: WdlType;
  readonly nonEmpty: boolean;
  readonly optional: boolean;
}

/** `Map[key, value]` (keys are primitive). */
export interface MapType {
  readonly kind: "Map";
  readonly key: WdlType;
  readonly value: WdlType;
  readonly optional: boolean;
}

/** `Pair[left, right]` */
export interface PairType {
  readonly kind: "Pair";
  readonly left: WdlType;
  readonly right: WdlType;
  readonly optional: boolean;
}

/** A user-defined struct, with its members in declaration order. */
export interface StructType {
  readonly kind: "Struct";
  readonly name: string;
  readonly members: ReadonlyMap<string, WdlType>;
  readonly optional: boolean;
}

/**
 * A 1.3 enumeration: its choices in declaration order, each with its value
 * (computed once by analysis, already of `valueType`). Two enum types are the
 * same type when they share `choices` (one definition, possibly imported
 * under another name).
 */
export interface EnumType {
  readonly kind: "Enum";
  readonly name: string;
  readonly valueType: WdlType;
  readonly choices: readonly EnumChoice[];
  readonly optional: boolean;
}

/** One choice of an enum and its value. */
export interface EnumChoice {
  readonly name: string;
  readonly value: WdlValue;
}

/** The deprecated `Object` type. */
export interface ObjectType {
  readonly kind: "Object";
  readonly optional: boolean;
}

/** The type of the literal `None` (coerces to any optional type). */
export interface NoneType {
  readonly kind: "None";
  readonly optional: true;
}

/**
 * The hidden "anything" type: the item type of `[]`, the result of
 * `read_json` (the spec's hidden Union type), and the type given to an
 * expression after an error so that one mistake is reported once.
 */
export interface AnyType {
  readonly kind: "Any";
  readonly optional: boolean;
}

/** The 1.2 hints-scoped types `hints`, `input` and `output` (only inside a `hints` section). */
export interface HintsScopedType {
  readonly kind: "HintsScoped";
  readonly scope: "hints" | "input" | "output";
  readonly optional: boolean;
}

// ───────────────────────────── constructors ─────────────────────────────

/** Shared, frozen instances of the common non-optional types. */
export const T = {
  Boolean: { kind: "Boolean", optional: false } as PrimitiveType,
  Int: { kind: "Int", optional: false } as PrimitiveType,
  Float: { kind: "Float", optional: false } as PrimitiveType,
  String: { kind: "String", optional: false } as PrimitiveType,
  File: { kind: "File", optional: false } as PrimitiveType,
  Directory: { kind: "Directory", optional: false } as PrimitiveType,
  Object: { kind: "Object", optional: false } as ObjectType,
  None: { kind: "None", optional: true } as NoneType,
  Any: { kind: "Any", optional: false } as AnyType,
} as const;

/** `Array[item]` (or `Array[item]+`). */
export function arrayOf(item: WdlType, nonEmpty = false, optional = false): ArrayType {
  return { kind: "Array", item, nonEmpty, optional };
}

/** `Map[key, value]`. */
export function mapOf(key: WdlType, value: WdlType, optional = false): MapType {
  return { kind: "Map", key, value, optional };
}

/** `Pair[left, right]`. */
export function pairOf(left: WdlType, right: WdlType, optional = false): PairType {
  return { kind: "Pair", left, right, optional };
}

/** The same type with `optional` set as given. */
export function withOptional<TT extends WdlType>(t: TT, optional: boolean): TT {
  if (t.kind === "None") return t;
  if (t.optional === optional) return t;
  return { ...t, optional } as TT;
}

/** `T?` */
export function optionalOf<TT extends WdlType>(t: TT): TT {
  return withOptional(t, true);
}

/** True for Boolean, Int, Float, String, File, Directory. */
export function isPrimitive(t: WdlType): t is PrimitiveType {
  switch (t.kind) {
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

/** Renders a type as WDL source writes it, e.g. `Array[Pair[Int, String?]]+?`. */
export function typeToString(t: WdlType): string {
  const q = t.optional && t.kind !== "None" ? "?" : "";
  switch (t.kind) {
    case "Boolean":
    case "Int":
    case "Float":
    case "String":
    case "File":
    case "Directory":
      return t.kind + q;
    case "Array":
      return `Array[${typeToString(t.item)}]${t.nonEmpty ? "+" : ""}${q}`;
    case "Map":
      return `Map[${typeToString(t.key)}, ${typeToString(t.value)}]${q}`;
    case "Pair":
      return `Pair[${typeToString(t.left)}, ${typeToString(t.right)}]${q}`;
    case "Struct":
    case "Enum":
      return t.name + q;
    case "Object":
      return "Object" + q;
    case "None":
      return "None";
    case "Any":
      return "Any" + q;
    case "HintsScoped":
      return t.scope + q;
  }
}
