/**
 * Canonical text of plain data, for hashing: object keys sorted, source
 * positions (`span`, `uriSpan`, …) dropped, bigints and Maps spelled out, so
 * that two ASTs of the same task written with different layout or comments
 * give the same text. Also the hash function every part of the call cache
 * uses (SHA-256, hex).
 */
import { createHash } from "node:crypto";

/** `sha256:<hex>` of a text or bytes. */
export function sha256(data: string | Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** A key of an AST node that holds where it was written, not what it means. */
function isPosition(key: string): boolean {
  return key === "span" || key.endsWith("Span") || key === "uri";
}

/**
 * The canonical JSON text of `x`: plain objects with sorted keys (positions
 * and undefined members left out), arrays in order, bigints as `{"$int":"…"}`,
 * Maps as `{"$map":[[k, v], …]}`, non-finite numbers as strings. Functions
 * and symbols are left out. Throws on a cycle.
 */
export function canonicalJson(x: unknown): string {
  const seen = new Set<object>();
  const walk = (v: unknown): unknown => {
    switch (typeof v) {
      case "bigint":
        return { $int: v.toString() };
      case "number":
        return Number.isFinite(v) ? v : { $float: String(v) };
      case "string":
      case "boolean":
        return v;
      case "undefined":
      case "function":
      case "symbol":
        return undefined;
      case "object":
        break;
    }
    if (v === null) return null;
    const o = v as object;
    if (seen.has(o)) throw new Error("canonicalJson: a cycle");
    seen.add(o);
    let out: unknown;
    if (Array.isArray(o)) out = o.map((item) => walk(item) ?? null);
    else if (o instanceof Map) out = { $map: [...o].map(([k, item]) => [walk(k), walk(item) ?? null]) };
    else {
      const rec: Record<string, unknown> = {};
      for (const k of Object.keys(o).sort()) {
        if (isPosition(k)) continue;
        const item = walk((o as Record<string, unknown>)[k]);
        if (item !== undefined) rec[k] = item;
      }
      out = rec;
    }
    seen.delete(o);
    return out;
  };
  return JSON.stringify(walk(x));
}
