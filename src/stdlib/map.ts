/**
 * Standard library, "Map Functions": as_pairs, as_map (unique keys), keys
 * (of a Map, and in 1.2 of a struct or Object), contains_key (1.2, with the
 * nested key-path variant), values (1.2) and collect_by_key.
 */
import type { WdlType } from "../types/types.js";
import { keyString } from "../values/coerce.js";
import { ValueError } from "../values/errors.js";
import { describeValue } from "../values/format.js";
import type { MapValue, WdlValue } from "../values/value.js";
import { arrayArg, badArg, mapArg, R } from "./args.js";
import { fn, requireVersion, type StdlibFunction } from "./define.js";

function pairs(name: string, args: readonly WdlValue[]): { left: WdlValue; right: WdlValue }[] {
  const a = arrayArg(name, args, 0);
  return a.items.map((p, i) => {
    if (p.kind === "Pair") return p;
    throw new ValueError(`${name}: element ${i} must be a Pair, not ${describeValue(p)}`, "invalid-argument", p.kind === "None");
  });
}

function pairTypeOf(a: WdlValue): { left?: WdlType; right?: WdlType } {
  const t = a.kind === "Array" ? a.itemType : undefined;
  return t !== undefined && t.kind === "Pair" ? { left: t.left, right: t.right } : {};
}

function mapValue(entries: (readonly [WdlValue, WdlValue])[], keyType?: WdlType, valueType?: WdlType): MapValue {
  return { kind: "Map", entries, ...(keyType ? { keyType } : {}), ...(valueType ? { valueType } : {}) };
}

/** Whether a Map/Struct/Object has the key `k`, and the value under it. */
function member(collection: WdlValue, k: string): { found: boolean; value?: WdlValue } {
  switch (collection.kind) {
    case "Map":
      for (const [key, v] of collection.entries) {
        if ((key.kind === "String" || key.kind === "File") && key.value === k) return { found: true, value: v };
      }
      return { found: false };
    case "Struct":
    case "Object": {
      const v = collection.members.get(k);
      return v === undefined ? { found: false } : { found: true, value: v };
    }
    default:
      return { found: false };
  }
}

/** The functions of this chapter. */
export const MAP_FUNCTIONS: readonly StdlibFunction[] = [
  fn("as_pairs", "1.1", 1, (args) => {
    const m = mapArg("as_pairs", args, 0);
    const t = m.keyType && m.valueType ? ({ kind: "Pair", left: m.keyType, right: m.valueType, optional: false } as WdlType) : undefined;
    const items = m.entries.map(([k, v]) => ({ kind: "Pair", left: k, right: v }) as WdlValue);
    return t ? { kind: "Array", items, itemType: t } : { kind: "Array", items };
  }),
  fn("as_map", "1.1", 1, (args) => {
    const seen = new Set<string>();
    const entries = pairs("as_map", args).map((p, i) => {
      const ks = keyString(p.left);
      if (seen.has(ks)) {
        throw new ValueError(`as_map: the key ${describeValue(p.left)} appears more than once (element ${i})`, "duplicate-key");
      }
      seen.add(ks);
      return [p.left, p.right] as const;
    });
    const t = pairTypeOf(args[0]!);
    return mapValue(entries, t.left, t.right);
  }),
  fn("keys", "1.1", 1, (args, ctx) => {
    const v = args[0]!;
    if (v.kind === "Map") {
      const items = v.entries.map(([k]) => k);
      return v.keyType ? { kind: "Array", items, itemType: v.keyType } : { kind: "Array", items };
    }
    if (v.kind === "Struct" || v.kind === "Object") {
      requireVersion(ctx, "1.2", "keys of a struct or Object");
      return R.strings([...v.members.keys()]);
    }
    throw badArg("keys", 0, "a Map, struct or Object", v);
  }),
  fn("contains_key", "1.2", 2, (args) => {
    const collection = args[0]!;
    const key = args[1]!;
    if (key.kind === "Array") {
      let current: WdlValue | undefined = collection;
      for (let i = 0; i < key.items.length; i++) {
        const k = key.items[i]!;
        if (k.kind !== "String") throw new ValueError(`contains_key: element ${i} of the key path must be a String`, "invalid-argument");
        if (current === undefined) return R.bool(false);
        const m = member(current, k.value);
        if (!m.found) return R.bool(false);
        current = m.value;
      }
      return R.bool(true);
    }
    if (collection.kind === "Map") {
      const ks = keyString(key);
      return R.bool(collection.entries.some(([k]) => keyString(k) === ks));
    }
    if (collection.kind === "Struct" || collection.kind === "Object") {
      if (key.kind !== "String") throw badArg("contains_key", 1, "a String", key);
      return R.bool(collection.members.has(key.value));
    }
    throw badArg("contains_key", 0, "a Map, struct or Object", collection);
  }),
  fn("values", "1.2", 1, (args) => {
    const m = mapArg("values", args, 0);
    const items = m.entries.map(([, v]) => v);
    return m.valueType ? { kind: "Array", items, itemType: m.valueType } : { kind: "Array", items };
  }),
  fn("collect_by_key", "1.1", 1, (args) => {
    const groups = new Map<string, [WdlValue, WdlValue[]]>();
    for (const p of pairs("collect_by_key", args)) {
      const ks = keyString(p.left);
      const g = groups.get(ks);
      if (g) g[1].push(p.right);
      else groups.set(ks, [p.left, [p.right]]);
    }
    const t = pairTypeOf(args[0]!);
    const entries = [...groups.values()].map(
      ([k, vs]) => [k, (t.right ? { kind: "Array", items: vs, itemType: t.right } : { kind: "Array", items: vs }) as WdlValue] as const,
    );
    return mapValue(entries, t.left, t.right ? { kind: "Array", item: t.right, nonEmpty: false, optional: false } : undefined);
  }),
];
