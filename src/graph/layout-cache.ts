/**
 * Laid-out graphs kept between processes: ELK's answer for the graph it was
 * given, as `<cache root>/layouts/<key>.json` (../config/cache-root.ts), the
 * key a SHA-256 of the graph and ELK's version. A layout is a function of
 * that graph alone, so a workflow laid out before (the same document run
 * again, its picture drawn again) needs no ELK at all: no thread started, no
 * ELK loaded (~0.1-0.2 s of CPU, which a short run on a small machine
 * waits for). Only ever an optimisation: a cache that cannot be read or
 * written is passed over. At most MAX_LAYOUTS are kept, the oldest removed.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import type { ElkNode } from "elkjs/lib/elk-api.js";
import { cacheRoot } from "../config/cache-root.js";
import { elkVersion, writeAtomicQuietly } from "./elk-load.js";

/** How many layouts the cache keeps. */
export const MAX_LAYOUTS = 500;

function layoutDir(): string {
  return path.join(cacheRoot(), "layouts");
}

/** The cache key of an ELK graph. */
export function layoutKey(graph: ElkNode): string {
  return createHash("sha256").update(`elkjs ${elkVersion()}\n`).update(JSON.stringify(graph)).digest("hex");
}

/** ELK's answer for the graph of `key`, when a run before kept it. */
export function cachedLayout(key: string): ElkNode | undefined {
  try {
    return JSON.parse(readFileSync(path.join(layoutDir(), `${key}.json`), "utf8")) as ElkNode;
  } catch {
    return undefined;
  }
}

/** Keeps ELK's answer for the graph of `key` (then drops the oldest layouts beyond MAX_LAYOUTS). */
export function storeLayout(key: string, laidOut: ElkNode): void {
  const dir = layoutDir();
  writeAtomicQuietly(path.join(dir, `${key}.json`), JSON.stringify(laidOut));
  try {
    const names = readdirSync(dir).filter((n) => n.endsWith(".json"));
    if (names.length <= MAX_LAYOUTS) return;
    const byAge = names.map((n) => ({ n, t: statSync(path.join(dir, n)).mtimeMs })).sort((a, b) => a.t - b.t);
    for (const { n } of byAge.slice(0, names.length - MAX_LAYOUTS)) rmSync(path.join(dir, n), { force: true });
  } catch {
    // Pruning is best effort.
  }
}
