/**
 * Walking the File and Directory paths inside a value: collecting them
 * (for the backend's input layout) and rewriting them asynchronously with
 * knowledge of whether each sits at an optional type (task outputs: a
 * missing optional file becomes None).
 */
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { WdlType } from "../types/types.js";
import { NONE, type ObjectValue, type StructValue, type WdlValue } from "../values/value.js";

/** Every File/Directory path in `v`, in order, with its kind. */
export function collectPaths(v: WdlValue, out: { path: string; directory: boolean }[] = []): { path: string; directory: boolean }[] {
  switch (v.kind) {
    case "File":
    case "Directory":
      out.push({ path: v.value, directory: v.kind === "Directory" });
      break;
    case "Array":
      for (const x of v.items) collectPaths(x, out);
      break;
    case "Map":
      for (const [k, x] of v.entries) {
        collectPaths(k, out);
        collectPaths(x, out);
      }
      break;
    case "Pair":
      collectPaths(v.left, out);
      collectPaths(v.right, out);
      break;
    case "Struct":
    case "Object":
      for (const x of v.members.values()) collectPaths(x, out);
      break;
    case "None":
    case "Enum":
    case "Boolean":
    case "Int":
    case "Float":
    case "String":
      break;
    default:
      return assertUnreachable(v);
  }
  return out;
}

/** Rewrites a path; returns undefined when the path does not exist. */
export type PathMapper = (path: string, kind: "File" | "Directory") => Promise<string | undefined>;

/** Thrown by `mapPaths` when a non-optional path does not exist. */
export class MissingPathError extends Error {
  constructor(
    readonly path: string,
    readonly kind: "File" | "Directory",
  ) {
    super(`${kind === "File" ? "file" : "directory"} not found: ${path}`);
    this.name = "MissingPathError";
  }
}

/**
 * Rewrites every File/Directory path in `v` (of static type `type`) through
 * `f`. A path `f` reports missing becomes None where the type is optional
 * and raises MissingPathError elsewhere.
 */
export async function mapPaths(v: WdlValue, type: WdlType, f: PathMapper): Promise<WdlValue> {
  switch (v.kind) {
    case "File":
    case "Directory": {
      const mapped = await f(v.value, v.kind);
      if (mapped === undefined) {
        if (type.optional || type.kind === "Any") return NONE;
        throw new MissingPathError(v.value, v.kind);
      }
      return mapped === v.value ? v : { kind: v.kind, value: mapped };
    }
    case "Array": {
      const item = type.kind === "Array" ? type.item : type;
      const items: WdlValue[] = [];
      for (const x of v.items) items.push(await mapPaths(x, item, f));
      return { ...v, items };
    }
    case "Map": {
      const entries: [WdlValue, WdlValue][] = [];
      for (const [k, x] of v.entries)
        entries.push([await mapPaths(k, type.kind === "Map" ? type.key : type, f), await mapPaths(x, type.kind === "Map" ? type.value : type, f)]);
      return { ...v, entries };
    }
    case "Pair":
      return {
        kind: "Pair",
        left: await mapPaths(v.left, type.kind === "Pair" ? type.left : type, f),
        right: await mapPaths(v.right, type.kind === "Pair" ? type.right : type, f),
      };
    case "Struct":
    case "Object": {
      const members = new Map<string, WdlValue>();
      for (const [name, x] of v.members) members.set(name, await mapPaths(x, memberType(type, name, ANY_OPTIONAL), f));
      return { ...v, members };
    }
    case "None":
    case "Enum":
    case "Boolean":
    case "Int":
    case "Float":
    case "String":
      return v;
    default:
      return assertUnreachable(v);
  }
}

/** Makes relative local File/Directory paths in `v` absolute against `baseDir` (URLs and absolute paths are kept). */
export function absolutizePaths(v: WdlValue, baseDir: string): WdlValue {
  return rewritePaths(v, (p) => {
    if (p.startsWith("/") || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(p)) return p;
    return p === "" ? p : `${baseDir}/${p}`.replace(/\/\.\//g, "/");
  });
}

/** `v` with every File/Directory path replaced by `f(path)` (synchronously); parts without paths are kept as they are. */
export function rewritePaths(v: WdlValue, f: (path: string) => string): WdlValue {
  switch (v.kind) {
    case "File":
    case "Directory": {
      const p = f(v.value);
      return p === v.value ? v : { kind: v.kind, value: p };
    }
    case "Array": {
      let changed = false;
      const items = v.items.map((x) => {
        const y = rewritePaths(x, f);
        if (y !== x) changed = true;
        return y;
      });
      return changed ? { ...v, items } : v;
    }
    case "Map":
      return { ...v, entries: v.entries.map(([k, x]) => [rewritePaths(k, f), rewritePaths(x, f)] as const) };
    case "Pair":
      return { kind: "Pair", left: rewritePaths(v.left, f), right: rewritePaths(v.right, f) };
    case "Struct":
    case "Object":
      return mapMembers(v, (x) => rewritePaths(x, f));
    case "None":
    case "Enum":
    case "Boolean":
    case "Int":
    case "Float":
    case "String":
      return v;
    default:
      return assertUnreachable(v);
  }
}

const ANY_OPTIONAL: WdlType = { kind: "Any", optional: true };

/** The static type of member `name` of a value of type `type`: the struct's member type, else `fallback`. */
export function memberType(type: WdlType, name: string, fallback: WdlType): WdlType {
  return type.kind === "Struct" ? (type.members.get(name) ?? type) : fallback;
}

/** `v` with each member replaced by `f(member, name)`, in order. */
export function mapMembers<V extends StructValue | ObjectValue>(v: V, f: (member: WdlValue, name: string) => WdlValue): V {
  const members = new Map<string, WdlValue>();
  for (const [name, x] of v.members) members.set(name, f(x, name));
  return { ...v, members };
}
