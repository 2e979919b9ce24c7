/**
 * Why a call of a run was or was not served from the call cache
 * (`wdlrun cache explain RUN_DIR CALL`): reads the call's `cache.json` and,
 * for a miss, compares its key part by part with the entries of the same
 * task in the cache folder, nearest first (same call id, then the fewest
 * differing parts, then the newest).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { CACHE_RECORD, type AttemptCacheRecord } from "./call-cache.js";
import { diffKeys } from "./key.js";
import type { CallStore, FoundEntry } from "./store.js";

/** What `explain` found: lines for the user, or a problem with the question (exit code 2). */
export type Explanation = { readonly kind: "explained"; readonly lines: readonly string[] } | { readonly kind: "bad-call"; readonly message: string };

/** Explains what the cache did for `call` (a call id `call-a-0001`, a path `call-sub/call-a`, or either without `call-`) in `runDir`. */
export async function explainCall(store: CallStore, runDir: string, call: string): Promise<Explanation> {
  const callDir = await findCallDir(runDir, call);
  if (callDir === undefined) return { kind: "bad-call", message: `${runDir} has no call ${call}${await callsHint(runDir)}` };
  const rec = await lastRecord(callDir);
  if (rec === undefined) return { kind: "explained", lines: [`${call}: the run did not use the call cache for it (no ${CACHE_RECORD}: run with --cache)`] };
  switch (rec.result) {
    case "hit":
      return { kind: "explained", lines: [`${rec.callId}: hit: the result of ${rec.origin} (entry ${rec.entry ?? "?"})`] };
    case "off":
      return { kind: "explained", lines: [`${rec.callId}: not cached: ${rec.reason ?? "?"}`] };
    case "miss":
      return { kind: "explained", lines: await explainMiss(store, rec, runDir) };
  }
}

async function explainMiss(store: CallStore, rec: AttemptCacheRecord, runDir: string): Promise<string[]> {
  const key = rec.key;
  const head = `${rec.callId}: miss (task ${rec.task}, key ${key?.hash.slice(0, 12) ?? "?"})`;
  if (!key) return [head];
  const entries = (await store.list()).filter((e) => e.entry.task === rec.task);
  const lines = [head];
  const same = entries.find((e) => e.entry.key === key.hash);
  if (same) {
    const byThisRun = same.entry.origin.startsWith(runDir + path.sep);
    lines.push(`  the cache now holds an entry with this key: ${byThisRun ? "this run stored it" : `stored from ${same.entry.origin}`}`);
  }
  const ranked = entries
    .filter((e) => e.entry.key !== key.hash)
    .map((e) => ({ e, diffs: diffKeys(e.entry, key) }))
    .sort((a, b) => rank(a, rec) - rank(b, rec) || a.diffs.length - b.diffs.length || b.e.entry.created.localeCompare(a.e.entry.created));
  const best = ranked[0];
  if (!best) {
    if (!same) lines.push(`  no entry of task ${rec.task} in ${store.dir}: it never ran with the cache on here, or its entries were removed`);
    return lines;
  }
  lines.push(`  nearest entry: ${best.e.entry.callId} from ${best.e.entry.origin} (stored ${best.e.entry.created}); what changed since:`);
  for (const d of best.diffs) lines.push(`    ${d.message}`);
  return lines;
}

/** 0 for an entry of the same call id, 1 otherwise. */
function rank(x: { e: FoundEntry }, rec: AttemptCacheRecord): number {
  return x.e.entry.callId === rec.callId ? 0 : 1;
}

/** The call's directory: CALL as a path or call id, with or without the `call-` prefix of each part. */
async function findCallDir(runDir: string, call: string): Promise<string | undefined> {
  const parts = call.split(/[./]/).filter((p) => p !== "");
  if (parts.length === 0) return undefined;
  for (const prefixed of [parts, parts.map((p) => (p.startsWith("call-") ? p : `call-${p}`))]) {
    const dir = path.join(runDir, ...prefixed);
    if (path.relative(runDir, dir).startsWith("..")) return undefined;
    if (await isDir(dir)) return dir;
  }
  return undefined;
}

/** The record of the call's last attempt that has one. */
async function lastRecord(callDir: string): Promise<AttemptCacheRecord | undefined> {
  const attempts = (await readdir(callDir).catch(() => [] as string[]))
    .map((n) => /^attempt-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
  for (const n of attempts) {
    try {
      return JSON.parse(await readFile(path.join(callDir, `attempt-${n}`, CACHE_RECORD), "utf8")) as AttemptCacheRecord;
    } catch {
      // This attempt has no record; an earlier one may.
    }
  }
  return undefined;
}

/** ` (calls: call-a, call-b-0000, …)`, or a note that the run directory is not one. */
async function callsHint(runDir: string): Promise<string> {
  const names = await readdir(runDir).catch(() => undefined);
  if (names === undefined) return ` (no such run directory)`;
  const calls = names.filter((n) => n.startsWith("call-")).sort();
  if (calls.length === 0) return " (it has no call directories)";
  return ` (calls: ${calls.slice(0, 8).join(", ")}${calls.length > 8 ? ", …" : ""})`;
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}
