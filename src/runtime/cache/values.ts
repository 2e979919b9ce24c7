/**
 * WDL values as JSON data for the call cache, without loss: every kind kept
 * (Pair, Struct names, Int beyond 2^53, Map keys of any type), File and
 * Directory paths replaced by whatever the caller makes of them (a content
 * digest in a key, a reference to a stored file in an entry).
 */
import { assertUnreachable } from "../../diagnostics/diagnostic.js";
import type { WdlValue } from "../../values/value.js";

/** A value as stored: `[kind, …]`. */
export type EncodedValue = readonly unknown[];

/** Encodes `v`, replacing each File/Directory path by `file(path, kind)`. */
export async function encodeValue(v: WdlValue, file: (path: string, kind: "File" | "Directory") => Promise<unknown>): Promise<EncodedValue> {
  switch (v.kind) {
    case "None":
      return ["None"];
    case "Boolean":
      return ["Boolean", v.value];
    case "Int":
      return ["Int", v.value.toString()];
    case "Float":
      return ["Float", Number.isFinite(v.value) ? v.value : String(v.value)];
    case "String":
      return ["String", v.value];
    case "File":
    case "Directory":
      return [v.kind, await file(v.value, v.kind)];
    case "Array": {
      const items: EncodedValue[] = [];
      for (const x of v.items) items.push(await encodeValue(x, file));
      return ["Array", items];
    }
    case "Map": {
      const entries: EncodedValue[][] = [];
      for (const [k, x] of v.entries) entries.push([await encodeValue(k, file), await encodeValue(x, file)]);
      return ["Map", entries];
    }
    case "Pair":
      return ["Pair", await encodeValue(v.left, file), await encodeValue(v.right, file)];
    case "Struct":
    case "Object": {
      const members: unknown[][] = [];
      for (const [name, x] of v.members) members.push([name, await encodeValue(x, file)]);
      return v.kind === "Struct" ? ["Struct", v.name, members] : ["Object", members];
    }
    case "Enum":
      return ["Enum", v.type.name, v.choice, await encodeValue(v.value, file)];
    default:
      return assertUnreachable(v);
  }
}

/** Thrown by `decodeValue` for data that is not an encoded value (a damaged entry). */
export class BadEncodingError extends Error {}

/** Decodes what `encodeValue` wrote, turning each file reference back into a path with `file`. */
export function decodeValue(x: unknown, file: (ref: unknown, kind: "File" | "Directory") => string): WdlValue {
  if (!Array.isArray(x) || typeof x[0] !== "string") throw new BadEncodingError("not an encoded value");
  const [kind, a, b] = x as [string, unknown, unknown];
  const list = (v: unknown): unknown[] => {
    if (!Array.isArray(v)) throw new BadEncodingError(`${kind}: not a list`);
    return v;
  };
  switch (kind) {
    case "None":
      return { kind: "None" };
    case "Boolean":
      return { kind: "Boolean", value: a === true };
    case "Int":
      return { kind: "Int", value: BigInt(String(a)) };
    case "Float":
      return { kind: "Float", value: Number(a) };
    case "String":
      return { kind: "String", value: String(a) };
    case "File":
    case "Directory":
      return { kind, value: file(a, kind) };
    case "Array":
      return { kind: "Array", items: list(a).map((i) => decodeValue(i, file)) };
    case "Map":
      return { kind: "Map", entries: list(a).map((e) => [decodeValue(list(e)[0], file), decodeValue(list(e)[1], file)] as const) };
    case "Pair":
      return { kind: "Pair", left: decodeValue(a, file), right: decodeValue(b, file) };
    case "Struct":
      return { kind: "Struct", name: String(a), members: new Map(list(b).map((m) => [String(list(m)[0]), decodeValue(list(m)[1], file)])) };
    case "Object":
      return { kind: "Object", members: new Map(list(a).map((m) => [String(list(m)[0]), decodeValue(list(m)[1], file)])) };
    case "Enum":
      // The choice's name: coercion to the output's declared enum type makes it the enum value again.
      return { kind: "String", value: String(b) };
    default:
      throw new BadEncodingError(`unknown value kind ${kind}`);
  }
}
