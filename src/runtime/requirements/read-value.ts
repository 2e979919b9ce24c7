/**
 * Reading requirement and hint values: small typed accessors over WdlValue
 * that throw a RequirementError naming the attribute when the value has the
 * wrong shape. Shared by the one-function-per-key modules beside this one.
 */
import { assertUnreachable } from "../../diagnostics/diagnostic.js";
import type { WdlValue } from "../../values/value.js";

/** A requirement or hint whose value cannot be used; `key` is the attribute as written. */
export class RequirementError extends Error {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`${key}: ${detail}`);
    this.name = "RequirementError";
  }
}

/** A short rendering of a value for error messages. */
export function describeValue(v: WdlValue): string {
  switch (v.kind) {
    case "None":
      return "None";
    case "Boolean":
      return String(v.value);
    case "Int":
      return v.value.toString();
    case "Float":
      return String(v.value);
    case "String":
    case "File":
    case "Directory":
      return JSON.stringify(v.value);
    case "Array":
      return `an array of ${v.items.length}`;
    case "Map":
      return "a map";
    case "Pair":
      return "a pair";
    case "Struct":
      return `a ${v.name}`;
    case "Object":
      return "an object";
    case "Enum":
      return `${v.type.name}.${v.choice}`;
    default:
      return assertUnreachable(v);
  }
}

/** An Int or Float as a JS number. */
export function readNumber(key: string, v: WdlValue): number {
  if (v.kind === "Int") return Number(v.value);
  if (v.kind === "Float") return v.value;
  throw new RequirementError(key, `expected an Int or Float, got ${describeValue(v)}`);
}

/** An Int as a JS number. */
export function readInt(key: string, v: WdlValue): number {
  if (v.kind === "Int") return Number(v.value);
  if (v.kind === "Float" && Number.isInteger(v.value)) return v.value;
  throw new RequirementError(key, `expected an Int, got ${describeValue(v)}`);
}

/** A Boolean (the strings "true"/"false" are accepted, as older `runtime` sections write them). */
export function readBoolean(key: string, v: WdlValue): boolean {
  if (v.kind === "Boolean") return v.value;
  if (v.kind === "String" && (v.value === "true" || v.value === "false")) return v.value === "true";
  throw new RequirementError(key, `expected a Boolean, got ${describeValue(v)}`);
}

/** A String (or a File/Directory path). */
export function readString(key: string, v: WdlValue): string {
  if (v.kind === "String" || v.kind === "File" || v.kind === "Directory") return v.value;
  throw new RequirementError(key, `expected a String, got ${describeValue(v)}`);
}

/** A String or an Array of them, as a list. */
export function readStringList(key: string, v: WdlValue): string[] {
  if (v.kind === "Array") return v.items.map((item) => readString(key, item));
  return [readString(key, v)];
}
