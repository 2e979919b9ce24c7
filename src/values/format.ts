/**
 * Turning values into text: the spec's "Expression Placeholder Coercion"
 * (String and File as they are, Int in decimal, Float as `[-]ddd.dddddd`,
 * Boolean as `true`/`false`) and a short human description of any value and
 * its runtime type for error messages.
 */
import { typeToString, type WdlType } from "../types/types.js";
import { ValueError } from "./errors.js";
import type { WdlValue } from "./value.js";

/**
 * Formats a Float the way placeholders do: fixed notation with 6 digits after
 * the decimal point (`3.141` → `3.141000`, `1e10` → `10000000000.000000`).
 */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Math.abs(x) < 1e21) {
    const s = x.toFixed(6);
    return s === "-0.000000" ? "0.000000" : s;
  }
  // toFixed switches to exponent notation from 1e21; such doubles have no fraction.
  return `${BigInt(x).toString()}.000000`;
}

/**
 * The text of a primitive value inside a placeholder, or `undefined` for None.
 * Throws ValueError for compound values (they cannot be interpolated).
 */
export function primitiveToString(v: WdlValue): string | undefined {
  switch (v.kind) {
    case "String":
    case "File":
    case "Directory":
      return v.value;
    case "Int":
      return v.value.toString();
    case "Float":
      return formatFloat(v.value);
    case "Boolean":
      return v.value ? "true" : "false";
    case "None":
      return undefined;
    case "Enum":
      // An enum interpolates as its choice's name (1.3); `value()` gives its value.
      return v.choice;
    case "Array":
    case "Map":
    case "Pair":
    case "Struct":
    case "Object":
      throw new ValueError(
        `a value of type ${typeToString(runtimeTypeOf(v))} cannot be converted to a String` +
          (v.kind === "Array" ? " (use sep() or the sep= placeholder option to join an array)" : ""),
        "not-a-string",
      );
  }
}

/**
 * The runtime type of a value, as precise as the value allows (the item type
 * of an empty array is its recorded `itemType`, else `Any`).
 */
export function runtimeTypeOf(v: WdlValue): WdlType {
  switch (v.kind) {
    case "None":
      return { kind: "None", optional: true };
    case "Boolean":
    case "Int":
    case "Float":
    case "String":
    case "File":
    case "Directory":
      return { kind: v.kind, optional: false };
    case "Array": {
      const first = v.items[0];
      const item = v.itemType ?? (first ? runtimeTypeOf(first) : { kind: "Any", optional: false });
      return { kind: "Array", item, nonEmpty: false, optional: false };
    }
    case "Map": {
      const first = v.entries[0];
      const any: WdlType = { kind: "Any", optional: false };
      return {
        kind: "Map",
        key: v.keyType ?? (first ? runtimeTypeOf(first[0]) : any),
        value: v.valueType ?? (first ? runtimeTypeOf(first[1]) : any),
        optional: false,
      };
    }
    case "Pair":
      return { kind: "Pair", left: runtimeTypeOf(v.left), right: runtimeTypeOf(v.right), optional: false };
    case "Struct": {
      const members = new Map<string, WdlType>();
      for (const [k, m] of v.members) members.set(k, runtimeTypeOf(m));
      return { kind: "Struct", name: v.name, members, optional: false };
    }
    case "Object":
      return { kind: "Object", optional: false };
    case "Enum":
      return v.type;
  }
}

/** A short description of a value for error messages, e.g. `Int 5`, `String "abc"`, `Array[Int] of length 3`. */
export function describeValue(v: WdlValue): string {
  switch (v.kind) {
    case "None":
      return "None";
    case "Boolean":
      return `Boolean ${v.value}`;
    case "Int":
      return `Int ${v.value}`;
    case "Float":
      return `Float ${formatFloat(v.value)}`;
    case "String":
    case "File":
    case "Directory":
      return `${v.kind} ${JSON.stringify(truncate(v.value))}`;
    case "Array":
      return `${typeToString(runtimeTypeOf(v))} of length ${v.items.length}`;
    case "Map":
      return `${typeToString(runtimeTypeOf(v))} with ${v.entries.length} entries`;
    case "Pair":
    case "Object":
      return typeToString(runtimeTypeOf(v));
    case "Struct":
      return `struct ${v.name}`;
    case "Enum":
      return `${v.type.name}.${v.choice}`;
  }
}

function truncate(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + "..." : s;
}
